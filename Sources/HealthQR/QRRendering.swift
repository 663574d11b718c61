import HealthCardFoundation

/// How a payload text becomes a QR symbol and an image: error correction, module size, quiet zone.
///
/// Why one value: the command line (`hcard qr issue`, `hcard qr batch`), the batch engine
/// (``QRBatchIssuer``) and the benchmarks must draw the same symbol from the same options, so the
/// choices live in one place instead of in each caller.
///
/// - SeeAlso: pcsc-virtual-card.md §7 (libqrencode), ISO/IEC 18004 §6.3.8 (quiet zone).
public struct QRRenderOptions: Hashable, Sendable {
    /// The error-correction level; ``QRErrorCorrection/medium`` (15 %) unless chosen.
    public let errorCorrection: QRErrorCorrection
    /// Pixels per module in raster images (PNG), and the SVG's nominal size; at least
    /// ``minimumModuleSize``.
    public let moduleSize: Int
    /// The light margin in modules; ISO/IEC 18004 asks for 4.
    public let quietZone: Int
    /// The smallest QR version to use (0 = as small as the data allows).
    public let minimumVersion: Int

    /// The largest module size accepted: a version-40 symbol at 64 pixels per module is already
    /// about 11,000 pixels wide.
    public static let maximumModuleSize = 64

    /// The smallest module size drawn: the smallest our own scanner reads reliably. Measured with
    /// zbar on codes from `hcard qr issue` (2026-12-06): at 1 pixel per module 2 of 24 codes were
    /// read; at 2 pixels 96 of 96 (quiet zones 0, 1, 2 and 4 modules), as at 3 and 4. A code the
    /// issuer's own scanner cannot read is not issued.
    public static let minimumModuleSize = 2

    /// - Throws: `HealthCardError/Code/invalidValue` for a module size outside
    ///   ``minimumModuleSize``...``maximumModuleSize``, a quiet zone outside 0...64 or a version
    ///   outside 0...40.
    public init(
        errorCorrection: QRErrorCorrection = .medium, moduleSize: Int = 4, quietZone: Int = 4, minimumVersion: Int = 0
    ) throws {
        guard moduleSize >= Self.minimumModuleSize else {
            throw HealthCardError.invalidValue(
                "module size \(moduleSize) is below \(Self.minimumModuleSize) pixels, the smallest that zbar reads"
                    + " reliably (at 1 pixel it read 2 of 24 codes)")
        }
        guard moduleSize <= Self.maximumModuleSize else {
            throw HealthCardError.invalidValue(
                "module size \(moduleSize) is outside \(Self.minimumModuleSize)...\(Self.maximumModuleSize) pixels")
        }
        guard (0...64).contains(quietZone) else {
            throw HealthCardError.invalidValue("quiet zone \(quietZone) is outside 0...64 modules")
        }
        guard (0...40).contains(minimumVersion) else {
            throw HealthCardError.invalidValue("QR version \(minimumVersion) is outside 0 (automatic)...40")
        }
        self.init(unchecked: errorCorrection, moduleSize, quietZone, minimumVersion)
    }

    private init(unchecked errorCorrection: QRErrorCorrection, _ moduleSize: Int, _ quietZone: Int, _ version: Int) {
        self.errorCorrection = errorCorrection
        self.moduleSize = moduleSize
        self.quietZone = quietZone
        self.minimumVersion = version
    }

    /// Error correction M, 4 pixels per module, a 4-module quiet zone, the smallest version.
    public static let standard = QRRenderOptions(unchecked: .medium, 4, 4, 0)
}

/// The image file formats a code is written in.
public enum QRImageFormat: String, CaseIterable, Sendable {
    /// A 1-bit greyscale PNG (libpng), `moduleSize` pixels per module.
    case png
    /// An SVG with one path of dark rectangles (``QRMatrix/svg(moduleSize:quietZone:)``).
    case svg

    /// The file name extension, without the dot.
    public var fileExtension: String { rawValue }
}

/// Draws a QR matrix as the bytes of an image file.
///
/// The core describes the operation; `QRImageRenderer` (libpng for PNG, in `System/`) implements
/// it, so the batch engine stays free of C.
public protocol QRImageRendering: Sendable {
    /// The file bytes of `matrix` in `format`.
    func render(_ matrix: QRMatrix, as format: QRImageFormat, options: QRRenderOptions) throws -> [UInt8]
}

extension QREncoding {
    /// The symbol for a payload **text** in the smallest QR mode that holds all of it.
    ///
    /// Why the smallest mode: a signed `HCK1-` code is entirely in the alphanumeric set, which packs
    /// 5.5 bits per character against 8 in byte mode, so it fits a smaller version (about one
    /// version less, `Docs/qr-payload.md` §2.6). Plain `cardId:type` payloads with lower-case
    /// letters fall back to byte mode. The text goes in as UTF-8.
    ///
    /// - Throws: as ``encode(_:mode:errorCorrection:minimumVersion:)``.
    public func encode(text: some StringProtocol, options: QRRenderOptions = .standard) throws -> QRMatrix {
        let bytes = Array(text.utf8)
        return try encode(
            bytes, mode: QRMode.smallest(for: bytes), errorCorrection: options.errorCorrection,
            minimumVersion: options.minimumVersion)
    }
}
