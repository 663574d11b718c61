import ArgumentParser
import Foundation
import HealthCardCore

extension QRCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify signed codes offline (text or images) and print the verdicts; exit 1 unless all valid.",
            discussion: """
                Checks, in order: well-formed, key id in the trust list, key valid now, signature, \
                revocation, issue time and expiry (± --skew seconds), and with --replay-cache whether a \
                dynamic code was already accepted. The verdict names the reason: valid, malformed (with \
                the offset), unknown key id, key not valid, bad signature, revoked card/key, expired, \
                not yet valid, replayed.

                Input: --text, or image files (PNG/JPEG, or raw grey frames with --grey WxH), every QR \
                symbol in them verified; with neither, the first line of standard input. An image \
                without a QR symbol is an error ("no QR code found in FILE").

                Replay: each run is stateless unless --replay-cache FILE is given. The file keeps the \
                accepted dynamic codes (key id, nonce) until their window (+ skew) ends; it is locked \
                while in use (FILE.lock), pruned on load and replaced atomically, and an accepted \
                dynamic code is in it before its verdict is printed. Static codes are \
                never replays: they are shown repeatedly by design.

                Output: one line per symbol, "valid: …" or "INVALID: reason" (for images prefixed with \
                the file name). --json prints, for --text, one verdict object; for images, an array of \
                {file, symbol, verdict} objects.

                Examples:
                  hcard qr verify --text "HCK1-…" --trust trust.json
                  hcard qr verify code.png --trust trust.json --revoked revoked.json
                  hcard qr verify photo.jpg --trust trust.json --replay-cache /var/lib/gate/seen.json
                  hcard qr issue --card-id ABC --dynamic --key issuer.key | hcard qr verify --trust trust.json
                  hcard qr verify --text "HCK1-…" --trust trust.json --skew 60 --json
                  hcard qr verify code.png --trust trust.json --status-db empi.sqlite
                """
        )

        @Argument(help: "Image files to scan and verify (PNG or JPEG; raw grey frames with --grey).")
        var images: [String] = []

        @Option(help: "The scanned text. Without it or images, the first line of standard input.")
        var text: String?

        @OptionGroup var verification: VerificationOptions

        @Option(help: "Verify as of this time (ISO 8601 with zone) instead of now.")
        var now: InstantArgument?

        @Option(
            name: .customLong("replay-cache"),
            help: ArgumentHelp("Remember accepted dynamic codes in this JSON file across runs.", valueName: "file"))
        var replayCache: String?

        @OptionGroup var scan: QRScanInput

        @Flag(help: "Print JSON: valid, reason, message, offset and the decoded fields.")
        var json = false

        func validate() throws {
            if text != nil && !images.isEmpty { throw ValidationError("give either --text or image files, not both") }
            if scan.greySize != nil && images.isEmpty { throw ValidationError("--grey applies to image files only") }
        }

        func run() throws {
            let trustList = try verification.trustList()
            let revocations = try verification.revocations()
            let instant = now?.date ?? SystemClock().now()
            let replay = try replayCache.map {
                try ReplayCacheFile(path: $0, now: Int64(instant.timeIntervalSince1970.rounded(.down)))
            }
            let verifier = ReplayGuardedVerifier(
                trustList: trustList, revocations: revocations, clockSkew: verification.clockSkew, replayCache: replay)
            let verify = { (text: String) throws -> Verdict in try verifier.verify(text, at: now?.date ?? SystemClock().now()) }

            var allValid = true
            if images.isEmpty {
                let input = text.map(trimmingLineEnd) ?? readLine() ?? ""
                let verdict = try verify(input)
                try verifier.finish()
                allValid = verdict.isValid
                if json {
                    try printJSON(VerdictReport(verdict))
                } else {
                    print(verdict.isValid ? verdict.description : "INVALID: \(verdict)")
                }
            } else {
                var results: [ImageVerdictJSON] = []
                for path in images {
                    let payloads: [[UInt8]]
                    do {
                        payloads = try scan.payloads(in: path)
                    } catch {
                        allValid = false
                        let message = Decode.message(error, path: path)
                        results.append(ImageVerdictJSON(file: path, symbol: nil, verdict: nil, error: message))
                        if !json { printError(message) }
                        continue
                    }
                    if payloads.isEmpty {
                        allValid = false
                        let message = "no QR code found in \((path as NSString).lastPathComponent)"
                        results.append(ImageVerdictJSON(file: path, symbol: nil, verdict: nil, error: message))
                        if !json { printError(message) }
                        continue
                    }
                    for (index, bytes) in payloads.enumerated() {
                        // Non-UTF-8 bytes cannot be a code; decoding them lossily makes them malformed.
                        let verdict = try verify(String(decoding: bytes, as: UTF8.self))
                        allValid = allValid && verdict.isValid
                        results.append(
                            ImageVerdictJSON(file: path, symbol: index + 1, verdict: VerdictReport(verdict), error: nil))
                        if !json {
                            let label = payloads.count == 1 ? path : "\(path) [\(index + 1)]"
                            print("\(label): " + (verdict.isValid ? verdict.description : "INVALID: \(verdict)"))
                        }
                    }
                }
                try verifier.finish()
                if json { try printJSON(results) }
            }
            if !allValid { throw ExitCode(1) }
        }

        struct ImageVerdictJSON: Encodable {
            let file: String
            /// 1-based index of the symbol in the image; absent when the image could not be scanned.
            let symbol: Int?
            let verdict: VerdictReport?
            let error: String?
        }
    }
}
