import Testing
import HealthCardFoundation
import ResidentCard

/// ISO/IEC 7816-3 §8: the protocols, historical bytes and check byte of an Answer-to-Reset.
@Suite("Answer-to-Reset parsing")
struct AnswerToResetTests {
    static func atr(_ hex: String) throws -> AnswerToReset { try AnswerToReset(Hex.decode(hex)) }

    @Test("no TD byte: T=0, and no check byte")
    func impliedT0() throws {
        let atr = try Self.atr("3B 02 14 50")
        #expect(atr.protocols == [0] && atr.supportsT0 && !atr.supportsT1)
        #expect(atr.historicalBytes == [0x14, 0x50] && atr.checkByteValid)
    }

    @Test("T=0 and T=1 with a check byte; a wrong check byte is reported, not hidden")
    func t0AndT1() throws {
        let made = AnswerToReset.make(historicalBytes: [0x80, 0x31])
        let parsed = try AnswerToReset(made.bytes)
        #expect(parsed.protocols == [0, 1] && parsed.checkByteValid)
        var broken = made.bytes
        broken[broken.count - 1] ^= 0xFF
        #expect(try AnswerToReset(broken).checkByteValid == false)
    }

    @Test("T=15 in TD2 qualifies global bytes: left out of the protocols, and the check byte is required")
    func t15AfterT0() throws {
        // TS T0(TD1) TD1=T=0 (TD2) TD2=T=15, TCK = 80 ^ 80 ^ 0F.
        let atr = try Self.atr("3B 80 80 0F 0F")
        #expect(atr.protocols == [0] && atr.checkByteValid)
        #expect(throws: HealthCardError.self) { try Self.atr("3B 80 80 0F") }
    }

    @Test("T=15 in TD1 announces no protocol: refused as malformed with the offset (found by the apdu fuzz target)")
    func t15InTD1() throws {
        #expect {
            try Self.atr("3B B5 B4 B4 4F 70 74 69 6F 6E 61 6C")
        } throws: { error in
            "\(error)".contains("TD1 (offset 4) announces T=15")
        }
    }

    @Test("truncations name the missing byte", arguments: [
        ("", "empty"), ("3B", "no T0 byte"), ("3B 10", "inside TA1"), ("3B 80", "inside TD1"),
        ("3B 03 14", "3 historical bytes, 1 present"), ("3B 80 01", "lacks its TCK"),
    ])
    func truncated(hex: String, message: String) throws {
        #expect {
            try Self.atr(hex)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("a wrong TS byte and trailing bytes are refused")
    func malformed() throws {
        #expect(throws: HealthCardError.self) { try Self.atr("3C 00") }
        #expect(throws: HealthCardError.self) { try Self.atr("3B 00 00") }
    }
}
