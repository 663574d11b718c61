import Foundation
import Testing
@testable import HealthCardFoundation
@testable import HealthQR
@testable import HealthQRImaging
@testable import HealthQRZXing

/// zxing-cpp through `CHealthShimsZXing`, on symbols drawn by our encoder (libqrencode). Real
/// photos that only zxing-cpp reads are in HealthQRImagingTests (`QRLastRungTests`).
@Suite("zxing-cpp: the scan ladder's last rung")
struct ZXingQRDecoderTests {
    static func image(_ payload: [UInt8], moduleSize: Int = 4) throws -> GreyImage {
        try QREncoder().encode(payload, errorCorrection: .medium).greyImage(moduleSize: moduleSize, quietZone: 4)
    }

    @Test("binary payloads come back byte for byte: NUL, 0x80-0xFF and invalid UTF-8, no charset conversion")
    func binary() throws {
        let payload: [UInt8] = [0x00, 0x48, 0x43, 0x4B, 0x31, 0x80, 0xFF, 0xC3, 0x28, 0xB5, 0xE7, 0xD7, 0xD3] + Array(0...40)
        #expect(try ZXingQRDecoder().decode(Self.image(payload)) == [payload])
    }

    @Test("two codes in one image: reading order (top, then left), the same code twice counts once")
    func several() throws {
        let first = try Self.image(Array("HCK1-FIRST".utf8))
        let second = try Self.image(Array("HCK1-SECOND".utf8))
        // second | first, then the same pair again below.
        let (width, height) = (first.width + second.width, max(first.height, second.height))
        var pixels = [UInt8](repeating: 255, count: width * height * 2)
        for copy in 0..<2 {
            for (image, left) in [(second, 0), (first, second.width)] {
                for y in 0..<image.height {
                    for x in 0..<image.width {
                        pixels[(copy * height + y) * width + left + x] = image.pixels[y * image.width + x]
                    }
                }
            }
        }
        let payloads = try ZXingQRDecoder().decode(GreyImage(width: width, height: 2 * height, pixels: pixels))
        #expect(payloads == [Array("HCK1-SECOND".utf8), Array("HCK1-FIRST".utf8)])
    }

    @Test("no symbol gives nothing; a malformed image is an error before zxing-cpp sees it")
    func nothingAndErrors() throws {
        #expect(try ZXingQRDecoder().decode(greyPixels: [UInt8](repeating: 128, count: 60_000), width: 300, height: 200).isEmpty)
        #expect(throws: HealthCardError.invalidValue("")) {
            try ZXingQRDecoder().decode(greyPixels: [0, 1, 2], width: 2, height: 2)
        }
        #expect(throws: HealthCardError.invalidValue("")) { try ZXingQRDecoder().decode(greyPixels: [], width: 0, height: 0) }
    }

    @Test("the version compiled against is Debian 12's zxing-cpp 1.x")
    func version() {
        #expect(ZXingQRDecoder.version.hasPrefix("1."), "\(ZXingQRDecoder.version)")
    }
}
