import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard register`: registrations at the scan (Docs/registrations.md). Thin: ``RegistrationDesk``
/// prefills, validates, stores and raises the events; this file parses and prints.
struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Registrations at the scan: fever clinic, pharmacy, observation, return to work, checkpoint.",
        discussion: """
            Examples:
              hcard register forms
              hcard register new fever-clinic --store reg.db --site FC1 --operator nurse-07 \\
                  --text "HCC1-…" --trust trust.json --events events.db --field temperature=38.2
              hcard register list --store reg.db --form pharmacy --site PH1
              hcard register export --store reg.db --form fever-clinic --output fever.csv
              hcard register purge --store reg.db --older-than 30 --actor district-ops
            """,
        subcommands: [New.self, Forms.self, RegistrationQueryCommands.List.self, RegistrationQueryCommands.Export.self,
            RegistrationQueryCommands.Purge.self, RegistrationQueryCommands.Employees.self]
    )

    /// A rule set named on the command line: a rule file if the path exists, else a shipped id.
    static func ruleSet(_ nameOrFile: String) throws -> RuleSet {
        FileManager.default.fileExists(atPath: nameOrFile)
            ? try RuleSet(json: Array(readFile(nameOrFile)), source: nameOrFile) : try RuleSet.named(nameOrFile)
    }

    /// Exit status of a registration rejected by its form (every violation printed, nothing stored).
    static let rejectedExitCode: Int32 = 2

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register one person (or a site's own filing) with a scenario's form.",
            discussion: """
                The person is an image or --text (an HCC1 health code or HCK1 e-health-card code, \
                verified against --trust) or --id (an ID number). A code that does not verify is \
                refused with the verifier's reason (exit 1) and nothing is filled in or stored. A \
                verified scan fills the identity fields; with --events (the health-code platform's \
                event store) also the name, phone and address it holds.

                Fields: --field id=value (repeatable; numbers and true/false by the field's type, \
                drug lines as JSON) and/or --values FILE (a JSON object). Every violation of the \
                form is printed as "form: field (label): message [rule]" and the exit status is 2; \
                nothing is stored.

                With --events the scenario's events go to the event store under --rules (a shipped \
                rule set id or a rule file): a fever-clinic visit, a fever-medicine purchase, an \
                observation, as the rule set configures.

                Examples:
                  hcard register new pharmacy --store reg.db --site PH1 --operator clerk-2 --id 460106198001010012 \\
                      --field 'drugs=[{"name":"布洛芬","category":"antipyretic","quantity":1}]' \\
                      --field temperature=36.7 --field travelRiskArea=false --field contactWithCase=false \\
                      --field proxyPurchase=false --field name=李强 --field phone=13800138000
                  hcard register new employer-resumption --store reg.db --site EM1 --operator hr-1 --values decl.json
                """)

        @Argument(help: "The form: fever-clinic, medical-observation, pharmacy, employer-resumption, return-to-work, checkpoint-passage.")
        var form: String
        @Argument(help: "A PNG or JPEG image holding the code.")
        var image: String?
        @Option(help: "The scanned text.")
        var text: String?
        @Option(help: "An ID number: alone, the credential; with a health code, the ID card shown with it.")
        var id: String?

        @Option(help: "The registration store (SQLite, created on first use).")
        var store: String
        @Option(help: "The site id (hcard site add).")
        var site: String
        @Option(name: .customLong("operator"), help: "The staff member registering.")
        var operatorID: String
        @Option(help: "A field as id=value (repeatable).")
        var field: [String] = []
        @Option(help: "A JSON object of field values.")
        var values: String?

        @Option(help: "The trust list file (needed to accept codes).")
        var trust: String?
        @Option(help: "The revocation list file.")
        var revoked: String?
        @Option(help: "The health-code event store: prefill from it, and record the scenario's events in it.")
        var events: String?
        @Option(help: "The rule set: a shipped id or a rule file (with --events).")
        var rules = "hainan-2022-09"
        @Option(help: "Register as of this time (ISO 8601; no zone = China time) instead of now.")
        var now: ChinaTimeArgument?
        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            if image != nil && text != nil { throw ValidationError("give an IMAGE or --text, not both") }
            if let image, !FileManager.default.fileExists(atPath: image) { throw ValidationError("no such image file: \(image)") }
        }

        func run() async throws {
            let scenario = try ScenarioForm.named(form)
            var entered: [String: JSONValue] = [:]
            if let values {
                guard case .object(let object) = try JSONShape.any.check(json: Array(readFile(values)), source: values) else {
                    throw FileContentError(values, "not a JSON object of field values")
                }
                entered = object
            }
            for item in field {
                guard let equals = item.firstIndex(of: "=") else { throw ValidationError("--field \(item): expected id=value") }
                let key = String(item[..<equals])
                entered[key] = try scenario.value(text: String(item[item.index(after: equals)...]), for: key)
            }
            let trustList = try trust.map { try TrustList.load(from: $0) } ?? TrustList(entries: [])
            let revocations = try revoked.map { try RevocationList.load(from: $0) } ?? RevocationList()
            let eventStore = try events.map { try HealthEventStore(path: $0) }
            let ruleSet = try RegisterCommand.ruleSet(rules)
            let desk = RegistrationDesk(
                store: try RegistrationStore(path: store),
                prefiller: ScanPrefiller(trustList: trustList, revocations: revocations, events: eventStore),
                service: eventStore.map { LocalHealthCodeService(store: $0, verifier: HealthCodeVerifier(trustList: trustList), rules: ruleSet) })
            let credential: Credential? =
                image == nil && text == nil && id == nil
                ? nil : CheckpointCommand.Scan.credential(text: text, image: image, id: id, maxPixels: 4_000_000)
            let outcome = try await desk.register(
                RegistrationRequest(site: site, operatorID: operatorID, form: form, credential: credential, values: entered, now: now?.instant))
            switch outcome {
            case .stored(let id, let eventIDs, let status):
                if json {
                    try printJSON(StoredOutput(id: id, events: eventIDs, colour: status?.colour.rawValue))
                } else {
                    print("registered #\(id)" + (eventIDs.isEmpty ? "" : ", events \(eventIDs.map(String.init).joined(separator: " "))")
                        + (status.map { ", colour now \($0.colour)" } ?? ""))
                }
            case .rejected(let violations):
                if json { try printJSON(violations) } else { violations.forEach { printError($0.description) } }
                throw ExitCode(RegisterCommand.rejectedExitCode)
            }
        }

        struct StoredOutput: Encodable {
            let id: Int64
            let events: [Int64]
            let colour: String?
        }
    }

    struct Forms: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the shipped forms, or show one form's fields.",
            discussion: "Examples:\n  hcard register forms\n  hcard register forms pharmacy --json")

        @Argument(help: "A form id.")
        var form: String?
        @Flag(help: "Print the form file (JSON).")
        var json = false

        func run() throws {
            guard let form else {
                for form in ScenarioForm.shipped.values.sorted(by: { $0.form < $1.form }) {
                    print("\(form.qualifiedName)\t\(form.siteTypes.map(\.rawValue).joined(separator: ","))\t\(form.title)")
                }
                return
            }
            let scenario = try ScenarioForm.named(form)
            if json { return try printJSON(scenario) }
            print("\(scenario.qualifiedName) \(scenario.title)")
            for field in scenario.fields {
                var rules = [field.type.rawValue]
                if field.required == true { rules.append("required") }
                if let condition = field.requiredWhen {
                    rules.append(condition.ageUnder.map { "required under \($0) (from \(condition.ageFrom ?? ""))" }
                        ?? "required when \(condition.field ?? "") is \(condition.equals.map(compactJSONValue) ?? "")")
                }
                if let values = field.values { rules.append("one of " + values.joined(separator: "|")) }
                if let prefill = field.prefill { rules.append("prefilled: \(prefill.rawValue)") }
                print("  \(field.id)\t\(field.label)\t\(rules.joined(separator: ", "))")
            }
        }
    }
}
