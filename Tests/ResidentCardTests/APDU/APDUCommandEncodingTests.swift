import Testing
@testable import HealthCardFoundation
@testable import ResidentCard


/// ISO/IEC 7816-4 §5.1 command cases: encoding, parsing back, and rejecting malformed input.
@Suite("APDU command encoding (ISO 7816-4 cases)")
struct APDUCommandEncodingTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let comment: String
        let cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8
        let data: [UInt8]
        let ne: Int?
        let expectedHex: String
        let expectedCase: CommandAPDU.Case
        var testDescription: String { comment }
    }

    static let data256 = [UInt8](repeating: 0xAB, count: 256)
    static let data300 = [UInt8](repeating: 0x5A, count: 300)

    static let vectors: [Vector] = [
        Vector(
            comment: "case 1: header only", cla: 0x00, ins: 0x84, p1: 0, p2: 0, data: [], ne: nil,
            expectedHex: "00840000", expectedCase: .one),
        Vector(
            comment: "case 2S: GET CHALLENGE Le 08", cla: 0x00, ins: 0x84, p1: 0, p2: 0, data: [], ne: 8,
            expectedHex: "0084000008", expectedCase: .twoShort),
        Vector(
            comment: "case 2S: Ne 256 is the short wildcard 00", cla: 0x00, ins: 0xB0, p1: 0, p2: 0, data: [],
            ne: 256, expectedHex: "00B0000000", expectedCase: .twoShort),
        Vector(
            comment: "case 2S: Ne 255", cla: 0x00, ins: 0xB0, p1: 0x01, p2: 0x02, data: [], ne: 255,
            expectedHex: "00B00102FF", expectedCase: .twoShort),
        Vector(
            comment: "case 2E: Ne 257 needs extended Le", cla: 0x00, ins: 0xB0, p1: 0, p2: 0, data: [], ne: 257,
            expectedHex: "00B00000000101", expectedCase: .twoExtended),
        Vector(
            comment: "case 2E: Ne 3013 (a whole ED01 data area)", cla: 0x00, ins: 0xB0, p1: 0, p2: 0, data: [],
            ne: 3013, expectedHex: "00B00000000BC5", expectedCase: .twoExtended),
        Vector(
            comment: "case 2E: Ne 65536 is the extended wildcard 0000", cla: 0x00, ins: 0xB0, p1: 0, p2: 0,
            data: [], ne: 65536, expectedHex: "00B00000000000", expectedCase: .twoExtended),
        Vector(
            comment: "case 3S: SELECT DDF1", cla: 0x00, ins: 0xA4, p1: 0, p2: 0, data: [0xDD, 0xF1], ne: nil,
            expectedHex: "00A4000002DDF1", expectedCase: .threeShort),
        Vector(
            comment: "case 3S: Nc 255 is still short", cla: 0x00, ins: 0xD6, p1: 0, p2: 0,
            data: [UInt8](repeating: 0x11, count: 255), ne: nil,
            expectedHex: "00D60000FF" + String(repeating: "11", count: 255), expectedCase: .threeShort),
        Vector(
            comment: "case 3E: Nc 256 needs extended Lc", cla: 0x00, ins: 0xD6, p1: 0, p2: 0, data: data256,
            ne: nil, expectedHex: "00D60000000100" + String(repeating: "AB", count: 256),
            expectedCase: .threeExtended),
        Vector(
            comment: "case 4S: SELECT with Le 00 for the FCI", cla: 0x00, ins: 0xA4, p1: 0, p2: 0,
            data: [0xDD, 0xF1], ne: 256, expectedHex: "00A4000002DDF100", expectedCase: .fourShort),
        Vector(
            comment: "case 4S: Le 10", cla: 0x80, ins: 0xFA, p1: 0, p2: 0, data: [0x01, 0x02, 0x03], ne: 0x10,
            expectedHex: "80FA00000301020310", expectedCase: .fourShort),
        Vector(
            comment: "case 4E: short Nc but Ne 257 makes both extended", cla: 0x00, ins: 0xA4, p1: 0, p2: 0,
            data: [0xDD, 0xF1], ne: 257, expectedHex: "00A40000000002DDF10101", expectedCase: .fourExtended),
        Vector(
            comment: "case 4E: Nc 256 with Ne 256 (extended Le 0100, not 00)", cla: 0x00, ins: 0xD6, p1: 0,
            p2: 0, data: data256, ne: 256,
            expectedHex: "00D60000000100" + String(repeating: "AB", count: 256) + "0100",
            expectedCase: .fourExtended),
        Vector(
            comment: "case 4E: extended wildcard Le 0000", cla: 0x00, ins: 0xD6, p1: 0x12, p2: 0x34,
            data: data300, ne: 65536,
            expectedHex: "00D61234" + "00012C" + String(repeating: "5A", count: 300) + "0000",
            expectedCase: .fourExtended),
    ]

    @Test("encodes every ISO case", arguments: vectors)
    func encodes(vector: Vector) throws {
        let apdu = try CommandAPDU(
            cla: vector.cla, ins: vector.ins, p1: vector.p1, p2: vector.p2, data: vector.data, ne: vector.ne)
        #expect(Hex.encode(apdu.bytes) == vector.expectedHex)
        #expect(apdu.isoCase == vector.expectedCase)
        #expect(apdu.isExtended == [.twoExtended, .threeExtended, .fourExtended].contains(vector.expectedCase))
    }

    @Test("parses every ISO case back to the same value", arguments: vectors)
    func parsesBack(vector: Vector) throws {
        let parsed = try CommandAPDU(bytes: apduTestBytes(vector.expectedHex))
        #expect(parsed.cla == vector.cla && parsed.ins == vector.ins)
        #expect(parsed.p1 == vector.p1 && parsed.p2 == vector.p2)
        #expect(parsed.data == vector.data)
        #expect(parsed.ne == vector.ne)
        #expect(parsed.isoCase == vector.expectedCase)
        #expect(Hex.encode(parsed.bytes) == vector.expectedHex)
    }

    @Test("every case is covered by a vector")
    func allCasesCovered() {
        #expect(Set(Self.vectors.map(\.expectedCase)) == Set(CommandAPDU.Case.allCases))
    }

    @Test("largest command: Nc 65535 and Ne 65536")
    func largest() throws {
        let data = [UInt8](repeating: 0x42, count: 65535)
        let apdu = try CommandAPDU(cla: 0, ins: 0xD6, p1: 0, p2: 0, data: data, ne: 65536)
        let bytes = apdu.bytes
        #expect(bytes.count == 4 + 3 + 65535 + 2)
        #expect(Array(bytes[4..<7]) == [0x00, 0xFF, 0xFF])
        #expect(Array(bytes.suffix(2)) == [0x00, 0x00])
        #expect(try CommandAPDU(bytes: bytes) == apdu)
    }

    @Test("parses from a slice that does not start at index 0")
    func parsesSlice() throws {
        let buffer = apduTestBytes("FFFF 00A4000002DDF1")
        let apdu = try CommandAPDU(bytes: buffer[2...])
        #expect(apdu == HealthCardCommand.select(0xDDF1))
    }

    @Test("a non-canonical extended encoding of a short length parses and re-encodes short")
    func nonCanonicalExtended() throws {
        let apdu = try CommandAPDU(bytes: apduTestBytes("00B00000 000005"))
        #expect(apdu.ne == 5)
        #expect(Hex.encode(apdu.bytes) == "00B0000005")
    }

    @Test("init rejects lengths ISO cannot encode", arguments: [0, -1, 65537])
    func rejectsNe(ne: Int) {
        #expect(throws: HealthCardError.invalidValue("")) {
            try CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, ne: ne)
        }
    }

    @Test("init rejects more than 65535 data bytes")
    func rejectsNc() {
        #expect(throws: HealthCardError.invalidValue("")) {
            try CommandAPDU(cla: 0, ins: 0xD6, p1: 0, p2: 0, data: [UInt8](repeating: 0, count: 65536))
        }
    }

    @Test("with(ne:) changes only Le")
    func withNe() throws {
        let read = try HealthCardCommand.readRecord(number: 1)
        #expect(Hex.encode(read.bytes) == "00B2010400")
        #expect(Hex.encode(try read.with(ne: 0x12).bytes) == "00B2010412")
        #expect(Hex.encode(try read.with(ne: nil).bytes) == "00B20104")
    }

    @Test(
        "malformed byte strings are rejected with the byte offset",
        arguments: [
            ("", HealthCardError.Code.truncated, "byte offset 0"),
            ("00A400", .truncated, "byte offset 0"),
            ("00A4000002DD", .malformed, "byte offset 6"),  // Lc 2, one data byte
            ("00A4000002DDF10000", .malformed, "byte offset 8"),  // one byte after Le
            ("00B0000000 01", .malformed, "byte offset 5"),  // 00 then a lone byte
            ("00D60000 000000 AB", .malformed, "byte offset 5"),  // extended Lc 0000 with data
            ("00D60000 000003 AABB", .malformed, "byte offset 9"),  // extended Lc 3, two data bytes
            ("00D60000 000002 AABB 01", .malformed, "byte offset 9"),  // extended Le cut to 1 byte
            ("00D60000 000002 AABB 000000", .malformed, "byte offset 11"),  // trailing byte
        ])
    func rejectsMalformed(hex: String, code: HealthCardError.Code, offset: String) {
        let error = #expect(throws: HealthCardError.self) { try CommandAPDU(bytes: apduTestBytes(hex)) }
        #expect(error?.code == code)
        #expect(error?.reason.contains(offset) == true, "\(error?.reason ?? "no error")")
    }

    @Test("offsets count from CLA even when parsing a slice")
    func malformedSliceOffset() {
        let buffer = apduTestBytes("FFFFFF 00A4000002DD")
        let error = #expect(throws: HealthCardError.self) { try CommandAPDU(bytes: buffer[3...]) }
        #expect(error?.reason.contains("byte offset 6") == true, "\(error?.reason ?? "no error")")
    }

    @Test("description masks PIN data but shows everything else")
    func description() throws {
        #expect(HealthCardCommand.select(0xDDF1).description == "00A4000002DDF1")
        let verify = try HealthCardCommand.verify(pin: [0x12, 0x34, 0x56])
        #expect(verify.description == "0020000003******")
        #expect(Hex.encode(verify.bytes) == "0020000003123456")
    }
}
