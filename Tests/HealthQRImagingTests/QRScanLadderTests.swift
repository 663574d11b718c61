import Foundation
import Testing
@testable import HealthCardFoundation
@testable import HealthCardTestSupport
@testable import HealthQR
@testable import HealthQRImaging

/// Hard images made from easy ones: our encoder's symbol, then inverted, rotated, scaled, put
/// next to another, or written as WebP, and read back through libwebp and zbar.
@Suite("QR scanning: WebP, inverted, rotated, large and several codes")
struct QRScanLadderTests {
    static let text = "HCK1-TEST-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    /// The symbol of `text` as a grey image, `moduleSize` pixels per module, 4-module quiet zone.
    static func image(_ text: String = text, moduleSize: Int = 4) throws -> GreyImage {
        try QREncoder().encode(text: text).greyImage(moduleSize: moduleSize, quietZone: 4)
    }

    static func texts(_ payloads: [[UInt8]]) -> [String] { payloads.map { String(decoding: $0, as: UTF8.self) } }

    @Test("WebP, lossless and lossy (quality 75 and 40), is recognised by its header and read", arguments: [nil, 75, 40])
    func webP(quality: Int?) throws {
        let bytes = try ImageFile.encodeWebP(Self.image(), quality: quality)
        #expect(ImageFile.format(of: bytes) == .webp)
        let decoded = try ImageFile.decode(bytes, name: "code.webp")
        let symbolWidth = try QREncoder().encode(text: Self.text).width
        #expect(decoded.width == (symbolWidth + 8) * 4)
        #expect(Self.texts(try QRScanLadder().decode(decoded)) == [Self.text])
        #expect(try QRImageCodec().texts(inFile: bytes) == [Self.text])
        if quality == nil {
            // Lossless in RGB; the luma plane we read is BT.601 studio range, stretched back:
            // black and white come back within a level or two.
            let original = try Self.image()
            let worst = zip(decoded.pixels, original.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
            #expect(worst <= 2, "largest difference \(worst) levels")
        }
    }

    @Test("a damaged WebP is malformed, a huge one is refused before decoding")
    func webPErrors() throws {
        let bytes = try ImageFile.encodeWebP(Self.image(), quality: 75)
        #expect(throws: HealthCardError.malformed("")) { try ImageFile.decode(Array(bytes.prefix(bytes.count / 2))) }
        #expect(throws: HealthCardError.malformed("")) { try ImageFile.decode(Array(bytes.prefix(20))) }
        #expect(throws: HealthCardError.invalidValue("")) { try ImageFile.decode(bytes, maxPixels: 1_000) }
        #expect(throws: HealthCardError.invalidValue("")) { try ImageFile.encodeWebP(Self.image(), quality: 0) }
    }

    @Test("an inverted code (light on dark) is read on the second rung; one zbar pass alone finds nothing")
    func inverted() throws {
        let image = try Self.image().inverted()
        #expect(try QRDecoder().decode(image).isEmpty)
        let (payloads, rung) = try QRScanLadder().scan(image)
        #expect(Self.texts(payloads) == [Self.text])
        #expect(rung == 2)
    }

    @Test("rotated codes are read", arguments: [10.0, 30.0, 45.0, 90.0, 135.0, 200.0])
    func rotated(degrees: Double) throws {
        let image = try Self.image(moduleSize: 6).rotated(degrees: degrees)
        #expect(Self.texts(try QRScanLadder().decode(image)) == [Self.text])
    }

    @Test("a photo-sized image (3,000 pixels, blurred edges) is read, downscaled if need be")
    func large() throws {
        // 12 pixels per module and a soft 3-pixel edge between modules, as a camera blurs them.
        let sharp = try Self.image(moduleSize: 12)
        var soft = sharp.pixels
        for y in 1..<(sharp.height - 1) {
            for x in 1..<(sharp.width - 1) {
                let i = y * sharp.width + x
                let sum = Int(sharp.pixels[i - 1]) + Int(sharp.pixels[i + 1]) + Int(sharp.pixels[i - sharp.width])
                    + Int(sharp.pixels[i + sharp.width]) + 4 * Int(sharp.pixels[i])
                soft[i] = UInt8(sum / 8)
            }
        }
        // Centred on a 3,000-pixel grey ground.
        let side = 3_000
        var pixels = [UInt8](repeating: 200, count: side * side)
        let offset = (side - sharp.width) / 2
        for y in 0..<sharp.height {
            for x in 0..<sharp.width { pixels[(y + offset) * side + x + offset] = soft[y * sharp.width + x] }
        }
        let photo = try GreyImage(width: side, height: side, pixels: pixels)
        #expect(Self.texts(try QRScanLadder().decode(photo)) == [Self.text])
        #expect(photo.halved().width == 1_500)
    }

    @Test("two codes in one image: both, top to bottom then left to right; the same code twice counts once")
    func several() throws {
        let first = try Self.image("HCK1-FIRST")
        let second = try Self.image("HCK1-SECOND")
        let height = max(first.height, second.height)
        // second | first, side by side, then the same pair again below: reading order is
        // second, first (left to right); the repeated pair adds nothing.
        let width = first.width + second.width
        var pixels = [UInt8](repeating: 255, count: width * height * 2)
        for copy in 0..<2 {
            for y in 0..<second.height {
                for x in 0..<second.width { pixels[(copy * height + y) * width + x] = second.pixels[y * second.width + x] }
            }
            for y in 0..<first.height {
                for x in 0..<first.width {
                    pixels[(copy * height + y) * width + second.width + x] = first.pixels[y * first.width + x]
                }
            }
        }
        let image = try GreyImage(width: width, height: 2 * height, pixels: pixels)
        #expect(Self.texts(try QRScanLadder().decode(image)) == ["HCK1-SECOND", "HCK1-FIRST"])
    }

    @Test("an image without a code goes through every rung and gives nothing")
    func nothing() throws {
        let blank = try GreyImage(width: 300, height: 200, pixels: [UInt8](repeating: 128, count: 60_000))
        let (payloads, rung) = try QRScanLadder().scan(blank)
        #expect(payloads.isEmpty)
        #expect(rung == nil)
    }

    @Test("GBK and Shift_JIS payloads come back as text, scanned from a real symbol")
    func charsets() throws {
        let gbk = try GBK.encode("居民健康卡 电子健康码")
        let shiftJIS = Array("健康保険証".data(using: .shiftJIS)!)
        for (bytes, text, encoding) in [
            (gbk, "居民健康卡 电子健康码", QRPayloadText.Encoding.gb2312),
            (shiftJIS, "健康保険証", .shiftJIS),
        ] {
            let matrix = try QREncoder().encode(bytes, errorCorrection: .medium)
            let payloads = try QRScanLadder().decode(matrix.greyImage(moduleSize: 4, quietZone: 4))
            #expect(payloads == [bytes])
            let decoded = try #require(QRPayloadText.decode(bytes))
            #expect(decoded.text == text)
            #expect(decoded.encoding == encoding)
        }
    }
}
