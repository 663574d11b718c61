import HealthCardFoundation

/// The QR data mode a payload is encoded in (ISO/IEC 18004 §7.4).
///
/// A mode packs its alphabet more tightly the smaller it is: numeric 3.33 bits per digit,
/// alphanumeric 5.5 bits per character, byte 8 bits per byte. Uppercase base45-style text
/// therefore fits a smaller symbol in ``alphanumeric`` than in ``byte``.
public enum QRMode: String, CaseIterable, Sendable {
    /// Digits `0`–`9` only.
    case numeric
    /// `0`–`9`, `A`–`Z`, space and `$ % * + - . / :` (45 characters, the base45 alphabet).
    case alphanumeric
    /// Any bytes (8-bit mode). Text should be UTF-8; readers guess the charset unless told by ECI.
    case byte
}

extension QRMode {
    /// The 45 characters of the alphanumeric mode, in code-value order.
    public static let alphanumericCharacters: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    private static let alphanumericTable: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in alphanumericCharacters { table[Int(byte)] = true }
        return table
    }()

    /// Whether `byte` can be encoded in this mode.
    public func canEncode(_ byte: UInt8) -> Bool {
        switch self {
        case .numeric: (0x30...0x39).contains(byte)
        case .alphanumeric: Self.alphanumericTable[Int(byte)]
        case .byte: true
        }
    }

    /// The smallest mode that can encode all of `bytes` (``byte`` when they are empty).
    public static func smallest(for bytes: some Sequence<UInt8>) -> Self {
        var mode = Self.numeric
        for byte in bytes where !mode.canEncode(byte) {
            if mode == .numeric, Self.alphanumeric.canEncode(byte) {
                mode = .alphanumeric
            } else {
                return .byte
            }
        }
        return mode
    }

    /// Checks that every byte can be encoded in this mode.
    ///
    /// - Throws: `HealthCardError/Code/unencodable` naming the first offending byte and its offset.
    public func validate(_ bytes: [UInt8]) throws {
        guard let index = bytes.firstIndex(where: { !canEncode($0) }) else { return }
        let byte = bytes[index]
        let shown = (0x20..<0x7F).contains(byte) ? " ('\(Character(Unicode.Scalar(byte)))')" : ""
        let hex = Hex.encode([byte])
        let alphabet = self == .numeric ? "0-9" : "0-9 A-Z space $%*+-./:"
        throw HealthCardError.unencodable(
            "byte 0x\(hex)\(shown) at offset \(index) is not in the QR \(rawValue) set (\(alphabet))")
    }

    /// How many characters (bytes in ``byte`` mode) the largest symbol, version 40, holds at `level`.
    ///
    /// - SeeAlso: ISO/IEC 18004:2015 Table 7, version 40.
    public func capacityOfVersion40(at level: QRErrorCorrection) -> Int {
        switch (self, level) {
        case (.numeric, .low): 7089
        case (.numeric, .medium): 5596
        case (.numeric, .quartile): 3993
        case (.numeric, .high): 3057
        case (.alphanumeric, .low): 4296
        case (.alphanumeric, .medium): 3391
        case (.alphanumeric, .quartile): 2420
        case (.alphanumeric, .high): 1852
        case (.byte, .low): 2953
        case (.byte, .medium): 2331
        case (.byte, .quartile): 1663
        case (.byte, .high): 1273
        }
    }
}
