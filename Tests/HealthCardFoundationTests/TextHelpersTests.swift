import Testing
@testable import HealthCardFoundation

@Suite("Text helpers")
struct TextHelpersTests {
    @Test("trimming removes ASCII and Unicode white space at both ends, and only there", arguments: [
        ("张伟", "张伟"),
        ("  张伟\t", "张伟"),
        ("\u{3000}北京市 朝阳区\u{3000}", "北京市 朝阳区"),  // ideographic space (full-width)
        ("\u{00A0}1949-12-31\r\n", "1949-12-31"),
        ("a b", "a b"),
        ("   ", ""),
        ("", ""),
        // A combining mark after a space is kept, and the space is dropped, scalar by scalar.
        (" \u{0301}e ", "\u{0301}e"),
    ])
    func trimming(input: String, expected: String) {
        let trimmed = input.trimmingWhitespace()
        #expect(trimmed == expected)
        #expect(Array(trimmed.unicodeScalars) == Array(expected.unicodeScalars))
        #expect(input[...].trimmingWhitespace() == expected)  // a Substring too
    }

    @Test("ASCII digits are 0-9 and nothing else", arguments: [
        ("0", true), ("9", true), ("X", false), ("-", false), ("\r\n", false),
        ("１", false),  // full-width digit one
        ("٣", false),  // Arabic-Indic digit three
        ("五", false),
    ])
    func asciiDigits(character: Character, expected: Bool) {
        #expect(character.isASCIIDigit == expected)
    }

    @Test("lenient dates: a separator inside a grapheme is not a separator")
    func separatorInGrapheme() {
        #expect(CalendarDate(lenient: "1949-\u{0301}12-31") == nil)
        #expect(CalendarDate(lenient: " 1949/12/31 ") == CalendarDate(year: 1949, month: 12, day: 31))
    }
}
