import Foundation
import HealthCardCore

/// Issue 7 item 6 and issue 21 item 3: the pass log at 10 million passages, built once and queried
/// the way a station's operators query it.
///
/// The log is seeded and shaped like a hospital's gates over months: 120 days; 10 departments of 10
/// gates each, the first gate of each department (its main door) taking the most traffic (gate
/// weights 1, 1/2, … 1/10 within a department); 500 000 people with valid citizen IDs. Each visit
/// is an entry between 06:00 and 20:00 and an exit 5 minutes to 4 hours later at a gate of the
/// same department; 1 in 100 exits is never recorded (tailgating, a broken reader), so some people
/// stay "inside" in the log; 1 in 10 entries is denied (fever) and has no exit; 1 in 20 passages has
/// no holder (an unreadable scan). Passages are appended in time order, as a real log grows.
///
/// Reported: the load rate; one durable transaction per passage on the full log; p50/p95 of a
/// random checkpoint's day and of the busiest checkpoint's days (every row read through the
/// streaming cursor into ``PassRecord``s), each with its anchor, the same index range counted in
/// SQLite (`countsPerCheckpoint` over the same filter: the same table rows, no Swift decoding), as
/// a ratio; "inside now" (whole site and one department); a 14-day trajectory; the file size.
/// `HCK_PASSLOG_ROWS` shrinks the log for a smoke run (fewer days at the same density);
/// `HCK_BENCH_DIR` chooses the disk (default: the temporary directory).
///
/// Wall-clock figures on whatever machine runs them (STYLE §9): compare on one machine.
enum PassLogBenchmarks {
    static let fullRows = 10_000_000
    static let fullDays = 120
    static let departments = 10
    static let gatesPerDepartment = 10
    static let peopleCount = 500_000
    static let start = Date(timeIntervalSince1970: 1_772_294_400)  // 2026-03-01T00:00:00+08:00

