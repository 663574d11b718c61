import Testing
@testable import HealthCardFoundation
@testable import ResidentCard


/// health-card.md §6: "on T=0 use GET RESPONSE after 61xx"; ISO 7816-4 §5.1.3.
@Suite("APDU T=0 channel (61xx / 6Cxx)")
struct APDUT0ChannelTests {
    @Test("61xx: GET RESPONSE with Le = xx returns the FCI")
    func getResponse() async throws {
        let card = ScriptedCardChannel([
            ("00A4000002DDF1", "6112"),
            ("00C0000012", apduTestDDF1FCI + "9000"),
        ])
        let response = try await T0Channel(card).transmit(HealthCardCommand.select(0xDDF1))
        #expect(Hex.encode(response.data) == apduTestDDF1FCI)
        #expect(response.statusWord == .success)
        card.expectFinished()
    }

    @Test("61xx chains are followed and concatenated, including data sent with 61xx")
    func chain() async throws {
        let card = ScriptedCardChannel([
            ("80FA000002AABB", "01026110"),
            ("00C0000010", "000102030405060708090A0B0C0D0E0F 6104"),
            ("00C0000004", "F0F1F2F3 9000"),
        ])
        let command = try CommandAPDU(cla: 0x80, ins: 0xFA, p1: 0, p2: 0, data: [0xAA, 0xBB])
        let response = try await T0Channel(card).transmit(command)
        #expect(Hex.encode(response.data) == "0102" + "000102030405060708090A0B0C0D0E0F" + "F0F1F2F3")
        #expect(response.statusWord == .success)
        card.expectFinished()
    }

    @Test("6100 asks for 256 bytes with Le 00")
    func sixtyOneZero() async throws {
        let payload = String(repeating: "5A", count: 256)
        let card = ScriptedCardChannel([
            ("00B0000000", "6100"),
            ("00C0000000", payload + "9000"),
        ])
        let response = try await T0Channel(card).transmit(try HealthCardCommand.readBinary(offset: 0, ne: 256))
        #expect(response.data.count == 256)
        card.expectFinished()
    }

    @Test("6Cxx: the same command is resent once with Le = xx")
    func wrongLe() async throws {
        let record = "0110" + String(repeating: "31", count: 16)
        let card = ScriptedCardChannel([
            ("00B2010400", "6C12"),
            ("00B2010412", record + "9000"),
        ])
        let response = try await T0Channel(card).transmit(try HealthCardCommand.readRecord(number: 1))
        #expect(Hex.encode(response.data) == record)
        #expect(response.statusWord == .success)
        card.expectFinished()
    }

    @Test("6Cxx inside a GET RESPONSE chain is corrected too")
    func wrongLeInChain() async throws {
        let card = ScriptedCardChannel([
            ("00A4000002DF01", "6100"),
            ("00C0000000", "6C08"),
            ("00C0000008", "0102030405060708 9000"),
        ])
        let response = try await T0Channel(card).transmit(HealthCardCommand.select(0xDF01))
        #expect(Hex.encode(response.data) == "0102030405060708")
        card.expectFinished()
    }

    @Test("other status words pass through untouched, in one exchange", arguments: ["6A82", "9000", "6282"])
    func passThrough(sw: String) async throws {
        let card = ScriptedCardChannel([("00A4000002DF04", sw)])
        let response = try await T0Channel(card).transmit(HealthCardCommand.select(0xDF04))
        #expect(response.statusWord.hex == sw)
        card.expectFinished()
    }

    @Test("a card that never stops answering 61xx is cut off")
    func runaway() async throws {
        let card = ScriptedCardChannel([
            ("00A4000002DDF1", "6101"),
            ("00C0000001", "AA6101"),
            ("00C0000001", "BB6101"),
        ])
        let error = await #expect(throws: HealthCardError.self) {
            try await T0Channel(card, maxGetResponseRounds: 2).transmit(HealthCardCommand.select(0xDDF1))
        }
        #expect(error?.code == .malformed)
        card.expectFinished()
    }
}
