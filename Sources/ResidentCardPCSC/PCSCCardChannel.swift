import HealthCardFoundation
import ResidentCard

/// A `CardChannel` to the card in a PC/SC reader: what `TerminalSession` talks to at a real
/// reader or at vpcd with `hcard emulate` attached.
///
/// Only transport: status words come back as they are, and on T=0 the caller wraps
/// this channel in `T0Channel` (pcsc-lite does not send GET RESPONSE). A card pulled out
/// mid-operation throws ``ReaderError/Code/cardRemoved`` naming the reader and the command, e.g.
/// "card removed from reader 'Virtual PCD 00 00' during UPDATE BINARY", which the session turns
/// into "the slot was not committed" for an encounter write.
///
/// The channel keeps its ``PCSCCard`` alive; when the last channel (and session) using it is
/// released, the card's `deinit` ends its transaction and disconnects.
public struct PCSCCardChannel: CardChannel {
    public let card: PCSCCard

    public init(_ card: PCSCCard) {
        self.card = card
    }

    /// `"T=0"` or `"T=1"`, for `TracingChannel`.
    public var protocolLabel: String { card.activeProtocol.description }

    /// Whether `T0Channel` must wrap this channel.
    public var needsT0Handling: Bool { card.activeProtocol == .t0 }

    public func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        let bytes = try card.transmit(command.bytes, operation: CardCommandKind(command).name)
        return try ResponseAPDU(bytes: bytes)
    }
}
