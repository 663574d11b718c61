import Foundation
import HealthCardFoundation
import ResidentCard

/// Opens a `TerminalSession` on a card image: the virtual card, with the virtual test SAM, over
/// the same APDUs a reader would carry.
///
/// Every change the card acknowledges is saved to the image at once (atomically), as a real card
/// keeps what it acknowledged: a program killed after a write finds the write in the file. The
/// image's exclusive lock is held for the whole session, so concurrent writers queue instead of
/// losing each other's records (``EmulatedCardChannel/lockedImage(at:usesT0:)``).
public enum EmulatedTerminal {
    /// The session over the card image at `path` and ``VirtualSAM/test(serial:)``. With a trace
    /// sink, the card's APDUs are traced in the PC/SC path's format (PIN bytes masked).
    ///
    /// - Throws: the image's lock and load errors (``CardImage/load(from:)``).
    public static func open(
        imageAt path: String, configuration: TerminalSession.Configuration, trace: TraceSink? = nil
    ) throws -> TerminalConnection {
        let card = try EmulatedCardChannel.lockedImage(at: path)
        let sam = EmulatedCardChannel(try VirtualSAM.test())
        let traced = TracingChannel(card, sink: trace ?? { _ in })
        let session = TerminalSession(
            card: traced, atr: try card.answerToReset, sam: APDUSecureAccessModule(channel: sam),
            configuration: configuration)
        return TerminalConnection(session: session, apduCount: { traced.apduCount })
    }
}
