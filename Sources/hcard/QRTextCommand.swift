import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard qr`: signed e-health-card QR codes. This file holds the text-only commands, issue and
/// verify (Docs/qr-payload.md); image rendering, scanning and batch work join as further subcommands.
struct QRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Signed, offline-verifiable QR codes for e-health cards.",
        discussion: """
            Codes are HCK1- followed by base45 text (the QR alphanumeric set): version, kind, issuer key \
            id, card id, issue time, window (dynamic codes) and a nonce, signed with SM2/SM3. See \
            Docs/qr-payload.md.

            Examples:
              hcard qr issue --card-id 26B5A1FE56681 --dynamic --key issuer.key
              hcard qr verify --text "HCK1-…" --trust trust.json --revoked revoked.json
            """,
        subcommands: [Issue.self, Verify.self]
    )

    /// Static or dynamic code, as `--static` / `--dynamic`.
    enum Kind: String, EnumerableFlag {
        case `static`
        case dynamic

        static func help(for value: Self) -> ArgumentHelp? {
            switch value {
            case .static: "A static code: no expiry of its own (health-code.md §4.1 type 1)."
            case .dynamic: "A dynamic code, valid for --window seconds (type 0)."
            }
        }
    }

    // MARK: issue

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a signed code and print its QR text.",
            discussion: """
                Signs with the SM2 private key in --key (default distinguishing ID 1234567812345678). \
                A dynamic code is valid from its issue time for --window seconds (default 300, an \
                assumption: no source fixes the window). Prints only the text, so it can be piped.

                Examples:
                  hcard qr issue --card-id 26B5A1FE56681 --static --key issuer.key
                  hcard qr issue --card-id 26B5A1FE56681 --dynamic --window 120 --key issuer.key --json
                  hcard qr issue --card-id ABC --dynamic --key issuer.key --now 2026-03-01T08:00:00Z
                """
        )

        @Option(name: .customLong("card-id"), help: "The card id, [0-9A-Za-z]{1,64}.")
        var cardID: String

        @Flag(help: "Static or dynamic code.")
        var kind: Kind

        @Option(help: "Validity of a dynamic code in seconds, 1...65535. Default: 300.")
        var window: Int?

        @Option(help: "The issuer's private key PEM file.")
        var key: String

        @Option(help: "Issue time (ISO 8601 with zone) instead of now; for tests and back-filling.")
        var now: InstantArgument?

        @Flag(help: "Print JSON with the decoded fields.")
        var json = false

        func validate() throws {
            do throws(PayloadSyntaxError) {
                try EHealthCardPayload.checkCardID(cardID)
            } catch {
                throw ValidationError("--card-id '\(cardID)': \(error.reason)")
            }
            if let window {
                guard kind == .dynamic else { throw ValidationError("--window applies to --dynamic codes only") }
                guard (1...65535).contains(window) else {
                    throw ValidationError("--window must be 1...65535 seconds, got \(window)")
                }
            }
        }

        func run() async throws {
            warnIfReadableByOthers(key)
            let issuer = try SignedCodeIssuer(privateKey: KeyFiles.readPrivateKey(at: key))
            let defaultWindow = Int(SignedCode.defaultDynamicWindow.components.seconds)
            let codeKind: SignedCode.Kind =
                kind == .static ? .static : .dynamic(window: .seconds(window ?? defaultWindow))
            let text = try await issuer.issue(cardID: cardID, kind: codeKind, now: now?.date)
            if json {
                let decoded = try SignedCodeFormat.decode(text)
                try printJSON(IssuedJSON(text: text, code: decoded.code))
            } else {
                print(text)
            }
        }

        struct IssuedJSON: Encodable {
            let text: String
            let length: Int
            let code: SignedCodeJSON

            init(text: String, code: SignedCode) {
                self.text = text
                length = text.count
                self.code = SignedCodeJSON(code)
            }
        }
    }

    // MARK: verify

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a signed code offline and print the verdict; exit 1 unless valid.",
            discussion: """
                Checks, in order: well-formed, key id in the trust list, key valid now, signature, \
                revocation, issue time and expiry (± --skew seconds). The verdict names the reason: \
                valid, malformed (with the offset), unknown key id, key not valid, bad signature, \
                revoked card/key, expired, not yet valid.

                Examples:
                  hcard qr verify --text "HCK1-…" --trust trust.json
                  hcard qr issue --card-id ABC --dynamic --key issuer.key | hcard qr verify --trust trust.json
                  hcard qr verify --text "HCK1-…" --trust trust.json --revoked revoked.json --skew 60 --json
                """
        )

        @Option(help: "The scanned text. Without it, the first line of standard input.")
        var text: String?

        @Option(help: "The trust list file.")
        var trust: String

        @Option(help: "The revocation list file.")
        var revoked: String?

        @Option(help: "Allowed clock difference in seconds. Default: 30.")
        var skew: Int = 30

        @Option(help: "Verify as of this time (ISO 8601 with zone) instead of now.")
        var now: InstantArgument?

        @Flag(help: "Print JSON: valid, reason, message, offset and the decoded fields.")
        var json = false

        func validate() throws {
            guard (0...86_400).contains(skew) else { throw ValidationError("--skew must be 0...86400 seconds") }
        }

        func run() throws {
            let input = text.map(Self.trimmingLineEnd) ?? readLine() ?? ""
            let trustList = try TrustList.load(from: trust)
            let revocations = try revoked.map { try RevocationList.load(from: $0) } ?? RevocationList()
            let verifier = CodeVerifier(trustList: trustList, revocations: revocations, clockSkew: .seconds(skew))
            let verdict = verifier.verify(input, now: now?.date)
            if json {
                try printJSON(VerdictJSON(verdict))
            } else {
                print(verdict.isValid ? verdict.description : "INVALID: \(verdict)")
            }
            if !verdict.isValid { throw ExitCode(1) }
        }

        /// The text without a trailing line break (a pasted line), keeping spaces, which are base45 digits.
        static func trimmingLineEnd(_ text: String) -> String {
            var text = text
            while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" { text.removeLast() }
            return text
        }
    }
}

/// The fields of a signed code in `--json` output.
struct SignedCodeJSON: Encodable {
    let kind: String
    let keyId: String
    let cardId: String
    let issuedAt: String
    let windowSeconds: Int?
    let expiresAt: String?
    let nonce: String

    init(_ code: SignedCode) {
        kind = code.kind == .static ? "static" : "dynamic"
        keyId = code.keyID.hex
        cardId = code.cardID
        issuedAt = ISO8601Instant.format(code.issuedAt)
        windowSeconds = code.windowSeconds
        expiresAt = code.expiresAt.map(ISO8601Instant.format)
        nonce = code.nonce.hex
    }
}

/// A verdict in `--json` output.
struct VerdictJSON: Encodable {
    let valid: Bool
    let reason: String
    let message: String
    let offset: Int?
    let issuer: String?
    let code: SignedCodeJSON?

    init(_ verdict: Verdict) {
        valid = verdict.isValid
        reason = verdict.reasonCode
        message = verdict.description
        if case .malformed(_, let offset) = verdict { self.offset = offset } else { offset = nil }
        if case .valid(let decoded) = verdict {
            issuer = decoded.issuer
            code = SignedCodeJSON(decoded.code)
        } else {
            issuer = nil
            code = nil
        }
    }
}

/// An instant on the command line: ISO 8601 with a zone, e.g. `2026-03-01T08:00:00Z`.
struct InstantArgument: ExpressibleByArgument {
    let text: String
    let date: Date

    init?(argument: String) {
        guard let date = ISO8601Instant.parse(argument) else { return nil }
        text = argument
        self.date = date
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
