import Foundation
import Testing
@testable import HealthCardFoundation
@testable import HealthCardTestSupport
@testable import PersonalHealthCode


/// A generated log whose answers are computed a second time by brute force over the generated
/// passages (the oracle), plus hand-placed companions with counts known in advance.
@Suite("PassLog: append-only SQLite, queries, exports and analyses with known answers")
struct PassLogTests {
    /// 2026-03-01T00:00:00+08:00.
    static let start = Date(timeIntervalSince1970: 1_772_294_400)
    static let days = 20
    static let now = start.addingTimeInterval(Double(days) * 86_400)

    static func citizen(_ sequence: Int) -> PersonID {
        let body = "46010519900101" + String(format: "%03d", sequence)
        return try! PersonID(citizenID: body + String(CitizenID.checkCharacter(forBody: body)!))
    }

    static let sites: [CheckpointSite] = [
        try! CheckpointSite(id: "G1", name: "East gate", area: "460105", department: "Security"),
        try! CheckpointSite(id: "G2", name: "Ward \"B\", north", area: "460106", department: "Security"),
        try! CheckpointSite(id: "R7", name: "Road 7", area: "460106", department: "Traffic"),
    ]
    static let people = (0..<30).map { PassHolder.person(citizen($0)) }
    /// The person of interest, and their hand-placed companions.
    static let target = people[0]
    static let twin = people[1]
    static let sometimes = people[2]

    struct Generated {
        var passages: [Passage] = []
        /// The id each passage got, in order.
        var ids: [Int64] = []
    }

    static func decision(_ holder: PassHolder?, deny: Bool, temperature: Double) -> CheckpointDecision {
        CheckpointDecision(
            reasons: deny ? [.fever(celsius: temperature, limit: 37.3)] : [],
            credential: holder == nil ? .unreadable : .idNumber,
            holder: holder, colour: holder == nil ? nil : .green, temperature: temperature)
    }

    /// ~2000 random passages (seeded) by people 3..29 and anonymous ones, and the target's visits with
    /// the twin (always 2 minutes later at the same gate) and `sometimes` (every third visit, 9 minutes
    /// later; otherwise 11 minutes later, outside a 10-minute window, or at another gate).
    static func generate(into log: PassLog) throws -> Generated {
        var generator = SplitMix64(seed: 0x5041_5353_4C4F_4721)
        var passages: [Passage] = []
        for _ in 0..<2000 {
            let holder: PassHolder? =
                Int.random(in: 0..<10, using: &generator) == 0 ? nil : people[Int.random(in: 3..<30, using: &generator)]
            let temperature = Double(Int.random(in: 360...385, using: &generator)) / 10
            passages.append(
                Passage(
                    time: start.addingTimeInterval(Double(Int.random(in: 0..<(days * 86_400), using: &generator))),
                    checkpoint: sites[Int.random(in: 0..<3, using: &generator)],
                    direction: Bool.random(using: &generator) ? .entering : .leaving,
                    decision: decision(holder, deny: temperature >= 37.3, temperature: temperature),
                    plate: Int.random(in: 0..<4, using: &generator) == 0 ? "琼A·12345" : nil))
        }
        for visit in 0..<days {
            let site = sites[visit % 2]
            let time = start.addingTimeInterval(Double(visit) * 86_400 + 3 * 3600 + Double(visit) * 60)
            passages.append(
                Passage(
                    time: time, checkpoint: site, direction: .entering,
                    decision: decision(target, deny: false, temperature: 36.5)))
            passages.append(
                Passage(
                    time: time.addingTimeInterval(120), checkpoint: site, direction: .entering,
                    decision: decision(twin, deny: false, temperature: 36.6)))
            let late = visit % 3 == 0 ? 9.0 * 60 : 11.0 * 60
            passages.append(
                Passage(
                    time: time.addingTimeInterval(late), checkpoint: visit % 3 == 1 ? sites[2] : site,
                    direction: .leaving, decision: decision(sometimes, deny: true, temperature: 37.9)))
        }
        // Written in shuffled order: ids must not be what makes the results come out sorted.
        passages.shuffle(using: &generator)
        var generated = Generated()
        for chunk in stride(from: 0, to: passages.count, by: 500) {
            let slice = passages[chunk..<min(chunk + 500, passages.count)]
            generated.ids += try log.append(contentsOf: slice)
        }
        generated.passages = passages
        return generated
    }

