internal import CHealthShimsImaging
import Foundation
import HealthCardFoundation
import HealthQR

/// JPEG through libjpeg-turbo's libjpeg API (Debian `libjpeg62-turbo`). Decoding and encoding each
/// run as one `chs_jpeg_*` call because libjpeg reports errors by `longjmp`.
extension ImageFile {
    /// Decodes a baseline or progressive JPEG to 8-bit grey (libjpeg converts colour to luma).
    ///
    /// libjpeg only *warns* about a file that ends early and pads it with grey; that is reported
    /// here as truncation. Other warnings (e.g. extraneous bytes before a marker) are ignored, as
    /// image viewers do: the pixels are there and the QR scanner judges them.
    ///
    /// The header's declared size is checked against `maxPixels` before any pixel memory is
    /// allocated (see `ImageFile/defaultMaxPixels`).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` if the header declares more than `maxPixels`;
    ///   `HealthCardError/Code/truncated` if the data ends early;
    ///   `HealthCardError/Code/invalidValue` for JPEG variants libjpeg does not support (e.g.
    ///   arithmetic-coded, 12-bit, or CMYK);
    ///   `HealthCardError/Code/malformed` for anything else libjpeg rejects, with its message.
    public static func decodeJPEG(
        _ bytes: [UInt8], name: String = "JPEG image", maxPixels: Int = ImageFile.defaultMaxPixels
    ) throws -> GreyImage {
        let result = imagefile_decode(bytes, maxPixels: maxPixels) { data, size, limit, width, height, pixels, errbuf, errlen in
            chs_jpeg_read_gray(data, size, limit, width, height, pixels, errbuf, errlen)
        }
        switch result {
        case .tooLarge(let width, let height):
            throw ImageFile.tooLarge(name: name, format: "JPEG", width: width, height: height, maxPixels: maxPixels)
        case .success(let image, let warning):
            if let warning, warning.contains("Premature end") {
                throw HealthCardError.truncated("\(name): truncated JPEG (libjpeg: \(warning))")
            }
            return image
        case .failure(let message):
            if message.hasPrefix("Not a JPEG file") {
                throw HealthCardError.malformed("\(name): not a JPEG image (libjpeg: \(message))")
            }
            if message.hasPrefix("Empty input") || message.contains("Premature end") {
                throw HealthCardError.truncated("\(name): truncated JPEG (libjpeg: \(message))")
            }
            if message.hasPrefix("Unsupported") || message.contains("not supported") {
                throw HealthCardError.invalidValue("\(name): unsupported JPEG (libjpeg: \(message))")
            }
            throw HealthCardError.malformed("\(name): unreadable JPEG (libjpeg: \(message))")
        }
    }

    /// Encodes `image` as a greyscale baseline JPEG of `quality` (1...100).
    ///
    /// Lossy: meant for tests and for checking that scanning survives compression, not for
    /// printing QR symbols (use ``encodePNG(_:bitDepth:)``).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for a quality outside 1...100 or an image
    ///   larger than JPEG allows (65,500 pixels a side).
    public static func encodeJPEG(_ image: GreyImage, quality: Int = 90) throws -> [UInt8] {
        guard (1...100).contains(quality) else {
            throw HealthCardError.invalidValue("JPEG quality \(quality) is outside 1...100")
        }
        guard image.width <= 65_500, image.height <= 65_500 else {
            throw HealthCardError.invalidValue("a \(image.width)×\(image.height) image is too large for JPEG")
        }
        let result = imagefile_encode { out, outSize, errbuf, errlen in
            image.pixels.withUnsafeBufferPointer { buffer in
                chs_jpeg_write_gray(
                    UInt32(image.width), UInt32(image.height), buffer.baseAddress, Int32(quality), out, outSize,
                    errbuf, errlen)
            }
        }
        switch result {
        case .success(let bytes, _): return bytes
        case .tooLarge, .failure: throw HealthCardError.invalidValue("cannot write JPEG (libjpeg: \(result.message))")
        }
    }

    /// Reads a JPEG file as 8-bit grey; see ``decodeJPEG(_:name:maxPixels:)``. Errors name the file.
    ///
    /// - Throws: the file system's error if the file cannot be read, else as ``decodeJPEG(_:name:maxPixels:)``.
    public static func readJPEG(at url: URL, maxPixels: Int = ImageFile.defaultMaxPixels) throws -> GreyImage {
        try decodeJPEG(Array(Data(contentsOf: url)), name: url.lastPathComponent, maxPixels: maxPixels)
    }

    /// Writes `image` as a JPEG file through `AtomicFile`; see ``encodeJPEG(_:quality:)``.
    public static func writeJPEG(_ image: GreyImage, to url: URL, quality: Int = 90) throws {
        try AtomicFile.write(encodeJPEG(image, quality: quality), to: url.path)
    }
}
