import ArgumentParser
import HealthCardCore

extension CardConnection {
    /// The card (and SAM) in PC/SC readers, through pcscd.
    ///
    /// Readers come from `--reader` / `--sam-reader`, or else from ``ReaderSelection``: the only
    /// reader with a card, and a recognised SAM (the virtual SAM of `hcard emulate`) if one is in
    /// another reader; with no SAM the session is SAM-less (issuer data only).
    ///
    /// Each card is held in a PC/SC transaction for the whole operation, so no other program's
    /// APDUs land between ours; the transaction ends and the card is reset (so no authentication
    /// outlives us) when the session is released. On T=0 the card channel is wrapped in
    /// ``T0Channel``; `--trace` traces the card exactly as the image path does, and the SAM's
    /// APDUs with a `SAM ` prefix (PIN bytes masked).
    static func openReader(_ options: CardTargetOptions) async throws -> CardConnection {
        let context = try PCSCContext()
        let choice = try ReaderSelection.choose(
            card: options.reader, sam: options.samReader, among: try context.readerStates())

        let card = try context.connect(to: choice.card)
        card.dispositionOnClose = .reset
        try card.beginTransaction()
        let channel = PCSCCardChannel(card)
        let traced = TracingChannel(
            channel, protocolLabel: channel.protocolLabel, sink: options.trace ? traceLine : ignoreLine)
        let sessionChannel: any CardChannel = channel.needsT0Handling ? T0Channel(traced) : traced

        var sam: (any SecureAccessModule)?
        if let samReader = choice.sam {
            let samCard = try context.connect(to: samReader)
            samCard.dispositionOnClose = .reset
            try samCard.beginTransaction()
            let samChannel = PCSCCardChannel(samCard)
            if options.trace {
                let traced = TracingChannel(samChannel, protocolLabel: samChannel.protocolLabel) {
                    traceLine("SAM " + $0)
                }
                sam = APDUSecureAccessModule(channel: traced)
            } else {
                sam = APDUSecureAccessModule(channel: samChannel)
            }
        }
        if options.trace {
            let samName = choice.sam.map { "'\($0)'" } ?? "none"
            traceLine("# card: '\(choice.card)' \(channel.protocolLabel); SAM: \(samName)")
        }
        let session = TerminalSession(
            card: sessionChannel, atr: try AnswerToReset(card.answerToReset), sam: sam,
            configuration: options.configuration)
        return CardConnection(session: session, apduCount: { traced.apduCount })
    }
}
