import ArgumentParser
import Foundation
import HealthCardCore

extension HealthCodeCommand {
    // MARK: event

    /// The event kinds the command line can record.
    enum EventKind: String, ExpressibleByArgument, CaseIterable {
        case checkIn = "check-in"
        case testResult = "test-result"
        case feverClinic = "fever-clinic"
        case caseOpened = "case-opened"
        case caseClosed = "case-closed"
        case exposure
        case manualConversion = "manual-conversion"
    }

    struct Event: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an event: check-in, test result, fever-clinic visit, case, exposure, manual conversion.",
            discussion: """
                For scripting histories. Events are append-only; `hcard code correct` retracts one.

                Examples:
                  hcard code event --db hc.db --person ID --kind check-in [--abnormal]
                  hcard code event --db hc.db --person ID --kind test-result [--positive]
                  hcard code event --db hc.db --person ID --kind fever-clinic [--excludes-covid]
                  hcard code event --db hc.db --person ID --kind case-opened --status confirmed
                  hcard code event --db hc.db --person ID --kind exposure --minutes 45
                  hcard code event --db hc.db --person ID --kind manual-conversion --to green \\
                      --actor county-hq --reason "control ended"
                """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "The person: a citizen ID, or TT:NUMBER with a CV02.01.101 document type.")
        var person: PersonArgument
        @Option(help: "check-in, test-result, fever-clinic, case-opened, case-closed, exposure, manual-conversion.")
        var kind: EventKind
        @Flag(help: "check-in: symptoms or an abnormal temperature.")
        var abnormal = false
        @Flag(help: "test-result: positive (default negative).")
        var positive = false
        @Flag(help: "fever-clinic: a re-visit that excludes COVID.")
        var excludesCovid = false
        @Option(help: "case-opened/closed: confirmed, asymptomatic, suspected, closeContact, inbound.")
        var status: String?
        @Option(help: "exposure: minutes near the case.")
        var minutes: Int?
        @Option(help: "manual-conversion: the colour.")
        var to: String?
        @Option(help: "manual-conversion: why.")
        var reason: String?
        @Option(help: "Who records it.")
        var actor = "hcard"
        @Option(help: "When it happened (ISO 8601; no zone = China time). Default: now.")
        var at: ChinaTimeArgument?
        @Flag(help: "Print JSON.")
        var json = false

        func healthEventKind() throws -> HealthEvent.Kind {
            func caseStatus() throws -> HealthEvent.CaseStatus {
                guard let status, let value = HealthEvent.CaseStatus(rawValue: status) else {
                    throw ValidationError(
                        "--status is required: "
                            + HealthEvent.CaseStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    )
                }
                return value
            }
            switch kind {
            case .checkIn: return .checkIn(normal: !abnormal)
            case .testResult: return .testResult(positive: positive)
            case .feverClinic: return .feverClinicVisit(excludesCOVID: excludesCovid)
            case .caseOpened: return .caseOpened(try caseStatus())
            case .caseClosed: return .caseClosed(try caseStatus())
            case .exposure:
                guard let minutes, minutes >= 0 else { throw ValidationError("--minutes (0 or more) is required") }
                return .exposure(minutes: minutes)
            case .manualConversion:
                guard let to, !to.isEmpty else { throw ValidationError("--to COLOUR is required") }
                guard let reason, !reason.isEmpty else { throw ValidationError("--reason is required") }
                return .manualConversion(to: HealthColour(rawValue: to), actor: actor, reason: reason)
            }
        }

        func validate() throws { _ = try healthEventKind() }

        func run() async throws {
            let time = at?.dateTime ?? ChinaTime.dateTime(at: SystemClock().now())
            let (eventID, status) = try await store.service().recordEvent(
                HealthEvent(time, try healthEventKind()), for: person.id, actor: actor)
            try report(
                .success, violations: [], person: person.id, eventID: eventID, status: status, rules: store.rules,
                json: json, verb: "recorded \(kind.rawValue) for")
        }
    }

    // MARK: correct

    struct Correct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retract a stored event (GB/T 38963 §6.8 correction); the original stays on record.",
            discussion: """
                Example:
                  hcard code correct --db hc.db --person ID --event 3 --reason "wrong person" --actor county-hq
                """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "The person.")
        var person: PersonArgument
        @Option(help: "The id of the event to retract (see `hcard code status --json`).")
        var event: Int64
        @Option(help: "Why.")
        var reason: String
        @Option(help: "Who corrects.")
        var actor: String
        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let response = try await store.service().correct(
                CorrectionRequest(person: person.id, eventID: event, reason: reason, actor: actor))
            try report(
                response.returnCode, violations: response.violations, person: person.id,
                eventID: response.eventIDs.first, status: response.status, rules: store.rules, json: json,
                verb: "corrected event \(event) of")
        }
    }
}
