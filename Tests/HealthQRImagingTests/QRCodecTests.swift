import Foundation
import Testing
@testable import HealthCardFoundation
@testable import HealthCardTestSupport
@testable import HealthQR
@testable import HealthQRImaging


#if canImport(FoundationXML)
    import FoundationXML  // XMLParser on Linux
#endif

/// Real round trips through libqrencode, libpng/libjpeg and zbar: bytes in, identical bytes out.
@Suite("QR codec: round trips through image files")
struct QRCodecRoundTripTests {
    typealias T = QRCodecTestSupport

    /// A named payload, so a failing case prints its name rather than 256 numbers.
    struct Payload: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var testDescription: String { "\(name) (\(bytes.count) bytes)" }
    }

    static let payloads: [Payload] = [
        Payload(name: "NUL, DEL and 0x80-0xFF", bytes: T.awkwardBytes),
        Payload(name: "200 random bytes", bytes: T.randomBytes),
        Payload(name: "UTF-8 Chinese", bytes: Array(T.chineseText.utf8)),
        Payload(name: "all 256 byte values", bytes: (0...255).map { UInt8($0) }),
    ]

    @Test("bytes → libqrencode → PNG file → libpng → zbar → the same bytes", arguments: payloads)
    func png(_ sample: Payload) throws {
        let payload = sample.bytes
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let matrix = try QREncoder().encode(payload, errorCorrection: .medium)
        let file = directory.appendingPathComponent("code.png")
        try QRImage.writePNG(matrix, to: file, moduleSize: 3, quietZone: 4)

        let image = try ImageFile.readPNG(at: file)
        #expect(image.width == (matrix.width + 8) * 3)
        #expect(image.height == image.width)
        #expect(Set(image.pixels) == [0, 255])
        #expect(try QRDecoder().decode(image) == [payload])
        #expect(try QRImage.decode(fileAt: file) == [payload])
    }

    @Test("bytes → libqrencode → JPEG file (libjpeg, quality 75) → zbar → the same bytes", arguments: payloads)
    func jpeg(_ sample: Payload) throws {
        let payload = sample.bytes
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let matrix = try QREncoder().encode(payload, errorCorrection: .medium)
        let file = directory.appendingPathComponent("code.jpg")
        try ImageFile.writeJPEG(matrix.greyImage(moduleSize: 4, quietZone: 4), to: file, quality: 75)

        let bytes = try Array(Data(contentsOf: file))
        #expect(ImageFile.format(of: bytes) == .jpeg)
        let image = try ImageFile.readJPEG(at: file)
        #expect(image.width == (matrix.width + 8) * 4)
        #expect(image.pixels.contains { $0 != 0 && $0 != 255 }, "lossy: grey values between black and white")
        #expect(try QRImage.decode(fileAt: file) == [payload])
    }

    @Test("raw grey frames: direct, and two symbols in one frame")
    func rawFrames() throws {
        let first = try QREncoder().encode(T.randomBytes)
        #expect(try QRDecoder().decode(first.greyImage(moduleSize: 2, quietZone: 4)) == [T.randomBytes])

        // Two symbols side by side on one white 8-bit frame.
        let second = try QREncoder().encode(Array(T.chineseText.utf8), errorCorrection: .high)
        let left = first.greyImage(moduleSize: 3)
        let right = second.greyImage(moduleSize: 3)
        let height = max(left.height, right.height)
        let width = left.width + right.width
        var pixels = [UInt8](repeating: 255, count: width * height)
        for (image, offset) in [(left, 0), (right, left.width)] {
            for y in 0..<image.height {
                let row = image.pixels[(y * image.width)..<((y + 1) * image.width)]
                pixels.replaceSubrange((y * width + offset)..<(y * width + offset + image.width), with: row)
            }
        }
        let found = try QRDecoder().decode(greyPixels: pixels, width: width, height: height)
        #expect(found.count == 2)
        #expect(Set(found) == [T.randomBytes, Array(T.chineseText.utf8)])
    }

    @Test("a PNG named .jpg is read by its magic bytes")
    func magicBytesNotExtension() throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("really-a-png.jpg")
        try QRImage.writePNG(try QREncoder().encode(Array("magic".utf8)), to: file)
        #expect(try QRImage.decode(fileAt: file) == [Array("magic".utf8)])
    }

    @Test("8-bit PNGs written and read back are pixel-identical")
    func png8BitRoundTrip() throws {
        var generator = SplitMix64(seed: 7)
        let pixels = (0..<(37 * 23)).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let image = try GreyImage(width: 37, height: 23, pixels: pixels)
        let png = try ImageFile.encodePNG(image, bitDepth: 8)
        #expect(ImageFile.format(of: png) == .png)
        #expect(try ImageFile.decodePNG(png) == image)
    }

    @Test("encoders and decoders run concurrently on 4 threads with separate instances")
    func concurrent() async throws {
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<4 {
                group.addTask {
                    var generator = SplitMix64(seed: UInt64(task))
                    for round in 0..<25 {
                        let payload = (0..<(50 + round * 4)).map { _ in
                            UInt8.random(in: .min ... .max, using: &generator)
                        }
                        let matrix = try QREncoder().encode(payload, errorCorrection: .quartile)
                        let png = try QRImage.pngData(matrix, moduleSize: 2)
                        guard try QRDecoder().decode(ImageFile.decode(png)) == [payload] else { return false }
                    }
                    return true
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == [true, true, true, true])
    }
}

