import ArgumentParser
import Foundation
import HealthCardCore

extension PassLogCommand {
    // MARK: occupancy (entries and exits with their direction)

    struct Inside: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who is inside: people whose last passed passage was an entry.",
            discussion: """
                Only passed passages count (a denied exit did not leave). --checkpoint, \
                --department or --area limit it to one building's gates; --to gives "inside as of".

                Example:
                  hcard passlog inside --log pass.db --department Outpatients
                """)

        @OptionGroup var store: LogOption
        @OptionGroup var filter: FilterOptions
        @Flag(help: "Show ID numbers in full.")
        var fullId = false
        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let rows = try store.open().inside(matching: filter.filter).map { OccupantReport($0, fullIDs: fullId) }
            if json { return try printJSON(rows) }
            for row in rows { print(row.line) }
            print("\(rows.count) inside")
        }
    }

    struct Stays: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dwell times: each passed entry followed by a passed exit of the same person.",
            discussion: """
                Example:
                  hcard passlog stays --log pass.db --from 2026-03-02 --to 2026-03-03 --json
                """)

        @OptionGroup var store: LogOption
        @OptionGroup var filter: FilterOptions
        @Flag(help: "Show ID numbers in full.")
        var fullId = false
        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let rows = try store.open().stays(matching: filter.filter).map { StayReport($0, fullIDs: fullId) }
            if json { return try printJSON(rows) }
            print("person\tentered\tleft\tdwell\tdepartment")
            for row in rows { print(row.line) }
        }
    }

    struct Departments: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Passed entries, passed exits and denials per department.",
            discussion: """
                Example:
                  hcard passlog departments --log pass.db --from 2026-03-02 --to 2026-03-03
                """)

        @OptionGroup var store: LogOption
        @OptionGroup var filter: FilterOptions
        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let rows = try store.open().countsPerDepartment(matching: filter.filter).map(DepartmentCountReport.init)
            if json { return try printJSON(rows) }
            print("department\tentered\tleft\tdenied")
            for row in rows { print("\(row.department.isEmpty ? "-" : row.department)\t\(row.entered)\t\(row.left)\t\(row.denied)") }
        }
    }
}
