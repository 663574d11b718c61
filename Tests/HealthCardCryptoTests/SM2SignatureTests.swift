import Testing
@testable import HealthCardCrypto
@testable import HealthCardFoundation
@testable import HealthCardTestSupport


@Suite("Crypto: SM2 signature encoding (raw r‖s ↔ DER)")
struct CryptoSM2SignatureTests {
    typealias T = CryptoTestSupport

    struct Vector: CustomTestStringConvertible, Sendable {
        var comment: String
        var r: String
        var s: String
        var der: String
        var testDescription: String { comment }
    }

    static let vectors: [Vector] = [
        Vector(
            comment: "both high bits clear: 32-byte integers, 68-byte DER",
            r: "7" + String(repeating: "1", count: 63), s: "1" + String(repeating: "2", count: 63),
            der: "3044" + "0220" + "7" + String(repeating: "1", count: 63) + "0220" + "1"
                + String(repeating: "2", count: 63)),
        Vector(
            comment: "both high bits set: a 00 is prepended, 72-byte DER",
            r: String(repeating: "a", count: 64), s: "ff" + String(repeating: "0", count: 62),
            der: "3046" + "022100" + String(repeating: "a", count: 64) + "022100ff"
                + String(repeating: "0", count: 62)),
        Vector(
            comment: "r with two leading zero bytes shrinks to 30 bytes; s with high bit gets 00",
            r: "00007f" + String(repeating: "11", count: 29), s: "80" + String(repeating: "22", count: 31),
            der: "3043" + "021e7f" + String(repeating: "11", count: 29) + "02210080"
                + String(repeating: "22", count: 31)),
        Vector(
            comment: "r with a leading zero then a high bit: the 00 stays, 32-byte integer",
            r: "0080" + String(repeating: "33", count: 30), s: "01" + String(repeating: "00", count: 31),
            der: "3044" + "02200080" + String(repeating: "33", count: 30) + "022001"
                + String(repeating: "00", count: 31)),
        Vector(
            comment: "tiny values: r = 1, s = 0x80",
            r: String(repeating: "0", count: 62) + "01", s: String(repeating: "0", count: 62) + "80",
            der: "3007" + "020101" + "02020080"),
        Vector(
            comment: "zero encodes as a single 00",
            r: String(repeating: "0", count: 64), s: String(repeating: "0", count: 62) + "7f",
            der: "3006" + "020100" + "02017f"),
    ]

    @Test("raw → DER and DER → raw", arguments: vectors)
    func conversions(vector: Vector) throws {
        let raw = T.bytes(hex: vector.r + vector.s)
        let signature = try SM2Signature(rawRepresentation: raw)
        #expect(T.hex(signature.derRepresentation) == vector.der)
        #expect(T.hex(signature.r) == vector.r)
        #expect(T.hex(signature.s) == vector.s)

        let parsed = try SM2Signature(derRepresentation: T.bytes(hex: vector.der))
        #expect(parsed == signature)
        #expect(parsed.rawRepresentation == raw)
        #expect(try SM2Signature(r: T.bytes(hex: vector.r), s: T.bytes(hex: vector.s)) == signature)
    }

    static let oneByteR = "020101"
    static let invalidDER: [(comment: String, der: String, error: HealthCardError)] = [
        ("empty input", "", .truncated("")),
        ("wrong outer tag (SET)", "3106" + oneByteR + oneByteR, .malformed("")),
        ("outer length too long for the input", "3007" + oneByteR + oneByteR, .truncated("")),
        ("trailing byte after the SEQUENCE", "3006" + oneByteR + oneByteR + "00", .malformed("")),
        ("third INTEGER inside", "3009" + oneByteR + oneByteR + oneByteR, .malformed("")),
        ("only one INTEGER", "3003" + oneByteR, .truncated("")),
        ("INTEGER tag replaced by OCTET STRING", "3006" + "040101" + oneByteR, .malformed("")),
        ("empty INTEGER", "3005" + "0200" + oneByteR, .malformed("")),
        ("negative r", "3006" + "020180" + oneByteR, .malformed("")),
        ("redundant leading zero", "3007" + "02020001" + oneByteR, .malformed("")),
        ("non-minimal long-form length", "308106" + oneByteR + oneByteR, .malformed("")),
        ("indefinite length", "3080" + oneByteR + oneByteR + "0000", .malformed("")),
        (
            "r of 33 significant bytes", "3026" + "022101" + String(repeating: "00", count: 32) + oneByteR,
            .invalidValue("")
        ),
    ]

    @Test("rejects everything but strict DER", arguments: invalidDER)
    func invalid(vector: (comment: String, der: String, error: HealthCardError)) {
        #expect(throws: vector.error, "\(vector.comment)") {
            try SM2Signature(derRepresentation: T.bytes(hex: vector.der))
        }
    }

    @Test("the long length form 81 xx is read when minimal")
    func longForm() throws {
        // Two 256-bit integers never need it, but a 128-byte SEQUENCE must be measured correctly:
        // the error is about the extra content, not a truncation.
        let der = T.bytes(hex: "308180" + "020101" + "020101") + [UInt8](repeating: 0, count: 122)
        #expect(throws: HealthCardError.malformed("")) { try SM2Signature(derRepresentation: der) }
        #expect(throws: HealthCardError.truncated("")) { try SM2Signature(derRepresentation: der.dropLast()) }
    }

    @Test("raw form must be exactly 64 bytes")
    func rawLength() throws {
        #expect(throws: HealthCardError.invalidValue("")) {
            try SM2Signature(rawRepresentation: [UInt8](repeating: 1, count: 63))
        }
        #expect(throws: HealthCardError.invalidValue("")) {
            try SM2Signature(rawRepresentation: [UInt8](repeating: 1, count: 65))
        }
        #expect(throws: HealthCardError.invalidValue("")) {
            try SM2Signature(r: [1], s: [UInt8](repeating: 1, count: 32))
        }
        let record = [UInt8](repeating: 9, count: 10) + [UInt8](repeating: 7, count: 64)
        #expect(
            try SM2Signature(rawRepresentation: record[10...]).rawRepresentation == [UInt8](repeating: 7, count: 64))
    }

    @Test("a slice of DER parses like the array")
    func derSlice() throws {
        let buffer = T.bytes(hex: "ffff" + "3006" + "020101" + "020102")
        let signature = try SM2Signature(derRepresentation: buffer[2...])
        #expect(T.hex(signature.s) == String(repeating: "0", count: 62) + "02")
    }
}
