import HealthCardFoundation

/// Base45 (RFC 9285): bytes as text in the 45-character alphabet of the QR alphanumeric mode.
///
/// Why base45 for signed codes: a QR code stores alphanumeric-mode characters in 5.5 bits each
/// and byte-mode characters in 8. Base45 spends 3 characters on 2 bytes, i.e. 8.25 bits of QR data
/// per payload byte; base64 in byte mode spends 4 characters on 3 bytes, 10.67 bits per byte. The
/// same signed payload therefore needs about 23 % fewer data bits, often one QR version less
/// (`Docs/qr-payload.md`, "Size"). The EU Digital COVID Certificate made the same choice.
///
/// Encoding: each pair of bytes `[a, b]` is `n = a × 256 + b`, written as three characters
/// `c d e` with `n = c + d × 45 + e × 45²`; a final single byte is two characters `c d`.
///
/// - SeeAlso: RFC 9285 §4; `Docs/qr-payload.md`.
public enum Base45 {
    /// `0-9`, `A-Z`, space, `$ % * + - . / :` in this order: the digit value of each character.
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")

    private static let alphabetBytes: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    /// The value of each ASCII byte in the alphabet, or 0xFF.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 128)
        for (value, byte) in alphabetBytes.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()

    /// The number of characters `byteCount` bytes encode to: 3 per pair, 2 for a final single byte.
    public static func encodedLength(byteCount: Int) -> Int {
        byteCount / 2 * 3 + byteCount % 2 * 2
    }

    /// `bytes` as base45 text, e.g. `encode(Array("AB".utf8)) == "BB8"`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(encodedLength(byteCount: bytes.count))
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            if let second = iterator.next() {
                let n = Int(first) << 8 | Int(second)
                output.append(alphabetBytes[n % 45])
                output.append(alphabetBytes[n / 45 % 45])
                output.append(alphabetBytes[n / 2025])
            } else {
                output.append(alphabetBytes[Int(first) % 45])
                output.append(alphabetBytes[Int(first) / 45])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes written in base45 `text`.
    ///
    /// Strict, as RFC 9285 §6 requires: only the 45 characters (no lower case, no white space
    /// other than the space character, which is a digit), no dangling single character, and no
    /// group whose value overflows (above 65535 for three characters, 255 for a final two).
    ///
    /// - Throws: ``PayloadSyntaxError`` with the character offset in `text`.
    public static func decode(_ text: some StringProtocol) throws(PayloadSyntaxError) -> [UInt8] {
        try decode(Array(text)[...], offsetBase: 0)
    }

    /// Decodes `characters`, reporting offsets as `offsetBase` + their position (for text after a prefix).
    static func decode(_ characters: ArraySlice<Character>, offsetBase: Int) throws(PayloadSyntaxError) -> [UInt8] {
        var digits: [UInt8] = []
        digits.reserveCapacity(characters.count)
        for (position, character) in characters.enumerated() {
            guard let ascii = character.asciiValue, let digit = digit(ascii) else {
                throw notBase45(character, at: offsetBase + position)
            }
            digits.append(digit)
        }
        return try decode(digits: digits, offsetBase: offsetBase)
    }

    /// Decodes text given as its ASCII bytes, one character each (``PrefixedBase45``'s fast path:
    /// no grapheme breaking for a text that is plain ASCII).
    static func decode(ascii bytes: ArraySlice<UInt8>, offsetBase: Int) throws(PayloadSyntaxError) -> [UInt8] {
        var digits: [UInt8] = []
        digits.reserveCapacity(bytes.count)
        for (position, byte) in bytes.enumerated() {
            guard let digit = digit(byte) else {
                throw notBase45(Character(Unicode.Scalar(byte)), at: offsetBase + position)
            }
            digits.append(digit)
        }
        return try decode(digits: digits, offsetBase: offsetBase)
    }

    /// The digit value of an ASCII byte, or `nil` if it is not in the alphabet.
    private static func digit(_ ascii: UInt8) -> UInt8? {
        guard ascii < 128, values[Int(ascii)] != 0xFF else { return nil }
        return values[Int(ascii)]
    }

    private static func notBase45(_ character: Character, at offset: Int) -> PayloadSyntaxError {
        PayloadSyntaxError(
            .invalidEncoding, at: offset,
            "offset \(offset): '\(character)' is not a base45 character (0-9, A-Z, space, $%*+-./:)")
    }

    /// The bytes of a text's digit values (0-44), in groups of three (two at the end).
    private static func decode(digits: [UInt8], offsetBase: Int) throws(PayloadSyntaxError) -> [UInt8] {
        guard digits.count % 3 != 1 else {
            let offset = offsetBase + digits.count - 1
            throw PayloadSyntaxError(
                .malformed, at: offset,
                "offset \(offset): base45 text of \(digits.count) characters leaves one character over "
                    + "(groups are 3 characters, or 2 at the end)")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 3 * 2 + 1)
        var index = 0
        while index < digits.count {
            let offset = offsetBase + index
            if digits.count - index >= 3 {
                let n = Int(digits[index]) + Int(digits[index + 1]) * 45 + Int(digits[index + 2]) * 2025
                guard n <= 0xFFFF else {
                    throw PayloadSyntaxError(
                        .invalidValue, at: offset, "offset \(offset): base45 group has value \(n), more than 65535")
                }
                bytes.append(UInt8(n >> 8))
                bytes.append(UInt8(n & 0xFF))
                index += 3
            } else {
                let n = Int(digits[index]) + Int(digits[index + 1]) * 45
                guard n <= 0xFF else {
                    throw PayloadSyntaxError(
                        .invalidValue, at: offset, "offset \(offset): final base45 group has value \(n), more than 255")
                }
                bytes.append(UInt8(n))
                index += 2
            }
        }
        return bytes
    }
}
