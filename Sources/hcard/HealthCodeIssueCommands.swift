import ArgumentParser
import Foundation
import HealthCardCore

extension HealthCodeCommand {
    // MARK: issue

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a signed health code (制码) with the colour the person's history gives now.",
            discussion: """
                Prints the HCC1 text on standard output (the colour and expiry go to standard error), \
                and writes the symbol with --png/--svg or shows it with --terminal. GB/T 38961 \
                recommends Grid Matrix (--symbology grid-matrix, drawn with libzint); phones and \
                zbar read QR, and no open decoder reads Grid Matrix.

                Examples:
                  hcard code issue --db hc.db --person 11010519491231002X --key issuer.key --png code.png
                  hcard code issue --db hc.db --person ID --key issuer.key --region 460200 --valid 12h --json
                """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "The person: a citizen ID, or TT:NUMBER.")
        var person: PersonArgument
        @Option(help: "The issuer's SM2 private key PEM file.")
        var key: String
        @Option(help: "The issuing region, GB/T 2260. Default: 460100.")
        var region = "460100"
        @Option(help: "Validity: seconds, or with a unit s/m/h/d (24h). Default: 24h.")
        var valid: DurationArgument = DurationArgument(seconds: 24 * 3600)
        @Option(help: "Issue time (ISO 8601; no zone = China time). Default: now.")
        var at: ChinaTimeArgument?
        @Option(help: "qr or grid-matrix (recommended by GB/T 38961; no open decoder reads it).")
        var symbology = "qr"
        @Option(help: "Write the symbol as a PNG file.")
        var png: String?
        @Option(help: "Write the symbol as an SVG file.")
        var svg: String?
        @Flag(help: "Show the symbol in the terminal.")
        var terminal = false
        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard Symbology(rawValue: symbology) != nil else {
                throw ValidationError("--symbology '\(symbology)': expected qr or grid-matrix")
            }
        }

        func run() async throws {
            let symbology = Symbology(rawValue: symbology) ?? .qr
            warnIfReadableByOthers(key)
            let issuer = try HealthCodeIssuer(privateKey: KeyFiles.readPrivateKey(at: key))
            let response = try await store.service(issuer: issuer).generateCode(
                CodeGenerationRequest(
                    person: person.id, region: region, validity: .seconds(valid.seconds), rules: store.rules,
                    now: at?.instant))
            guard response.returnCode == .success, let text = response.text, let code = response.code else {
                if json {
                    try printJSON(
                        HealthCodeRequestReport(
                            returnCode: response.returnCode, violations: response.violations, person: person.id,
                            eventID: nil, status: response.status))
                } else if response.returnCode == .unknownPerson {
                    printError("unknown person \(person.id) in \(store.db): declare first")
                } else {
                    printRejection(response.violations)
                }
                throw ExitCode(1)
            }
            var matrix: (any ModuleMatrix)?
            if png != nil || svg != nil || terminal {
                let symbol = try HealthCodeIssuer.symbol(for: text, symbology: symbology, encoder: SymbolEncoder())
                if let png { try QRImage.writePNG(symbol, to: URL(fileURLWithPath: png)) }
                if let svg { try AtomicFile.write(Array(symbol.svg().utf8), to: svg) }
                matrix = symbol
            }
            if json {
                try printJSON(
                    IssuedHealthCodeReport(
                        text: text, code: code, person: person.id, status: response.status, png: png, svg: svg))
            } else {
                print(text)
                if terminal, let matrix { print(matrix.terminal()) }
                printError(
                    "\(code.colour?.rawValue ?? "?") code \(code.id) for \(person.id.masked), region \(code.region), "
                        + "valid \(ISO8601Instant.format(code.issuedAt)) to \(ISO8601Instant.format(code.expiresAt))")
            }
        }
    }

    // MARK: verify

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a health code (验码) offline; exit 1 unless valid.",
            discussion: """
                Reads the code from an image (PNG or JPEG), from --text, or from the first line of \
                standard input. Verdicts: valid (colour, region, times, code id), malformed (with \
                the offset), unknown key id, key not valid, bad signature, revoked key/code, unknown \
                colour, expired, not yet valid, subject mismatch (with --person). Revoked code ids are \
                listed in the revocation file's cardIds (hcard keys revoke --card-id CODEID).

                Examples:
                  hcard code verify code.png --trust trust.json
                  hcard code verify --text "HCC1-…" --trust trust.json --revoked revoked.json --json
                  hcard code verify code.png --trust trust.json --person 11010519491231002X --db hc.db
                """
        )

        @Argument(help: "A PNG or JPEG image holding the code.")
        var image: String?
        @Option(help: "The scanned text.")
        var text: String?
        @OptionGroup var verification: VerificationOptions
        @Option(help: "The identity document presented with the code (a citizen ID, or TT:NUMBER).")
        var person: PersonArgument?
        @Option(help: "The event store, to report whether a newer code was issued since.")
        var db: String?
        @OptionGroup var limit: ImageLimitOption
        @Option(help: "Verify as of this time (ISO 8601; no zone = China time) instead of now.")
        var now: ChinaTimeArgument?
        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            if image != nil && text != nil { throw ValidationError("give an IMAGE or --text, not both") }
        }

        func run() async throws {
            let input: String
            if let image {
                let payloads = try QRImage.decode(fileAt: URL(fileURLWithPath: image), maxPixels: limit.maxPixels)
                guard let first = payloads.first else {
                    printError("no QR code found in \(image)")
                    throw ExitCode(1)
                }
                input = String(decoding: first, as: UTF8.self)
            } else {
                input = text.map(trimmingLineEnd) ?? readLine() ?? ""
            }
            let verifier = HealthCodeVerifier(
                trustList: try verification.trustList(), revocations: try verification.revocations(),
                clockSkew: verification.clockSkew)
            let request = CodeVerificationRequest(text: input, now: now?.instant, presentedBy: person?.id)
            let response = try await LocalHealthCodeService.verify(
                request, with: verifier, registerAt: db)
            if json {
                try printJSON(HealthCodeVerificationReport(response))
            } else {
                print(response.verdict.isValid ? response.verdict.description : "INVALID: \(response.verdict)")
                if let newer = response.supersededBy { print("note: a newer code \(newer) has been issued since") }
            }
            if !response.verdict.isValid { throw ExitCode(1) }
        }
    }

    // MARK: status

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The person's colour on a date, every active reason and when each ends.",
            discussion: """
                Example:
                  hcard code status --db hc.db --person 11010519491231002X --at 2026-03-20 --rules hainan-2022-05
                """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "The person: a citizen ID, or TT:NUMBER.")
        var person: PersonArgument
        @Option(help: "The date (YYYY-MM-DD, or an ISO 8601 time). Default: today in China.")
        var at: ChinaTimeArgument?
        @Flag(help: "Print JSON, with the events and issued codes.")
        var json = false

        func run() async throws {
            let response = try await store.service(mode: .readOnly).queryHealthInformation(
                HealthInformationQueryRequest(person: person.id, date: at?.dateTime.date, rules: store.rules))
            guard response.returnCode == .success, let status = response.status else {
                if json {
                    try printJSON(
                        HealthCodeRequestReport(
                            returnCode: response.returnCode, violations: response.violations, person: person.id,
                            eventID: nil, status: nil))
                } else {
                    printError("unknown person \(person.id) in \(store.db)")
                }
                throw ExitCode(1)
            }
            if json {
                try printJSON(
                    HealthInformationReport(person: person.id, rules: store.rules, status: status, response: response))
            } else {
                printStatus(status, person: person.id, rules: store.rules)
            }
        }
    }
}