/// Cross-checks with the Debian command-line tools, the reference outside this code.
@Suite("QR codec: against zbarimg and qrencode", .enabled(if: QRCodecTestSupport.hasTools))
struct QRCodecToolTests {
    typealias T = QRCodecTestSupport

    @Test("our PNG decodes with `zbarimg -Sbinary` to the same bytes", arguments: [T.randomBytes, T.awkwardBytes])
    func zbarimgReadsOurPNG(payload: [UInt8]) async throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("ours.png")
        try QRImage.writePNG(try QREncoder().encode(payload, errorCorrection: .low), to: file)
        let output = try await T.run(
            T.zbarimgPath, ["--nodbus", "--raw", "-q", "-Sbinary", "-Sdisable", "-Sqrcode.enable", file.path])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout == payload)  // -Sbinary: no newline appended
    }

    @Test("our JPEG decodes with zbarimg too")
    func zbarimgReadsOurJPEG() async throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("ours.jpg")
        let matrix = try QREncoder().encode(Array(T.chineseText.utf8))
        try ImageFile.writeJPEG(matrix.greyImage(), to: file, quality: 60)
        let output = try await T.run(
            T.zbarimgPath, ["--nodbus", "--raw", "-q", "-Sbinary", "-Sdisable", "-Sqrcode.enable", file.path])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout == Array(T.chineseText.utf8))
    }

    @Test("a PNG from `qrencode -8` decodes with our scanner", arguments: ["hello", T.chineseText])
    func weReadQrencodePNG(text: String) async throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("theirs.png")
        let output = try await T.run(T.qrencodePath, ["-o", file.path, "-8", "-l", "Q", text])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(try QRImage.decode(fileAt: file) == [Array(text.utf8)])
    }

    @Test("our matrix equals qrencode's for the same input, level and mode")
    func sameMatrixAsQrencode() async throws {
        // `qrencode -t ASCII` draws a dark module as "##" and a light one as "  ", margin 0.
        let text = "HEALTH CODE 0123456789"
        let output = try await T.run(T.qrencodePath, ["-t", "ASCII", "-m", "0", "-l", "H", "-8", text])
        #expect(output.status == 0)
        let rows = String(decoding: output.stdout, as: UTF8.self).split(separator: "\n")
        let matrix = try QREncoder().encode(Array(text.utf8), errorCorrection: .high)
        #expect(rows.count == matrix.width)
        let ours = (0..<matrix.width).map { y in
            (0..<matrix.width).map { matrix.isDark(x: $0, y: y) ? "##" : "  " }.joined()
        }
        #expect(rows.map(String.init) == ours)
    }
}

/// Versions, levels and modes, with the versions measured on libqrencode 4.1.1.
@Suite("QR codec: encoding choices")
struct QRCodecEncodingTests {
    typealias T = QRCodecTestSupport

