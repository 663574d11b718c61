import HealthCardFoundation
import ResidentCard
import Synchronization

/// A channel to the card in one reader, for tools that send their own APDUs (`hcard apdu`, benchmarks).
public struct PCSCRawConnection: Sendable {
    /// The card handle: run the exchanges in `PCSCCard/withTransaction(_:)`, then ``PCSCCard/close()``.
    public let card: PCSCCard
    /// The channel to send on: T=0 handled (GET RESPONSE, Le fixes) when the reader negotiated
    /// T=0, traced when a sink was given.
    public let channel: any CardChannel
    /// Round trips to the card so far, GET RESPONSEs included.
    public let apduCount: @Sendable () -> Int
}

extension PCSCTerminal {
    /// Connects to the card in reader `name` (exact, or a unique part of a name), or else in the
    /// only reader with a card. A recognised SAM is never chosen by default: a tool sent to "the
    /// card" must not talk to the SAM.
    ///
    /// - Throws: ``ReaderError`` when the choice is open or the reader is unknown; PC/SC errors.
    public static func connectCard(in name: String?, context: PCSCContext) throws -> PCSCCard {
        let choice = try ReaderSelection.choose(card: name, sam: nil, useSAM: false, among: try context.readerStates())
        return try context.connect(to: choice.card)
    }

    /// A raw channel to the card in reader `name` (or the only card; ``connectCard(in:context:)``).
    ///
    /// The count sits directly on the transport, below the T=0 handling, so it counts every
    /// round trip; it formats nothing, so a benchmark without a trace measures the transport.
    public static func openRaw(reader name: String?, context: PCSCContext, trace: TraceSink?) throws
        -> PCSCRawConnection
    {
        let card = try connectCard(in: name, context: context)
        let pcsc = PCSCCardChannel(card)
        let counted = CountingChannel(pcsc)
        func handlingT0(_ channel: some CardChannel) -> any CardChannel {
            pcsc.needsT0Handling ? T0Channel(channel) : channel
        }
        let channel =
            trace.map { handlingT0(TracingChannel(counted, protocolLabel: pcsc.protocolLabel, sink: $0)) }
            ?? handlingT0(counted)
        return PCSCRawConnection(card: card, channel: channel, apduCount: { counted.count })
    }
}

extension PCSCContext {
    /// Waits up to `timeout` for a card: in reader `name` if given, else until some reader holds
    /// a card ``PCSCTerminal/connectCard(in:context:)`` would choose (a SAM does not count).
    ///
    /// - Throws: ``ReaderError/Code/timeout`` (named reader) or ``ReaderError/Code/noCard`` (any
    ///   reader) when the time is up; ``ReaderError`` for an unknown or ambiguous name.
    public func waitForCard(named name: String?, timeout: Duration) async throws {
        if let name {
            let reader = try ReaderSelection.resolve(name, among: try readerStates())
            _ = try await waitForCard(in: reader.name, timeout: timeout)
            return
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                _ = try ReaderSelection.choose(card: nil, sam: nil, useSAM: false, among: try readerStates())
                return
            } catch where error.code == .noCard {
                guard ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

/// Counts round trips without formatting trace lines.
private final class CountingChannel<Base: CardChannel>: CardChannel {
    let base: Base
    private let counter = Atomic<Int>(0)

    init(_ base: Base) { self.base = base }

    var count: Int { counter.load(ordering: .relaxed) }

    func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        counter.add(1, ordering: .relaxed)
        return try await base.transmit(command)
    }
}
