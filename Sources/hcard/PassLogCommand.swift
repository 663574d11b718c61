import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard passlog`: query, count, export and analyse the pass log. Thin: everything is a
/// ``PassLog`` call (Docs/checkpoint.md). ID numbers are masked unless --full-id is given.
struct PassLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passlog",
        abstract: "The checkpoint pass log: query, counts, export, trajectory, companions, frequency.",
        discussion: """
            Times are ISO 8601; without a zone they are China time (+08:00); a date alone is its \
            00:00. --from is inclusive, --to exclusive. --person takes a citizen ID, TT:NUMBER, \
            EHC:<card id> (an e-health card) or HCS:<16 hex> (a health code shown without an ID).

            Examples:
              hcard passlog query --log pass.db --checkpoint G1 --from 2026-03-02 --to 2026-03-03
              hcard passlog counts --log pass.db --by hour --from 2026-03-02 --to 2026-03-03
              hcard passlog export --log pass.db --csv --department Security > march.csv
              hcard passlog trajectory --log pass.db --person 11010519491231002X --days 14
              hcard passlog companions --log pass.db --person 11010519491231002X --minutes 10
              hcard passlog frequency --log pass.db --decision pass --direction in --min-visits 3
            """,
        subcommands: [Query.self, Counts.self, Export.self, Trajectory.self, Companions.self, Frequency.self]
    )

    /// `--log`.
    struct LogOption: ParsableArguments {
        @Option(help: "The pass log (SQLite).")
        var log: String

        func open() throws -> PassLog {
            guard FileManager.default.fileExists(atPath: log) else { throw ValidationError("no such pass log: \(log)") }
            return try PassLog(path: log)
        }
    }

    /// The filter options shared by query, counts, export and frequency.
    struct FilterOptions: ParsableArguments {
        @Option(help: "From this time (inclusive).")
        var from: ChinaTimeArgument?
        @Option(help: "Up to this time (exclusive).")
        var to: ChinaTimeArgument?
        @Option(help: "The checkpoint id.")
        var checkpoint: String?
        @Option(help: "The department.")
        var department: String?
        @Option(help: "The area.")
        var area: String?
        @Option(help: "The person (see above).")
        var person: HolderArgument?
        @Option(help: "pass or deny.")
        var decision: CheckpointDecision.Outcome?
        @Option(help: "in or out.")
        var direction: PassDirection?

        var filter: PassLogFilter {
            PassLogFilter(
                from: from?.instant, to: to?.instant, checkpoint: checkpoint, department: department, area: area,
                holder: person?.holder, outcome: decision, direction: direction)
        }
    }

    // MARK: query

    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List passages, in time order.",
            discussion: """
                Example:
                  hcard passlog query --log pass.db --checkpoint G1 --from 2026-03-02 --to 2026-03-03 --decision deny
                """)

        @OptionGroup var store: LogOption
        @OptionGroup var filter: FilterOptions
        @Option(help: "At most this many rows. Default: 1000.")
        var limit = 1000
        @Flag(help: "Show ID numbers in full.")
        var fullId = false
        @Flag(help: "Print JSON (an array; for large results use `passlog export --json`).")
        var json = false

        func run() throws {
            let log = try store.open()
            if json {
                let records = try log.records(matching: filter.filter, limit: limit)
                try printJSON(records.map { RecordJSON($0, fullID: fullId) })
            } else {
                var count = 0
                try log.forEachRecord(matching: filter.filter, limit: limit) {
                    print(RecordJSON($0, fullID: fullId).line)
                    count += 1
                }
                if count == 0 { print("no passages") }
            }
        }
    }

    // MARK: counts

    enum Grouping: String, ExpressibleByArgument, CaseIterable {
        case hour, checkpoint
    }

    struct Counts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Passed and denied passages per hour or per checkpoint.",
            discussion: """
                Example:
                  hcard passlog counts --log pass.db --by checkpoint --from 2026-03-02 --to 2026-03-03
                """)

        @OptionGroup var store: LogOption
        @OptionGroup var filter: FilterOptions
        @Option(help: "hour or checkpoint.")
        var by: Grouping
        @Flag(help: "Print JSON.")
        var json = false

        struct CountJSON: Encodable {
            let key: String
            let name: String?
            let passed: Int
            let denied: Int
            let total: Int
        }

        func run() throws {
            let log = try store.open()
            let rows: [CountJSON] =
                switch by {
                case .hour:
                    try log.countsPerHour(matching: filter.filter).map {
                        CountJSON(
                            key: ChinaTime.dateTime(at: $0.hour).description + "+08:00", name: nil, passed: $0.passed,
                            denied: $0.denied, total: $0.total)
                    }
                case .checkpoint:
                    try log.countsPerCheckpoint(matching: filter.filter).map {
                        CountJSON(
                            key: $0.checkpoint, name: $0.name, passed: $0.passed, denied: $0.denied, total: $0.total)
                    }
                }
            if json { return try printJSON(rows) }
            print("\(by.rawValue)\tpassed\tdenied\ttotal")
            for row in rows {
                print("\(row.key)\(row.name.map { " (\($0))" } ?? "")\t\(row.passed)\t\(row.denied)\t\(row.total)")
            }
        }
    }

    // MARK: export

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export passages as CSV (RFC 4180) or JSON, streaming.",
            discussion: """
                Columns: id, time, checkpoint, checkpointName, area, department, direction, credential, \
                person, colour, temperature, decision, reasons, detail, plate. Rows are streamed: \
                exporting millions of passages holds one at a time. The file is written through a \
                temporary name and renamed, so --out never holds half an export.

                Examples:
                  hcard passlog export --log pass.db --csv --from 2026-03-01 --to 2026-04-01 --out march.csv
                  hcard passlog export --log pass.db --json --person 11010519491231002X --full-id
                """)

        @OptionGroup var store: LogOption
        @OptionGroup var filter: FilterOptions
        @Flag(help: "CSV (RFC 4180, CRLF).")
        var csv = false
        @Flag(help: "JSON (one array).")
        var json = false
        @Option(help: "Write to this file instead of standard output.")
        var out: String?
        @Flag(help: "Show ID numbers in full.")
        var fullId = false

        func validate() throws {
            guard csv != json else { throw ValidationError("give exactly one of --csv or --json") }
        }

        func run() throws {
            let log = try store.open()
            let format: PassLogExport.Format = csv ? .csv : .json
            guard let out else {
                try PassLogExport.write(log, matching: filter.filter, format: format, fullIDs: fullId) {
                    try FileHandle.standardOutput.write(contentsOf: Data($0.utf8))
                }
                return
            }
            try AtomicFile.refuseOverwritingInput(out, inputs: [store.log])
            let temporary = out + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
            guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
                throw ValidationError("cannot create \(temporary)")
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            do {
                let count = try PassLogExport.write(log, matching: filter.filter, format: format, fullIDs: fullId) {
                    try handle.write(contentsOf: Data($0.utf8))
                }
                try handle.synchronize()
                try handle.close()
                _ = try FileManager.default.replaceItemAt(
                    URL(fileURLWithPath: out), withItemAt: URL(fileURLWithPath: temporary))
                printError("exported \(count) passages to \(out)")
            } catch {
                try? handle.close()
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            }
        }
    }

    // MARK: analyses

    struct Trajectory: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Where a person passed in the last N days (default 14), in time order.",
            discussion: """
                Example:
                  hcard passlog trajectory --log pass.db --person 11010519491231002X --days 14 --now 2026-03-20
                """)

        @OptionGroup var store: LogOption
        @Option(help: "The person.")
        var person: HolderArgument
        @Option(help: "Days to look back. Default: 14.")
        var days = PassLog.defaultAnalysisDays
        @Option(help: "The end of the period (default: now).")
        var now: ChinaTimeArgument?
        @Flag(help: "Show ID numbers in full.")
        var fullId = false
        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard (1...3660).contains(days) else { throw ValidationError("--days must be 1...3660") }
        }

        func run() throws {
            let records = try store.open().trajectory(of: person.holder, days: days, now: now?.instant ?? Date())
            if json { return try printJSON(records.map { RecordJSON($0, fullID: fullId) }) }
            if records.isEmpty {
                print("no passages of \(fullId ? person.holder.storedValue : person.holder.masked) in \(days) days")
            }
            for record in records { print(RecordJSON(record, fullID: fullId).line) }
        }
    }

    struct Companions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "People who passed the same checkpoint within M minutes of the person, most often first.",
            discussion: """
                Counts, for each other person, how many of the person's passages in the last --days \
                days (default 14) they shared: the same checkpoint within ±--minutes (default 10), \
                passed or denied, either direction.

                Example:
                  hcard passlog companions --log pass.db --person 11010519491231002X --minutes 10 --days 14
                """)

        @OptionGroup var store: LogOption
        @Option(help: "The person.")
        var person: HolderArgument
        @Option(help: "The window either side, in minutes. Default: 10.")
        var minutes = PassLog.defaultCompanionMinutes
        @Option(help: "Days to look back. Default: 14.")
        var days = PassLog.defaultAnalysisDays
        @Option(help: "The end of the period (default: now).")
        var now: ChinaTimeArgument?
        @Option(help: "At most this many companions. Default: 100.")
        var limit = 100
        @Flag(help: "Show ID numbers in full.")
        var fullId = false
        @Flag(help: "Print JSON.")
        var json = false

        struct CompanionJSON: Encodable {
            let person: String
            let encounters: Int
            let checkpoints: [String]
            let first: String
            let last: String
        }

        func validate() throws {
            guard (0...1440).contains(minutes) else { throw ValidationError("--minutes must be 0...1440") }
            guard (1...3660).contains(days) else { throw ValidationError("--days must be 1...3660") }
        }

        func run() throws {
            let companions = try store.open().companions(
                of: person.holder, minutes: minutes, days: days, now: now?.instant ?? Date(), limit: limit)
            let rows = companions.map {
                CompanionJSON(
                    person: fullId ? $0.holder.storedValue : $0.holder.masked, encounters: $0.encounters,
                    checkpoints: $0.checkpoints, first: RecordJSON.chinaTime($0.first),
                    last: RecordJSON.chinaTime($0.last))
            }
            if json { return try printJSON(rows) }
            if rows.isEmpty { print("no companions within \(minutes) minutes in \(days) days") }
            for row in rows {
                print(
                    "\(row.person)\t\(row.encounters)\t\(row.checkpoints.joined(separator: ","))\t\(row.first)\t\(row.last)"
                )
            }
        }
    }

    struct Frequency: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Visits per person per checkpoint, most first.",
            discussion: """
                Counts the passages matching the filter; --decision pass --direction in counts \
                admitted entries only.

                Example:
                  hcard passlog frequency --log pass.db --from 2026-03-01 --decision pass --direction in --min-visits 5
                """)

        @OptionGroup var store: LogOption
        @OptionGroup var filter: FilterOptions
        @Option(help: "Only pairs with at least this many visits. Default: 1.")
        var minVisits = 1
        @Option(help: "At most this many rows. Default: 100.")
        var limit = 100
        @Flag(help: "Show ID numbers in full.")
        var fullId = false
        @Flag(help: "Print JSON.")
        var json = false

        struct FrequencyJSON: Encodable {
            let person: String
            let checkpoint: String
            let visits: Int
            let first: String
            let last: String
        }

        func run() throws {
            let rows = try store.open().frequency(matching: filter.filter, minimumVisits: minVisits, limit: limit).map {
                FrequencyJSON(
                    person: fullId ? $0.holder.storedValue : $0.holder.masked, checkpoint: $0.checkpoint,
                    visits: $0.visits, first: RecordJSON.chinaTime($0.first), last: RecordJSON.chinaTime($0.last))
            }
            if json { return try printJSON(rows) }
            print("person\tcheckpoint\tvisits\tfirst\tlast")
            for row in rows { print("\(row.person)\t\(row.checkpoint)\t\(row.visits)\t\(row.first)\t\(row.last)") }
        }
    }
}

/// A passage for output; the export's columns.
struct RecordJSON: Encodable {
    let id: Int64
    let time: String
    let checkpoint: String
    let checkpointName: String
    let area: String
    let department: String
    let direction: String
    let credential: String
    let person: String?
    let colour: String?
    let temperature: Double?
    let decision: String
    let reasons: [String]
    let detail: String
    let plate: String?

    init(_ record: PassRecord, fullID: Bool) {
        id = record.id
        time = record.chinaTime
        checkpoint = record.checkpoint.id
        checkpointName = record.checkpoint.name
        area = record.checkpoint.area
        department = record.checkpoint.department
        direction = record.direction.rawValue
        credential = record.credential.rawValue
        person = record.holder.map { fullID ? $0.storedValue : $0.masked }
        colour = record.colour?.rawValue
        temperature = record.temperature
        decision = record.outcome.rawValue
        reasons = record.reasonCodes
        detail = record.detail
        plate = record.plate
    }

    static func chinaTime(_ date: Date) -> String { ChinaTime.dateTime(at: date).description + "+08:00" }

    /// `#12 2026-03-02T08:15:00+08:00 G1 in PASS 110105********002X healthCode green 36.5 °C`.
    var line: String {
        var parts = ["#\(id)", time, checkpoint, direction, decision.uppercased(), person ?? "-", credential]
        if let colour { parts.append(colour) }
        if let temperature { parts.append("\(temperature) °C") }
        if let plate { parts.append(plate) }
        var line = parts.joined(separator: " ")
        if !detail.isEmpty { line += " — " + detail }
        return line
    }
}

/// A person on the command line: a citizen ID, `TT:NUMBER`, `EHC:<card id>` or `HCS:<hex>`.
struct HolderArgument: ExpressibleByArgument {
    let holder: PassHolder

    init?(argument: String) {
        guard let holder = try? PassHolder(argument) else { return nil }
        self.holder = holder
    }
}

extension CheckpointDecision.Outcome: ExpressibleByArgument {}
