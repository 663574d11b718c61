internal import CHealthShimsImaging
import HealthCardFoundation
import HealthQR

/// Grid Matrix symbols (GB/T 27766) through libzint, Debian's `libzint-dev` 2.11.
///
/// Bytes are encoded as they are (zint's `DATA_MODE`: no character-set conversion), at the
/// error-correction level asked for, in the smallest version that holds them (or at least
/// `minimumVersion`). Each call creates and deletes its own `zint_symbol`, so the encoder is safe
/// to use from several threads.
public struct GridMatrixEncoder: Sendable {
    public init() {}

    /// `bytes` as a Grid Matrix symbol.
    ///
    /// - Parameters:
    ///   - bytes: the payload (at most 1,529 bytes at the lowest level, version 13).
    ///   - errorCorrectionLevel: 1...5.
    ///   - minimumVersion: 0 for the smallest that fits, else 1...13.
    /// - Throws: `HealthCardError/Code/invalidValue` for an option out of range,
    ///   `HealthCardError/Code/valueTooLong` when the data does not fit, with zint's message.
    public func encode(_ bytes: [UInt8], errorCorrectionLevel: Int = 2, minimumVersion: Int = 0) throws
        -> GridMatrixSymbol
    {
        guard (1...5).contains(errorCorrectionLevel) else {
            throw HealthCardError.invalidValue("Grid Matrix error-correction level \(errorCorrectionLevel) is outside 1...5")
        }
        guard (0...13).contains(minimumVersion) else {
            throw HealthCardError.invalidValue("Grid Matrix version \(minimumVersion) is outside 0 (automatic)...13")
        }
        guard !bytes.isEmpty else { throw HealthCardError.invalidValue("nothing to encode in a Grid Matrix symbol") }
        var lastError = ""
        for version in (minimumVersion == 0 ? [0] : Array(minimumVersion...13)) {
            var modules = [UInt8](repeating: 0, count: 162 * 162)
            var width: Int32 = 0
            var message = [CChar](repeating: 0, count: 200)
            let status = bytes.withUnsafeBufferPointer { data in
                modules.withUnsafeMutableBufferPointer { out in
                    chs_zint_gridmatrix(
                        data.baseAddress, Int32(data.count), Int32(errorCorrectionLevel), Int32(version),
                        out.baseAddress, out.count, &width, &message, message.count)
                }
            }
            guard status == 0 else {
                lastError = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                continue
            }
            let side = Int(width)
            guard (side - 6) % 12 == 0 else {
                throw HealthCardError.malformed("libzint drew a \(side)-module Grid Matrix symbol, not 6 + 12 × version")
            }
            return try GridMatrixSymbol(
                version: (side - 6) / 12, errorCorrectionLevel: errorCorrectionLevel, width: side,
                modules: modules.prefix(side * side).map { $0 == 1 })
        }
        throw HealthCardError.valueTooLong("\(bytes.count) bytes do not fit a Grid Matrix symbol: libzint: \(lastError)")
    }
}

/// The library's encoders behind `SymbolEncoding`: libqrencode for QR Code, libzint for Grid
/// Matrix.
public struct SymbolEncoder: SymbolEncoding {
    public init() {}

    public func encode(
        _ bytes: [UInt8], symbology: Symbology, mode: QRMode, errorCorrection: QRErrorCorrection
    ) throws -> any ModuleMatrix {
        switch symbology {
        case .qr:
            try QREncoder().encode(bytes, mode: mode, errorCorrection: errorCorrection, minimumVersion: 0)
        case .gridMatrix:
            try GridMatrixEncoder().encode(bytes, errorCorrectionLevel: GridMatrixSymbol.level(matching: errorCorrection))
        }
    }
}
