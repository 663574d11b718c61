import HealthCardFoundation
import ResidentCard

/// Opens a `TerminalSession` on a card (and SAM) in PC/SC readers, through pcscd: the session
/// setup every PC/SC program needs, in the one order that is safe.
///
/// What ``open(card:sam:configuration:trace:)`` does, and why:
///
/// - Readers: the named ones, or else ``ReaderSelection``'s choice: the only reader with a card,
///   and a recognised SAM (the virtual SAM of `hcard emulate`) if one is in another reader. With
///   no SAM the session is SAM-less (issuer data only).
/// - Each card is held in a PC/SC transaction for the whole session, so no other program's APDUs
///   land between ours, and is reset when its handle is released (``PCSCCard/dispositionOnClose``
///   `.reset`), so no authentication (PIN, external authenticate) outlives the session.
/// - A T=0 card channel is wrapped in `T0Channel` (GET RESPONSE, Le fixes), above the counting
///   `TracingChannel` so that GET RESPONSEs are counted and traced.
/// - With a trace sink, the card's APDUs are traced (PIN bytes masked), the SAM's with a `SAM `
///   prefix, and a first `# card: …; SAM: …` line names the readers.
public enum PCSCTerminal {
    /// The session over the card in reader `card` (or the chosen one) and the SAM in reader
    /// `sam` (or a recognised one, or none).
    ///
    /// - Throws: ``ReaderError`` when no reader, no card or several cards leave the choice open;
    ///   PC/SC errors from connecting, beginning a transaction or reading the ATR.
    public static func open(
        card cardReader: String?, sam samReader: String?, configuration: TerminalSession.Configuration,
        trace: TraceSink? = nil
    ) throws -> TerminalConnection {
        let context = try PCSCContext()
        let choice = try ReaderSelection.choose(card: cardReader, sam: samReader, among: try context.readerStates())

        let sam = try choice.sam.map { try connectSAM(in: $0, context: context, trace: trace) }
        return try session(cardReader: choice.card, sam: sam, context: context, configuration: configuration, trace: trace)
    }
}
