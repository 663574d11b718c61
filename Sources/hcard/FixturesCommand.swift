import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard fixtures`: checks fixture files for CI pipelines.
struct FixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract: "Check fixture files: card images, QR payloads and images, EMPI mappings and CSVs.",
        discussion: """
            Examples:
              hcard fixtures validate Fixtures
              hcard fixtures validate cards/ qr/ --trust trust.json --json
            """,
        subcommands: [Validate.self]
    )

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate fixture files; one line per finding, exit 1 on any error.",
            discussion: """
                Directories are searched recursively (hidden files, *.md and key files are skipped). \
                Each file is checked by its kind:

                  card image (*.json, "format")   every file of the layout present and shaped right, \
                CRC-32 per file, TLV headers, every field's encoding, DF03 index against the slots, \
                encounter signatures
                  QR payloads (*.txt, *.qr)       one per line: HCK1/HCC1 signed codes verified against \
                the trust list, plain payloads by their grammar
                  QR images (*.png, *.jpg)        every symbol, as above
                  trust / revocation lists        parse and key ids match their keys
                  EMPI mapping (*.json, "columns") and EMPI CSV (*.csv, read with its mapping)
                  QR batch CSV (*.csv with card_id,kind)

                Context: without --trust/--revoked, signed codes are checked against trust.json and \
                revoked.json in their own directory; without --mapping, NAME.csv is read with \
                NAME.mapping.json or mapping.json beside it.

                Findings print as FILE: LOCATION: error|warning: MESSAGE, where LOCATION is a card \
                file with its record or byte offset and field ("DF03/ED01 offset 12 (visitDate)"), a \
                line ("line 7"), a character ("line 2 character 9") or a QR symbol. Warnings (an \
                expired sample code, bytes in an empty slot) do not fail the run.

                Examples:
                  hcard fixtures validate Fixtures
                  hcard fixtures validate card.json codes.txt --trust trust.json
                  hcard fixtures validate people.csv --mapping people.mapping.json --json
                """
        )

        @Argument(help: "Fixture files or directories.")
        var paths: [String]

        @Option(help: "The trust list for signed codes (default: trust.json beside each fixture).")
        var trust: String?

        @Option(help: "The revocation list (default: revoked.json beside each fixture).")
        var revoked: String?

        @Option(help: "The field mapping for EMPI CSVs (default: NAME.mapping.json or mapping.json beside each).")
        var mapping: String?

        @Option(help: "Check codes as of this time (ISO 8601 with zone) instead of now.")
        var now: InstantArgument?

        @Flag(help: "Print a JSON report {files, findings, passed} instead of lines.")
        var json = false
        @OptionGroup var limit: ImageLimitOption

        func run() throws {
            var validator = FixtureValidator(now: now?.date, imageReader: QRImageCodec(maxPixels: limit.maxPixels))
            if let trust { validator.trustList = try TrustList.load(from: trust) }
            if let revoked { validator.revocations = try RevocationList.load(from: revoked) }
            if let mapping {
                validator.mapping = try FieldMapping(json: try String(contentsOfFile: mapping, encoding: .utf8))
            }
            let report = validator.validate(paths)
            if json {
                try printJSON(ReportJSON(report))
            } else {
                for finding in report.findings { print(finding) }
                print(
                    "\(report.files.count) files checked: \(report.errorCount) errors, \(report.warningCount) warnings")
            }
            if !report.passed { throw ExitCode(1) }
        }
    }

    private struct ReportJSON: Encodable {
        let files: [String]
        let findings: [FixtureFinding]
        let passed: Bool

        init(_ report: FixtureValidator.Report) {
            files = report.files
            findings = report.findings
            passed = report.passed
        }
    }
}
