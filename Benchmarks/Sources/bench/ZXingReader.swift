import CZXingBench
import Foundation
import HealthCardCore

/// zxing-cpp (Debian's libzxing-dev, through the benchmark's own `CZXingBench` shim) reading the same
/// grey images as our scanner: the anchor of issue 19's read-rate rows. The library uses zxing-cpp
/// too, as the scan ladder's last rung (`ZXingQRDecoder`, raw bytes then our `QRPayloadText`);
/// the anchor keeps its own shim so that it is zxing-cpp as its users call it (its own ECI and
/// character-set decoding to UTF-8), independent of our code.
enum ZXingReader {
    static var version: String { String(cString: hck_zxing_version()) }

    /// The texts zxing-cpp finds in `image` (UTF-8, by its ECI or character-set guess).
    static func texts(in image: GreyImage) -> [String] {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let used = image.pixels.withUnsafeBufferPointer { pixels in
            hck_zxing_read_qr(pixels.baseAddress, Int32(image.width), Int32(image.height), &buffer, buffer.count)
        }
        guard used > 0 else { return [] }
        var texts: [String] = []
        var offset = 0
        while offset + 4 <= used {
            let length = (0..<4).reduce(0) { $0 | Int(buffer[offset + $1]) << (8 * $1) }
            texts.append(String(decoding: buffer[(offset + 4)..<(offset + 4 + length)], as: UTF8.self))
            offset += 4 + length
        }
        return texts
    }

    /// The texts zxing-cpp finds in an image file, decoded by our `ImageFile` (PNG, JPEG, WebP).
    static func texts(inFileAt path: String) -> [String] {
        guard let image = try? ImageFile.read(at: URL(fileURLWithPath: path)) else { return [] }
        return texts(in: image)
    }
}
