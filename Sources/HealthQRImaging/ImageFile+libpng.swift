internal import CHealthShimsImaging
import Foundation
import HealthCardFoundation
import HealthQR

/// PNG through libpng 1.6 (Debian `libpng16-16`). The decoding and encoding each run as one
/// `chs_png_*` call because libpng reports errors by `longjmp`.
extension ImageFile {
    /// Decodes a PNG of any colour type and bit depth to 8-bit grey; transparency is composited
    /// onto white (libpng's simplified API, which also applies the file's gamma).
    ///
    /// `name` (usually the file name) starts every error message. The header's declared size is
    /// checked against `maxPixels` before any pixel memory is allocated (see
    /// `ImageFile/defaultMaxPixels`).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` if the header declares more than `maxPixels`;
    ///   `HealthCardError/Code/truncated` if the data ends early;
    ///   `HealthCardError/Code/malformed` if it is not a PNG or libpng rejects it (CRC errors,
    ///   bad chunks), with libpng's message.
    public static func decodePNG(
        _ bytes: [UInt8], name: String = "PNG image", maxPixels: Int = ImageFile.defaultMaxPixels
    ) throws -> GreyImage {
        let result = imagefile_decode(bytes, maxPixels: maxPixels) { data, size, limit, width, height, pixels, errbuf, errlen in
            chs_png_read_gray(data, size, limit, width, height, pixels, errbuf, errlen)
        }
        switch result {
        case .success(let image, _):
            return image
        case .tooLarge(let width, let height):
            throw ImageFile.tooLarge(name: name, format: "PNG", width: width, height: height, maxPixels: maxPixels)
        case .failure(let message):
            if message.contains("beyond end of data") {
                throw HealthCardError.truncated("\(name): truncated PNG (libpng: \(message))")
            }
            if message == "Not a PNG file" {
                throw HealthCardError.malformed("\(name): not a PNG image (libpng: \(message))")
            }
            throw HealthCardError.malformed("\(name): unreadable PNG (libpng: \(message))")
        }
    }

    /// Encodes `image` as a greyscale PNG. With `bitDepth: 1` pixels of 128 and above become white,
    /// the rest black: the smallest exact file for black-and-white images such as QR symbols.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for a bit depth other than 1 or 8, or if
    ///   libpng refuses the image (e.g. wider than 2³¹ − 1 pixels).
    public static func encodePNG(_ image: GreyImage, bitDepth: Int = 8) throws -> [UInt8] {
        let rowBytes: Int
        let rows: [UInt8]
        switch bitDepth {
        case 8:
            rowBytes = image.width
            rows = image.pixels
        case 1:
            rowBytes = (image.width + 7) / 8
            var packed = [UInt8](repeating: 0, count: rowBytes * image.height)
            for y in 0..<image.height {
                for x in 0..<image.width where image.pixels[y * image.width + x] >= 128 {
                    packed[y * rowBytes + x / 8] |= 0x80 >> UInt8(x % 8)
                }
            }
            rows = packed
        default:
            throw HealthCardError.invalidValue("PNG bit depth \(bitDepth): only 1 and 8 are written")
        }
        guard let width = UInt32(exactly: image.width), let height = UInt32(exactly: image.height) else {
            throw HealthCardError.invalidValue("a \(image.width)×\(image.height) image is too large for PNG")
        }
        let result = imagefile_encode { out, outSize, errbuf, errlen in
            rows.withUnsafeBufferPointer { buffer in
                chs_png_write_gray(
                    width, height, Int32(bitDepth), buffer.baseAddress, rowBytes, out, outSize, errbuf, errlen)
            }
        }
        switch result {
        case .success(let bytes, _): return bytes
        case .tooLarge, .failure: throw HealthCardError.invalidValue("cannot write PNG (libpng: \(result.message))")
        }
    }

