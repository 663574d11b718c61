import Foundation
import HealthCardFoundation
import HealthCardTestSupport
import HealthQR
import HealthQRImaging
import Testing

/// Grid Matrix (GB/T 27766) symbols from libzint, checked by their structure: no open decoder
/// reads Grid Matrix, so a round trip is not possible (Docs/qr-payload.md §7.4).
@Suite("Grid Matrix: libzint symbols, checked structurally")
struct GridMatrixTests {
    /// A signed HCK1 code and an HCC1-length text (157 characters of the QR alphanumeric set).
    static func texts() async throws -> [String] {
        let fixture = try QRPayloadFixture()
        let hck1 = try await fixture.issue(.static)
        let hcc1 = "HCC1-" + String(repeating: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", count: 4).prefix(152)
        return [hck1, String(hcc1)]
    }

    /// Every 6 × 6 macromodule's outer ring is all dark or all light, alternating like a
    /// checkerboard from a dark top-left one: the layout GB/T 27766 gives Grid Matrix.
    static func macromoduleRingsAlternate(_ symbol: GridMatrixSymbol) -> Bool {
        let count = symbol.width / 6
        for row in 0..<count {
            for column in 0..<count {
                let expected = (row + column) % 2 == 0
                for i in 0..<6 {
                    for j in 0..<6 where i == 0 || i == 5 || j == 0 || j == 5 {
                        if symbol.isDark(x: column * 6 + j, y: row * 6 + i) != expected { return false }
                    }
                }
            }
        }
        return true
    }

    @Test("HCK1 and HCC1 texts: size 6 + 12 × version, alternating macromodule rings, deterministic")
    func structure() async throws {
        for text in try await Self.texts() {
            for level in 1...5 {
                let symbol = try GridMatrixEncoder().encode(Array(text.utf8), errorCorrectionLevel: level)
                #expect((1...13).contains(symbol.version))
                #expect(symbol.width == 6 + 12 * symbol.version)
                #expect(symbol.errorCorrectionLevel == level)
                #expect(Self.macromoduleRingsAlternate(symbol), "level \(level), \(text.prefix(10))…")
                #expect(try GridMatrixEncoder().encode(Array(text.utf8), errorCorrectionLevel: level) == symbol)
            }
            // More error correction never makes the symbol smaller.
            let versions = try (1...5).map { try GridMatrixEncoder().encode(Array(text.utf8), errorCorrectionLevel: $0).version }
            #expect(versions == versions.sorted(), "\(versions)")
        }
    }

    @Test("a minimum version is honoured; out-of-range options and data that cannot fit are errors")
    func options() throws {
        let big = try GridMatrixEncoder().encode(Array("x".utf8), minimumVersion: 4)
        #expect(big.version == 4 && big.width == 54)
        #expect(throws: HealthCardError.self) { try GridMatrixEncoder().encode(Array("x".utf8), errorCorrectionLevel: 6) }
        #expect(throws: HealthCardError.self) { try GridMatrixEncoder().encode(Array("x".utf8), minimumVersion: 14) }
        #expect(throws: HealthCardError.self) { try GridMatrixEncoder().encode([]) }
        let error = try #require(throws: HealthCardError.self) {
            try GridMatrixEncoder().encode([UInt8](repeating: 0x41, count: 3000), errorCorrectionLevel: 5)
        }
        #expect(error.code == .valueTooLong && error.reason.contains("libzint"))
    }

    @Test("the PNG has the symbol's size, quiet zone and module size, and the same modules")
    func png() async throws {
        let text = try await Self.texts()[1]
        let symbol = try GridMatrixEncoder().encode(Array(text.utf8))
        let image = try ImageFile.decodePNG(try QRImage.pngData(symbol, moduleSize: 3, quietZone: 5), name: "gm.png")
        #expect(image.width == (symbol.width + 10) * 3 && image.height == image.width)
        for (x, y) in [(0, 0), (7, 3), (symbol.width - 1, symbol.width - 1), (20, 31)] {
            let pixel = image.pixels[((y + 5) * 3 + 1) * image.width + (x + 5) * 3 + 1]
            #expect((pixel < 128) == symbol.isDark(x: x, y: y))
        }
    }
}
