/// A forward-only cursor over card bytes, for parsing records and responses.
///
/// - SeeAlso: health-card.md §3 (records are `tag ‖ len ‖ value`, encounter files are fixed
///   offsets).
///
/// Why a cursor and not index arithmetic: every read either returns the bytes and moves on, or
/// returns `nil` and leaves the position alone (as swift-nio's `readInteger`), so a parser can never
/// run past the end, and ``offset`` is always at hand for the error message. Reads return slices of
/// the input, not copies.
public struct ByteReader: Sendable {
    /// The bytes not read yet.
    public private(set) var remainingBytes: ArraySlice<UInt8>
    private let origin: Int

    public init(_ bytes: ArraySlice<UInt8>) {
        remainingBytes = bytes
        origin = bytes.startIndex
    }

    public init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    /// How many bytes have been read: the offset of the next byte from the start of the input.
    public var offset: Int { remainingBytes.startIndex - origin }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { remainingBytes.isEmpty }

    /// The next `count` bytes, or `nil` (without moving) if fewer remain.
    public mutating func read(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= remainingBytes.count else { return nil }
        let bytes = remainingBytes.prefix(count)
        remainingBytes = remainingBytes.dropFirst(count)
        return bytes
    }

    /// The next `count` bytes.
    /// - Throws: ``HealthCardError/Code/truncated`` saying what needed them, e.g.
    ///   `"photo length needs 2 bytes, 1 present at offset 0"`.
    public mutating func read(_ count: Int, for what: String) throws -> ArraySlice<UInt8> {
        guard let bytes = read(count) else {
            throw HealthCardError.truncated(
                "\(what) needs \(count) bytes, \(remainingBytes.count) present at offset \(offset)")
        }
        return bytes
    }

    /// The next byte, or `nil` at the end.
    public mutating func readUInt8() -> UInt8? {
        remainingBytes.popFirst()
    }

    /// The next two bytes as a big-endian integer (the card's byte order), or `nil` (without moving)
    /// if fewer than two remain.
    public mutating func readUInt16() -> UInt16? {
        guard let bytes = read(2) else { return nil }
        return UInt16(bytes[bytes.startIndex]) << 8 | UInt16(bytes[bytes.startIndex + 1])
    }

    /// Everything not read yet; the reader is then at its end.
    public mutating func readRemaining() -> ArraySlice<UInt8> {
        defer { remainingBytes = remainingBytes[remainingBytes.endIndex...] }
        return remainingBytes
    }
}

/// Bytes ↔ hexadecimal text, the form of APDU logs, test vectors, the spec's trace examples and
/// `b` fields in JSON output.
///
/// Output is uppercase with no separator by default (`"4C69"`), as the spec and card logs write it.
/// Input is tolerant: upper or lower case, with any white space between digits (`"01 01 31"`),
/// so a trace line can be pasted as it is.
public enum Hex {
    /// `bytes` as uppercase hex, e.g. `encode([0x01, 0xAB]) == "01AB"`,
    /// `encode([0x01, 0xAB], separator: " ") == "01 AB"`.
    public static func encode(_ bytes: some Sequence<UInt8>, separator: String = "") -> String {
        if separator.isEmpty, let text = bytes.withContiguousStorageIfAvailable(encodeContiguous) { return text }
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            if !text.isEmpty { text.append(contentsOf: separator.utf8) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// ``encode(_:separator:)`` without a separator over contiguous bytes: one pass into the
    /// string's own storage, which a generic call from another module (SM3 and key ids in every
    /// batch manifest entry) otherwise walks byte by byte through the `Sequence` witness.
    private static func encodeContiguous(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            for (index, byte) in bytes.enumerated() {
                text[2 &* index] = hexDigit(byte >> 4)
                text[2 &* index &+ 1] = hexDigit(byte & 0x0F)
            }
            return bytes.count * 2
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 &+ nibble : 0x37 &+ nibble }

    /// `value` as exactly `digits` uppercase hex digits (zero-padded, high digits dropped), e.g.
    /// `encode(0x9000, digits: 4) == "9000"`.
    public static func encode(_ value: Int, digits: Int) -> String {
        let symbols = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            text.append(symbols[(value >> shift) & 0x0F])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A byte offset as the card traces and the vendor SDK print it: `0x0400` (eight digits past
    /// `0xFFFF`).
    public static func offset(_ offset: Int) -> String {
        "0x" + encode(offset, digits: offset > 0xFFFF ? 8 : 4)
    }

    /// The bytes written in `text`, ignoring white space.
    /// - Throws: ``HealthCardError/Code/invalidEncoding`` for a character that is not a hex digit
    ///   (with its 1-based position), ``HealthCardError/Code/malformed`` for an odd number of digits.
    public static func decode(_ text: some StringProtocol) throws -> [UInt8] {
        var string = String(text)
        if let bytes = string.withUTF8(decodeASCII) { return bytes }
        return try decodeCharacters(string)
    }

    /// The fast path of ``decode(_:)``: ASCII hex digits and ASCII white space only, read byte by
    /// byte; `nil` for anything else (including an odd digit count), which the character path
    /// then reports. Walking `Character`s cost about 2,000 instructions a digit, a sixth of a
    /// batch code's non-signing work for a 64-hex card id (`Docs/benchmarks.md`).
    private static func decodeASCII(_ utf8: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var high: UInt8 = 0
        var haveHigh = false
        for byte in utf8 {
            let nibble: UInt8
            switch byte {
            case 0x30...0x39: nibble = byte &- 0x30
            case 0x41...0x46: nibble = byte &- 0x37
            case 0x61...0x66: nibble = byte &- 0x57
            case 0x09...0x0D, 0x20: continue
            default: return nil
            }
            if haveHigh {
                bytes.append(high << 4 | nibble)
            } else {
                high = nibble
            }
            haveHigh.toggle()
        }
        return haveHigh ? nil : bytes
    }

    /// ``decode(_:)`` character by character, with Unicode white space and positioned errors.
    private static func decodeCharacters(_ text: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var high: UInt8?
        for (index, character) in text.enumerated() where !character.isWhitespace {
            guard character.isASCII, let nibble = character.hexDigitValue.map(UInt8.init) else {
                throw HealthCardError.invalidEncoding("'\(character)' at position \(index + 1) is not a hex digit")
            }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard high == nil else {
            throw HealthCardError.malformed("odd number of hex digits (\(bytes.count * 2 + 1))")
        }
        return bytes
    }
}
