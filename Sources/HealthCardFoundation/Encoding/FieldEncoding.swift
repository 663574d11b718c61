/// How a card field stores its value: the three codes of the data-element tables.
///
/// - SeeAlso: health-card.md §3 (encodings, trace-verified) and §4 / Appendix A–B (which field uses
///   which code and length).
///
/// Every field has a fixed length and is padded, never shortened, so each encoding also defines its
/// padding and its "never written" form, which is how a card says "no value":
///
/// | Code | Stores | Padding | Never written |
/// |---|---|---|---|
/// | `ans` | ASCII or GBK text, left-justified | `00` bytes | all `00` |
/// | `cn`  | decimal digits as BCD, 2 per byte, left-justified | `F` nibbles | all `FF` |
/// | `b`   | raw bytes | none | all `FF` |
///
/// Decoders take the field's bytes (a slice of the record or file, or an array) and return `nil`
/// for a never-written field. Encoders take `nil` for "no value" and return exactly the field's
/// length. Errors say what is wrong and where, as a byte offset within the field; the caller, who
/// knows the field's name, adds it with ``HealthCardError/located(_:)``.
public enum FieldEncoding: String, Sendable, Codable, CaseIterable {
    /// Alphanumeric and special characters: ASCII, and GBK for Chinese (``GBK``).
    case ans
    /// Compressed numeric: BCD digits, right-padded with `F` nibbles.
    case cn
    /// Binary.
    case b
}

// MARK: - Any field as a string

extension FieldEncoding {
    /// The field as text, whatever its encoding: the text of an `ans` field, the digits of a `cn`
    /// field, uppercase hex for a `b` field; `nil` if never written. For generic field dumps (CLI,
    /// JSON); typed values come from the specific decoders.
    public func decodeString(_ field: some Collection<UInt8>) throws -> String? {
        switch self {
        case .ans: try Self.decodeText(field)
        case .cn: try Self.decodeDigits(field)
        case .b: Self.decodeBinary(field).map { Hex.encode($0) }
        }
    }

    /// The inverse of ``decodeString(_:)``: text, digits or hex into a field of `length` bytes.
    public func encodeString(_ value: String?, length: Int) throws -> [UInt8] {
        switch self {
        case .ans: try Self.encodeText(value, length: length)
        case .cn: try Self.encodeDigits(value, length: length)
        case .b: try Self.encodeBinary(value.map { try Hex.decode($0) }, length: length)
        }
    }
}

// MARK: - ans: text

extension FieldEncoding {
    /// `text` as a `length`-byte `ans` field: its GBK bytes, right-padded with `00`. `nil` or `""`
    /// gives the never-written form (all `00`).
    /// - Throws: ``HealthCardError/Code/valueTooLong`` (`"'…' needs 32 bytes, field holds 30"`),
    ///   ``HealthCardError/Code/unencodable`` for a character outside GBK, and
    ///   ``HealthCardError/Code/invalidValue`` for U+0000, which would read back as the end of the text.
    public static func encodeText(_ text: String?, length: Int) throws -> [UInt8] {
        precondition(length >= 0, "field length must not be negative")
        guard let text, !text.isEmpty else { return [UInt8](repeating: 0x00, count: length) }
        if let index = text.firstIndex(of: "\0") {
            let position = text.distance(from: text.startIndex, to: index) + 1
            throw HealthCardError.invalidValue("text has U+0000 at position \(position); 00 is the field padding")
        }
        let bytes = try GBK.encode(text)
        guard bytes.count <= length else {
            throw HealthCardError.valueTooLong("'\(text)' needs \(bytes.count) bytes, field holds \(length)")
        }
        return bytes + [UInt8](repeating: 0x00, count: length - bytes.count)
    }

    /// The text of an `ans` field: the GBK bytes up to the first `00`. Returns `nil` for a
    /// never-written field (empty text, i.e. all `00`) and, leniently, for an all-`FF` field, which
    /// cannot be GBK text and is what erased EEPROM reads as.
    /// - Throws: ``HealthCardError/Code/invalidEncoding`` with the byte offset of invalid GBK.
    public static func decodeText(_ field: some Collection<UInt8>) throws -> String? {
        if !field.isEmpty, field.allSatisfy({ $0 == 0xFF }) { return nil }
        let text = field.prefix { $0 != 0x00 }
        return text.isEmpty ? nil : try GBK.decode(text)
    }
}

