import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard qr`: signed e-health-card QR codes (Docs/qr-payload.md). This file holds the parent
/// command and the JSON shapes the subcommands share; the subcommands are in `QRIssueCommand.swift`,
/// `QRDecodeCommand.swift`, `QRVerifyCommand.swift` and `QRBatchCommand.swift`.
struct QRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Signed, offline-verifiable QR codes for e-health cards.",
        discussion: """
            Codes are HCK1- followed by base45 text (the QR alphanumeric set): version, kind, issuer key \
            id, card id, issue time, window (dynamic codes) and a nonce, signed with SM2/SM3. Images \
            are drawn with libqrencode (PNG, SVG, terminal) and scanned with zbar (PNG, JPEG, raw grey \
            frames). See Docs/qr-payload.md.

            Examples:
              hcard qr issue --card-id 26B5A1FE56681 --dynamic --key issuer.key --png code.png
              hcard qr decode code.png
              hcard qr verify code.png --trust trust.json --revoked revoked.json
              hcard qr verify --text "HCK1-…" --trust trust.json
              hcard qr batch --csv cards.csv --out codes/ --key issuer.key
            """,
        subcommands: [Issue.self, Decode.self, Verify.self, Batch.self]
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

extension QRErrorCorrection: ExpressibleByArgument {}
extension QRImageFormat: ExpressibleByArgument {}
