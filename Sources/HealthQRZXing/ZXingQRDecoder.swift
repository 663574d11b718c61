internal import CHealthShimsZXing
import HealthCardFoundation
import HealthQR

/// QR decoding with zxing-cpp (Debian's `libzxing-dev` 1.4), QR Code only, payloads as raw bytes:
/// the scan ladder's last rung (`QRScanLadder` in HealthQRImaging), for what zbar and our own
/// image transforms cannot read.
///
/// zxing-cpp's detector is a different design from zbar's: it binarises with a local average,
/// looks for finder patterns in every direction, samples the grid through the perspective the
/// finder and alignment patterns give, and reads mirrored symbols. On zxing-cpp's own public sample
/// photos it reads what zbar misses (`Docs/benchmarks.md`, the real-world row), so it is the
/// last resort, not the first: zbar stays the baseline decoder, and a clean image never reaches
/// this one.
///
/// Payloads come back byte for byte (zxing-cpp's `Result::bytes()`: no character set conversion,
/// as zbar's binary mode), so the caller's text decoding (`QRPayloadText`) is the same whichever
/// decoder read the symbol. Several symbols in one image follow `QRDecoding`'s rule: each payload
/// once, in reading order.
///
/// Stateless: each call makes its own zxing-cpp reader, so any number of threads can use one
/// value at once.
public struct ZXingQRDecoder: QRDecoding {
    public init() {}

    /// zxing-cpp's version as compiled against, e.g. "1.4.0".
    public static var version: String { String(cString: chs_zxing_version()) }

    /// - Throws: `HealthCardError/Code/invalidValue` for a malformed image (see `QRDecoding`), one
    ///   too large for zxing-cpp's `int` sizes, or when zxing-cpp throws (its message is the reason).
    public func decode(greyPixels: [UInt8], width: Int, height: Int) throws -> [[UInt8]] {
        let image = try GreyImage(width: width, height: height, pixels: greyPixels)
        guard let imageWidth = Int32(exactly: image.width), let imageHeight = Int32(exactly: image.height) else {
            throw HealthCardError.invalidValue("a \(width)×\(height) image is too large for zxing-cpp")
        }
        var message = [CChar](repeating: 0, count: 256)
        var results: OpaquePointer?
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            chs_zxing_read_qr(pixels.baseAddress, imageWidth, imageHeight, &results, &message, message.count)
        }
        guard status == 0, let results else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw HealthCardError.invalidValue("zxing-cpp could not scan a \(width)×\(height) grey image: \(reason)")
        }
        defer { chs_zxing_free(results) }
        var found: [QRFoundSymbol] = []
        for index in 0..<chs_zxing_count(results) {
            var count = 0
            let bytes = chs_zxing_bytes(results, index, &count)
            var corners = [Int32](repeating: 0, count: 8)
            chs_zxing_corners(results, index, &corners)
            let xs = stride(from: 0, to: 8, by: 2).map { Int(corners[$0]) }
            let ys = stride(from: 1, to: 8, by: 2).map { Int(corners[$0]) }
            found.append(
                QRFoundSymbol(
                    payload: Array(UnsafeBufferPointer(start: bytes, count: count)), x: xs.min() ?? 0, y: ys.min() ?? 0))
        }
        return QRFoundSymbol.readingOrder(found)
    }
}
