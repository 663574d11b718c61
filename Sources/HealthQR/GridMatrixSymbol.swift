import HealthCardFoundation

/// The modules of one Grid Matrix symbol (GB/T 27766-2011), without the quiet zone.
///
/// GB/T 38961-2020 recommends Grid Matrix as the carrier of the personal health information
/// code. A symbol is `6 + 12 × version` modules wide (version 1...13: 18 to 162 modules), in
/// macromodules of 6 × 6, at one of five error-correction levels. Encoding is libzint's
/// (`GridMatrixEncoder`); there is no open Grid Matrix decoder we know of, so these symbols are
/// checked structurally, not by scanning them back.
public struct GridMatrixSymbol: ModuleMatrix, Hashable {
    /// The symbol version, 1...13.
    public let version: Int
    /// The error-correction level, 1...5 (about 10 % to 50 % of the codewords).
    public let errorCorrectionLevel: Int
    /// Modules per side: `6 + 12 × version`.
    public let width: Int
    /// Row-major, `true` = dark.
    private let modules: [Bool]

    /// A symbol from its modules, row by row, `true` = dark.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` unless `version` is 1...13, the level 1...5,
    ///   `width` is `6 + 12 × version` and there are `width × width` modules.
    public init(version: Int, errorCorrectionLevel: Int, width: Int, modules: [Bool]) throws {
        guard (1...13).contains(version) else {
            throw HealthCardError.invalidValue("Grid Matrix version \(version) is outside 1...13")
        }
        guard (1...5).contains(errorCorrectionLevel) else {
            throw HealthCardError.invalidValue("Grid Matrix error-correction level \(errorCorrectionLevel) is outside 1...5")
        }
        guard width == 6 + 12 * version else {
            throw HealthCardError.invalidValue(
                "Grid Matrix version \(version) is \(6 + 12 * version) modules wide, not \(width)")
        }
        guard modules.count == width * width else {
            throw HealthCardError.invalidValue("\(modules.count) modules for a \(width)×\(width) Grid Matrix symbol")
        }
        self.version = version
        self.errorCorrectionLevel = errorCorrectionLevel
        self.width = width
        self.modules = modules
    }

    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < width, y < width else { return false }
        return modules[y * width + x]
    }

    /// The Grid Matrix level whose recovery capacity is the nearest at or above a QR level's
    /// (QR L 7 %, M 15 %, Q 25 %, H 30 % → Grid Matrix 1 ≈ 10 %, 2 ≈ 20 %, 3 ≈ 30 %, 3 ≈ 30 %).
    /// [U] GB/T 38961 names no level; Docs/qr-payload.md.
    public static func level(matching errorCorrection: QRErrorCorrection) -> Int {
        switch errorCorrection {
        case .low: 1
        case .medium: 2
        case .quartile, .high: 3
        }
    }
}