    @Test("every EC level gives a symbol that scans; the version grows with the level")
    func levels() throws {
        var versions: [Int] = []
        for level in QRErrorCorrection.allCases {
            let matrix = try QREncoder().encode(T.randomBytes, errorCorrection: level)
            #expect(matrix.width == 17 + 4 * matrix.version)
            #expect(try QRDecoder().decode(matrix.greyImage(moduleSize: 2)) == [T.randomBytes])
            versions.append(matrix.version)
        }
        // 200 bytes: ISO/IEC 18004 Table 7 byte capacities (L 9:230, M 10:213, Q 12:203, H 15:220).
        #expect(versions == [9, 10, 12, 15])
    }

    @Test("alphanumeric mode needs a smaller symbol than byte mode for 100 uppercase characters")
    func alphanumericIsSmaller() throws {
        let text = Array(String(repeating: "HC1:6BF+ 0$%*-./", count: 7).utf8.prefix(100))
        #expect(text.count == 100)
        #expect(QRMode.smallest(for: text) == .alphanumeric)
        let alphanumeric = try QREncoder().encode(
            text, mode: .alphanumeric, errorCorrection: .medium, minimumVersion: 0)
        let byte = try QREncoder().encode(text, mode: .byte, errorCorrection: .medium, minimumVersion: 0)
        #expect(alphanumeric.version == 5)  // M: 5 holds 154 alphanumeric characters, 4 only 114
        #expect(byte.version == 6)  // M: 6 holds 106 bytes, 5 only 84
        #expect(try QRDecoder().decode(alphanumeric.greyImage()) == [text])
        #expect(try QRDecoder().decode(byte.greyImage()) == [text])
    }

    @Test("numeric mode: 100 digits fit version 3 at M, byte mode needs version 6")
    func numeric() throws {
        let digits = Array(String(repeating: "0123456789", count: 10).utf8)
        #expect(QRMode.smallest(for: digits) == .numeric)
        let numeric = try QREncoder().encode(digits, mode: .numeric, errorCorrection: .medium, minimumVersion: 0)
        #expect(numeric.version == 3)  // M: 3 holds 101 digits
        #expect(try QREncoder().encode(digits, errorCorrection: .medium).version == 6)
        #expect(try QRDecoder().decode(numeric.greyImage()) == [digits])
    }

    @Test("a minimum version is honoured, and grown when too small")
    func minimumVersion() throws {
        #expect(try QREncoder().encode(Array("hi".utf8), minimumVersion: 12).version == 12)
        #expect(try QREncoder().encode(Array("hi".utf8)).version == 1)
        #expect(try QREncoder().encode(T.randomBytes, errorCorrection: .medium, minimumVersion: 5).version == 10)
    }

    @Test("capacity edge at version 40: 2331 bytes fit at M, 2332 do not")
    func version40Edge() throws {
        let fits = [UInt8](repeating: 0xA5, count: 2331)
        #expect(try QREncoder().encode(fits, errorCorrection: .medium).version == 40)
        let error = try #require(throws: HealthCardError.self) {
            try QREncoder().encode(fits + [0], errorCorrection: .medium)
        }
        #expect(error.code == .valueTooLong)
        #expect(
            error.reason
                == "2332 bytes do not fit a QR symbol at error correction M: version 40 holds at most 2331 in byte mode"
        )
    }

    @Test("QRMode.smallest picks the tightest mode")
    func smallestMode() {
        #expect(QRMode.smallest(for: Array("0123".utf8)) == .numeric)
        #expect(QRMode.smallest(for: Array("01A3".utf8)) == .alphanumeric)
        #expect(QRMode.smallest(for: Array("01a3".utf8)) == .byte)
        #expect(QRMode.smallest(for: Array("A1".utf8) + [0x00]) == .byte)
        #expect(QRMode.alphanumericCharacters.count == 45)
    }

    @Test("encoding through a Symbology: QR through libqrencode, Grid Matrix through libzint")
    func symbology() throws {
        let qr = try SymbolEncoder().encode(Array("x".utf8), symbology: .qr, mode: .byte, errorCorrection: .medium)
        #expect((qr as? QRMatrix)?.version == 1)
        let grid = try SymbolEncoder().encode(Array("x".utf8), symbology: .gridMatrix, mode: .byte, errorCorrection: .medium)
        #expect((grid as? GridMatrixSymbol)?.version == 1 && grid.width == 18)
        #expect(Symbology.qr.hasOpenDecoder && !Symbology.gridMatrix.hasOpenDecoder)
        #expect(Symbology(rawValue: "grid-matrix") == .gridMatrix)
        #expect(QRErrorCorrection(rawValue: "Q") == .quartile)
        #expect(QRErrorCorrection.allCases.map(\.rawValue) == ["L", "M", "Q", "H"])
    }
}

