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
/// streaming cursor into ``PassRecord``s), of one department's day, of the per-department counts
/// and the stays of a day, of "inside now" (whole site and one department) and of a 14-day
/// trajectory; the file size. Each query has its anchor measured in the same run: the same SQL on
/// the same file through the `sqlite3` shell (``SQLiteShellAnchor``), printed as a ratio.
///
/// Environment:
/// - `HCK_PASSLOG_ROWS` shrinks the log for a smoke run (fewer days at the same density);
/// - `HCK_PASSLOG_FILE` keeps the log: built there if missing, else reused (and upgraded by the
///   migrator if an older schema wrote it), so the 10 M-passage load is paid once;
/// - `HCK_BENCH_DIR` chooses the disk of a log that is not kept (default: the temporary directory).
///
/// Wall-clock figures on whatever machine runs them (STYLE §9): compare on one machine; the load
/// average is printed with them.
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
        let environment = ProcessInfo.processInfo.environment
        let base = environment["HCK_BENCH_DIR"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        let path: String
        var temporary: URL?
        if let kept = environment["HCK_PASSLOG_FILE"] {
            path = kept
        } else {
            let directory = base.appendingPathComponent("hck-passlog-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            temporary = directory
            path = directory.appendingPathComponent("pass.db").path
        }
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        let reused = FileManager.default.fileExists(atPath: path)
        let clock = ContinuousClock()
        let openStart = clock.now
        let log = try PassLog(path: path)  // migrates a log an older schema wrote
        let openTime = openStart.duration(to: clock.now)

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
                + "\(peopleCount) people; \(path); load average \(loadAverage()))")
        let loadStart = clock.now
        var loaded = 0
        if reused {
            loaded = try log.count()
            guard loaded >= rows else {
                throw BenchmarkShellError("\(path) holds \(loaded) passages, fewer than \(rows): delete it to build it again")
            }
            print("  reusing \(path): \(loaded) passages (opened and migrated in \(pretty(openTime)))")
        }
        for index in 0..<(reused ? 0 : days) {
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
        let loadAverageAfterLoad = loadAverage()
        let end = start.addingTimeInterval(TimeInterval(days * 86_400))

        // One transaction per passage, on the full log, as a scanner appends (the last day's time).
        let single = 1_000
        let singleStart = clock.now
        for index in 0..<single {
            try log.append(
                passage(days * 86_400 - 1, sites[index % sites.count], .entering, people[index], deny: false))
        }
        let singleTime = singleStart.duration(to: clock.now)

        // The queries' own generator: a reused log asks the same questions as a freshly built one.
        var picks = SeededGenerator(seed: 0x7175_6572_7921)
        func dayFilter(_ day: Int) -> PassLogFilter {
            PassLogFilter(
                from: start.addingTimeInterval(Double(day) * 86_400), to: start.addingTimeInterval(Double(day + 1) * 86_400))
        }
        func bounds(_ filter: PassLogFilter) -> String {
            "time >= \(Int64(filter.from!.timeIntervalSince1970)) AND time < \(Int64(filter.to!.timeIntervalSince1970))"
        }
        let columns =
            "id, time, checkpoint, checkpointName, area, department, direction, credential, person, colour, "
            + "temperature, decision, reasons, detail, plate"
        var table: [[String]] = [[
            "query", "ours wall p50 / p95", "ours CPU p50 / p95", "sqlite3 shell wall p50 / p95", "shell CPU p50 / p95",
            "ours ÷ shell, wall p50; CPU p50", "rows",
        ]]
        /// Runs each query through the library and its SQL through the shell, in chunks of 20,
        /// alternating which goes first (neither always meets the other's warmed cache), and adds
        /// the row. Ours is timed by the wall clock and by this process's CPU time (the queries run
        /// on this thread; nothing else in the process is busy), the shell by its `.timer`. When the
        /// shell's wall p50 is under 2 ms, its timer's millisecond is too coarse for a wall ratio.
        func measure(_ name: String, _ queries: [(ours: () throws -> Int, sql: String)]) throws {
            var ours: [Duration] = []
            var oursCPU: [Duration] = []
            var shell: [SQLiteShellAnchor.Timing] = []
            var total = 0
            for (number, chunk) in stride(from: 0, to: queries.count, by: 20).enumerated() {
                let part = queries[chunk..<min(chunk + 20, queries.count)]
                func library() throws {
                    for query in part {
                        let cpu0 = processCPUSeconds()
                        let t0 = clock.now
                        total += try query.ours()
                        ours.append(t0.duration(to: clock.now))
                        oursCPU.append(.nanoseconds(Int64((processCPUSeconds() - cpu0) * 1e9)))
                    }
                }
                if number % 2 == 1 { shell += try SQLiteShellAnchor.times(path, mmapSize: mapped, part.map(\.sql)) }
                try library()
                if number % 2 == 0 { shell += try SQLiteShellAnchor.times(path, mmapSize: mapped, part.map(\.sql)) }
            }
            let shellWall = shell.map(\.wall)
            let shellCPU = shell.map(\.cpu)
            let cpuRatio = seconds(percentile(oursCPU, 0.5)) / max(1e-9, seconds(percentile(shellCPU, 0.5)))
            // The timer counts whole milliseconds: under 2 ms its wall p50 says little, and only the
            // CPU ratio is given.
            let timed = percentile(shellWall, 0.5) >= .milliseconds(2)
            let wallRatio =
                timed
                ? String(format: "%.2f×", seconds(percentile(ours, 0.5)) / max(1e-9, seconds(percentile(shellWall, 0.5))))
                : "–"
            let shellColumn = timed ? pair(shellWall) : "under the timer's 2 ms"
            table.append([
                name, pair(ours), pair(oursCPU), shellColumn, pair(shellCPU),
                wallRatio + "; " + String(format: "%.2f×", cpuRatio), "\(String(format1: Double(total) / Double(max(1, queries.count)))) avg",
            ])
        }
        func pair(_ values: [Duration]) -> String {
            "\(pretty(percentile(values, 0.5))) / \(pretty(percentile(values, 0.95)))"
        }
        /// Every record matching `filter`, through the streaming cursor; the shell's SQL has `condition`.
        func records(_ filter: PassLogFilter, _ condition: String) -> (ours: () throws -> Int, sql: String) {
            (
                {
                    var count = 0
                    try log.forEachRecord(matching: filter) { _ in count += 1 }
                    return count
                },
                "SELECT \(columns) FROM passage WHERE \(condition) ORDER BY time, id"
            )
        }
        func checkpointDay(_ checkpoint: String) -> (ours: () throws -> Int, sql: String) {
            var filter = dayFilter(picks.int(below: days))
            filter.checkpoint = checkpoint
            return records(filter, "checkpoint = '\(checkpoint)' AND \(bounds(filter))")
        }
        let queryLoad = loadAverage()
        let mapped = 0x7FFF_0000  // the library's query connections' `mmap_size` (PassLog.mappedBytes)
        try measure(
            "one day of a random checkpoint (records)",
            (0..<200).map { _ in checkpointDay(sites[picks.int(below: sites.count)].id) })
        try measure("one day of the busiest checkpoint (records)", (0..<100).map { _ in checkpointDay(sites[0].id) })
        try measure(
            "one day of one department (records)",
            (0..<20).map { _ in
                var filter = dayFilter(picks.int(below: days))
                let department = "D\(picks.int(below: departments))"
                filter.department = department
                return records(filter, "\(bounds(filter)) AND department = '\(department)'")
            })
        try measure(
            "entries, exits, denials per department, one day",
            (0..<20).map { _ in
                let filter = dayFilter(picks.int(below: days))
                return (
                    { try log.countsPerDepartment(matching: filter).count },
                    """
                    SELECT department, SUM(decision = 'pass' AND direction = 'in'), SUM(decision = 'pass' AND direction = 'out'),
                        SUM(decision = 'deny') FROM passage WHERE \(bounds(filter)) GROUP BY department ORDER BY department
                    """
                )
            })
        try measure(
            "stays (entry → exit) of one day",
            (0..<20).map { _ in
                let filter = dayFilter(picks.int(below: days))
                return (
                    { try log.stays(matching: filter).count },
                    """
                    SELECT person, department, previousTime, time FROM (
                        SELECT person, department, direction, time, id,
                            LAG(direction) OVER w AS previousDirection, LAG(time) OVER w AS previousTime
                        FROM passage WHERE person IS NOT NULL AND \(bounds(filter)) AND decision = 'pass'
                        WINDOW w AS (PARTITION BY person ORDER BY time, id))
                    WHERE direction = 'out' AND previousDirection = 'in' ORDER BY time, id
                    """
                )
            })
        try measure(
            "inside now, whole site",
            (0..<20).map { _ in
                (
                    { try log.inside(matching: PassLogFilter()).count },
                    "SELECT person, time, checkpoint, department FROM inside WHERE scope = '*' ORDER BY time, id"
                )
            })
        try measure(
            "inside now, one department",
            (0..<40).map { _ in
                let department = "D\(picks.int(below: departments))"
                return (
                    { try log.inside(matching: PassLogFilter(department: department)).count },
                    "SELECT person, time, checkpoint, department FROM inside WHERE scope = 'D:\(department)' ORDER BY time, id"
                )
            })

        try measure(
            "14-day trajectory of one person",
            (0..<200).map { _ in
                let holder = people[picks.int(below: peopleCount)]
                let window = PassLogFilter(
                    from: end.addingTimeInterval(-14 * 86_400), to: end.addingTimeInterval(1), holder: holder)
                return (
                    { try log.trajectory(of: holder, days: 14, now: end).count },
                    "SELECT \(columns) FROM passage WHERE person = '\(holder.storedValue)' AND \(bounds(window)) ORDER BY time, id"
                )
            })
        let size = ["", "-wal", "-shm"].reduce(0) { total, suffix in
            total + (((try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? Int) ?? 0)
        }

        printTable(
            "Pass log (SQLite via GRDB, WAL, synchronous FULL): writing",
            [
                ["measure", "result"],
                reused
                    ? ["log", "reused (\(loaded) passages), opened and migrated in \(pretty(openTime))"]
                    : [
                        "batched load (10 000 per transaction)",
                        "\(format(Double(loaded) / seconds(loadTime)))/s (\(pretty(loadTime)) for \(loaded)); "
                            + "load average after it \(loadAverageAfterLoad)",
                    ],
                [
                    "one durable transaction per passage, on the full log",
                    "\(format(Double(single) / seconds(singleTime)))/s (\(pretty(singleTime / single)) each)",
                ],
                [
                    "file size (db + wal)",
                    "\(String(format1: Double(size) / 1_048_576)) MiB (\(String(format1: Double(size) / Double(loaded + single))) bytes/passage)",
                ],
            ])
        printTable(
            "Pass log queries (load average at the start \(queryLoad), at the end \(loadAverage()))", table)
    }
}
