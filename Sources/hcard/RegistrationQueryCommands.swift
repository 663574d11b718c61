import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard register list|export|purge|employees`: queries and retention over the registration
/// store (Docs/registrations.md). ID numbers are masked unless --full-id.
enum RegistrationQueryCommands {
    /// The filter options every query shares.
    struct FilterOptions: ParsableArguments {
        @Option(help: "The registration store.")
        var store: String
        @Option(help: "Only this site.")
        var site: String?
        @Option(help: "Only this form (scenario).")
        var form: String?
        @Option(help: "From this time (ISO 8601; no zone = China time).")
        var from: ChinaTimeArgument?
        @Option(help: "Before this time.")
        var to: ChinaTimeArgument?

        var filter: RegistrationFilter {
            RegistrationFilter(site: site, form: form, from: from?.instant, to: to?.instant)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List registrations per scenario, site and time.",
            discussion: """
                ID numbers are masked (460106********0012) unless --full-id.

                Example:
                  hcard register list --store reg.db --form pharmacy --from 2026-03-01 --json
                """)

        @OptionGroup var options: FilterOptions
        @Flag(help: "Show ID numbers in full.")
        var fullId = false
        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let reports = try RegistrationStore(path: options.store, mode: .readOnly)
                .registrations(matching: options.filter).map { RegistrationReport($0, unmasked: fullId) }
            if json { return try printJSON(reports) }
            for report in reports {
                print(
                    ["#\(report.id)", report.time, report.site, report.operatorID, report.form, report.credential,
                        report.idNumber ?? report.holder ?? "-", report.colour ?? "-"].joined(separator: "\t"))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export registrations to a CSV or JSON file (written atomically).",
            discussion: """
                ID numbers are masked unless --full-id; a file with full ID numbers is written owner-only (0600).

                Example:
                  hcard register export --store reg.db --site FC1 --format csv --output fc1.csv
                """)

        @OptionGroup var options: FilterOptions
        @Option(help: "The output file.")
        var output: String
        @Option(help: "csv or json.")
        var format: RegistrationStore.ExportFormat = .csv
        @Flag(help: "Export ID numbers in full.")
        var fullId = false

        func run() throws {
            let count = try RegistrationStore(path: options.store, mode: .readOnly)
                .export(matching: options.filter, to: output, format: format, unmasked: fullId)
            print("\(count) registrations written to \(output)")
        }
    }

    struct Purge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge",
            abstract: "Delete registrations older than N days (the retention setting), with an audit entry.",
            discussion: """
                Example:
                  hcard register purge --store reg.db --older-than 30 --actor district-ops
                  hcard register purge --store reg.db --audit
                """)

        @Option(help: "The registration store.")
        var store: String
        @Option(help: "Retention in days: registrations older than this are deleted.")
        var olderThan: Int?
        @Option(help: "Who runs the deletion (recorded in the audit trail).")
        var actor: String?
        @Flag(help: "Print the audit trail instead of deleting.")
        var audit = false
        @Option(help: "Count the days back from this time instead of now.")
        var now: ChinaTimeArgument?

        func validate() throws {
            if audit { return }
            guard olderThan != nil, actor != nil else { throw ValidationError("give --older-than and --actor (or --audit)") }
        }

        func run() throws {
            let registrations = try RegistrationStore(path: store, mode: audit ? .readOnly : .readWrite)
            if audit {
                for entry in try registrations.audit() {
                    print([ISO8601Instant.format(entry.time), entry.actor, entry.action, entry.detail].joined(separator: "\t"))
                }
                return
            }
            // Force-unwrap: validate() requires both.
            let count = try registrations.purge(olderThan: olderThan!, now: now?.instant ?? SystemClock().now(), actor: actor!)
            print("deleted \(count) registrations older than \(olderThan!) days")
        }
    }

    struct Employees: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "employees",
            abstract: "An employer's employees who registered their return, with their colour.",
            discussion: """
                With --events, today's colour from the health-code event store under --rules.

                Example:
                  hcard register employees --store reg.db --site EM1 --events events.db
                """)

        @Option(help: "The registration store.")
        var store: String
        @Option(help: "The employer's site id.")
        var site: String
        @Option(help: "The health-code event store.")
        var events: String?
        @Option(help: "The rule set: a shipped id or a rule file.")
        var rules = "hainan-2022-09"
        @Flag(help: "Show ID numbers in full.")
        var fullId = false

        func run() async throws {
            let eventStore = try events.map { try HealthEventStore(path: $0, mode: .readOnly) }
            let desk = RegistrationDesk(
                store: try RegistrationStore(path: store, mode: .readOnly),
                prefiller: ScanPrefiller(trustList: try TrustList(entries: [])),
                service: try eventStore.map { LocalHealthCodeService(store: $0, rules: try RegisterCommand.ruleSet(rules)) })
            for employee in try await desk.employeeStatus(site: site) {
                let holder = fullId ? employee.holder : ((try? PassHolder(employee.holder))?.masked ?? employee.holder)
                print(
                    [holder, employee.name ?? "-", ISO8601Instant.format(employee.registeredAt),
                        employee.registeredColour ?? "-", employee.currentColour?.rawValue ?? "-"].joined(separator: "\t"))
            }
        }
    }
}

extension RegistrationStore.ExportFormat: ExpressibleByArgument {}

/// A JSON value as compact JSON text (`true`, `"x"`, `14`).
func compactJSONValue(_ value: JSONValue) -> String {
    (try? compactJSON(value)) ?? "?"
}
