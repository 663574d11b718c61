import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard code`: personal health information codes (健康码, GB/T 38961-38963) over a local event
/// store: declare, record events, issue (制码), verify (验码), status. Thin: everything goes through
/// ``LocalHealthCodeService`` (Docs/health-code.md).
struct HealthCodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Health codes: declarations, events, colour status, signed HCC1 codes.",
        discussion: """
            The colour is derived from the person's events under a versioned rule set (default \
            hainan-2022-09), never stored. Codes are HCC1- followed by base45 text, signed with SM2/SM3: \
            key id, code id, colour, issuing region, subject hash, issue and expiry time. \
            The SQLite file given by --db is created on first use. See Docs/health-code.md.

            Examples:
              hcard code declare --db hc.db --from declaration.json
              hcard code event --db hc.db --person ID --kind case-opened --status confirmed
              hcard code status --db hc.db --person ID --at 2026-03-20
              hcard code issue --db hc.db --person ID --key issuer.key --png code.png
              hcard code verify code.png --trust trust.json
            """,
        subcommands: [Declare.self, Trip.self, Event.self, Correct.self, Issue.self, Verify.self, Status.self]
    )

    /// Options shared by the commands that open the store.
    struct StoreOptions: ParsableArguments {
        @Option(help: "The SQLite event store (created on first use).")
        var db: String

        @Option(help: "The colour rule set: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.")
        var rules = RuleSet.defaultID

        func validate() throws {
            guard RuleSet.shipped[rules] != nil else {
                throw ValidationError(
                    "--rules '\(rules)': no such rule set; shipped: "
                        + RuleSet.shipped.keys.sorted().joined(separator: ", ")
                )
            }
        }

        /// The service over `--db`; `mode: .readOnly` for commands that only read (never creates the file).
        func service(issuer: HealthCodeIssuer? = nil, mode: StoreKind.AccessMode = .readWrite) throws
            -> LocalHealthCodeService
        {
            try LocalHealthCodeService.open(storeAt: db, rules: rules, issuer: issuer, mode: mode)
        }
    }

    // MARK: declare

    struct Declare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a health declaration (GB/T 38963 §6.2); exit 1 listing every violation.",
            discussion: """
                The file is one JSON object of GB/T 38962 elements (the shipped schema): name, sex, \
                documentType, documentNumber, householdRegion, …, temperature, symptoms, riskAreaStay, \
                overseas, caseContact. An invalid declaration is rejected with every violation and \
                nothing is stored. `-` reads standard input.

                Example:
                  hcard code declare --db hc.db --from declaration.json --at 2026-03-01T09:00:00+08:00
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(help: "The declaration JSON file, or - for standard input.")
        var from: String

        @Option(help: "When it was declared: ISO 8601 (a time without a zone is China time). Default: now.")
        var at: ChinaTimeArgument?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let data =
                from == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: from))
            let record: [String: JSONValue]
            do {
                record = try JSONDecoder().decode([String: JSONValue].self, from: data)
            } catch {
                throw FileContentError(from, "not a JSON object of GB/T 38962 elements", error)
            }
            let response = try await store.service().declareHealth(
                HealthDeclarationRequest(record: record, time: at?.dateTime))
            if json {
                try printJSON(
                    HealthCodeRequestReport(
                        returnCode: response.returnCode, violations: response.violations, person: response.person,
                        eventID: response.eventID, status: response.status))
            } else if response.returnCode == .success, let person = response.person, let status = response.status {
                print("declared \(person) (event \(response.eventID ?? 0))")
                printStatus(status, person: person, rules: store.rules)
            } else {
                printRejection(response.violations)
            }
            if response.returnCode != .success { throw ExitCode(1) }
        }
    }

    // MARK: trip

    struct Trip: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a trip declaration of one stop (GB/T 38963 §6.3).",
            discussion: """
                Example:
                  hcard code trip --db hc.db --person ID --region 440300 --arrival 2026-03-01 --risk-area
                """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "The person: a citizen ID, or TT:NUMBER with a CV02.01.101 document type.")
        var person: PersonArgument
        @Option(help: "The place in China, a 6-digit GB/T 2260 code.")
        var region: String?
        @Option(help: "The place abroad, a GB/T 2659 alpha-3 code.")
        var country: String?
        @Option(help: "Arrival date, YYYY-MM-DD.")
        var arrival: String
        @Option(help: "Departure date, YYYY-MM-DD.")
        var departure: String?
        @Flag(help: "The place was a medium- or high-risk area.")
        var riskArea = false
        @Option(help: "When it was declared (ISO 8601; no zone = China time). Default: now.")
        var at: ChinaTimeArgument?
        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            guard let arrivalDate = CalendarDate(lenient: arrival) else {
                throw ValidationError("--arrival '\(arrival)' is not a date")
            }
            var departureDate: CalendarDate?
            if let departure {
                guard let date = CalendarDate(lenient: departure) else {
                    throw ValidationError("--departure '\(departure)' is not a date")
                }
                departureDate = date
            }
            let stop = TripStop(
                region: region, country: country, arrival: arrivalDate, departure: departureDate, riskArea: riskArea)
            let response = try await store.service().declareTrip(
                TripDeclarationRequest(person: person.id, stops: [stop], time: at?.dateTime))
            try report(
                response.returnCode, violations: response.violations, person: person.id, eventID: response.eventID,
                status: response.status, rules: store.rules, json: json, verb: "trip declared")
        }
    }
}
