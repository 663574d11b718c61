import ArgumentParser
import Foundation
import HealthCardCore

/// The text output of `hcard code`; JSON output prints the library's reports (HealthCodeReports.swift).

/// The violations of a rejected request, one per line.
func printRejection(_ violations: [HealthCodeViolation]) {
    print("rejected: \(violations.count) violation\(violations.count == 1 ? "" : "s"); nothing was stored")
    for violation in violations { print("  \(violation)") }
}

/// The colour, then each active reason with when it ends.
func printStatus(_ status: ColourStatus, person: PersonID, rules: String) {
    print("\(person): \(status.colour) on \(status.date) (\(rules))")
    for reason in status.reasons {
        let ends = reason.endsOn.map { "ends \($0)" } ?? "no set end"
        print(
            "  \(reason.colour) \(reason.category) since \(reason.since) (\(reason.source)): "
                + "\(reason.exitCondition); \(ends)"
        )
    }
}

/// Prints the outcome of a write command and exits 1 unless it succeeded.
func report(
    _ returnCode: HealthCodeReturnCode, violations: [HealthCodeViolation], person: PersonID, eventID: Int64?,
    status: ColourStatus?, rules: String, json: Bool, verb: String
) throws {
    if json {
        try printJSON(
            HealthCodeRequestReport(
                returnCode: returnCode, violations: violations, person: person, eventID: eventID, status: status))
    } else if returnCode == .success, let status {
        print("\(verb) \(person) (event \(eventID ?? 0))")
        printStatus(status, person: person, rules: rules)
    } else if returnCode == .invalidRequest {
        printRejection(violations)
    } else {
        printError("\(returnCode) for \(person)")
    }
    if returnCode != .success { throw ExitCode(1) }
}