/// The C-free renderers on `QRMatrix`.
@Suite("QR codec: SVG, terminal and pixel renderers")
struct QRCodecRenderTests {
    /// A hand-made version-1 matrix: only the three finder patterns, so every count is predictable.
    static let finders: QRMatrix = {
        var modules = [Bool](repeating: false, count: 21 * 21)
        for (ox, oy) in [(0, 0), (14, 0), (0, 14)] {
            for y in 0..<7 {
                for x in 0..<7 {
                    let ring = max(abs(x - 3), abs(y - 3))
                    modules[(oy + y) * 21 + ox + x] = ring != 2
                }
            }
        }
        return try! QRMatrix(version: 1, width: 21, modules: modules)
    }()

    @Test("terminal: (width + 2q + 1) / 2 lines of width + 2q half blocks", arguments: [0, 1, 2, 4])
    func terminalSize(quietZone: Int) throws {
        let matrix = try QREncoder().encode(Array("terminal".utf8))
        #expect(matrix.width == 21)
        let text = matrix.terminal(quietZone: quietZone)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let side = 21 + 2 * quietZone
        #expect(lines.count == (side + 1) / 2)
        #expect(lines.allSatisfy { $0.unicodeScalars.count == side })
        #expect(text.unicodeScalars.allSatisfy { "▀▄█ \n".unicodeScalars.contains($0) })
    }

    @Test("terminal: light modules are glyphs on a dark terminal, dark ones with invert")
    func terminalColours() {
        let dark = Self.finders.terminal(quietZone: 2)
        let lines = dark.split(separator: "\n").map(String.init)
        #expect(lines.count == 13)
        // Line 0: two quiet-zone rows, all light → full blocks.
        #expect(lines[0] == String(repeating: "█", count: 25))
        // Line 1: rows 2 and 3 = finder rows 0 and 1: top dark all across the finder; bottom
        // dark at its edges, light inside (lit lower half ▄). Between the finders: light, █.
        #expect(lines[1] == "██" + " ▄▄▄▄▄ " + String(repeating: "█", count: 7) + " ▄▄▄▄▄ " + "██")
        // The last line has one quiet row on top and nothing below: ▀.
        #expect(lines[12] == String(repeating: "▀", count: 25))

        let light = Self.finders.terminal(quietZone: 2, invert: true).split(separator: "\n").map(String.init)
        #expect(light[0] == String(repeating: " ", count: 25))
        #expect(light[1] == "  " + "█▀▀▀▀▀█" + String(repeating: " ", count: 7) + "█▀▀▀▀▀█" + "  ")
        #expect(light[12] == String(repeating: " ", count: 25))
    }