    static func percentile(_ values: [Duration], _ p: Double) -> Duration {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    static func run() async throws {
        let rows = ProcessInfo.processInfo.environment["HCK_PASSLOG_ROWS"].flatMap(Int.init) ?? fullRows
        // The same passages per day as the full log: a smoke run is a shorter period, not a thinner one.
        let days = max(1, Int((Double(fullDays) * Double(rows) / Double(fullRows)).rounded()))
        let base =
            ProcessInfo.processInfo.environment["HCK_BENCH_DIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
        let directory = base.appendingPathComponent("hck-passlog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("pass.db").path
        let log = try PassLog(path: path)

        let sites = try (0..<departments * gatesPerDepartment).map {
            try CheckpointSite(
                id: "CP\($0)", name: "Gate \($0 % gatesPerDepartment) of D\($0 / gatesPerDepartment)",
                area: String(460_100 + $0 / gatesPerDepartment), department: "D\($0 / gatesPerDepartment)")
        }
        // Cumulative gate weights within a department: 1, 1/2, … 1/10.
        let weights = (1...gatesPerDepartment).map { 1.0 / Double($0) }
        let cumulative = weights.indices.map { weights[...$0].reduce(0, +) / weights.reduce(0, +) }
        let people = (0..<peopleCount).map { index -> PassHolder in
            // Unique: the birth date counts thousands, the sequence number the rest.
            let day = index / 1000
            let body = String(
                format: "4601%02d%04d%02d%02d%03d", index % 7, 1950 + day / 336, 1 + day % 336 / 28, 1 + day % 28,
                index % 1000)
            return .person(try! PersonID(citizenID: body + String(CitizenID.checkCharacter(forBody: body)!)))
        }
        var generator = SeededGenerator(seed: 0x7061_7373_6C6F_6721)
        func unit() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
        func gate(in department: Int) -> CheckpointSite {
            let draw = unit()
            return sites[department * gatesPerDepartment + (cumulative.firstIndex { draw <= $0 } ?? 0)]
        }
        func passage(_ time: Int, _ site: CheckpointSite, _ direction: PassDirection, _ holder: PassHolder?, deny: Bool)
            -> Passage
        {
            let temperature = deny ? 37.8 : 36.5
            return Passage(
                time: start.addingTimeInterval(TimeInterval(time)), checkpoint: site, direction: direction,
                decision: CheckpointDecision(
                    reasons: deny ? [.fever(celsius: temperature, limit: 37.3)] : [],
                    credential: holder == nil ? .unreadable : .healthCode, holder: holder,
                    colour: holder == nil ? nil : .green, temperature: temperature))
        }
        /// One day's passages in time order: visits until the day's share of `rows` is reached.
        func day(_ index: Int, passages target: Int) -> [Passage] {
            var timed: [(Int, Passage)] = []
            timed.reserveCapacity(target + 2)
            let midnight = index * 86_400
            while timed.count < target {
                let department = generator.int(below: departments)
                let holder: PassHolder? = generator.next() % 20 == 0 ? nil : people[generator.int(below: peopleCount)]
                let entered = midnight + 6 * 3600 + generator.int(below: 14 * 3600)
                let deny = generator.next() % 10 == 0
                timed.append((entered, passage(entered, gate(in: department), .entering, holder, deny: deny)))
                if !deny, generator.next() % 100 != 0 {
                    let left = entered + 300 + generator.int(below: 4 * 3600 - 300)
                    timed.append((left, passage(left, gate(in: department), .leaving, holder, deny: false)))
                }
            }
            return timed.sorted { $0.0 < $1.0 }.map(\.1)
        }

        print(
            "\n(\(rows) passages over \(days) days, \(sites.count) checkpoints in \(departments) departments, "
                + "\(peopleCount) people; \(base.path))")
        let clock = ContinuousClock()
        let loadStart = clock.now
        var loaded = 0
        for index in 0..<days {
            let target = (rows * (index + 1)) / days - loaded
            let passages = day(index, passages: target)
            for chunk in stride(from: 0, to: passages.count, by: 10_000) {
                try log.append(contentsOf: passages[chunk..<min(chunk + 10_000, passages.count)])
            }
            let before = loaded
            loaded += passages.count
            if loaded / 1_000_000 > before / 1_000_000 {
                print("  loaded \(loaded / 1_000_000) M after \(pretty(loadStart.duration(to: clock.now)))")
            }
        }
        let loadTime = loadStart.duration(to: clock.now)
        let end = start.addingTimeInterval(TimeInterval(days * 86_400))

        // One transaction per passage, on the full log, as a scanner appends (the last day's time).
        let single = 1_000
        let singleStart = clock.now
        for index in 0..<single {
            try log.append(
                passage(days * 86_400 - 1, sites[index % sites.count], .entering, people[index], deny: false))
        }
        let singleTime = singleStart.duration(to: clock.now)

        /// p50/p95 of a checkpoint's whole day read into records, with the anchor's ratio.
        func checkpointDays(_ pick: () -> String, runs: Int) throws -> (p50: Duration, p95: Duration, rows: Int, ratio: Double) {
            var latencies: [Duration] = []
            var anchors: [Duration] = []
            var total = 0
            for _ in 0..<runs {
                let day = Double(generator.int(below: days))
                let filter = PassLogFilter(
                    from: start.addingTimeInterval(day * 86_400), to: start.addingTimeInterval((day + 1) * 86_400),
                    checkpoint: pick())
                let t0 = clock.now
                try log.forEachRecord(matching: filter) { _ in total += 1 }
                latencies.append(t0.duration(to: clock.now))
                let t1 = clock.now
                _ = try log.countsPerCheckpoint(matching: filter)
                anchors.append(t1.duration(to: clock.now))
            }
            return (
                percentile(latencies, 0.5), percentile(latencies, 0.95), total / runs,
                seconds(percentile(latencies, 0.5)) / max(1e-9, seconds(percentile(anchors, 0.5)))
            )
        }
        let random = try checkpointDays({ sites[generator.int(below: sites.count)].id }, runs: 200)
        let busiest = try checkpointDays({ sites[0].id }, runs: 100)

        var insideLatencies: [Duration] = []
        var occupants = 0
        for _ in 0..<10 {
            let t0 = clock.now
            occupants = try log.inside(matching: PassLogFilter()).count
            insideLatencies.append(t0.duration(to: clock.now))
        }
        var departmentLatencies: [Duration] = []
        var departmentOccupants = 0
        for index in 0..<20 {
            let t0 = clock.now
            departmentOccupants += try log.inside(matching: PassLogFilter(department: "D\(index % departments)")).count
            departmentLatencies.append(t0.duration(to: clock.now))
        }

        var trajectoryLatencies: [Duration] = []
        var trajectoryRows = 0
        for _ in 0..<200 {
            let holder = people[generator.int(below: peopleCount)]
            let t0 = clock.now
            trajectoryRows += try log.trajectory(of: holder, days: 14, now: end).count
            trajectoryLatencies.append(t0.duration(to: clock.now))
        }
        let size = ["", "-wal", "-shm"].reduce(0) { total, suffix in
            total + (((try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? Int) ?? 0)
        }

        func pair(_ values: [Duration]) -> String {
            "\(pretty(percentile(values, 0.5))) / \(pretty(percentile(values, 0.95)))"
        }
        printTable(
            "Pass log (SQLite via GRDB, WAL, synchronous FULL)",
            [
                ["measure", "result"],
                [
                    "batched load (10 000 per transaction)",
                    "\(format(Double(loaded) / seconds(loadTime)))/s (\(pretty(loadTime)) for \(loaded))",
                ],
                ["one transaction per passage, on the full log", "\(format(Double(single) / seconds(singleTime)))/s"],
                [
                    "one day of a random checkpoint (p50 / p95)",
                    "\(pretty(random.p50)) / \(pretty(random.p95)), \(random.rows) rows avg; "
                        + "\(String(format1: random.ratio))× the anchor",
                ],
                [
                    "one day of the busiest checkpoint (p50 / p95)",
                    "\(pretty(busiest.p50)) / \(pretty(busiest.p95)), \(busiest.rows) rows avg; "
                        + "\(String(format1: busiest.ratio))× the anchor",
                ],
                ["inside now, whole site (p50 / p95)", "\(pair(insideLatencies)), \(occupants) people"],
                [
                    "inside now, one department (p50 / p95)",
                    "\(pair(departmentLatencies)), \(departmentOccupants / 20) people avg",
                ],
                [
                    "14-day trajectory (p50 / p95)",
                    "\(pair(trajectoryLatencies)), \(String(format1: Double(trajectoryRows) / 200)) rows avg",
                ],
                [
                    "file size (db + wal)",
                    "\(String(format1: Double(size) / 1_048_576)) MiB (\(String(format1: Double(size) / Double(loaded + single))) bytes/passage)",
                ],
            ])
    }
}