// MARK: - cn: digits, dates, money

extension FieldEncoding {
    /// `digits` as a `length`-byte `cn` field: two digits per byte, left-justified, right-padded with
    /// `F` nibbles (code `1` in one byte is `1F`; `210000` in three bytes is `21 00 00`). `nil` or `""`
    /// gives the never-written form (all `FF`).
    /// - Throws: ``HealthCardError/Code/invalidValue`` for a character that is not an ASCII digit,
    ///   ``HealthCardError/Code/valueTooLong`` for more than `2 × length` digits.
    public static func encodeDigits(_ digits: String?, length: Int) throws -> [UInt8] {
        precondition(length >= 0, "field length must not be negative")
        guard let digits else { return [UInt8](repeating: 0xFF, count: length) }
        var values: [UInt8] = []
        for (index, character) in digits.enumerated() {
            guard let ascii = character.asciiValue, (0x30...0x39).contains(ascii) else {
                throw HealthCardError.invalidValue("'\(digits)' has non-digit '\(character)' at position \(index + 1)")
            }
            values.append(ascii - 0x30)
        }
        guard values.count <= 2 * length else {
            throw HealthCardError.valueTooLong(
                "'\(digits)' needs \((values.count + 1) / 2) bytes, field holds \(length)")
        }
        return packBCD(values, length: length)
    }

    /// The digits of a `cn` field, up to the first `F` nibble; `nil` if there are none (all `FF`,
    /// never written).
    /// - Throws: ``HealthCardError/Code/invalidEncoding`` naming the byte offset and nibble for a
    ///   nibble `A`–`E`, or for a digit after the `F` padding has begun.
    public static func decodeDigits(_ field: some Collection<UInt8>) throws -> String? {
        var digits: [UInt8] = []
        var isPadding = false
        for (offset, byte) in field.enumerated() {
            for nibble in [byte >> 4, byte & 0x0F] {
                switch nibble {
                case 0x0...0x9 where !isPadding:
                    digits.append(0x30 + nibble)
                case 0x0...0x9:
                    throw HealthCardError.invalidEncoding(
                        "digit \(nibble) after F padding in byte \(Hex.encode([byte])) at offset \(offset)")
                case 0xF:
                    isPadding = true
                default:
                    throw HealthCardError.invalidEncoding(
                        "nibble \(Hex.encode([nibble]).dropFirst()) in byte \(Hex.encode([byte])) "
                            + "at offset \(offset) is not a BCD digit")
                }
            }
        }
        return digits.isEmpty ? nil : String(decoding: digits, as: UTF8.self)
    }

    /// A date as a 4-byte `cn` field, `YYYYMMDD` (e.g. `20 13 04 01`); `nil` gives all `FF`.
    public static func encodeDate(_ date: CalendarDate?) -> [UInt8] {
        packBCD(digitValues(date?.compact), length: 4)
    }

    /// The date in a 4-byte `cn` field; `nil` if never written.
    /// - Throws: ``HealthCardError/Code/malformed`` if the field is not 4 bytes,
    ///   ``HealthCardError/Code/invalidEncoding`` for non-BCD bytes, and
    ///   ``HealthCardError/Code/invalidValue`` with the raw digits for a date that is not 8 digits or
    ///   does not exist (`20230230`).
    public static func decodeDate(_ field: some Collection<UInt8>) throws -> CalendarDate? {
        try requireLength(field, 4, of: "a cn date")
        guard let digits = try decodeDigits(field) else { return nil }
        guard digits.count == 8 else {
            throw HealthCardError.invalidValue("date needs 8 digits YYYYMMDD, found '\(digits)'")
        }
        guard let date = CalendarDate(yyyymmdd: digits) else {
            throw HealthCardError.invalidValue("'\(digits)' is not a real date")
        }
        return date
    }

    /// A date-time as a 7-byte `cn` field, `YYYYMMDDhhmmss`; `nil` gives all `FF`.
    public static func encodeDateTime(_ dateTime: CalendarDateTime?) -> [UInt8] {
        packBCD(digitValues(dateTime?.compact), length: 7)
    }

