import Foundation
import Testing

/// `hcard qr decode` on two real photos (HealthQRImagingTests' `Fixtures/photos`, zxing-cpp's
/// public samples): one only the scan ladder's last rung (zxing-cpp) reads, one nobody reads.
@Suite("hcard qr decode: real photos")
struct QRPhotoCommandTests {
    static func photo(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("HealthQRImagingTests/Fixtures/photos/\(name)").path
    }

    @Test("a photo read on the last rung prints its text; one nobody reads is 'no QR code found in FILE', exit 1")
    func photos() async throws {
        let read = try await HCardRunner.run(["qr", "decode", Self.photo("zxing-qrcode-4-41.webp")])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout.contains("zxing-qrcode-4-41.webp: 1 QR code") && read.stdout.contains("http://code.google.com/p/zxing/"))

        let unread = try await HCardRunner.run(["qr", "decode", Self.photo("zxing-qrcode-4-05.webp"), Self.photo("zxing-qrcode-4-41.webp")])
        #expect(unread.status == 1)
        #expect(unread.stderr.contains("no QR code found in zxing-qrcode-4-05.webp"), "\(unread.stderr)")
        #expect(unread.stdout.contains("zxing-qrcode-4-41.webp: 1 QR code"), "the other file is still read")
    }
}
