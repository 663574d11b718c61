import HealthCardFoundation
import ResidentCard

/// A SAM held in its PC/SC reader on its own, for programs that power the SAM before the card
/// and keep it across card sessions: the vendor reader DLL's call order
/// (`PowerOn(PSAM)` → `iVerifyPIN` → `PowerOn(USER)`, vendor-interface.md §2), which `libhcard.so`
/// follows. The SAM is held in a PC/SC transaction and reset when released, as in
/// ``PCSCTerminal/open(card:sam:configuration:trace:)``.
public struct PCSCSAM: Sendable {
    /// The SAM's handle (its reader name, ATR and protocol).
    public let card: PCSCCard
    /// The SAM protocol over the SAM's channel, traced with a `SAM ` prefix when a sink was given.
    public let module: APDUSecureAccessModule<TracingChannel<PCSCCardChannel>>
}

extension PCSCTerminal {
    /// Connects to the SAM in reader `name` (exact, or a unique part of a name), or else to the
    /// one reader holding a recognised SAM (the virtual SAM of `hcard emulate`, found by its ATR).
    ///
    /// - Throws: ``ReaderError`` when no reader holds a SAM, the named reader is empty or unknown,
    ///   or several readers hold recognised SAMs; PC/SC errors from connecting.
    public static func openSAM(reader name: String?, context: PCSCContext, trace: TraceSink? = nil) throws -> PCSCSAM {
        let readers = try context.readerStates()
        let reader: ReaderState
        if let name {
            reader = try ReaderSelection.resolve(name, among: readers)
            guard reader.cardPresent else { throw ReaderError.noCard(reader: reader.name, purpose: "SAM") }
        } else {
            let sams = readers.filter(\.holdsRecognisedSAM)
            guard sams.count == 1 else {
                throw ReaderError(
                    code: sams.isEmpty ? .noCard : .ambiguousReader, reader: nil,
                    message: (sams.isEmpty ? "no reader holds a recognised SAM" : "several readers hold a SAM")
                        + " (\(readers.map(\.summary).joined(separator: ", "))): name the SAM's reader")
            }
            reader = sams[0]
        }
        return try connectSAM(in: reader.name, context: context, trace: trace)
    }

    /// The session over the card in reader `cardReader` (or the only reader with a card that is
    /// not `sam`'s) with an already open SAM, or none.
    public static func open(
        card cardReader: String?, sam: PCSCSAM?, context: PCSCContext, configuration: TerminalSession.Configuration,
        trace: TraceSink? = nil
    ) throws -> TerminalConnection {
        let choice = try ReaderSelection.choose(
            card: cardReader, sam: sam?.card.reader, useSAM: sam != nil, among: try context.readerStates())
        return try session(cardReader: choice.card, sam: sam, context: context, configuration: configuration, trace: trace)
    }

    static func connectSAM(in reader: String, context: PCSCContext, trace: TraceSink?) throws -> PCSCSAM {
        let samCard = try context.connect(to: reader)
        samCard.dispositionOnClose = .reset
        try samCard.beginTransaction()
        let samChannel = PCSCCardChannel(samCard)
        let traced = TracingChannel(samChannel, protocolLabel: samChannel.protocolLabel) { line in trace?("SAM " + line) }
        return PCSCSAM(card: samCard, module: APDUSecureAccessModule(channel: traced))
    }

    /// Connects the card in `cardReader`, holds it in a transaction, resets it on release,
    /// handles T=0, and opens the session over it with `sam`.
    static func session(
        cardReader: String, sam: PCSCSAM?, context: PCSCContext, configuration: TerminalSession.Configuration,
        trace: TraceSink?
    ) throws -> TerminalConnection {
        let card = try context.connect(to: cardReader)
        card.dispositionOnClose = .reset
        try card.beginTransaction()
        let channel = PCSCCardChannel(card)
        let traced = TracingChannel(channel, protocolLabel: channel.protocolLabel, sink: trace ?? { _ in })
        let sessionChannel: any CardChannel = channel.needsT0Handling ? T0Channel(traced) : traced
        if let trace {
            let samName = sam.map { "'\($0.card.reader)'" } ?? "none"
            trace("# card: '\(cardReader)' \(channel.protocolLabel); SAM: \(samName)")
        }
        let session = TerminalSession(
            card: sessionChannel, atr: try AnswerToReset(card.answerToReset), sam: sam?.module,
            configuration: configuration)
        return TerminalConnection(session: session, apduCount: { traced.apduCount })
    }
}