    /// The date-time in a 7-byte `cn` field; `nil` if never written. Throws as ``decodeDate(_:)``.
    public static func decodeDateTime(_ field: some Collection<UInt8>) throws -> CalendarDateTime? {
        try requireLength(field, 7, of: "a cn date-time")
        guard let digits = try decodeDigits(field) else { return nil }
        guard digits.count == 14 else {
            throw HealthCardError.invalidValue("date-time needs 14 digits YYYYMMDDhhmmss, found '\(digits)'")
        }
        guard let dateTime = CalendarDateTime(compact: digits) else {
            throw HealthCardError.invalidValue("'\(digits)' is not a real date-time")
        }
        return dateTime
    }

    /// An amount as a `length`-byte `cn` field (5 for inpatient costs, 4 for outpatient fees), in
    /// yuan with `impliedDecimals` implied decimal places, digits left-justified and `F`-padded like
    /// every `cn` value (123.45 in 5 bytes with 2 decimals = `12 34 5F FF FF`); `nil` gives all `FF`.
    ///
    /// The decimal placement is **uncertain** (health-card.md §3, "Money", [U]): the vendor tables say
    /// "N..10,2", so 2 implied decimals is the likely reading, but no trace shows an amount. Hence the
    /// parameter; verify against a real card before relying on the default.
    /// - Throws: ``HealthCardError/Code/invalidValue`` for a negative amount or one with more
    ///   precision than `impliedDecimals` allows, ``HealthCardError/Code/valueTooLong`` if the digits
    ///   do not fit.
    public static func encodeMoney(_ money: Money?, length: Int, impliedDecimals: Int = 2) throws -> [UInt8] {
        precondition((0...6).contains(impliedDecimals), "impliedDecimals must be 0...6")
        guard let money else { return try encodeDigits(nil, length: length) }
        guard money.fen >= 0 else {
            throw HealthCardError.invalidValue("amount \(money) is negative; the card stores no sign")
        }
        let units: Int64
        if impliedDecimals >= 2 {
            let (scaled, overflow) = money.fen.multipliedReportingOverflow(by: power10(impliedDecimals - 2))
            guard !overflow else { throw HealthCardError.valueTooLong("amount \(money) does not fit a cn field") }
            units = scaled
        } else {
            let divisor = power10(2 - impliedDecimals)
            guard money.fen % divisor == 0 else {
                throw HealthCardError.invalidValue("amount \(money) needs 2 decimals, field has \(impliedDecimals)")
            }
            units = money.fen / divisor
        }
        let digits = String(units)
        guard digits.count <= 2 * length else {
            throw HealthCardError.valueTooLong(
                "amount \(money) needs \(digits.count) digits, field holds \(2 * length)")
        }
        return try encodeDigits(digits, length: length)
    }

    /// The amount in a `cn` money field; `nil` if never written. Leading zeros and `F` padding both
    /// read correctly (`00 00 01 23 45` and `12 34 5F FF FF` are both 123.45 with 2 decimals).
    /// See ``encodeMoney(_:length:impliedDecimals:)`` for why `impliedDecimals` is a parameter.
    /// - Throws: ``HealthCardError/Code/invalidEncoding`` for non-BCD bytes,
    ///   ``HealthCardError/Code/invalidValue`` for an amount finer than a fen or too large.
    public static func decodeMoney(_ field: some Collection<UInt8>, impliedDecimals: Int = 2) throws -> Money? {
        precondition((0...6).contains(impliedDecimals), "impliedDecimals must be 0...6")
        guard let digits = try decodeDigits(field) else { return nil }
        guard digits.count <= 18, var units = Int64(digits) else {
            throw HealthCardError.invalidValue("amount '\(digits)' is too large")
        }
        if impliedDecimals >= 2 {
            let divisor = power10(impliedDecimals - 2)
            guard units % divisor == 0 else {
                throw HealthCardError.invalidValue(
                    "amount '\(digits)' with \(impliedDecimals) decimals is finer than a fen")
            }
            units /= divisor
        } else {
            let (scaled, overflow) = units.multipliedReportingOverflow(by: power10(2 - impliedDecimals))
            guard !overflow else { throw HealthCardError.invalidValue("amount '\(digits)' is too large") }
            units = scaled
        }
        return Money(fen: units)
    }
}

// MARK: - b: bytes, single bytes, flags

