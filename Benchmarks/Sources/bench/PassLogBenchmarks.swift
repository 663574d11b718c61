import Foundation
import HealthCardCore

/// Issue 7 item 6: the pass log at 10 million passages. Loads synthetic passages (batched, 10 000
/// per transaction), then reports: the load rate; the one-transaction-per-passage rate (each append
/// durable, `synchronous = FULL`, on the full log); p50/p95 latency of a one-day one-checkpoint
/// query and of a 14-day trajectory (every row read through the streaming cursor into
/// ``PassRecord``s); and the file size.
///
/// Synthetic log: 30 days, 100 checkpoints in 10 departments and 20 areas, 500 000 people with
/// valid citizen IDs, 1 in 20 passages without a holder, 1 in 10 denied (fever); times increase
/// through the load, as a real log's do. `HCK_PASSLOG_ROWS` shrinks it for a smoke run;
/// `HCK_BENCH_DIR` chooses the disk (default: the temporary directory).
///
/// Wall-clock figures on whatever machine runs them (STYLE §9): compare on one machine.
enum PassLogBenchmarks {
    static let days = 30
    static let checkpointCount = 100
    static let peopleCount = 500_000
    static let start = Date(timeIntervalSince1970: 1_772_294_400)  // 2026-03-01T00:00:00+08:00

    static func run() async throws {
        let rows = ProcessInfo.processInfo.environment["HCK_PASSLOG_ROWS"].flatMap(Int.init) ?? 10_000_000
        let base =
            ProcessInfo.processInfo.environment["HCK_BENCH_DIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
        let directory = base.appendingPathComponent("hck-passlog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("pass.db").path
        let log = try PassLog(path: path)

        let sites = try (0..<checkpointCount).map {
            try CheckpointSite(
                id: "CP\($0)", name: "Checkpoint \($0)", area: String(460_100 + $0 % 20), department: "D\($0 % 10)")
        }
        let people = (0..<peopleCount).map { index -> PassHolder in
            // Unique: the birth date counts thousands, the sequence number the rest.
            let day = index / 1000
            let body = String(
                format: "4601%02d%04d%02d%02d%03d", index % 7, 1950 + day / 336, 1 + day % 336 / 28, 1 + day % 28,
                index % 1000)
            return .person(try! PersonID(citizenID: body + String(CitizenID.checkCharacter(forBody: body)!)))
        }
        var generator = SeededGenerator(seed: 0x7061_7373_6C6F_6721)
        let span = Double(days * 86_400)
        func passage(_ index: Int) -> Passage {
            let holder: PassHolder? =
                generator.next() % 20 == 0 ? nil : people[generator.int(below: peopleCount)]
            let deny = generator.next() % 10 == 0
            let temperature = deny ? 37.8 : 36.5
            return Passage(
                time: start.addingTimeInterval(span * Double(index) / Double(rows)),
                checkpoint: sites[generator.int(below: checkpointCount)],
                direction: generator.next() % 2 == 0 ? .entering : .leaving,
                decision: CheckpointDecision(
                    reasons: deny ? [.fever(celsius: temperature, limit: 37.3)] : [],
                    credential: holder == nil ? .unreadable : .healthCode, holder: holder,
                    colour: holder == nil ? nil : .green, temperature: temperature))
        }

        print(
            "\n(\(rows) passages over \(days) days, \(checkpointCount) checkpoints, \(peopleCount) people; \(base.path))"
        )
        let clock = ContinuousClock()
        let loadStart = clock.now
        var batch: [Passage] = []
        batch.reserveCapacity(10_000)
        for index in 0..<rows {
            batch.append(passage(index))
            if batch.count == 10_000 || index == rows - 1 {
                try log.append(contentsOf: batch)
                batch.removeAll(keepingCapacity: true)
            }
            if index > 0 && index % 1_000_000 == 0 {
                print("  loaded \(index / 1_000_000) M after \(pretty(loadStart.duration(to: clock.now)))")
            }
        }
        let loadTime = loadStart.duration(to: clock.now)

        // One transaction per passage, on the full log, as a scanner appends.
        let single = 1_000
        let singleStart = clock.now
        for index in 0..<single { try log.append(passage(rows - 1 - index % 1000)) }
        let singleTime = singleStart.duration(to: clock.now)

        // Queries: random checkpoint-days and random 14-day trajectories (people who are in the log).
        var dayLatencies: [Duration] = []
        var dayRows = 0
        for _ in 0..<200 {
            let day = Double(generator.int(below: days))
            let filter = PassLogFilter(
                from: start.addingTimeInterval(day * 86_400), to: start.addingTimeInterval((day + 1) * 86_400),
                checkpoint: sites[generator.int(below: checkpointCount)].id)
            let t0 = clock.now
            try log.forEachRecord(matching: filter) { _ in dayRows += 1 }
            dayLatencies.append(t0.duration(to: clock.now))
        }
        var trajectoryLatencies: [Duration] = []
        var trajectoryRows = 0
        for _ in 0..<200 {
            let holder = people[generator.int(below: peopleCount)]
            let t0 = clock.now
            trajectoryRows += try log.trajectory(of: holder, days: 14, now: start.addingTimeInterval(span)).count
            trajectoryLatencies.append(t0.duration(to: clock.now))
        }
        let size = ["", "-wal", "-shm"].reduce(0) { total, suffix in
            total + (((try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? Int) ?? 0)
        }

        func percentile(_ values: [Duration], _ p: Double) -> Duration {
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        printTable(
            "Pass log (SQLite via GRDB, WAL, synchronous FULL)",
            [
                ["measure", "result"],
                [
                    "batched load (10 000 per transaction)",
                    "\(format(Double(rows) / seconds(loadTime)))/s (\(pretty(loadTime)) for \(rows))",
                ],
                ["one transaction per passage, on the full log", "\(format(Double(single) / seconds(singleTime)))/s"],
                [
                    "one day, one checkpoint (p50 / p95)",
                    "\(pretty(percentile(dayLatencies, 0.5))) / \(pretty(percentile(dayLatencies, 0.95))), \(dayRows / 200) rows avg",
                ],
                [
                    "14-day trajectory (p50 / p95)",
                    "\(pretty(percentile(trajectoryLatencies, 0.5))) / \(pretty(percentile(trajectoryLatencies, 0.95))), \(String(format1: Double(trajectoryRows) / 200)) rows avg",
                ],
                [
                    "file size (db + wal)",
                    "\(String(format1: Double(size) / 1_048_576)) MiB (\(String(format1: Double(size) / Double(rows + single))) bytes/passage)",
                ],
            ])
    }
}
