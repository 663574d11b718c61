import Synchronization
import HealthCardFoundation
import ResidentCard

/// A card that answers raw APDU bytes: the virtual health card and the virtual SAM.
public protocol VirtualSmartCard: Sendable {
    var answerToReset: [UInt8] { get }
    mutating func reset()
    /// The response bytes and whether persistent state changed.
    mutating func respond(to command: [UInt8]) -> (response: [UInt8], changed: Bool)
}

extension VirtualCard: VirtualSmartCard {
    public mutating func respond(to command: [UInt8]) -> (response: [UInt8], changed: Bool) { process(command) }
}

extension VirtualSAM: VirtualSmartCard {
    public var answerToReset: [UInt8] { AnswerToReset.make(historicalBytes: Array("HCKSAM".utf8)).bytes }
    public mutating func respond(to command: [UInt8]) -> (response: [UInt8], changed: Bool) { (process(command), false) }
}

/// An in-process `CardChannel` to a virtual card: what `hcard read --image` and the tests use.
///
/// `onChange` runs after every command that changed the card's persistent state, with the new
/// state, so a host can save the image as a real card would keep its EEPROM. ``pullOut()``
/// simulates removing the card: every later transmit throws.
public final class EmulatedCardChannel<Card: VirtualSmartCard>: CardChannel {
    private let state: Mutex<(card: Card, present: Bool)>
    private let onChange: (@Sendable (Card) throws -> Void)?

    public init(_ card: Card, onChange: (@Sendable (Card) throws -> Void)? = nil) {
        self.state = Mutex((card, true))
        self.onChange = onChange
    }

    public var card: Card { state.withLock { $0.card } }
    public var answerToReset: AnswerToReset { get throws { try AnswerToReset(state.withLock { $0.card.answerToReset }) } }

    public func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        let (bytes, changedCard) = try state.withLock { state -> ([UInt8], Card?) in
            guard state.present else { throw CardRemovedError() }
            let (response, changed) = state.card.respond(to: command.bytes)
            return (response, changed ? state.card : nil)
        }
        if let changedCard { try onChange?(changedCard) }
        return try ResponseAPDU(bytes: bytes)
    }

    /// Removes the card: the next transmit throws ``CardRemovedError``.
    public func pullOut() { state.withLock { $0.present = false } }

    /// Inserts the card again, reset (nothing selected or authenticated).
    public func reinsert() {
        state.withLock {
            $0.present = true
            $0.card.reset()
        }
    }
}

/// The card left the reader (or the emulator stopped) before it answered.
public struct CardRemovedError: Error, Hashable, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "the card was removed from the reader" }
}