    /// Reads a PNG file as 8-bit grey; see ``decodePNG(_:name:maxPixels:)``. Errors name the file.
    ///
    /// - Throws: the file system's error if the file cannot be read, else as ``decodePNG(_:name:maxPixels:)``.
    public static func readPNG(at url: URL, maxPixels: Int = ImageFile.defaultMaxPixels) throws -> GreyImage {
        try decodePNG(Array(Data(contentsOf: url)), name: url.lastPathComponent, maxPixels: maxPixels)
    }

    /// Writes `image` as a PNG file through `AtomicFile`; see ``encodePNG(_:bitDepth:)``.
    public static func writePNG(_ image: GreyImage, to url: URL, bitDepth: Int = 8) throws {
        try AtomicFile.write(encodePNG(image, bitDepth: bitDepth), to: url.path)
    }
}

// MARK: - The chs_* calling convention, shared with ImageFile+libjpeg.swift

/// What a `chs_*` image call produced: the value (and a warning if libjpeg gave one), the size
/// a header declared over the pixel limit, or the library's error message.
enum ImageCodecResult<Value> {
    case success(Value, warning: String?)
    case tooLarge(width: UInt32, height: UInt32)
    case failure(String)
}

extension ImageCodecResult {
    /// The library's message of a failure ("" otherwise).
    var message: String {
        if case .failure(let message) = self { return message }
        return ""
    }
}

extension ImageFile {
    /// The refusal of an image whose header declares more than `maxPixels`, with the size.
    static func tooLarge(name: String, format: String, width: UInt32, height: UInt32, maxPixels: Int) -> HealthCardError {
        let pixels = UInt64(width) * UInt64(height)
        return HealthCardError.invalidValue(
            "\(name): the \(format) header declares \(width)×\(height) pixels (\(pixels)), over the limit of "
                + "\(maxPixels) (raise it with --max-pixels)")
    }
}

private let imagefile_messageCapacity = 256

/// Calls a `chs_*_read_gray` function over `bytes` and adopts its malloc'd pixels.
/// A return of 1 (libjpeg warned but decoded) is `.success` with the warning; -2 (the header
/// declares more than `maxPixels`) is `.tooLarge`.
func imagefile_decode(
    _ bytes: [UInt8],
    maxPixels: Int,
    _ call: (
        UnsafePointer<UInt8>?, Int, UInt64, UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>,
        UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<CChar>, Int
    ) -> Int32
) -> ImageCodecResult<GreyImage> {
    var width: UInt32 = 0
    var height: UInt32 = 0
    var pixels: UnsafeMutablePointer<UInt8>?
    var message = [CChar](repeating: 0, count: imagefile_messageCapacity)
    let status = bytes.withUnsafeBufferPointer { input in
        message.withUnsafeMutableBufferPointer { errbuf in
            call(
                input.baseAddress, input.count, UInt64(max(0, maxPixels)), &width, &height, &pixels,
                errbuf.baseAddress!, errbuf.count)
        }
    }
    defer { chs_image_free(pixels) }
    if status == -2 { return .tooLarge(width: width, height: height) }
    let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard status >= 0, let pixels else { return .failure(text.isEmpty ? "unknown error" : text) }
    let copied = Array(UnsafeBufferPointer(start: pixels, count: Int(width) * Int(height)))
    let image = GreyImage(uncheckedWidth: Int(width), height: Int(height), pixels: copied)
    return .success(image, warning: status == 1 ? text : nil)
}

/// Calls a `chs_*_write_gray` function and adopts its malloc'd output.
func imagefile_encode(
    _ call: (
        UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>,
        UnsafeMutablePointer<CChar>, Int
    ) -> Int32
) -> ImageCodecResult<[UInt8]> {
    var output: UnsafeMutablePointer<UInt8>?
    var size = 0
    var message = [CChar](repeating: 0, count: imagefile_messageCapacity)
    let status = message.withUnsafeMutableBufferPointer { errbuf in
        call(&output, &size, errbuf.baseAddress!, errbuf.count)
    }
    defer { chs_image_free(output) }
    guard status == 0, let output else {
        let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return .failure(text.isEmpty ? "unknown error" : text)
    }
    return .success(Array(UnsafeBufferPointer(start: output, count: size)), warning: nil)
}