    @Test("SVG: a viewBox in modules, crisp edges, one path with one rect per horizontal run")
    func svg() throws {
        let svg = Self.finders.svg(moduleSize: 5, quietZone: 4)
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("viewBox=\"0 0 29 29\""))
        #expect(svg.contains("width=\"145\" height=\"145\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(svg.hasSuffix("</svg>\n"))
        // Per finder: 2 full rows + 3 rows × 2 runs (edge) ... = rows 0,6: 1 run; 1,5: 2 runs; 2-4: 3 runs.
        let runs = svg.components(separatedBy: "z").count - 1
        #expect(runs == 3 * (1 + 2 + 3 + 3 + 3 + 2 + 1))
        #expect(svg.contains("d=\"M4 4h7v1h-7zM18 4h7v1h-7z"))
        // The SVG is well-formed XML.
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse())
    }

    @Test("grey pixels: size, quiet zone and module scaling")
    func greyPixels() {
        let (width, height, pixels) = Self.finders.greyPixels(moduleSize: 3, quietZone: 4)
        #expect(width == 87 && height == 87)
        #expect(pixels.count == 87 * 87)
        #expect(pixels[0] == 255)  // quiet zone
        #expect(pixels[12 * 87 + 12] == 0)  // first finder module
        #expect(pixels[14 * 87 + 14] == 0)
        #expect(pixels[15 * 87 + 15] == 255)  // finder ring 2 is light
        #expect(pixels.filter { $0 == 0 }.count == 3 * 33 * 9)  // 33 dark modules per finder, 9 px each
    }

    @Test("QRMatrix rejects inconsistent sizes")
    func matrixValidation() {
        #expect(throws: HealthCardError.invalidValue("")) { try QRMatrix(version: 0, width: 17, modules: []) }
        #expect(throws: HealthCardError.invalidValue("")) {
            try QRMatrix(version: 1, width: 25, modules: .init(repeating: false, count: 625))
        }
        #expect(throws: HealthCardError.invalidValue("")) {
            try QRMatrix(version: 1, width: 21, modules: .init(repeating: false, count: 440))
        }
        #expect(Self.finders.isDark(x: 0, y: 0))
        #expect(!Self.finders.isDark(x: -1, y: 0))
        #expect(!Self.finders.isDark(x: 21, y: 0))
    }
}

/// Bad input: every error names the file and says what is wrong.
@Suite("QR codec: errors")
struct QRCodecErrorTests {
    typealias T = QRCodecTestSupport

    @Test("a non-image file: \"x.gif: not a PNG, JPEG or WebP image\"")
    func notAnImage() throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let gif = directory.appendingPathComponent("x.gif")
        try Data("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8).write(to: gif)
        let error = try #require(throws: HealthCardError.self) { try QRImage.decode(fileAt: gif) }
        #expect(error.code == .malformed)
        #expect(error.reason == "x.gif: not a PNG, JPEG or WebP image")

        let empty = directory.appendingPathComponent("empty.png")
        try Data().write(to: empty)
        let emptyError = try #require(throws: HealthCardError.self) { try QRImage.decode(fileAt: empty) }
        #expect(emptyError.code == .truncated)
        #expect(emptyError.reason == "empty.png: empty file, not a PNG, JPEG or WebP image")

        // Read as PNG explicitly: libpng's verdict.
        let text = directory.appendingPathComponent("notes.png")
        try Data("plain text".utf8).write(to: text)
        let pngError = try #require(throws: HealthCardError.self) { try ImageFile.readPNG(at: text) }
        #expect(pngError.code == .malformed)
        #expect(pngError.reason == "notes.png: not a PNG image (libpng: Not a PNG file)")
        let jpegError = try #require(throws: HealthCardError.self) { try ImageFile.readJPEG(at: text) }
        #expect(jpegError.code == .malformed)
        #expect(jpegError.reason == "notes.png: not a JPEG image (libjpeg: Not a JPEG file: starts with 0x70 0x6c)")
    }

