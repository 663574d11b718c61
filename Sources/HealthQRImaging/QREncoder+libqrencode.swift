internal import CQREncode
import Foundation
import HealthCardFoundation
import HealthQR

/// QR encoding with libqrencode (Debian `libqrencode4`).
///
/// Each call builds its own `QRinput`, so one encoder (or many) can be used from several threads
/// at once; libqrencode guards its shared Reed–Solomon tables itself.
///
/// **Mask selection**: for symbols up to version 11 (every signed HCK1 and HCC1 code) libqrencode
/// builds the symbol with mask 0 (`QRcode_encodeMask`, exported by libqrencode 4 but not in its
/// header, so looked up at run time) and `QRMaskSelection` chooses the mask on 64-bit rows: the
/// same mask and the same modules as libqrencode's own search, at a fraction of its cost
/// (`Docs/benchmarks.md`). Wider symbols, or a libqrencode without that entry point, take
/// libqrencode's own search.
///
/// - SeeAlso: pcsc-virtual-card.md §7.
public struct QREncoder: QREncoding {
    /// Whether libqrencode searches the masks itself (the reference the tests compare with).
    let searchesMasksInLibqrencode: Bool

    public init() { searchesMasksInLibqrencode = false }

    init(searchesMasksInLibqrencode: Bool) { self.searchesMasksInLibqrencode = searchesMasksInLibqrencode }

    /// Encodes `bytes` as a single segment of `mode` (`QRinput_new2` + `QRinput_append` +
    /// `QRcode_encodeInput`; for `QRMode/byte` this is what `QRcode_encodeData` does).
    ///
    /// No ECI header is written: byte-mode payloads come back from any reader in binary mode exactly
    /// as given, and text should be UTF-8.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for an empty payload or a version outside
    ///   0...40; `HealthCardError/Code/unencodable` if a byte is outside `mode`'s alphabet;
    ///   `HealthCardError/Code/valueTooLong` if the data does not fit version 40 at
    ///   `errorCorrection`.
    public func encode(
        _ bytes: [UInt8], mode: QRMode, errorCorrection: QRErrorCorrection, minimumVersion: Int
    ) throws -> QRMatrix {
        guard (0...40).contains(minimumVersion) else {
            throw HealthCardError.invalidValue("QR version \(minimumVersion) is outside 0 (automatic)...40")
        }
        guard !bytes.isEmpty else {
            throw HealthCardError.invalidValue("an empty payload cannot be encoded as a QR symbol")
        }
        try mode.validate(bytes)
        let capacity = mode.capacityOfVersion40(at: errorCorrection)
        let unit = mode == .byte ? "bytes" : "characters"
        let tooLong = HealthCardError.valueTooLong(
            "\(bytes.count) \(unit) do not fit a QR symbol at error correction \(errorCorrection.rawValue): "
                + "version 40 holds at most \(capacity) in \(mode.rawValue) mode")
        // libqrencode's own limit is the same table; checking first gives the clear error even if
        // a future libqrencode reported overflow with another errno.
        guard bytes.count <= capacity else { throw tooLong }

        guard let input = QRinput_new2(Int32(minimumVersion), errorCorrection.qrencodeLevel) else {
            throw qrencode_failure("QRinput_new2")
        }
        defer { QRinput_free(input) }
        let appended = bytes.withUnsafeBufferPointer { buffer in
            QRinput_append(input, mode.qrencodeMode, Int32(buffer.count), buffer.baseAddress)
        }
        guard appended == 0 else { throw qrencode_failure("QRinput_append") }
        if !searchesMasksInLibqrencode, let encodeMask = qrencodeEncodeMask {
            errno = 0
            guard let code = encodeMask(input, 0) else {
                if errno == ERANGE { throw tooLong }
                throw qrencode_failure("QRcode_encodeMask")
            }
            defer { QRcode_free(code) }
            if let matrix = try selectingMask(of: code.pointee, level: errorCorrection) { return matrix }
        }
        errno = 0
        guard let code = QRcode_encodeInput(input) else {
            if errno == ERANGE { throw tooLong }
            throw qrencode_failure("QRcode_encodeInput")
        }
        defer { QRcode_free(code) }

        let width = Int(code.pointee.width)
        let cells = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        // Bit 0 is the module colour; the other bits tell function patterns from data.
        return try QRMatrix(version: Int(code.pointee.version), width: width, modules: cells.map { $0 & 1 != 0 })
    }
}

