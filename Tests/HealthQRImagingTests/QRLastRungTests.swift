import Foundation
import Synchronization
import Testing
@testable import HealthCardFoundation
@testable import HealthQR
@testable import HealthQRImaging
@testable import HealthQRZXing

/// The scan ladder's last rung, zxing-cpp (`ZXingQRDecoder`), on real photos of printed codes
/// (`Fixtures/photos/PROVENANCE.md`: two of zxing-cpp's public samples, Apache 2.0) and through
/// its seam (`QRScanLadder.lastResort`, any `QRDecoding`).
@Suite("QR scanning: zxing-cpp as the last rung")
struct QRLastRungTests {
    /// A photo from `Fixtures/photos` and the exact text it holds.
    static func photo(_ name: String) throws -> (image: GreyImage, expected: String) {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "webp", subdirectory: "Fixtures/photos"))
        let text = try #require(Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures/photos"))
        return (try ImageFile.read(at: url), try String(contentsOf: text, encoding: .utf8))
    }

    static func texts(_ payloads: [[UInt8]]) -> [String] { payloads.compactMap { QRPayloadText.decode($0)?.text } }

    /// A decoder that counts its calls, around zxing-cpp.
    final class CountingDecoder: QRDecoding {
        let calls = Mutex(0)
        func decode(greyPixels: [UInt8], width: Int, height: Int) throws -> [[UInt8]] {
            calls.withLock { $0 += 1 }
            return try ZXingQRDecoder().decode(greyPixels: greyPixels, width: width, height: height)
        }
    }

    @Test("a photo that zbar and our transforms miss (rungs 1-7) is read by zxing-cpp on rung 8")
    func photoReadOnTheLastRung() throws {
        let (image, expected) = try Self.photo("zxing-qrcode-4-41")
        let withoutLastRung = try QRScanLadder(lastResort: nil).scan(image)
        #expect(withoutLastRung.payloads.isEmpty && withoutLastRung.rung == nil)
        let (payloads, rung) = try QRScanLadder().scan(image)
        #expect(Self.texts(payloads) == [expected])
        #expect(rung == 8)
        // The whole path a caller takes: the file's bytes through the default codec.
        let url = try #require(
            Bundle.module.url(forResource: "zxing-qrcode-4-41", withExtension: "webp", subdirectory: "Fixtures/photos"))
        #expect(try QRImageCodec().texts(inFile: Array(Data(contentsOf: url))) == [expected])
    }

    @Test("a photo nobody reads goes through all eight rungs and gives nothing: the caller fails closed")
    func photoNobodyReads() throws {
        let (image, _) = try Self.photo("zxing-qrcode-4-05")
        let last = CountingDecoder()
        let (payloads, rung) = try QRScanLadder(lastResort: last).scan(image)
        #expect(payloads.isEmpty && rung == nil)
        #expect(last.calls.withLock { $0 } == 1, "rung 8 was tried once")
        #expect(try ZXingQRDecoder().decode(image).isEmpty)
        // What the gate and `hcard qr decode` see: no payload, so "no QR code found in …"
        // (hcardTests checks the command's message and exit status on this photo).
        let url = try #require(
            Bundle.module.url(forResource: "zxing-qrcode-4-05", withExtension: "webp", subdirectory: "Fixtures/photos"))
        #expect(try QRImageCodec().payloads(inFileAt: url.path).isEmpty)
    }

    @Test("a clean image costs one zbar pass: the last rung is never called")
    func cleanImageNeverReachesTheLastRung() throws {
        let last = CountingDecoder()
        // A drawn symbol with one pixel off pure white, so that rung 0 leaves it to zbar.
        var image = try QREncoder().encode(text: "HCK1-CLEAN").greyImage(moduleSize: 4, quietZone: 4)
        var pixels = image.pixels
        pixels[0] = 250
        image = try GreyImage(width: image.width, height: image.height, pixels: pixels)
        let (payloads, rung) = try QRScanLadder(lastResort: last).scan(image)
        #expect(Self.texts(payloads) == ["HCK1-CLEAN"] && rung == 1)
        #expect(last.calls.withLock { $0 } == 0)
    }
}
