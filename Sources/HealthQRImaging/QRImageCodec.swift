import Foundation
import HealthCardFoundation
import HealthQR

/// QR codes as image files: drawing (`QRMatrix/png(moduleSize:quietZone:)`, a fast pure-Swift PNG
/// writer, and `QRMatrix/svg(moduleSize:quietZone:)`) and scanning (libpng, libjpeg or libwebp, then zbar
/// in binary mode, through the ``QRScanLadder``). The one place where the batch engine and `hcard qr` meet image files.
public struct QRImageCodec: QRImageRendering, QRImageReading {
    /// The scanner: zbar through the ``QRScanLadder`` (one zbar pass for a clean image) unless a
    /// test swaps it.
    public let decoder: any QRDecoding
    /// The most pixels an image file may declare (`ImageFile/defaultMaxPixels` unless raised);
    /// larger headers are refused before decoding.
    public let maxPixels: Int

    public init(decoder: any QRDecoding = QRScanLadder(), maxPixels: Int = ImageFile.defaultMaxPixels) {
        self.decoder = decoder
        self.maxPixels = maxPixels
    }

    /// `matrix` as PNG (1-bit grey) or SVG bytes, with the options' module size and quiet zone.
    public func render(_ matrix: QRMatrix, as format: QRImageFormat, options: QRRenderOptions) throws -> [UInt8] {
        switch format {
        case .png: matrix.png(moduleSize: options.moduleSize, quietZone: options.quietZone)
        case .svg: Array(matrix.svg(moduleSize: options.moduleSize, quietZone: options.quietZone).utf8)
        }
    }

    /// Writes `matrix` to `path` in `format`, atomically (temporary file and rename).
    ///
    /// - Throws: the file system's error, naming the file.
    public func write(_ matrix: QRMatrix, as format: QRImageFormat, options: QRRenderOptions, to path: String) throws {
        let bytes = try render(matrix, as: format, options: options)
        try AtomicFile.write(bytes, to: path)
    }

    /// The QR texts in a PNG, JPEG or WebP file's bytes; `[]` for other data (an SVG) or no symbol.
    /// Payloads that are not UTF-8 are left out.
    public func texts(inFile bytes: [UInt8]) throws -> [String] {
        guard ImageFile.format(of: bytes) != nil else { return [] }
        return try decoder.decode(ImageFile.decode(bytes, maxPixels: maxPixels)).compactMap { String(validating: $0, as: UTF8.self) }
    }

    /// The raw payloads of every QR symbol in the PNG, JPEG or WebP file at `path`.
    ///
    /// - Throws: the file's read error, or `HealthCardError` naming the file if it is not a
    ///   readable PNG, JPEG or WebP or declares more than ``maxPixels``.
    public func payloads(inFileAt path: String) throws -> [[UInt8]] {
        try decoder.decode(ImageFile.read(at: URL(fileURLWithPath: path), maxPixels: maxPixels))
    }

    /// The raw payloads of every QR symbol in a raw 8-bit grey frame (Y800, `width × height` bytes,
    /// as a camera driver delivers it).
    public func payloads(inGreyFrameAt path: String, width: Int, height: Int) throws -> [[UInt8]] {
        let pixels = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        guard pixels.count == width * height else {
            throw HealthCardError.invalidValue(
                "\((path as NSString).lastPathComponent): \(pixels.count) bytes, but a \(width)×\(height) "
                    + "grey frame has \(width * height)")
        }
        return try payloads(inGreyFrame: pixels, width: width, height: height)
    }

    /// The raw payloads of every QR symbol in a raw 8-bit grey frame held in memory (a frame cut
    /// from a camera stream).
    ///
    /// - Parameters:
    ///   - pixels: `width × height` bytes, row by row, 0 black to 255 white.
    ///   - width: the frame's width in pixels.
    ///   - height: the frame's height in pixels.
    /// - Throws: `HealthCardError` if `pixels` is not `width × height` bytes or more than ``maxPixels``.
    public func payloads(inGreyFrame pixels: [UInt8], width: Int, height: Int) throws -> [[UInt8]] {
        guard width > 0, height > 0, width * height <= maxPixels else {
            throw HealthCardError.invalidValue("a \(width)×\(height) grey frame is over the limit of \(maxPixels) pixels")
        }
        return try decoder.decode(greyPixels: pixels, width: width, height: height)
    }
}

/// A directory as the output of a batch (`QRBatchStore`): files are written to a temporary name
/// and renamed, so a file that exists is complete, whatever interrupted the run.
///
/// Code files are created (never replaced) without a sync each (`AtomicFile/Durability/deferred`); ``synchronize()``
/// makes them all durable with one `sync`. A sync per file cost two journal commits, about 8 ms
/// of waiting per code on this project's build machine against 0.45 ms of signing.
public struct QRBatchDirectory: QRBatchStore {
    /// The directory.
    public let path: String

    /// Uses `path`, creating it (and its parents) if needed.
    ///
    /// - Throws: the file system's error if it cannot be created or is not a directory.
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw HealthCardError.invalidValue("\(path) exists and is not a directory")
            }
        } else {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        self.path = path
    }

    private func location(_ name: String) -> String {
        path.isEmpty || path.hasSuffix("/") ? path + name : path + "/" + name
    }

    public func contains(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: location(name))
    }

    public func read(_ name: String) throws -> [UInt8] {
        try Array(Data(contentsOf: URL(fileURLWithPath: location(name))))
    }

    public func write(_ bytes: [UInt8], to name: String) throws {
        try AtomicFile.write(bytes, to: location(name), durability: .deferred)
    }

    /// Through `AtomicFile/create(_:at:mode:durability:)`: an unnamed file named by `linkat` on
    /// Linux, three system calls fewer than a temporary name and a rename, and no leftover
    /// temporary file if the process is killed.
    public func create(_ bytes: [UInt8], as name: String) throws {
        try AtomicFile.create(bytes, at: location(name), durability: .deferred)
    }

    public func synchronize() throws {
        AtomicFile.syncDeferredWrites()
    }

}