extension FieldEncoding {
    /// `bytes` as a `length`-byte `b` field; `nil` gives the never-written form (all `FF`).
    ///
    /// Binary fields (certificates, signatures) have no padding rule, so a value of the wrong
    /// length is an error, not something to pad silently.
    /// - Throws: ``HealthCardError/Code/valueTooLong`` if longer, ``HealthCardError/Code/invalidValue``
    ///   if shorter than the field.
    public static func encodeBinary(_ bytes: [UInt8]?, length: Int) throws -> [UInt8] {
        precondition(length >= 0, "field length must not be negative")
        guard let bytes else { return [UInt8](repeating: 0xFF, count: length) }
        guard bytes.count <= length else {
            throw HealthCardError.valueTooLong("\(bytes.count) bytes given, field holds \(length)")
        }
        guard bytes.count == length else {
            throw HealthCardError.invalidValue(
                "\(bytes.count) bytes given, field holds exactly \(length) (b fields are not padded)")
        }
        return bytes
    }

    /// The bytes of a `b` field; `nil` if empty or all `FF` (never written).
    public static func decodeBinary(_ field: some Collection<UInt8>) -> [UInt8]? {
        field.allSatisfy({ $0 == 0xFF }) ? nil : Array(field)
    }

    /// A 1-byte `b` field (sex, ABO blood group); `nil` gives `FF`.
    public static func encodeByte(_ value: UInt8?) -> [UInt8] {
        [value ?? 0xFF]
    }

    /// The value of a 1-byte `b` field; `nil` for `FF` (never written).
    /// - Throws: ``HealthCardError/Code/malformed`` if the field is not exactly 1 byte.
    public static func decodeByte(_ field: some Collection<UInt8>) throws -> UInt8? {
        try requireLength(field, 1, of: "a 1-byte b field")
        let byte = field[field.startIndex]
        return byte == 0xFF ? nil : byte
    }

    /// A T/F flag as a 1-byte `b` field: `01` true, `00` false, `nil` gives `FF`.
    ///
    /// The byte values are **uncertain** (health-card.md §3 and §11 item 9, [U]: a vendor document
    /// says "1 = true, 0 = false"; no trace shows a written flag). Writing uses the binary reading,
    /// the likelier one; ``decodeFlag(_:)`` also accepts the ASCII readings.
    public static func encodeFlag(_ value: Bool?) -> [UInt8] {
        encodeByte(value.map { $0 ? 0x01 : 0x00 })
    }

    /// The flag in a 1-byte `b` field: `01` or ASCII `T`/`1` is true, `00` or ASCII `F`/`0` is false,
    /// `FF` is never written (`nil`). Lenient because cards written by other vendors' terminals may
    /// use either reading (§11 item 9).
    /// - Throws: ``HealthCardError/Code/malformed`` if the field is not 1 byte,
    ///   ``HealthCardError/Code/invalidValue`` for any other byte.
    public static func decodeFlag(_ field: some Collection<UInt8>) throws -> Bool? {
        switch try decodeByte(field) {
        case nil: return nil
        case 0x01, UInt8(ascii: "T"), UInt8(ascii: "1"): return true
        case 0x00, UInt8(ascii: "F"), UInt8(ascii: "0"): return false
        case let byte?:
            throw HealthCardError.invalidValue(
                "flag byte \(Hex.encode([byte])) at offset 0 is not 01/00/FF (nor ASCII T/F/1/0)")
        }
    }
}

// MARK: - Helpers

extension FieldEncoding {
    /// Packs digit values (0–9) two per byte, high nibble first, and pads with `F` nibbles to
    /// `length` bytes. The caller has checked that they fit.
    static func packBCD(_ digits: [UInt8], length: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0xFF, count: length)
        for (index, digit) in digits.enumerated() {
            if index.isMultiple(of: 2) {
                bytes[index / 2] = digit << 4 | 0x0F
            } else {
                bytes[index / 2] = bytes[index / 2] & 0xF0 | digit
            }
        }
        return bytes
    }

    /// The digit values of an all-digit string such as `CalendarDate.compact`.
    private static func digitValues(_ digits: String?) -> [UInt8] {
        digits.map { $0.utf8.map { $0 - 0x30 } } ?? []
    }

    private static func requireLength(_ field: some Collection<UInt8>, _ length: Int, of what: String) throws {
        guard field.count == length else {
            throw HealthCardError.malformed("\(what) field is \(length) bytes, got \(field.count)")
        }
    }

    private static func power10(_ exponent: Int) -> Int64 {
        (0..<exponent).reduce(1) { result, _ in result * 10 }
    }
}
