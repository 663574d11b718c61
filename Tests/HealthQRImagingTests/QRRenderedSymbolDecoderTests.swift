import Foundation
import HealthCardTestSupport
import Synchronization
import Testing
@testable import HealthCardFoundation
@testable import HealthQR
@testable import HealthQRImaging

/// `QRRenderedSymbolDecoder`, the scan ladder's rung 0: images exactly as a renderer draws a
/// symbol are read without zbar, with zbar's result, and anything else is left to zbar.
@Suite("QR scanning: rendered symbols read directly (rung 0)")
struct QRRenderedSymbolDecoderTests {
    static func read(_ image: GreyImage) -> [UInt8]? {
        QRRenderedSymbolDecoder.payload(greyPixels: image.pixels, width: image.width, height: image.height)
    }

    /// A payload in `mode` of about `length` characters, different for every `seed`.
    static func payload(_ mode: QRMode, length: Int, seed: Int) -> [UInt8] {
        var generator = QRMaskSelectionTests.SplitMix(state: UInt64(seed))
        let alphabet: [UInt8] =
            switch mode {
            case .numeric: Array("0123456789".utf8)
            case .alphanumeric: QRRenderedSymbolDecoder.alphanumeric
            case .byte: Array(0...255)
            }
        return (0..<max(1, length)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
    }

    @Test(
        "every version and level, each mode: the payload zbar reads, byte for byte",
        arguments: QRErrorCorrection.allCases)
    func everyVersionAndLevel(level: QRErrorCorrection) throws {
        for version in 1...40 {
            let mode = [QRMode.byte, .alphanumeric, .numeric][version % 3]
            let bytes = Self.payload(mode, length: version * 7, seed: version)
            let matrix = try QREncoder().encode(bytes, mode: mode, errorCorrection: level, minimumVersion: version)
            #expect(matrix.version >= version)
            let image = matrix.greyImage(moduleSize: version <= 10 ? 3 : 2, quietZone: 4)
            let direct = Self.read(image)
            #expect(direct == bytes, "version \(matrix.version), level \(level), \(mode)")
            if version % 5 == 1 || version == 40 {
                #expect(try QRDecoder().decode(image) == [bytes], "zbar on version \(matrix.version)")
            }
        }
    }

    @Test("our PNG files and qrencode's, at module sizes 1-4 and quiet zones 0-4")
    func pngFiles() async throws {
        let text = "HCK1-" + String(repeating: "ABC123$%*", count: 12)
        let matrix = try QREncoder().encode(text: text)
        for moduleSize in 1...4 {
            for quietZone in [0, 1, 4] {
                let image = try ImageFile.decode(matrix.png(moduleSize: moduleSize, quietZone: quietZone))
                #expect(Self.read(image) == Array(text.utf8), "\(moduleSize) px, quiet zone \(quietZone)")
            }
        }
        let qrencode = "/usr/bin/qrencode"
        guard FileManager.default.isExecutableFile(atPath: qrencode) else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rendered-\(UUID()).png")
        defer { try? FileManager.default.removeItem(at: file) }
        let encoded = try await QRCodecTestSupport.run(qrencode, ["-l", "M", "-s", "3", "-o", file.path, "qrencode's own PNG 0123"])
        #expect(encoded.status == 0, "\(encoded.stderr)")
        let image = try ImageFile.read(at: file)
        #expect(Self.read(image) == Array("qrencode's own PNG 0123".utf8))
    }

    @Test("anything but a clean drawing is left to zbar: grey pixels, damage, two codes, inverted, turned, scaled")
    func othersAreLeftToZbar() throws {
        let text = "HCK1-LEFT-TO-ZBAR-0123456789"
        let matrix = try QREncoder().encode(text: text)
        let image = matrix.greyImage(moduleSize: 4, quietZone: 4)
        #expect(Self.read(image) == Array(text.utf8))
        let side = image.width

        // One pixel not pure black or white.
        var grey = image.pixels
        grey[side * (side / 2) + side / 2] = 128
        #expect(Self.read(try GreyImage(width: side, height: side, pixels: grey)) == nil)

        // A data module flipped, all of its pixels: the error-correction check fails here, zbar
        // corrects it, and the ladder returns zbar's reading.
        var damaged = image.pixels
        let module = (x: matrix.width - 1, y: matrix.width - 1)  // the first data module placed
        for y in 0..<4 {
            for x in 0..<4 {
                let index = ((4 + module.y) * 4 + y) * side + (4 + module.x) * 4 + x
                damaged[index] = 255 - damaged[index]
            }
        }
        let damagedImage = try GreyImage(width: side, height: side, pixels: damaged)
        #expect(Self.read(damagedImage) == nil)
        #expect(try QRScanLadder().scan(damagedImage).payloads == [Array(text.utf8)])
        #expect(try QRScanLadder().scan(damagedImage).rung == 1)

        // Two codes side by side.
        var two = [UInt8](repeating: 255, count: side * 2 * side)
        for y in 0..<side {
            for x in 0..<side {
                two[y * 2 * side + x] = image.pixels[y * side + x]
                two[y * 2 * side + side + x] = image.pixels[y * side + x]
            }
        }
        #expect(Self.read(try GreyImage(width: 2 * side, height: side, pixels: two)) == nil)

        // Inverted, turned, transposed (a mirror image): not read. Doubled or halved (2 px a
        // module) is still a clean drawing, and read.
        #expect(Self.read(image.inverted()) == nil)
        #expect(Self.read(image.rotated(degrees: 90)) == nil)
        var transposed = image.pixels
        for y in 0..<side { for x in 0..<side { transposed[x * side + y] = image.pixels[y * side + x] } }
        #expect(Self.read(try GreyImage(width: side, height: side, pixels: transposed)) == nil)
        #expect(Self.read(image.doubled()) == Array(text.utf8))
        #expect(Self.read(image.halved()) == Array(text.utf8))
    }

    @Test("the ladder reads a clean image on rung 0, without zbar")
    func ladderRungZero() throws {
        let counting = CountingDecoder()
        let image = try QREncoder().encode(text: "HCK1-RUNG-ZERO").greyImage(moduleSize: 4, quietZone: 4)
        let (payloads, rung) = try QRScanLadder(decoder: counting).scan(image)
        #expect(payloads == [Array("HCK1-RUNG-ZERO".utf8)] && rung == 0)
        #expect(counting.calls.withLock { $0 } == 0)
    }

    /// zbar, counting its calls.
    final class CountingDecoder: QRDecoding {
        let calls = Mutex(0)
        func decode(greyPixels: [UInt8], width: Int, height: Int) throws -> [[UInt8]] {
            calls.withLock { $0 += 1 }
            return try QRDecoder().decode(greyPixels: greyPixels, width: width, height: height)
        }
    }
}