    @Test("a truncated PNG", arguments: [0.2, 0.5, 0.9])
    func truncatedPNG(fraction: Double) throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let png = try QRImage.pngData(try QREncoder().encode(T.randomBytes))
        let file = directory.appendingPathComponent("cut.png")
        try Data(png.prefix(Int(Double(png.count) * fraction))).write(to: file)
        let error = try #require(throws: HealthCardError.self) { try QRImage.decode(fileAt: file) }
        #expect(error.code == .truncated)
        #expect(error.reason == "cut.png: truncated PNG (libpng: read beyond end of data)")
    }

    @Test("a damaged PNG (IDAT CRC) is malformed")
    func damagedPNG() throws {
        var png = try QRImage.pngData(try QREncoder().encode(T.randomBytes))
        let idat = try #require(png.indices.first { png[$0..<min($0 + 4, png.count)].elementsEqual("IDAT".utf8) })
        png[idat + 6] ^= 0xFF
        let error = try #require(throws: HealthCardError.self) { try ImageFile.decode(png, name: "bad.png") }
        #expect(error.code == .malformed)
        #expect(error.reason.hasPrefix("bad.png: unreadable PNG (libpng: "))
    }

    @Test("a truncated JPEG")
    func truncatedJPEG() throws {
        let jpeg = try ImageFile.encodeJPEG(try QREncoder().encode(T.randomBytes).greyImage())
        let error = try #require(throws: HealthCardError.self) {
            try ImageFile.decode(Array(jpeg.prefix(jpeg.count / 2)), name: "cut.jpg")
        }
        #expect(error.code == .truncated)
        #expect(error.reason == "cut.jpg: truncated JPEG (libjpeg: Premature end of JPEG file)")
        let headerOnly = try #require(throws: HealthCardError.self) {
            try ImageFile.decode(Array(jpeg.prefix(3)), name: "soi.jpg")
        }
        #expect(headerOnly.code == .truncated)
        #expect(
            headerOnly.reason
                == "soi.jpg: truncated JPEG (libjpeg: Premature end of JPEG file; JPEG datastream contains no image)")
    }

    @Test("an image without a QR code gives no payloads (not an error)")
    func noCode() throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("blank.png")
        var pixels = [UInt8](repeating: 255, count: 120 * 80)
        for i in stride(from: 0, to: pixels.count, by: 7) { pixels[i] = 0 }
        try ImageFile.writePNG(try GreyImage(width: 120, height: 80, pixels: pixels), to: file)
        #expect(try QRImage.decode(fileAt: file) == [])
        #expect(try QRDecoder().decode(greyPixels: [UInt8](repeating: 255, count: 64), width: 8, height: 8) == [])
    }

    @Test("encoder input errors")
    func encoderErrors() throws {
        let tooLong = try #require(throws: HealthCardError.self) {
            try QREncoder().encode([UInt8](repeating: 0x41, count: 3000), errorCorrection: .low)
        }
        #expect(tooLong.code == .valueTooLong)
        #expect(tooLong.reason.contains("version 40 holds at most 2953 in byte mode"))

        let lowercase = try #require(throws: HealthCardError.self) {
            try QREncoder().encode(Array("ABCd".utf8), mode: .alphanumeric, errorCorrection: .medium, minimumVersion: 0)
        }
        #expect(lowercase.code == .unencodable)
        #expect(
            lowercase.reason == "byte 0x64 ('d') at offset 3 is not in the QR alphanumeric set (0-9 A-Z space $%*+-./:)"
        )
        #expect(throws: HealthCardError.unencodable("")) {
            try QREncoder().encode(Array("12A".utf8), mode: .numeric, errorCorrection: .medium, minimumVersion: 0)
        }
        #expect(throws: HealthCardError.invalidValue("")) { try QREncoder().encode([]) }
        #expect(throws: HealthCardError.invalidValue("")) { try QREncoder().encode([1], minimumVersion: 41) }
        #expect(throws: HealthCardError.invalidValue("")) { try QREncoder().encode([1], minimumVersion: -1) }
    }

    @Test("decoder and writer argument errors")
    func argumentErrors() throws {
        #expect(throws: HealthCardError.invalidValue("")) {
            try QRDecoder().decode(greyPixels: [0, 0, 0], width: 2, height: 2)
        }
        #expect(throws: HealthCardError.invalidValue("")) {
            try QRDecoder().decode(greyPixels: [], width: 0, height: 0)
        }
        let image = try GreyImage(width: 1, height: 1, pixels: [0])
        #expect(throws: HealthCardError.invalidValue("")) { try ImageFile.encodePNG(image, bitDepth: 4) }
        #expect(throws: HealthCardError.invalidValue("")) { try ImageFile.encodeJPEG(image, quality: 0) }
        let missing = URL(fileURLWithPath: "/nonexistent/qr.png")
        #expect(throws: (any Error).self) { try QRImage.decode(fileAt: missing) }
    }
}
