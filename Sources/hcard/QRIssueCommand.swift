import ArgumentParser
import Foundation
import HealthCardCore

/// Image options shared by `hcard qr issue` and `hcard qr batch`.
struct QRImageOptions: ParsableArguments {
    @Option(name: .customLong("ec"), help: "Error correction: L (7 %), M (15 %), Q (25 %) or H (30 %).")
    var errorCorrection: QRErrorCorrection = .medium

    @Option(
        name: .customLong("module-size"),
        help: "Pixels per module in PNG images, 2...64 (1 is refused: zbar cannot read it reliably).")
    var moduleSize = 4

    @Option(name: .customLong("quiet-zone"), help: "White margin in modules (ISO/IEC 18004 asks for 4).")
    var quietZone = 4

    func validate() throws {
        _ = try renderOptions()
    }

    func renderOptions() throws -> QRRenderOptions {
        do {
            return try QRRenderOptions(errorCorrection: errorCorrection, moduleSize: moduleSize, quietZone: quietZone)
        } catch let error as HealthCardError {
            throw ValidationError(error.reason)
        }
    }
}

extension QRCommand {
    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a signed code; print its QR text or draw it as PNG, SVG or terminal blocks.",
            discussion: """
                Signs with the SM2 private key in --key (default distinguishing ID 1234567812345678). \
                A dynamic code is valid from its issue time for --window seconds (default 300, an \
                assumption: no source fixes the window).

                Without an image option only the text is printed, so it can be piped. --png and --svg \
                write the symbol (libqrencode, alphanumeric mode) to files, replacing them atomically; \
                --terminal prints it with UTF-8 half blocks (for a dark terminal; add --invert on a light \
                one). With --json the output also has the QR version, the modules per side and the files.

                Examples:
                  hcard qr issue --card-id 26B5A1FE56681 --static --key issuer.key
                  hcard qr issue --card-id 26B5A1FE56681 --dynamic --window 120 --key issuer.key --json
                  hcard qr issue --card-id 26B5A1FE56681 --static --key issuer.key --png code.png --ec Q
                  hcard qr issue --card-id ABC --dynamic --key issuer.key --terminal
                  hcard qr issue --card-id ABC --static --key issuer.key --svg code.svg --module-size 8
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

        @Option(help: "Write the symbol as a PNG file.")
        var png: String?

        @Option(help: "Write the symbol as an SVG file.")
        var svg: String?

        @Flag(help: "Print the symbol on the terminal (UTF-8 half blocks).")
        var terminal = false

        @Flag(help: "With --terminal: dark modules in the foreground colour, for light terminals.")
        var invert = false

        @OptionGroup var image: QRImageOptions

        @Flag(help: "Print JSON with the decoded fields (and the QR symbol's size and files).")
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
            if let png, let svg, png == svg { throw ValidationError("--png and --svg must be different files") }
            if invert && !terminal { throw ValidationError("--invert applies to --terminal only") }
        }

        func run() async throws {
            warnIfReadableByOthers(key)
            let issuer = try SignedCodeIssuer(privateKey: KeyFiles.readPrivateKey(at: key))
            let defaultWindow = Int(SignedCode.defaultDynamicWindow.components.seconds)
            let codeKind: SignedCode.Kind =
                kind == .static ? .static : .dynamic(window: .seconds(window ?? defaultWindow))
            let text = try await issuer.issue(cardID: cardID, kind: codeKind, now: now?.date)
            let drawing = png != nil || svg != nil || terminal
            let options = try image.renderOptions()
            let matrix = drawing || json ? try QREncoder().encode(text: text, options: options) : nil

            var files: [FileJSON] = []
            if let matrix {
                let codec = QRImageCodec()
                for (path, format) in [(png, QRImageFormat.png), (svg, .svg)] {
                    guard let path else { continue }
                    try codec.write(matrix, as: format, options: options, to: path)
                    files.append(FileJSON(path: path, format: format.rawValue))
                }
            }
            if json {
                let decoded = try SignedCodeFormat.decode(text)
                try printJSON(
                    IssuedJSON(text: text, code: decoded.code, matrix: matrix, options: options, files: files))
                return
            }
            if let matrix, terminal {
                print(matrix.terminal(quietZone: min(options.quietZone, 2), invert: invert), terminator: "")
            }
            if let matrix {
                for file in files {
                    print(
                        "wrote \(file.path): QR version \(matrix.version), \(matrix.width)×\(matrix.width) modules, "
                            + "error correction \(options.errorCorrection.rawValue)")
                }
            }
            if !drawing || terminal { print(text) }
        }

        struct FileJSON: Encodable {
            let path: String
            let format: String
        }

        struct IssuedJSON: Encodable {
            let text: String
            let length: Int
            let code: SignedCodeReport
            let qr: QRJSON?
            let files: [FileJSON]

            init(text: String, code: SignedCode, matrix: QRMatrix?, options: QRRenderOptions, files: [FileJSON]) {
                self.text = text
                length = text.count
                self.code = SignedCodeReport(code)
                qr = matrix.map {
                    QRJSON(
                        version: $0.version, modules: $0.width, errorCorrection: options.errorCorrection.rawValue,
                        moduleSize: options.moduleSize, quietZone: options.quietZone)
                }
                self.files = files
            }
        }

        struct QRJSON: Encodable {
            let version: Int
            let modules: Int
            let errorCorrection: String
            let moduleSize: Int
            let quietZone: Int
        }
    }
}
