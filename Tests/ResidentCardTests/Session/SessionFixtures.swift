@testable import HealthCardFoundation
@testable import ResidentCard
@testable import ResidentCardEmulator


/// A personalised virtual card, the test SAM and a session over both, for session tests.
struct VirtualTerminal {
    let card: EmulatedCardChannel<VirtualCard>
    let samChannel: EmulatedCardChannel<VirtualSAM>
    let session: TerminalSession

    static let issuer = IssuerRecord(
        cardType: CardType(code: "1"), specVersion: "0002", issuerName: "辽宁省卫生健康委员会", issuerCode: "21000000000",
        issueDate: CalendarDate(year: 2024, month: 3, day: 1), cardNumber: "11010519491231002X", securityCode: "000",
        chipSerial: "0000000001", cityCode: "210100")
    static let holder = HolderRecord(
        name: "张三丰", sex: .female, ethnicity: Ethnicity(code: "01"), birthDate: CalendarDate(year: 1949, month: 12, day: 31),
        idNumber: "11010519491231002X")

    static func image(maxRetries: Int = 15, masterKeys: [String: [UInt8]] = VirtualSAM.testMasterKeys) throws -> CardImage {
        var personalization = CardPersonalization(
            issuer: issuer, holder: holder, cardFactor: [0x00, 0x81, 0x86, 0x6B, 0x00, 0x00, 0x10, 0x15],
            masterKeys: masterKeys)
        personalization.maxRetries = maxRetries
        return try personalization.makeImage()
    }

    /// - Parameter wrap: wraps the card channel (tracing, tearing) before the session sees it.
    init(image: CardImage, withSAM: Bool = true, usesT0: Bool = false,
        wrap: (EmulatedCardChannel<VirtualCard>) -> any CardChannel = { $0 }) throws
    {
        card = EmulatedCardChannel(VirtualCard(image: image, usesT0: usesT0))
        samChannel = EmulatedCardChannel(try VirtualSAM.test())
        var configuration = TerminalSession.Configuration()
        configuration.samPIN = VirtualSAM.testPIN
        let channel: any CardChannel = usesT0 ? T0Channel(AnyChannel(wrap(card))) : wrap(card)
        session = TerminalSession(
            card: channel, atr: try card.answerToReset,
            sam: withSAM ? APDUSecureAccessModule(channel: samChannel) : nil, configuration: configuration)
    }

    var image: CardImage { card.card.image }
}

/// Type-erases a channel so generic wrappers can take it.
struct AnyChannel: CardChannel {
    let base: any CardChannel
    init(_ base: any CardChannel) { self.base = base }
    func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU { try await base.transmit(command) }
}
