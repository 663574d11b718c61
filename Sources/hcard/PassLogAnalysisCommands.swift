import ArgumentParser
import Foundation
import HealthCardCore

extension PassLogCommand {
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
            let records = try store.open().trajectory(of: person.holder, days: days, now: now?.instant ?? SystemClock().now())
            if json { return try printJSON(records.map { PassRecordReport($0, fullIDs: fullId) }) }
            if records.isEmpty {
                print("no passages of \(fullId ? person.holder.storedValue : person.holder.masked) in \(days) days")
            }
            for record in records { print(PassRecordReport(record, fullIDs: fullId).line) }
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

        func validate() throws {
            guard (0...1440).contains(minutes) else { throw ValidationError("--minutes must be 0...1440") }
            guard (1...3660).contains(days) else { throw ValidationError("--days must be 1...3660") }
        }

        func run() throws {
            let companions = try store.open().companions(
                of: person.holder, minutes: minutes, days: days, now: now?.instant ?? SystemClock().now(), limit: limit)
            let rows = companions.map { CompanionReport($0, fullIDs: fullId) }
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

        func run() throws {
            let rows = try store.open().frequency(matching: filter.filter, minimumVisits: minVisits, limit: limit)
                .map { PassFrequencyReport($0, fullIDs: fullId) }
            if json { return try printJSON(rows) }
            print("person\tcheckpoint\tvisits\tfirst\tlast")
            for row in rows { print("\(row.person)\t\(row.checkpoint)\t\(row.visits)\t\(row.first)\t\(row.last)") }
        }
    }
}
