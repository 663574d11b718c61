import HealthCardFoundation

/// An 8-bit greyscale raster: `width × height` bytes, row by row, 0 = black, 255 = white.
///
/// The one pixel format between image files (libpng, libjpeg, libwebp) and the QR scanner (zbar's Y800).
public struct GreyImage: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]

    /// - Throws: `HealthCardError/Code/invalidValue` if the image is empty or `pixels` does not
    ///   hold `width × height` bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0 else {
            throw HealthCardError.invalidValue("a \(width)×\(height) image has no pixels")
        }
        guard width.multipliedReportingOverflow(by: height) == (pixels.count, false) else {
            throw HealthCardError.invalidValue("\(pixels.count) pixels for a \(width)×\(height) grey image")
        }
        self.init(uncheckedWidth: width, height: height, pixels: pixels)
    }

    package init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

/// Reading and writing image files as ``GreyImage``s. The codecs (libpng, libjpeg) are in
/// `System/ImageFile+libpng.swift` and `System/ImageFile+libjpeg.swift`.
public enum ImageFile {
    /// The most pixels an image file may declare before it is decoded: 40 million (e.g.
    /// 6,324×6,324), far above any photo of a QR code, far below the 60,000×60,000 a 543-byte
    /// JPEG can declare. The limit is checked on the header, before the pixel buffer is
    /// allocated, so a decompression bomb costs neither memory nor time; callers that really
    /// scan larger images pass a higher `maxPixels` (`hcard … --max-pixels`).
    public static let defaultMaxPixels = 40_000_000

    /// A file format recognised by its first bytes.
    public enum Format: String, CaseIterable, Sendable {
        case png
        case jpeg
        /// Still WebP (lossy or lossless), as phones and messaging apps pass photos on.
        case webp
    }

    /// The format of `bytes` by magic number: PNG's 8-byte signature, JPEG's SOI marker
    /// (`FF D8 FF`) or WebP's RIFF header (`RIFF`, a length, `WEBP`); `nil` for anything else. The
    /// file name's extension is never consulted.
    public static func format(of bytes: some Collection<UInt8>) -> Format? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: Array("RIFF".utf8)), bytes.dropFirst(8).starts(with: Array("WEBP".utf8)) { return .webp }
        return nil
    }
}
