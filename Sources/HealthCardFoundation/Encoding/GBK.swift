import Foundation

/// Text ↔ GBK bytes, the character set of every `ans` field on a resident health card.
///
/// - SeeAlso: health-card.md §1 ("Chinese text in GB 2312 / GBK bytes", trace-verified) and §3 (`ans`).
///
/// Why GBK and not UTF-8: the card and every terminal that wrote it store names and addresses as
/// GBK; UTF-8 bytes would be read back as mojibake by other readers and usually do not fit the
/// fixed field lengths (a Chinese character is 2 bytes in GBK, 3 in UTF-8).
///
/// The conversion uses Foundation's GB18030 converter, because GB18030 is the standard superset
/// of GBK with the same 1- and 2-byte codes. The two directions differ on purpose:
/// - **Encoding is strict**: a character whose GB18030 form needs 4 bytes is not in GBK, and an
///   older terminal could not read it back, so it is rejected with ``HealthCardError/Code/unencodable``
///   rather than silently written (e.g. the rare 𠀀 U+20000 or an emoji).
/// - **Decoding is lenient**: 4-byte GB18030 sequences are accepted, so a card written by a
///   GB18030-aware terminal still reads. Byte 0x80 decodes as € (the CP936 convention).
///
/// Positions in messages: "position" counts characters from 1, "offset" counts bytes from 0.
public enum GBK {
    /// `kCFStringEncodingGB_18030_2000` as an `NSStringEncoding`; available on Linux and Darwin.
    static var gb18030: String.Encoding { String.Encoding(rawValue: 0x8000_0632) }

    /// The GBK bytes of `text`.
    /// - Throws: ``HealthCardError/Code/unencodable`` naming the first character outside GBK and its
    ///   position (1-based, in characters).
    public static func encode(_ text: String) throws -> [UInt8] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return Array(text.utf8) }
        // One scalar at a time (GB18030 is stateless, so the bytes are the same): converting a
        // long string at once traps in Foundation ("didn't convert all characters") when a 4-byte
        // sequence falls across its internal buffer, e.g. "4" followed by 250 × U+FFFD (found by
        // Fuzz/CardRecordsFuzz.swift).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                bytes.append(UInt8(scalar.value))
            } else if let data = String(scalar).data(using: gb18030), data.count <= 2 {
                bytes += data
            } else {
                throw firstUnencodable(in: text)
            }
        }
        return bytes
    }

    /// The text of GBK (or GB18030) `bytes`. The bytes are taken as they are: padding is the caller's
    /// business (see ``FieldEncoding/decodeText(_:)``).
    /// - Throws: ``HealthCardError/Code/invalidEncoding`` with the byte offset of the first invalid
    ///   or incomplete sequence.
    public static func decode(_ bytes: some Collection<UInt8>) throws -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        if let text = String(bytes: bytes, encoding: gb18030) { return text }
        throw firstInvalidSequence(in: Array(bytes))
    }

    /// Finds the character that made encoding fail. Slow, but only runs on the error path.
    private static func firstUnencodable(in text: String) -> HealthCardError {
        for (index, character) in text.enumerated() {
            for scalar in character.unicodeScalars where scalar.value >= 0x80 {
                if let encoded = String(scalar).data(using: gb18030), encoded.count <= 2 { continue }
                let code = String(scalar.value, radix: 16, uppercase: true)
                return .unencodable("character '\(character)' (U+\(code)) at position \(index + 1) is not in GBK")
            }
        }
        return .unencodable("'\(text)' cannot be encoded in GBK")
    }

    /// Splits `bytes` into GB18030 sequences and names the first that does not decode. Slow, but
    /// only runs on the error path.
    private static func firstInvalidSequence(in bytes: [UInt8]) -> HealthCardError {
        var offset = 0
        while offset < bytes.count {
            let lead = bytes[offset]
            let length: Int
            switch lead {
            case 0x00...0x80: length = 1
            case 0xFF:
                return .invalidEncoding("byte FF at offset \(offset) is not valid GBK")
            default:
                let isFourByte = offset + 1 < bytes.count && (0x30...0x39).contains(bytes[offset + 1])
                length = isFourByte ? 4 : 2
            }
            let sequence = bytes[offset..<min(offset + length, bytes.count)]
            guard sequence.count == length else {
                return .invalidEncoding("incomplete GBK sequence \(Hex.encode(sequence)) at offset \(offset)")
            }
            if String(bytes: sequence, encoding: gb18030) == nil {
                return .invalidEncoding("bytes \(Hex.encode(sequence)) at offset \(offset) are not valid GBK")
            }
            offset += length
        }
        return .invalidEncoding("bytes \(Hex.encode(bytes)) are not valid GBK")
    }
}