/// libqrencode's `QRcode *QRcode_encodeMask(QRinput *, int mask)`: the function behind
/// `QRcode_encodeInput` (which calls it with -1, "search"), exported by libqrencode 4 but declared
/// only in its internal header; `nil` if this libqrencode does not export it.
private let qrencodeEncodeMask: (@convention(c) (OpaquePointer?, Int32) -> UnsafeMutablePointer<QRcode>?)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "QRcode_encodeMask") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (OpaquePointer?, Int32) -> UnsafeMutablePointer<QRcode>?).self)
}()

/// The symbol of `code` (drawn with mask 0) with the mask `QRMaskSelection` chooses, or `nil` if
/// it is wider than that handles. libqrencode marks each module: bit 0 dark, bit 7 set for the
/// function patterns (never masked).
private func selectingMask(of code: QRcode, level: QRErrorCorrection) throws -> QRMatrix? {
    let width = Int(code.width)
    guard width <= QRMaskSelection.maximumWidth else { return nil }
    let cells = UnsafeBufferPointer(start: code.data, count: width * width)
    var data = [UInt64](repeating: 0, count: width)
    var raw = data
    var function = data
    for y in 0..<width {
        var (dataRow, rawRow, functionRow): (UInt64, UInt64, UInt64) = (0, 0, 0)
        // Mask 0 inverted the data modules where (x + y) is even: undo it.
        var maskZero: UInt64 = y & 1 == 0 ? 0x5555_5555_5555_5555 : 0xAAAA_AAAA_AAAA_AAAA
        maskZero &= (UInt64(1) << UInt64(width)) &- 1
        for x in 0..<width {
            let cell = UInt64(cells[y &* width &+ x])
            // Bit 7 of a cell marks function patterns, bit 0 is the colour.
            let isFunction = (cell >> 7) & 1
            dataRow |= (isFunction ^ 1) << UInt64(x)
            rawRow |= (cell & 1) << UInt64(x)
            functionRow |= (cell & isFunction) << UInt64(x)
        }
        (data[y], raw[y], function[y]) = (dataRow, (rawRow ^ maskZero) & dataRow, functionRow)
    }
    guard let selection = QRMaskSelection(width: width, data: data, raw: raw, function: function) else { return nil }
    let rows = selection.select(level).rows
    var modules = [Bool](repeating: false, count: width * width)
    modules.withUnsafeMutableBufferPointer { modules in
        for y in 0..<width {
            let row = rows[y]
            for x in 0..<width { modules[y &* width &+ x] = row >> UInt64(x) & 1 == 1 }
        }
    }
    return try QRMatrix(version: Int(code.version), width: width, modules: modules)
}

/// libqrencode failed for a reason other than too much data (errno ENOMEM or EINVAL).
private func qrencode_failure(_ function: String) -> HealthCardError {
    let code = errno
    return HealthCardError.invalidValue("libqrencode \(function) failed: \(String(cString: strerror(code)))")
}

extension QRErrorCorrection {
    fileprivate var qrencodeLevel: QRecLevel {
        switch self {
        case .low: QR_ECLEVEL_L
        case .medium: QR_ECLEVEL_M
        case .quartile: QR_ECLEVEL_Q
        case .high: QR_ECLEVEL_H
        }
    }
}

extension QRMode {
    fileprivate var qrencodeMode: QRencodeMode {
        switch self {
        case .numeric: QR_MODE_NUM
        case .alphanumeric: QR_MODE_AN
        case .byte: QR_MODE_8
        }
    }
}
