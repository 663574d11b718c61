import Foundation
import Testing
@testable import HealthCardFoundation


/// Card field encodings, health-card.md §3. Byte values are written out in full so that a change
/// in padding, nibble order or character set fails a test.
@Suite("Card field encodings (health-card.md §3)")
struct EncodingTests {
    /// Hex test vectors; `Hex` itself is tested with literal arrays in `ByteReaderTests`.
    static func bytes(_ hex: String) -> [UInt8] {
        do { return try Hex.decode(hex) } catch { fatalError("bad test vector \(hex): \(error)") }
    }

    /// Runs `body`, expects a `HealthCardError` with `code`, and returns its reason for further checks.
    @discardableResult
    static func expectError(
        _ code: HealthCardError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) -> String {
        do {
            try body()
            Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as HealthCardError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            return error.reason
        } catch {
            Issue.record("expected HealthCardError \(code), got \(error)", sourceLocation: sourceLocation)
        }
        return ""
    }
}

// MARK: - GBK

extension EncodingTests {
    @Suite("GBK")
    struct GBKTests {
        @Test(
            "round trips names and places",
            arguments: [
                ("张三丰", "D5C5C8FDB7E1"),
                ("阿依古丽·买买提", "B0A2D2C0B9C5C0F6A1A4C2F2C2F2CCE1"),
                ("LiaoNing", "4C69616F4E696E67"),
                ("辽宁省沈阳市和平区", "C1C9C4FECAA1C9F2D1F4CAD0BACDC6BDC7F8"),
                ("A1-€", "41312DA2E3"),
            ])
        func roundTrip(text: String, hex: String) throws {
            #expect(try GBK.encode(text) == bytes(hex))
            #expect(try GBK.decode(bytes(hex)) == text)
        }

        @Test(
            "rejects characters outside GBK with their position",
            arguments: [
                ("ab𠀀c", "𠀀", 3), ("😀", "😀", 1), ("张\u{80}", "\u{80}", 2),
            ])
        func unencodable(text: String, character: String, position: Int) {
            let reason = expectError(.unencodable) { _ = try GBK.encode(text) }
            #expect(reason.contains("'\(character)'"))
            #expect(reason.contains("position \(position) "))
            #expect(reason.hasSuffix("is not in GBK"))
        }

        @Test(
            "decoding invalid bytes names the offset",
            arguments: [
                ("41FF", "offset 1"), ("4142D5", "offset 2"), ("D57F41", "offset 0"), ("D5C5D5", "offset 2"),
            ])
        func invalid(hex: String, offset: String) {
            let reason = expectError(.invalidEncoding) { _ = try GBK.decode(bytes(hex)) }
            #expect(reason.contains(offset), "\(reason)")
        }

        @Test("long texts: a character outside GBK is rejected wherever it falls, not a trap")
        func longTexts() throws {
            // Found by Fuzz/CardRecordsFuzz.swift: converting this text in one call trapped in
            // Foundation ("didn't convert all characters"), a 4-byte GB18030 sequence falling
            // across the converter's buffer.
            for prefix in ["4", "44", "444"] {
                let text = prefix + String(repeating: "\u{FFFD}", count: 250)
                let reason = expectError(.unencodable) { _ = try GBK.encode(text) }
                #expect(reason.contains("position \(prefix.count + 1) "))
                expectError(.unencodable) { _ = try FieldEncoding.encodeText(text, length: 30) }
            }
            let long = "4" + String(repeating: "张", count: 600)
            #expect(try GBK.encode(long) == [0x34] + [UInt8](repeating: 0, count: 600).flatMap { _ in [0xD5, 0xC5] })
        }

        @Test("decoding accepts 4-byte GB18030 sequences")
        func lenientDecoding() throws {
            #expect(try GBK.decode(bytes("95328236")) == "𠀀")
            #expect(try GBK.decode(bytes("41 80")) == "A€")
        }
    }
}

// MARK: - ans

extension EncodingTests {
    @Suite("ans: text")
    struct TextTests {
        @Test("\"LiaoNing\" in a 30-byte field is 8 ASCII bytes and 22 × 00")
        func issuerName() throws {
            let field = try FieldEncoding.encodeText("LiaoNing", length: 30)
            #expect(field == bytes("4C69616F4E696E67") + [UInt8](repeating: 0, count: 22))
            #expect(try FieldEncoding.decodeText(field) == "LiaoNing")
        }

