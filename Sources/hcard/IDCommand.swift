import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard id`: citizen identity numbers (GB 11643-1999).
struct IDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id",
        abstract: "Citizen identity numbers (GB 11643-1999).",
        discussion: """
            Examples:
              hcard id check 11010519491231002X 110105491231002
              cut -d, -f3 patients.csv | hcard id check --strict --json
            """,
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate citizen IDs and show birth date, sex and region.",
            discussion: """
                Checks the format, the ISO 7064 MOD 11-2 check character, the birth date, the province \
                prefix and the GB/T 2260 region code. 15-digit legacy numbers are upgraded to 18 digits. \
                A region code missing from the table is a warning (codes are retired; old IDs keep them) \
                unless --strict is given. Exits 1 when any ID is invalid.

                Examples:
                  hcard id check 11010519491231002X
                  hcard id check --json 11010519491231002X 110105491231002
                  cut -d, -f3 patients.csv | hcard id check --strict
                """
        )

        @Argument(help: "IDs to check. Without any, IDs are read one per line from standard input.")
        var ids: [String] = []

        @Flag(help: "Print a JSON array, one object per ID.")
        var json = false

        @Flag(help: "Treat warnings (unknown or retired region, implausible age) as errors.")
        var strict = false

        @Option(help: "Check dates against this day (YYYY-MM-DD) instead of today in China.")
        var today: CalendarDate?

        func run() throws {
            var validator = CitizenIDValidator()
            if let today { validator.today = today }
            let inputs = ids.isEmpty ? readStandardInputLines() : ids
            let reports = inputs.map(validator.validate)
            let accepted = reports.map { $0.isValid && !(strict && !$0.findings.isEmpty) }

            if json {
                try printJSON(zip(reports, accepted).map { IDCheckJSON(report: $0, valid: $1) })
            } else {
                for (report, ok) in zip(reports, accepted) { print(Self.describe(report, valid: ok)) }
            }
            if accepted.contains(false) { throw ExitCode(1) }
        }

        static func describe(_ report: CitizenIDValidation, valid: Bool) -> String {
            var line = "\(report.input): \(valid ? "valid" : "INVALID")"
            if report.kind != .citizenID { line += " \(report.kind.description)" }
            if let normalized = report.normalized, normalized != report.input { line += " (\(normalized))" }
            var facts: [String] = []
            if let birth = report.birthDate { facts.append("born \(birth)") }
            if let sex = report.sex, let entry = sex.entry { facts.append(entry.english) }
            if let code = report.regionCode { facts.append("region \(code) \(report.regionName ?? "")") }
            if !facts.isEmpty { line += "\n  " + facts.joined(separator: ", ").trimmingCharacters(in: .whitespaces) }
            for finding in report.findings { line += "\n  \(finding.severity): \(finding.message)" }
            return line
        }
    }
}

/// The JSON row of `hcard id check --json`.
struct IDCheckJSON: Encodable {
    let input: String
    let valid: Bool
    /// `citizen-id`, `residence-permit` or `foreign-permanent-resident-id`.
    let kind: CitizenIDValidation.Kind
    let normalized: String?
    let upgradedFrom15: Bool
    let birthDate: CalendarDate?
    let sex: Sex?
    let region: RegionJSON?
    let findings: [CitizenIDValidation.Finding]

    struct RegionJSON: Encodable {
        let code: String
        let name: String?
    }

    init(report: CitizenIDValidation, valid: Bool) {
        input = report.input
        self.valid = valid
        kind = report.kind
        normalized = report.normalized
        upgradedFrom15 = report.upgradedFrom15
        birthDate = report.birthDate
        sex = report.sex
        region = report.regionCode.map { RegionJSON(code: $0, name: report.regionName) }
        findings = report.findings
    }
}

/// Non-empty, trimmed lines of standard input.
func readStandardInputLines() -> [String] {
    var lines: [String] = []
    while let line = readLine() {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty { lines.append(trimmed) }
    }
    return lines
}
