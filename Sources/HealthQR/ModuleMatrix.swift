/// A two-dimensional symbol as a square of dark and light modules, without its quiet zone: what
/// every renderer (SVG, terminal, PNG, grey pixels) draws, whatever the symbology.
///
/// Why a protocol: QR Code (``QRMatrix``) and Grid Matrix (``GridMatrixSymbol``) differ in how
/// they are built and what they carry, not in how they are drawn.
public protocol ModuleMatrix: Sendable {
    /// Modules per side.
    var width: Int { get }
    /// Whether the module in column `x`, row `y` is dark; every module outside the symbol (the
    /// quiet zone and beyond) is light.
    func isDark(x: Int, y: Int) -> Bool
}

extension QRMatrix: ModuleMatrix {}

/// Draws a payload in a symbology: the library's QR and Grid Matrix encoders behind one call, so
/// that code that only issues codes (the health-code issuer) needs no image library.
public protocol SymbolEncoding: Sendable {
    /// `bytes` as a symbol of `symbology`, at an error-correction level at least as strong as
    /// `errorCorrection` (for Grid Matrix, the level with the same or more recovery capacity).
    ///
    /// - Parameters:
    ///   - bytes: the payload.
    ///   - symbology: QR Code or Grid Matrix.
    ///   - mode: the QR segment mode (ignored by Grid Matrix, which chooses its own).
    ///   - errorCorrection: the error-correction level.
    func encode(
        _ bytes: [UInt8], symbology: Symbology, mode: QRMode, errorCorrection: QRErrorCorrection
    ) throws -> any ModuleMatrix
}
