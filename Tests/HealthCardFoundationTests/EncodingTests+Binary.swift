import Foundation
import Testing
@testable import HealthCardFoundation


// MARK: - Money

extension EncodingTests {
    @Suite("cn: money")
    struct MoneyTests {
        @Test(
            "amounts are F-padded BCD with 2 implied decimals by default",
            arguments: [
                ("123.45", 5, "12345FFFFF"), ("0.05", 5, "5FFFFFFFFF"), ("0.00", 4, "0FFFFFFF"),
                ("99999999.99", 5, "9999999999"), ("1234.50", 4, "123450FF"),
            ])
        func roundTrip(amount: String, length: Int, hex: String) throws {
            let money = try #require(Money(amount))
            #expect(try FieldEncoding.encodeMoney(money, length: length) == bytes(hex))
            #expect(try FieldEncoding.decodeMoney(bytes(hex)) == money)
        }

        @Test("zero-filled amounts read the same as F-padded ones")
        func zeroFilled() throws {
            #expect(try FieldEncoding.decodeMoney(bytes("0000012345")) == Money(fen: 12_345))
            #expect(try FieldEncoding.decodeMoney(bytes("00001234")) == Money(fen: 1_234))
        }

        @Test("the number of implied decimals is a parameter")
        func impliedDecimals() throws {
            #expect(try FieldEncoding.decodeMoney(bytes("123FFFFFFF"), impliedDecimals: 0) == Money(fen: 12_300))
            let whole = try FieldEncoding.encodeMoney(Money(fen: 12_300), length: 5, impliedDecimals: 0)
            #expect(whole == bytes("123FFFFFFF"))
            #expect(try FieldEncoding.decodeMoney(bytes("12340FFFFF"), impliedDecimals: 3) == Money(fen: 1_234))
            let mills = try FieldEncoding.encodeMoney(Money(fen: 1_234), length: 5, impliedDecimals: 3)
            #expect(mills == bytes("12340FFFFF"))
            expectError(.invalidValue) {
                _ = try FieldEncoding.encodeMoney(Money(fen: 150), length: 5, impliedDecimals: 0)
            }
            expectError(.invalidValue) { _ = try FieldEncoding.decodeMoney(bytes("12345FFFFF"), impliedDecimals: 3) }
        }

        @Test("never written, negative and too large")
        func edges() throws {
            #expect(try FieldEncoding.decodeMoney(bytes("FFFFFFFFFF")) == nil)
            #expect(try FieldEncoding.encodeMoney(nil, length: 4) == bytes("FFFFFFFF"))
            expectError(.invalidValue) { _ = try FieldEncoding.encodeMoney(Money(fen: -1), length: 5) }
            let reason = expectError(.valueTooLong) {
                _ = try FieldEncoding.encodeMoney(Money("100000000.00"), length: 5)
            }
            #expect(reason == "amount 100000000.00 needs 11 digits, field holds 10")
            expectError(.invalidEncoding) { _ = try FieldEncoding.decodeMoney(bytes("12345FFFFA")) }
        }

        @Test(
            "text form",
            arguments: [
                ("123.45", 12_345, "123.45"), ("123.4", 12_340, "123.40"), ("123", 12_300, "123.00"),
                ("0.05", 5, "0.05"), ("-1", -100, "-1.00"), ("-0.05", -5, "-0.05"), ("007.10", 710, "7.10"),
            ])
        func text(input: String, fen: Int64, description: String) throws {
            let money = try #require(Money(input))
            #expect(money.fen == fen)
            #expect(money.description == description)
        }

        @Test(
            "rejects malformed text",
            arguments: [
                "", "-", ".5", "1.234", "1,000", "1e3", "12.", "+1", "１", "99999999999999999999",
            ])
        func rejects(input: String) {
            #expect(Money(input) == nil)
        }

