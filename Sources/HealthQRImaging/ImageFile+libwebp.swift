internal import CWebP
import HealthCardFoundation
import HealthQR

/// WebP through libwebp (Debian `libwebp7`): phones and messaging apps hand QR photos on as WebP,
/// and 98 of the 137 real-world photos of the read-rate benchmark are WebP (`Docs/benchmarks.md`).
///
/// Decoding asks libwebp for the Y (luma) plane only (`WebPDecodeYUV`), which is the grey image
/// the scanner wants without an RGB buffer three times the size. WebP's luma is "studio range"
/// (ITU-R BT.601: black 16, white 235), so it is stretched back to 0...255.
extension ImageFile {
    /// Decodes a still WebP image (lossy or lossless) to 8-bit grey, its luma.
    ///
    /// The declared size is read from the header (`WebPGetInfo`) and checked against `maxPixels`
    /// before any pixel memory is allocated (see `ImageFile/defaultMaxPixels`).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` if the header declares more than `maxPixels`;
    ///   `HealthCardError/Code/malformed` for data libwebp cannot read (a damaged or truncated file,
    ///   an animation).
    public static func decodeWebP(
        _ bytes: [UInt8], name: String = "WebP image", maxPixels: Int = ImageFile.defaultMaxPixels
    ) throws -> GreyImage {
        try bytes.withUnsafeBufferPointer { data in
            var width: Int32 = 0
            var height: Int32 = 0
            guard WebPGetInfo(data.baseAddress, data.count, &width, &height) == 1, width > 0, height > 0 else {
                throw HealthCardError.malformed("\(name): not a readable WebP image (libwebp: no valid header)")
            }
            guard Int(width) * Int(height) <= maxPixels else {
                throw ImageFile.tooLarge(
                    name: name, format: "WebP", width: UInt32(width), height: UInt32(height), maxPixels: maxPixels)
            }
            var u: UnsafeMutablePointer<UInt8>?
            var v: UnsafeMutablePointer<UInt8>?
            var stride: Int32 = 0
            var uvStride: Int32 = 0
            guard
                let luma = WebPDecodeYUV(data.baseAddress, data.count, &width, &height, &u, &v, &stride, &uvStride)
            else {
                throw HealthCardError.malformed("\(name): unreadable WebP image (libwebp could not decode it)")
            }
            // U and V live in the same allocation as Y (decode.h): one WebPFree releases all three.
            defer { WebPFree(luma) }
            let columns = Int(width)
            var pixels = [UInt8](repeating: 0, count: columns * Int(height))
            Self.fullRange.withUnsafeBufferPointer { table in
                pixels.withUnsafeMutableBufferPointer { out in
                    for row in 0..<Int(height) {
                        let source = luma + row * Int(stride)
                        for column in 0..<columns { out[row * columns + column] = table[Int(source[column])] }
                    }
                }
            }
            return GreyImage(uncheckedWidth: columns, height: Int(height), pixels: pixels)
        }
    }

    /// BT.601 studio-range luma (16...235) to full-range grey (0...255), rounded and clamped.
    private static let fullRange: [UInt8] = (0...255).map { luma in
        UInt8(clamping: Int(((Double(luma) - 16) * 255 / 219).rounded()))
    }

    /// Encodes `image` as WebP: lossless, or lossy at `quality` (1...100) as a phone would send it.
    ///
    /// For tests and for checking that scanning survives WebP, not for printing (use PNG).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for a quality outside 1...100 or an image
    ///   larger than WebP allows (16,383 pixels a side).
    public static func encodeWebP(_ image: GreyImage, quality: Int? = nil) throws -> [UInt8] {
        if let quality, !(1...100).contains(quality) {
            throw HealthCardError.invalidValue("WebP quality \(quality) is outside 1...100")
        }
        guard image.width <= 16_383, image.height <= 16_383 else {
            throw HealthCardError.invalidValue("a \(image.width)×\(image.height) image is larger than WebP allows")
        }
        let rgb = image.pixels.flatMap { [$0, $0, $0] }
        var output: UnsafeMutablePointer<UInt8>?
        let size = rgb.withUnsafeBufferPointer { pixels in
            let (width, height, stride) = (Int32(image.width), Int32(image.height), Int32(image.width * 3))
            return if let quality {
                WebPEncodeRGB(pixels.baseAddress, width, height, stride, Float(quality), &output)
            } else {
                WebPEncodeLosslessRGB(pixels.baseAddress, width, height, stride, &output)
            }
        }
        guard size > 0, let output else {
            throw HealthCardError.invalidValue("libwebp could not encode a \(image.width)×\(image.height) image")
        }
        defer { WebPFree(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}
