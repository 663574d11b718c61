internal import CQREncode
import Foundation
import HealthCardFoundation
import HealthQR

/// QR encoding with libqrencode (Debian `libqrencode4`).
///
/// Each call builds its own `QRinput`, so one encoder (or many) can be used from several threads
/// at once; libqrencode guards its shared Reed–Solomon tables itself.
///
/// - SeeAlso: pcsc-virtual-card.md §7.
public struct QREncoder: QREncoding {
    public init() {}

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
