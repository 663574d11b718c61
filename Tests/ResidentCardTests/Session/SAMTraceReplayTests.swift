import Synchronization
import Testing
@testable import HealthCardFoundation
@testable import ResidentCard

/// Replays the SAM exchanges of the real-card trace (`Reader.log` of a7082633/HDOS_VC6, 山东华能
/// build, 2015-10-15; health-card.md §7.3-§7.4, §10): with the trace's challenges and the SAM's
/// logged answers, the session must send the trace's `80 DE` and `80 FA` bytes to the SAM and the
/// trace's EXTERNAL AUTHENTICATE to the card, whose cryptogram is the fold A = C1 ⊕ C2 of the
/// SAM's 16-byte answer. The keys stay in the real SAM: only the bytes are replayed.
///
/// The trace card: card factor `00 81 86 6B 00 00 10 15` (the last eight historical bytes),
/// application city code 210000 (regional factor "21000000").
@Suite("SAM exchanges replayed from the real-card trace (health-card.md §7.4)")
struct SAMTraceReplayTests {
    /// `3B 08` + the historical bytes: T=0, no interface bytes (ISO/IEC 7816-3 §8.2).
    static let atr = try! AnswerToReset([0x3B, 0x08, 0x00, 0x81, 0x86, 0x6B, 0x00, 0x00, 0x10, 0x15])
    static let issuer = IssuerRecord(
        cardType: CardType(code: "1"), specVersion: "0002", issuerName: "辽宁省卫生健康委员会", issuerCode: "21000000000",
        issueDate: CalendarDate(year: 2014, month: 3, day: 1), cardNumber: "21000000000000001X", securityCode: "000",
        chipSerial: "0000000001", cityCode: "210000")

    /// The session's own selections and its read of DDF1/EF05 for the city code (the vendor read
    /// only tag 39 at PowerOn): DDF1, DF03, back to DDF1/EF05, the ten records, DF03 again.
    static func cardPreamble() throws -> [(command: String, response: String)] {
        let records = try CardRecordCodec.encodeTLVRecords(issuer)
        let fields = ResidentCardFileSystem.EF.issuer.fields
        return [
            ("00A4000002DDF1", "6F10840C57532E5359532E4444463031A5009000"),  // trace
            ("00A4000002DF03", "6F0884069156000132029000"),  // trace
            ("00A4000002DDF1", "6F10840C57532E5359532E4444463031A5009000"),
            ("00A4000002EF05", "9000"),
        ] + records.enumerated().map { index, record in
            (Hex.encode([0x00, 0xB2, UInt8(index + 1), 0x04, UInt8(fields[index].length + 2)]), Hex.encode(record) + "9000")
        } + [("00A4000002DF03", "6F0884069156000132029000")]
    }

    @Test("RK_DF03: 80DE 47 34 with card factor, regional factor and R; 80FA with D = 1122…88; A = C1 ⊕ C2")
    func readKey() async throws {
        let card = ScriptedCardChannel(
            try Self.cardPreamble() + [
                ("0084000008", "30CB83A6ADABFE3F9000"),
                // A = 6C37FF3CB7DA5458 ⊕ D84CE9E7475CD086 = B47B16DBF08684DE, then D and 01 (trace).
                ("0082008411B47B16DBF08684DE112233445566778801", "9000"),
                ("00A4000002EF05", "9000"),
                ("00B2010401", "009000"), ("00B2020401", "FF9000"), ("00B2030401", "FF9000"),
            ])
        let sam = ScriptedCardChannel([
            ("80DE4734180081866B00001015323130303030303030CB83A6ADABFE3F", "9000"),
            ("80FA00001011223344556677880000000000000000", "6110"),
            ("00C0000010", "6C37FF3CB7DA5458D84CE9E7475CD0869000"),
        ])
        let session = TerminalSession(card: card, atr: Self.atr, sam: APDUSecureAccessModule(channel: sam))
        let slots = try await session.occupiedSlots(EncounterKind.inpatient)
        #expect(slots == [true, false, false])
        card.expectFinished()
        sam.expectFinished()
    }

    @Test("UK_DF03_1: two challenges, R2 into 80DE 47 2F, D = R1 into 80FA; the card gets A ‖ R1 ‖ 01")
    func updateKey() async throws {
        let card = ScriptedCardChannel(
            try Self.cardPreamble() + [
                ("0084000008", "4D2C990895A9B3F19000"),  // R1
                ("0084000008", "27754E3A5F901F629000"),  // R2
                // A = E2D4A93F625C0A49 ⊕ 389836CD56946F8C = DA4C9FF234C865C5 (trace).
                ("0082008511DA4C9FF234C865C54D2C990895A9B3F101", "9000"),
                ("00A4000002EF05", "9000"),
                ("84D2010400", "9000"),
            ])
        let sam = ScriptedCardChannel([
            ("80DE472F180081866B00001015323130303030303027754E3A5F901F62", "9000"),
            ("80FA0000104D2C990895A9B3F10000000000000000", "6110"),
            ("00C0000010", "E2D4A93F625C0A49389836CD56946F8C9000"),
        ])
        let session = TerminalSession(card: card, atr: Self.atr, sam: APDUSecureAccessModule(channel: sam))
        try await session.markValid(EncounterKind.inpatient, slot: 1)
        card.expectFinished()
        sam.expectFinished()
    }

    @Test("the fold reproduces every cryptogram of the trace, failed authentications included")
    func fold() throws {
        // (SAM answer C after 80FA + GET RESPONSE, cryptogram A sent in 0082) from the trace.
        let logged: [(String, String)] = [
            ("2763161901B98791C27529E66B5743DE", "E5163FFF6AEEC44F"),  // 63CE: wrong card factor
            ("EE120474AF61DAC4772A2DCEC4D4DDC3", "993829BA6BB50707"),  // 63CD
            ("8709EFB4CB38148DE09A2A3AC9807860", "6793C58E02B86CED"),
            ("6C37FF3CB7DA5458D84CE9E7475CD086", "B47B16DBF08684DE"),  // 9000
            ("E2D4A93F625C0A49389836CD56946F8C", "DA4C9FF234C865C5"),  // 9000, UK_DF03_1
        ]
        for (c, a) in logged {
            let bytes = try Hex.decode(c)
            #expect(Hex.encode((0..<8).map { bytes[$0] ^ bytes[$0 + 8] }) == a)
        }
    }
}