        @Test("Codable as a string, accepting numbers")
        func codable() throws {
            let encoded = try JSONEncoder().encode([Money(fen: 12_345), Money(fen: 5)])
            #expect(String(decoding: encoded, as: UTF8.self) == #"["123.45","0.05"]"#)
            let json = Data(#"["123.45", 123.45, 123, 0.1]"#.utf8)
            let decoded = try JSONDecoder().decode([Money].self, from: json)
            #expect(decoded == [Money(fen: 12_345), Money(fen: 12_345), Money(fen: 12_300), Money(fen: 10)])
            #expect(throws: DecodingError.self) { try JSONDecoder().decode([Money].self, from: Data("[1.234]".utf8)) }
            #expect(throws: DecodingError.self) {
                try JSONDecoder().decode([Money].self, from: Data(#"["1.234"]"#.utf8))
            }
        }
    }
}

// MARK: - b

extension EncodingTests {
    @Suite("b: binary, bytes and flags")
    struct BinaryTests {
        @Test("blobs need the exact length")
        func blobs() throws {
            #expect(try FieldEncoding.encodeBinary([1, 2, 3], length: 3) == [1, 2, 3])
            #expect(try FieldEncoding.encodeBinary(nil, length: 3) == [0xFF, 0xFF, 0xFF])
            expectError(.invalidValue) { _ = try FieldEncoding.encodeBinary([1, 2], length: 3) }
            expectError(.valueTooLong) { _ = try FieldEncoding.encodeBinary([1, 2, 3, 4], length: 3) }
            #expect(FieldEncoding.decodeBinary(bytes("01FF00")) == [0x01, 0xFF, 0x00])
            #expect(FieldEncoding.decodeBinary(bytes("FFFFFF")) == nil)
            #expect(FieldEncoding.decodeBinary([UInt8]()) == nil)
        }

        @Test("single bytes: sex 02, never written FF")
        func singleBytes() throws {
            #expect(FieldEncoding.encodeByte(2) == [0x02])
            #expect(FieldEncoding.encodeByte(nil) == [0xFF])
            #expect(try FieldEncoding.decodeByte([0x02]) == 2)
            #expect(try FieldEncoding.decodeByte([0x00]) == 0)
            #expect(try FieldEncoding.decodeByte([0xFF]) == nil)
            expectError(.malformed) { _ = try FieldEncoding.decodeByte([0x01, 0x02]) }
            expectError(.malformed) { _ = try FieldEncoding.decodeByte([UInt8]()) }
        }

        @Test("flags are written 01/00/FF")
        func writeFlags() {
            #expect(FieldEncoding.encodeFlag(true) == [0x01])
            #expect(FieldEncoding.encodeFlag(false) == [0x00])
            #expect(FieldEncoding.encodeFlag(nil) == [0xFF])
        }

        @Test(
            "flags are read leniently",
            arguments: [
                (0x01, true), (0x54, true), (0x31, true), (0x00, false), (0x46, false), (0x30, false),
            ] as [(UInt8, Bool)])
        func readFlags(byte: UInt8, value: Bool) throws {
            #expect(try FieldEncoding.decodeFlag([byte]) == value)
        }

        @Test("other flag bytes are rejected")
        func badFlags() throws {
            #expect(try FieldEncoding.decodeFlag([0xFF]) == nil)
            let reason = expectError(.invalidValue) { _ = try FieldEncoding.decodeFlag([0x02]) }
            #expect(reason.hasPrefix("flag byte 02 at offset 0"))
            expectError(.invalidValue) { _ = try FieldEncoding.decodeFlag([0x74]) }
            expectError(.malformed) { _ = try FieldEncoding.decodeFlag([0x01, 0x00]) }
        }
    }
}

// MARK: - Generic string access

extension EncodingTests {
    @Suite("FieldEncoding as a value")
    struct FieldEncodingValueTests {
        @Test(
            "any field as a string",
            arguments: [
                (FieldEncoding.ans, 4, "0002", "30303032"), (.cn, 3, "210000", "210000"), (.cn, 1, "1", "1F"),
                (.b, 2, "0102", "0102"),
                (.ans, 30, "LiaoNing", "4C69616F4E696E67" + String(repeating: "00", count: 22)),
            ])
        func strings(encoding: FieldEncoding, length: Int, text: String, hex: String) throws {
            #expect(try encoding.encodeString(text, length: length) == bytes(hex))
            #expect(try encoding.decodeString(bytes(hex)) == text)
        }

        @Test(
            "never-written fields read as nil in every encoding",
            arguments: [
                (FieldEncoding.ans, "000000"), (.cn, "FFFFFF"), (.b, "FFFFFF"),
            ])
        func neverWritten(encoding: FieldEncoding, hex: String) throws {
            #expect(try encoding.decodeString(bytes(hex)) == nil)
            #expect(try encoding.encodeString(nil, length: 3) == bytes(hex))
        }

        @Test("Codable as the spec's code")
        func codable() throws {
            let json = try JSONEncoder().encode([FieldEncoding.ans, .cn, .b])
            #expect(String(decoding: json, as: UTF8.self) == #"["ans","cn","b"]"#)
            #expect(try JSONDecoder().decode(FieldEncoding.self, from: Data(#""cn""#.utf8)) == .cn)
        }
    }
}