        @Test(
            "Chinese names are GBK, 00-padded",
            arguments: [
                ("张三丰", "D5C5C8FDB7E1"), ("阿依古丽·买买提", "B0A2D2C0B9C5C0F6A1A4C2F2C2F2CCE1"),
            ])
        func chineseNames(name: String, hex: String) throws {
            let field = try FieldEncoding.encodeText(name, length: 30)
            #expect(field.count == 30)
            #expect(field == bytes(hex) + [UInt8](repeating: 0, count: 30 - bytes(hex).count))
            #expect(try FieldEncoding.decodeText(field) == name)
        }

        @Test("a value that exactly fills the field has no padding")
        func exactFit() throws {
            let name = String(repeating: "张", count: 15)
            let field = try FieldEncoding.encodeText(name, length: 30)
            #expect(field == [UInt8](repeating: 0, count: 15).flatMap { _ in [0xD5, 0xC5] })
            #expect(try FieldEncoding.decodeText(field) == name)
        }

        @Test("too long for the field")
        func tooLong() {
            let reason = expectError(.valueTooLong) {
                _ = try FieldEncoding.encodeText(String(repeating: "张", count: 16), length: 30)
            }
            #expect(reason.hasSuffix("needs 32 bytes, field holds 30"))
            expectError(.valueTooLong) { _ = try FieldEncoding.encodeText("12345", length: 4) }
        }

        @Test("unencodable characters and U+0000 are rejected")
        func rejected() {
            let reason = expectError(.unencodable) { _ = try FieldEncoding.encodeText("王𠀀明", length: 30) }
            #expect(reason.contains("position 2"))
            expectError(.invalidValue) { _ = try FieldEncoding.encodeText("A\u{0}B", length: 30) }
        }

        @Test("never-written fields decode to nil", arguments: ["00000000", "FFFFFFFF", "00", "0041"])
        func neverWritten(hex: String) throws {
            #expect(try FieldEncoding.decodeText(bytes(hex)) == nil)
        }

        @Test("no value encodes as all 00")
        func noValue() throws {
            #expect(try FieldEncoding.encodeText(nil, length: 4) == [0, 0, 0, 0])
            #expect(try FieldEncoding.encodeText("", length: 2) == [0, 0])
        }

        @Test("decoding stops at the first 00")
        func stopsAtFirstZero() throws {
            #expect(try FieldEncoding.decodeText(bytes("41 00 42 00")) == "A")
            #expect(try FieldEncoding.decodeText(bytes("30 30 30")) == "000")
        }

        @Test("invalid GBK in a field names the byte offset")
        func invalidGBK() {
            let reason = expectError(.invalidEncoding) { _ = try FieldEncoding.decodeText(bytes("D5C5 FF41 0000")) }
            #expect(reason.contains("offset 2"), "\(reason)")
        }

        @Test("decodes slices of a larger record with offsets from the slice start")
        func slices() throws {
            let record = bytes("0B 06 D5C5 C8FD 0000")
            #expect(try FieldEncoding.decodeText(record[2...]) == "张三")
            let bad = bytes("0B 04 41 42 FE 00")
            let reason = expectError(.invalidEncoding) { _ = try FieldEncoding.decodeText(bad[2...]) }
            #expect(reason.contains("offset 2"), "\(reason)")
        }
    }
}

// MARK: - cn

extension EncodingTests {
    @Suite("cn: compressed numeric")
    struct DigitTests {
        @Test(
            "left-justified BCD, F-padded",
            arguments: [
                ("1", 1, "1F"), ("01", 1, "01"), ("210000", 3, "210000"), ("123", 3, "123FFF"),
                ("20130401", 4, "20130401"), ("0", 2, "0FFF"), ("1234567890123456789012", 11, "1234567890123456789012"),
            ])
        func roundTrip(digits: String, length: Int, hex: String) throws {
            #expect(try FieldEncoding.encodeDigits(digits, length: length) == bytes(hex))
            #expect(try FieldEncoding.decodeDigits(bytes(hex)) == digits)
        }

        @Test("never written: all FF is nil, and nil encodes as all FF")
        func neverWritten() throws {
            #expect(try FieldEncoding.decodeDigits(bytes("FF")) == nil)
            #expect(try FieldEncoding.decodeDigits(bytes("FFFFFF")) == nil)
            #expect(try FieldEncoding.encodeDigits(nil, length: 3) == bytes("FFFFFF"))
            #expect(try FieldEncoding.encodeDigits("", length: 2) == bytes("FFFF"))
        }