    /// The oracle: the generated passages matching `filter`, as (id, passage), in time then id order.
    static func expected(_ generated: Generated, _ filter: PassLogFilter) -> [(Int64, Passage)] {
        zip(generated.ids, generated.passages).filter { _, passage in
            let seconds = passage.time.timeIntervalSince1970
            return (filter.from.map { seconds >= $0.timeIntervalSince1970 } ?? true)
                && (filter.to.map { seconds < $0.timeIntervalSince1970 } ?? true)
                && (filter.checkpoint.map { passage.checkpoint.id == $0 } ?? true)
                && (filter.department.map { passage.checkpoint.department == $0 } ?? true)
                && (filter.area.map { passage.checkpoint.area == $0 } ?? true)
                && (filter.holder.map { passage.decision.holder == $0 } ?? true)
                && (filter.outcome.map { passage.decision.outcome == $0 } ?? true)
                && (filter.direction.map { passage.direction == $0 } ?? true)
        }.sorted { ($0.1.time, $0.0) < ($1.1.time, $1.0) }
    }

    static func temporaryLog() throws -> (PassLog, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passlog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (try PassLog(path: directory.appendingPathComponent("pass.db").path), directory)
    }

    @Test("queries by time, checkpoint, department, area, person, decision and direction return the oracle's rows")
    func queries() throws {
        let (log, directory) = try Self.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try Self.generate(into: log)
        #expect(try log.count() == generated.passages.count)
        let day = Self.start.addingTimeInterval(5 * 86_400)
        let filters = [
            PassLogFilter(),
            PassLogFilter(from: day, to: day.addingTimeInterval(86_400), checkpoint: "G1"),
            PassLogFilter(from: day, to: day.addingTimeInterval(3 * 86_400), department: "Security"),
            PassLogFilter(area: "460106", outcome: .deny),
            PassLogFilter(holder: Self.people[7]),
            PassLogFilter(checkpoint: "R7", direction: .leaving),
            PassLogFilter(from: Self.now, to: Self.now.addingTimeInterval(86_400)),
        ]
        for filter in filters {
            let expected = Self.expected(generated, filter)
            let records = try log.records(matching: filter)
            #expect(records.map(\.id) == expected.map(\.0), "\(filter)")
            #expect(records.map(\.holder) == expected.map(\.1.decision.holder), "\(filter)")
            #expect(records.map(\.plate) == expected.map(\.1.plate), "\(filter)")
        }
        #expect(
            try log.records(matching: PassLogFilter(), limit: 10).map(\.id)
                == Self.expected(generated, PassLogFilter()).prefix(10).map(\.0))
        // The last filter is empty on purpose: a query that can come back empty must.
        #expect(try log.records(matching: filters.last!).isEmpty)
    }

    @Test("counts per hour and per checkpoint match the oracle")
    func counts() throws {
        let (log, directory) = try Self.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try Self.generate(into: log)
        let filter = PassLogFilter(department: "Security")
        let matching = Self.expected(generated, filter).map(\.1)
        var hours: [Int: (Int, Int)] = [:]
        var checkpoints: [String: (Int, Int)] = [:]
        for passage in matching {
            let hour = Int(passage.time.timeIntervalSince1970) / 3600 * 3600
            let pass = passage.decision.passes ? 1 : 0
            hours[hour, default: (0, 0)].0 += pass
            hours[hour, default: (0, 0)].1 += 1 - pass
            checkpoints[passage.checkpoint.id, default: (0, 0)].0 += pass
            checkpoints[passage.checkpoint.id, default: (0, 0)].1 += 1 - pass
        }
        let perHour = try log.countsPerHour(matching: filter)
        #expect(perHour.map { Int($0.hour.timeIntervalSince1970) } == hours.keys.sorted())
        #expect(perHour.map { [$0.passed, $0.denied] } == hours.keys.sorted().map { [hours[$0]!.0, hours[$0]!.1] })
        #expect(perHour.map(\.total).reduce(0, +) == matching.count)
        let perCheckpoint = try log.countsPerCheckpoint(matching: filter)
        #expect(perCheckpoint.map(\.checkpoint) == ["G1", "G2"])
        #expect(
            perCheckpoint.map { [$0.passed, $0.denied] }
                == ["G1", "G2"].map { [checkpoints[$0]!.0, checkpoints[$0]!.1] })
        #expect(perCheckpoint[1].name == "Ward \"B\", north")
    }

    @Test("trajectory: the target's 14 days, in order; companions: the twin 14 times, 'sometimes' 5 times")
    func analyses() throws {
        let (log, directory) = try Self.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try Self.generate(into: log)
        let trajectory = try log.trajectory(of: Self.target, now: Self.now)
        // Visits 6...19 fall in [now − 14 d, now]; visit v is at day v, 03:00 + v minutes.
        #expect(trajectory.count == 14)
        #expect(trajectory.map(\.checkpoint.id) == (6..<20).map { Self.sites[$0 % 2].id })
        #expect(
            trajectory.map(\.time)
                == (6..<20).map {
                    Self.start.addingTimeInterval(Double($0) * 86_400 + 3 * 3600 + Double($0) * 60)
                })
        #expect(try log.trajectory(of: Self.target, days: 3, now: Self.now).count == 3)

        let companions = try log.companions(of: Self.target, minutes: 10, now: Self.now)
        // Hand-placed: the twin at every one of the 14 visits; 'sometimes' at visits v ≡ 0 (mod 3):
        // 6, 9, 12, 15, 18 → 5. Random passers-by are checked against the brute-force oracle.
        #expect(companions.first?.holder == Self.twin && companions.first?.encounters == 14)
        #expect(companions.first(where: { $0.holder == Self.sometimes })?.encounters == 5)
        #expect(companions == Self.oracleCompanions(generated, minutes: 10, days: 14))
        #expect(
            try log.companions(of: Self.target, minutes: 8, now: Self.now).first { $0.holder == Self.sometimes } == nil)
    }

    static func oracleCompanions(_ generated: Generated, minutes: Int, days: Int) -> [Companion] {
        let end = now.timeIntervalSince1970
        let mine = zip(generated.ids, generated.passages).filter {
            $0.1.decision.holder == target && $0.1.time.timeIntervalSince1970 >= end - Double(days) * 86_400
                && $0.1.time.timeIntervalSince1970 <= end
        }
        var met: [PassHolder: (visits: Set<Int64>, checkpoints: Set<String>, times: [Double])] = [:]
        for (id, visit) in mine {
            for other in generated.passages {
                guard let holder = other.decision.holder, holder != target, other.checkpoint.id == visit.checkpoint.id,
                    abs(other.time.timeIntervalSince(visit.time)) <= Double(minutes * 60)
                else { continue }
                met[holder, default: ([], [], [])].visits.insert(id)
                met[holder, default: ([], [], [])].checkpoints.insert(other.checkpoint.id)
                met[holder, default: ([], [], [])].times.append(other.time.timeIntervalSince1970)
            }
        }
        return met.map { holder, value in
            Companion(
                holder: holder, encounters: value.visits.count, checkpoints: value.checkpoints.sorted(),
                first: Date(timeIntervalSince1970: value.times.min()!),
                last: Date(timeIntervalSince1970: value.times.max()!))
        }.sorted { ($0.encounters, $1.holder) > ($1.encounters, $0.holder) }
    }

    @Test("frequency: visits per person per checkpoint, most first, as the oracle counts them")
    func frequency() throws {
        let (log, directory) = try Self.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try Self.generate(into: log)
        let filter = PassLogFilter(outcome: .pass, direction: .entering)
        var visits: [String: [Double]] = [:]
        for (_, passage) in Self.expected(generated, filter) {
            guard let holder = passage.decision.holder else { continue }
            visits[holder.storedValue + "|" + passage.checkpoint.id, default: []].append(
                passage.time.timeIntervalSince1970)
        }
        let expected = visits.map { key, times in
            let parts = key.split(separator: "|").map(String.init)
            return PassFrequency(
                holder: try! PassHolder(parts[0]), checkpoint: parts[1], visits: times.count,
                first: Date(timeIntervalSince1970: times.min()!), last: Date(timeIntervalSince1970: times.max()!))
        }.filter { $0.visits >= 3 }.sorted {
            ($0.visits, $1.holder, $1.checkpoint) > ($1.visits, $0.holder, $0.checkpoint)
        }
        let table = try log.frequency(matching: filter, minimumVisits: 3, limit: 10_000)
        #expect(table == expected)
        // By construction: the target entered G1 and G2 on alternate days, 10 times each; 'sometimes'
        // was always denied and leaving, so never counts.
        #expect(
            table.filter { $0.holder == Self.target }.map { "\($0.checkpoint):\($0.visits)" }.sorted() == [
                "G1:10", "G2:10",
            ])
        #expect(!table.contains { $0.holder == Self.sometimes })
    }

    @Test("CSV (RFC 4180) and JSON exports stream every matching row, masked unless asked")
    func exports() throws {
        let (log, directory) = try Self.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try Self.generate(into: log)
        let filter = PassLogFilter(checkpoint: "G2")
        let expected = Self.expected(generated, filter)
        var chunks: [String] = []
        let written = try PassLogExport.write(log, matching: filter, format: .csv) { chunks.append($0) }
        #expect(written == expected.count)
        #expect(chunks.count > 1)  // streamed in 64 KiB pieces, not one string
        let csv = chunks.joined()
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines.first == PassLogExport.columns.joined(separator: ","))
        #expect(lines.count == expected.count + 2 && lines.last == "")
        let (id, passage) = try #require(expected.first { $0.1.decision.holder != nil })
        let line = try #require(lines.first { $0.hasPrefix("\(id),") })
        #expect(line.contains(",G2,\"Ward \"\"B\"\", north\",460106,Security,"))
        let holder = try #require(passage.decision.holder)
        #expect(line.contains(holder.masked) && !line.contains(holder.storedValue))
        #expect(holder.masked.hasPrefix("460105********"))

        var json = ""
        try PassLogExport.write(log, matching: filter, format: .json, fullIDs: true) { json += $0 }
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(objects.count == expected.count)
        #expect(objects.compactMap { $0["id"] as? Int64 } == expected.map(\.0))
        #expect(objects.map { $0["person"] as? String } == expected.map { $0.1.decision.holder?.storedValue })
        #expect(objects.first?["checkpointName"] as? String == "Ward \"B\", north")
        var empty = ""
        try PassLogExport.write(log, matching: PassLogFilter(checkpoint: "none"), format: .json) { empty += $0 }
        #expect(empty == "[]\n")
    }

    @Test("append-only: UPDATE and DELETE through sqlite3 are refused by the triggers; the file stays sound")
    func appendOnly() async throws {
        let (log, directory) = try Self.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Self.generate(into: log)
        let before = try log.records(matching: PassLogFilter(), limit: 5)
        for sql in [
            "UPDATE passage SET decision = 'pass', reasons = '', detail = ''", "DELETE FROM passage WHERE id = 1",
        ] {
            let refused = try await SQLiteCommand.run(URL(fileURLWithPath: log.path), sql)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("the pass log is append-only"), "\(refused.stderr)")
        }
        #expect(try log.records(matching: PassLogFilter(), limit: 5) == before)
        #expect(try log.count() == 2060)
        #expect(try log.integrityCheck() == ["ok"])
    }

    @Test("query plans: one checkpoint-day and a trajectory are index range searches, sorted by the index")
    func queryPlans() throws {
        let (log, directory) = try Self.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Self.generate(into: log)
        let day = PassLogFilter(from: Self.start, to: Self.start.addingTimeInterval(86_400), checkpoint: "G1")
        let dayPlan = try log.queryPlan(forRecordsMatching: day)
        #expect(dayPlan == ["SEARCH passage USING INDEX passage_checkpoint_time (checkpoint=? AND time>? AND time<?)"])
        let trajectoryPlan = try log.queryPlan(forTrajectoryOf: Self.target, days: 14, now: Self.now)
        #expect(trajectoryPlan == ["SEARCH passage USING INDEX passage_person_time (person=? AND time>? AND time<?)"])
        let companionPlan = try log.queryPlan(forCompanionsOf: Self.target, minutes: 10, days: 14, now: Self.now)
        #expect(companionPlan.contains { $0.contains("USING INDEX passage_person_time (person=?") }, "\(companionPlan)")
        #expect(
            companionPlan.contains { $0.contains("USING INDEX passage_checkpoint_time (checkpoint=?") },
            "\(companionPlan)")
        #expect(
            !companionPlan.contains { $0.hasPrefix("SCAN passage") || $0.hasPrefix("SCAN other") }, "\(companionPlan)")
        let dailyPlan = try log.queryPlan(
            forRecordsMatching: PassLogFilter(
                from: Self.start, to: Self.start.addingTimeInterval(86_400), department: "Traffic"))
        #expect(dailyPlan == ["SEARCH passage USING INDEX passage_time (time>? AND time<?)"])
    }
}
