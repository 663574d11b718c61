import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard passlog`: query, count, export and analyse the pass log. Thin: everything is a
/// ``PassLog`` call (Docs/checkpoint.md). ID numbers are masked unless --full-id is given.
struct PassLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passlog",
        abstract: "The checkpoint pass log: query, counts, export, trajectory, companions, frequency, who is inside, stays.",
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
              hcard passlog inside --log pass.db --department Outpatients
              hcard passlog stays --log pass.db --from 2026-03-02 --to 2026-03-03
              hcard passlog departments --log pass.db --from 2026-03-02 --to 2026-03-03
            """,
        subcommands: [
            Query.self, Counts.self, Export.self, Trajectory.self, Companions.self, Frequency.self, Inside.self, Stays.self,
            Departments.self,
        ]
    )

    /// `--log`.
    struct LogOption: ParsableArguments {
        @Option(help: "The pass log (SQLite).")
        var log: String

        func open() throws -> PassLog {
            guard FileManager.default.fileExists(atPath: log) else { throw ValidationError("no such pass log: \(log)") }
            return try PassLog(path: log, mode: .readOnly)
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
                try printJSON(records.map { PassRecordReport($0, fullIDs: fullId) })
            } else {
                var count = 0
                try log.forEachRecord(matching: filter.filter, limit: limit) {
                    print(PassRecordReport($0, fullIDs: fullId).line)
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

        func run() throws {
            let log = try store.open()
            let rows: [PassCountReport] =
                switch by {
                case .hour: try log.countsPerHour(matching: filter.filter).map(PassCountReport.init)
                case .checkpoint: try log.countsPerCheckpoint(matching: filter.filter).map(PassCountReport.init)
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
            let count = try PassLogExport.write(
                log, matching: filter.filter, format: format, fullIDs: fullId, toFileAt: out)
            printError("exported \(count) passages to \(out)")
        }
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