        @Test(
            "a nibble A–E names the byte offset and the nibble",
            arguments: [
                ("1C", "nibble C in byte 1C at offset 0"), ("12A3", "nibble A in byte A3 at offset 1"),
                ("1234E0", "nibble E in byte E0 at offset 2"), ("0B", "nibble B in byte 0B at offset 0"),
            ])
        func nonBCD(hex: String, message: String) {
            let reason = expectError(.invalidEncoding) { _ = try FieldEncoding.decodeDigits(bytes(hex)) }
            #expect(reason.hasPrefix(message), "\(reason)")
        }

        @Test("a digit after the F padding is invalid", arguments: [("F1", 0), ("1F23", 1), ("12FF0F", 2)])
        func digitAfterPadding(hex: String, offset: Int) {
            let reason = expectError(.invalidEncoding) { _ = try FieldEncoding.decodeDigits(bytes(hex)) }
            #expect(reason.contains("after F padding"))
            #expect(reason.contains("at offset \(offset)"), "\(reason)")
        }

        @Test("too many digits, or not digits")
        func badInput() {
            let reason = expectError(.valueTooLong) { _ = try FieldEncoding.encodeDigits("1234567", length: 3) }
            #expect(reason == "'1234567' needs 4 bytes, field holds 3")
            let nonDigit = expectError(.invalidValue) { _ = try FieldEncoding.encodeDigits("12a", length: 3) }
            #expect(nonDigit.contains("'a' at position 3"))
            expectError(.invalidValue) { _ = try FieldEncoding.encodeDigits("１２", length: 3) }  // full-width
            expectError(.invalidValue) { _ = try FieldEncoding.encodeDigits("-1", length: 3) }
        }
    }

    @Suite("cn: dates and date-times")
    struct DateTests {
        @Test("2013-04-01 is 20 13 04 01")
        func issueDate() throws {
            let date = try #require(CalendarDate(year: 2013, month: 4, day: 1))
            #expect(FieldEncoding.encodeDate(date) == [0x20, 0x13, 0x04, 0x01])
            #expect(try FieldEncoding.decodeDate(bytes("20130401")) == date)
        }

        @Test("never written is nil both ways")
        func neverWritten() throws {
            #expect(FieldEncoding.encodeDate(nil) == bytes("FFFFFFFF"))
            #expect(try FieldEncoding.decodeDate(bytes("FFFFFFFF")) == nil)
            #expect(FieldEncoding.encodeDateTime(nil) == bytes("FFFFFFFFFFFFFF"))
            #expect(try FieldEncoding.decodeDateTime(bytes("FFFFFFFFFFFFFF")) == nil)
        }

        @Test(
            "impossible dates are invalid values quoting the raw digits",
            arguments: [
                "20230230", "20231301", "00000000", "19000229",
            ])
        func impossible(hex: String) {
            let reason = expectError(.invalidValue) { _ = try FieldEncoding.decodeDate(bytes(hex)) }
            #expect(reason.contains("'\(hex)'"), "\(reason)")
        }

        @Test("short dates, wrong field lengths and bad nibbles")
        func malformed() {
            let reason = expectError(.invalidValue) { _ = try FieldEncoding.decodeDate(bytes("2023FFFF")) }
            #expect(reason.contains("'2023'"))
            expectError(.malformed) { _ = try FieldEncoding.decodeDate(bytes("201304")) }
            expectError(.malformed) { _ = try FieldEncoding.decodeDate(bytes("2013040100")) }
            expectError(.invalidEncoding) { _ = try FieldEncoding.decodeDate(bytes("20130A01")) }
        }

        @Test("date-times are 7 bytes YYYYMMDDhhmmss")
        func dateTimes() throws {
            let date = try #require(CalendarDate(year: 2023, month: 11, day: 5))
            let visit = try #require(CalendarDateTime(date: date, hour: 14, minute: 30, second: 9))
            #expect(FieldEncoding.encodeDateTime(visit) == [0x20, 0x23, 0x11, 0x05, 0x14, 0x30, 0x09])
            #expect(try FieldEncoding.decodeDateTime(bytes("20231105143009")) == visit)
            let reason = expectError(.invalidValue) { _ = try FieldEncoding.decodeDateTime(bytes("20231105246000")) }
            #expect(reason.contains("'20231105246000'"))
            expectError(.invalidValue) { _ = try FieldEncoding.decodeDateTime(bytes("20230230120000")) }
            expectError(.invalidValue) { _ = try FieldEncoding.decodeDateTime(bytes("202311051430FF")) }
            expectError(.malformed) { _ = try FieldEncoding.decodeDateTime(bytes("20231105")) }
        }
    }
}
