import ArgumentParser
import Foundation
import HealthCardCore

/// Where the symbols of one input came from, for `hcard qr decode` and `hcard qr verify IMAGE`.
struct QRScanInput: ParsableArguments {
    @Option(
        name: .customLong("grey"),
        help: ArgumentHelp(
            "Read the inputs as raw 8-bit grey frames (Y800) of this size, e.g. 640x480.", valueName: "WxH"))
    var greySize: FrameSize?
    @OptionGroup var limit: ImageLimitOption

    /// The raw payloads in `path`: a PNG, JPEG or WebP file (by magic number), or a raw grey frame.
    func payloads(in path: String) throws -> [[UInt8]] {
        let codec = QRImageCodec(maxPixels: limit.maxPixels)
        if let greySize {
            return try codec.payloads(inGreyFrameAt: path, width: greySize.width, height: greySize.height)
        }
        return try codec.payloads(inFileAt: path)
    }

    struct FrameSize: ExpressibleByArgument {
        let width: Int
        let height: Int

        init?(argument: String) {
            let parts = argument.lowercased().split(separator: "x")
            guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
                (1...16_384).contains(width), (1...16_384).contains(height)
            else { return nil }
            self.width = width
            self.height = height
        }
    }
}

extension QRCommand {
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan QR images and print what they say, WITHOUT verifying anything.",
            discussion: """
                Reads PNG, JPEG or WebP files (recognised by content, not name) or, with --grey WxH, raw \
                8-bit grey frames, and scans them with zbar in binary mode (QR only). When the first pass \
                finds nothing it tries harder: inverted, downscaled (large photos), upscaled (tiny \
                modules), binarised, turned 45 degrees, straightened (a code seen at an angle: our own \
                finder-pattern search undoes the perspective), and last a second decoder, zxing-cpp. \
                Several codes in one image are all printed, \
                top to bottom, then left to right. For every symbol it prints the text (bytes that are \
                not UTF-8 are read as GB2312, Shift_JIS or GB18030 where they fit, else shown in hex) and:
                  - for an HCK1- signed code, the fields it claims, labelled UNVERIFIED: nothing in \
                them is true until `hcard qr verify` has checked the signature against a trust list;
                  - for a plain platform payload cardId:type[:validity], its segments;
                  - otherwise why neither grammar applies.
                An image without a QR symbol gives "no QR code found in FILE"; the exit status is 1 if \
                any input had no symbol or could not be read.

                Examples:
                  hcard qr decode code.png
                  hcard qr decode photo.jpg code.png --json
                  hcard qr decode --grey 640x480 frame.y800
                """
        )

        @Argument(help: "PNG, JPEG or WebP files (or raw grey frames with --grey).")
        var images: [String]

        @OptionGroup var scan: QRScanInput

        @Flag(help: "Print JSON: one object per input with its symbols.")
        var json = false

        func validate() throws {
            guard !images.isEmpty else { throw ValidationError("name at least one image file") }
        }

        func run() throws {
            var failed = false
            var results: [ImageJSON] = []
            for path in images {
                let name = (path as NSString).lastPathComponent
                let payloads: [[UInt8]]
                do {
                    payloads = try scan.payloads(in: path)
                } catch {
                    failed = true
                    let message = Self.message(error, path: path)
                    results.append(ImageJSON(file: path, symbols: [], error: message))
                    if !json { printError(TerminalText.escaped(message)) }
                    continue
                }
                let symbols = payloads.map { SymbolJSON(ScannedPayload(bytes: $0)) }
                if symbols.isEmpty {
                    failed = true
                    let message = "no QR code found in \(name)"
                    results.append(ImageJSON(file: path, symbols: [], error: message))
                    if !json { printError(TerminalText.escaped(message)) }
                    continue
                }
                results.append(ImageJSON(file: path, symbols: symbols, error: nil))
                if !json { printText(path: path, payloads: payloads) }
            }
            if json { try printJSON(results) }
            if failed { throw ExitCode(1) }
        }

        static func message(_ error: any Error, path: String) -> String {
            if let error = error as? HealthCardError { return error.reason }
            if let error = error as? CocoaError, error.code == .fileReadNoSuchFile {
                return "\(path): no such file"
            }
            return "\(path): \(error.localizedDescription)"
        }

        /// The symbols for people. Every line goes through `TerminalText/escaped(_:)`: the text is
        /// whatever the code holds, and ESC or OSC bytes in it must not reach the terminal.
        private func printText(path: String, payloads: [[UInt8]]) {
            func show(_ line: String) { print(TerminalText.escaped(line)) }
            show("\(path): \(payloads.count) QR code\(payloads.count == 1 ? "" : "s")")
            for (index, bytes) in payloads.enumerated() {
                let scanned = ScannedPayload(bytes: bytes)
                let prefix = payloads.count == 1 ? "  " : "  [\(index + 1)] "
                switch scanned {
                case .binary(let bytes):
                    if let (text, encoding) = QRPayloadText.decode(bytes) {
                        show("\(prefix)\(text)")
                        show("    \(bytes.count) bytes of \(encoding.rawValue) text (guessed; not UTF-8): \(Hex.encode(bytes))")
                    } else {
                        show("\(prefix)\(bytes.count) bytes, not UTF-8 text: \(Hex.encode(bytes))")
                    }
                case .signed(let decoded):
                    show("\(prefix)\(scanned.text ?? "")")
                    show("    signed code HCK1, UNVERIFIED (signature not checked; use hcard qr verify):")
                    for line in Self.fieldLines(decoded.code) { show("      \(line)") }
                case .malformedSigned(let text, let error):
                    show("\(prefix)\(text)")
                    show("    signed code HCK1, malformed: \(error.reason)")
                case .plain(let payload):
                    show("\(prefix)\(payload.text)")
                    show("    plain e-health-card payload (unsigned; verified online by the platform):")
                    show("      card id:  \(payload.cardID)")
                    show(
                        "      type:     \(payload.type.rawValue) (\(payload.type == .static ? "static" : "dynamic"))")
                    if let validity = payload.validity { show("      validity: \(validity) (opaque)") }
                case .text(let text, let error):
                    show("\(prefix)\(text)")
                    show("    neither a signed code nor a plain payload: \(error.reason)")
                }
            }
        }

        static func fieldLines(_ code: SignedCode) -> [String] {
            var lines = [
                "kind:      \(code.kind == .static ? "static" : "dynamic")",
                "card id:   \(code.cardID)",
                "key id:    \(code.keyID)",
                "issued at: \(ISO8601Instant.format(code.issuedAt))",
            ]
            if let window = code.windowSeconds, let expiry = code.expiresAt {
                lines.append("window:    \(window) s (until \(ISO8601Instant.format(expiry)))")
            }
            lines.append("nonce:     \(code.nonce)")
            return lines
        }

        struct ImageJSON: Encodable {
            let file: String
            let symbols: [SymbolJSON]
            let error: String?
        }

        /// One symbol. `unverified` holds a signed code's claimed fields: not authenticated.
        struct SymbolJSON: Encodable {
            let payload: String
            let text: String?
            /// The character set `text` was read in when the bytes are not UTF-8 (`QRPayloadText`).
            let charset: String?
            let hex: String?
            let unverified: SignedCodeReport?
            let plain: PlainJSON?
            let error: String?
            let offset: Int?

            init(_ scanned: ScannedPayload) {
                payload = scanned.kindName
                var text = scanned.text
                var charset: String?
                var hex: String?
                var unverified: SignedCodeReport?
                var plain: PlainJSON?
                var error: PayloadSyntaxError?
                switch scanned {
                case .binary(let bytes):
                    hex = Hex.encode(bytes)
                    if let decoded = QRPayloadText.decode(bytes) { (text, charset) = (decoded.text, decoded.encoding.rawValue) }
                case .signed(let decoded): unverified = SignedCodeReport(decoded.code)
                case .malformedSigned(_, let failure): error = failure
                case .plain(let payload): plain = PlainJSON(payload)
                case .text(_, let failure): error = failure
                }
                self.text = text
                self.charset = charset
                self.hex = hex
                self.unverified = unverified
                self.plain = plain
                self.error = error?.reason
                offset = error?.offset
            }
        }

        struct PlainJSON: Encodable {
            let cardId: String
            let type: Int
            let kind: String
            let validity: String?

            init(_ payload: EHealthCardPayload) {
                cardId = payload.cardID
                type = Int(payload.type.rawValue)
                kind = payload.type == .static ? "static" : "dynamic"
                validity = payload.validity
            }
        }
    }
}

extension QRCommand {
    /// A line on standard error.
}
