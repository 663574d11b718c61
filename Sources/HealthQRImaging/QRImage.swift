import Foundation
import HealthCardFoundation
import HealthQR

extension ImageFile {
    /// Decodes PNG, JPEG or WebP `bytes`, chosen by magic number (never by file name), refusing a
    /// header that declares more than `maxPixels`.
    ///
    /// - Throws: `HealthCardError/Code/malformed` `"<name>: not a PNG, JPEG or WebP image"` for other
    ///   data, else the errors of ``decodePNG(_:name:maxPixels:)``, ``decodeJPEG(_:name:maxPixels:)``
    ///   or ``decodeWebP(_:name:maxPixels:)``.
    public static func decode(
        _ bytes: [UInt8], name: String = "image", maxPixels: Int = ImageFile.defaultMaxPixels
    ) throws -> GreyImage {
        switch format(of: bytes) {
        case .png: try decodePNG(bytes, name: name, maxPixels: maxPixels)
        case .jpeg: try decodeJPEG(bytes, name: name, maxPixels: maxPixels)
        case .webp: try decodeWebP(bytes, name: name, maxPixels: maxPixels)
        case nil:
            throw bytes.isEmpty
                ? HealthCardError.truncated("\(name): empty file, not a PNG, JPEG or WebP image")
                : HealthCardError.malformed("\(name): not a PNG, JPEG or WebP image")
        }
    }

    /// Reads a PNG, JPEG or WebP file as 8-bit grey; see ``decode(_:name:maxPixels:)``. Errors name the file.
    ///
    /// - Throws: the file system's error if the file cannot be read, else as ``decode(_:name:maxPixels:)``.
    public static func read(at url: URL, maxPixels: Int = ImageFile.defaultMaxPixels) throws -> GreyImage {
        try decode(Array(Data(contentsOf: url)), name: url.lastPathComponent, maxPixels: maxPixels)
    }
}

/// QR symbols as image files: the two calls most callers need.
public enum QRImage {
    /// `matrix` as a 1-bit greyscale PNG, `moduleSize` pixels per module with a `quietZone`-module
    /// white margin. Values below 1 (size) and 0 (margin) are raised to them.
    public static func pngData(_ matrix: some ModuleMatrix, moduleSize: Int = 4, quietZone: Int = 4) throws -> [UInt8] {
        try ImageFile.encodePNG(matrix.greyImage(moduleSize: moduleSize, quietZone: quietZone), bitDepth: 1)
    }

    /// Writes `matrix` as a PNG file (atomically); see ``pngData(_:moduleSize:quietZone:)``.
    ///
    /// - Throws: the file system's error if the file cannot be written.
    public static func writePNG(_ matrix: some ModuleMatrix, to url: URL, moduleSize: Int = 4, quietZone: Int = 4) throws {
        try AtomicFile.write(pngData(matrix, moduleSize: moduleSize, quietZone: quietZone), to: url.path)
    }

    /// The raw payload bytes of every QR symbol in a PNG or JPEG file.
    ///
    /// An image without a readable QR symbol gives `[]`, not an error: like `QRDecoding`, this
    /// leaves the message ("no QR code found in x.png") to the caller, who knows if it matters.
    ///
    /// - Throws: the file system's error if the file cannot be read; `HealthCardError` naming the
    ///   file if it is not a PNG, JPEG or WebP image (`"x.gif: not a PNG, JPEG or WebP image"`), is truncated
    ///   or damaged, or declares more than `maxPixels` (see `ImageFile/decode(_:name:maxPixels:)`).
    public static func decode(
        fileAt url: URL, decoder: some QRDecoding = QRDecoder(), maxPixels: Int = ImageFile.defaultMaxPixels
    ) throws -> [[UInt8]] {
        try decoder.decode(ImageFile.read(at: url, maxPixels: maxPixels))
    }
}
