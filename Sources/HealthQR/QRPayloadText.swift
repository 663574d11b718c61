import Foundation
import HealthCardFoundation

/// The text of a scanned QR payload, whatever character set its bytes are in.
///
/// Byte-mode QR data carries no character set unless an ECI says so (ISO/IEC 18004 §6.4.2), and
/// zbar in binary mode (`QRDecoder`, which must hand signed codes on byte for byte) passes the
/// bytes on without the ECI. So the set is guessed, as zbar, zxing and phones do, in this order:
///
/// 1. **UTF-8**, if the bytes are valid UTF-8 (ASCII is UTF-8): what every code of this package
///    writes, and most codes in the wild.
/// 1a. **Shift_JIS half-width katakana**, if every byte above 0x7F is one (0xA1...0xDF), there is
///    a run of three or more, and the voiced and semi-voiced sound marks (ﾞ 0xDE, ﾟ 0xDF), at least
///    one, each follow a kana that takes them (ｳ, ｶ-ﾄ, ﾊ-ﾎ): such bytes pair up as valid GB 2312 as
///    well (`ﾃﾞｻﾞｲﾝ` is C3 DE BB DE B2 DD), but Chinese text whose every byte is at most 0xDF
///    and whose 0xDE and 0xDF bytes all fall after those particular bytes is rare, where katakana
///    words with sound marks are common (8 of zxing-cpp's real-world samples, `Docs/benchmarks.md`).
/// 2. **GB 2312 text in GBK/GB18030**, if every byte pair above 0x7F is a GB 2312 character
///    (lead and trail 0xA1...0xFE): Chinese codes from older generators.
/// 3. **Shift_JIS**, if the bytes are valid Shift_JIS: Japanese codes (the QR Code's home; its
///    Kanji mode is Shift_JIS).
/// 4. **GB18030**, if valid: the rest of Chinese.
///
/// Anything else is binary: ``decode(_:)`` returns `nil`, and callers show hex. Step 2 before 3
/// because this package serves Chinese health codes; the order is measured on the real-world
/// sample set in `Docs/benchmarks.md`.
public enum QRPayloadText {
    /// The character set a payload's text was read in.
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8"
        case gb2312 = "GB2312"
        case shiftJIS = "Shift_JIS"
        case gb18030 = "GB18030"
    }

    /// `kCFStringEncodingGB_18030_2000` as an `NSStringEncoding`; available on Linux and Darwin.
    private static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// The text of `bytes` and the character set it was read in, or `nil` if none fits.
    public static func decode(_ bytes: [UInt8]) -> (text: String, encoding: Encoding)? {
        if let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8) }
        if isHalfWidthKatakanaWithSoundMarks(bytes), let text = String(bytes: bytes, encoding: .shiftJIS),
            !text.contains("\u{FFFD}")
        {
            return (text, .shiftJIS)
        }
        if isGB2312(bytes), let text = String(bytes: bytes, encoding: gb18030) { return (text, .gb2312) }
        if let text = String(bytes: bytes, encoding: .shiftJIS), !text.contains("\u{FFFD}") { return (text, .shiftJIS) }
        if let text = String(bytes: bytes, encoding: gb18030), !text.contains("\u{FFFD}") { return (text, .gb18030) }
        return nil
    }

    /// Whether every byte above 0x7F is a Shift_JIS half-width katakana (JIS X 0201, 0xA1...0xDF),
    /// with a run of at least three, and at least one sound mark, each after a kana that takes
    /// it: ﾞ after ｳ (0xB3), ｶ-ﾄ (0xB6...0xC4) or ﾊ-ﾎ (0xCA...0xCE); ﾟ after ﾊ-ﾎ.
    static func isHalfWidthKatakanaWithSoundMarks(_ bytes: [UInt8]) -> Bool {
        var marks = 0
        var run = 0
        var longestRun = 0
        var previous: UInt8 = 0
        for byte in bytes {
            defer { previous = byte }
            guard byte >= 0x80 else {
                run = 0
                continue
            }
            guard (0xA1...0xDF).contains(byte) else { return false }
            if byte == 0xDE || byte == 0xDF {
                let semiVoiced = (0xCA...0xCE).contains(previous)
                let voiced = semiVoiced || previous == 0xB3 || (0xB6...0xC4).contains(previous)
                guard byte == 0xDE ? voiced : semiVoiced else { return false }
                marks += 1
            }
            run += 1
            longestRun = max(longestRun, run)
        }
        return marks > 0 && longestRun >= 3
    }

    /// Whether every byte above 0x7F belongs to a two-byte GB 2312 character (0xA1...0xF7 lead,
    /// 0xA1...0xFE trail), and there is at least one.
    static func isGB2312(_ bytes: [UInt8]) -> Bool {
        var index = 0
        var pairs = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            guard (0xA1...0xF7).contains(byte), index + 1 < bytes.count, (0xA1...0xFE).contains(bytes[index + 1])
            else { return false }
            pairs += 1
            index += 2
        }
        return pairs > 0
    }
}
