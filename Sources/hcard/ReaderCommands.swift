import ArgumentParser
import Foundation
import HealthCardCore
import Synchronization

/// `hcard readers`: what pcscd sees.
struct ReadersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readers",
        abstract: "List the PC/SC readers, whether each holds a card, and its ATR.",
        discussion: """
            Needs pcscd. With vsmartcard-vpcd installed pcscd shows two virtual readers, \
            'Virtual PCD 00 00' (the card of `hcard emulate`) and 'Virtual PCD 00 01' (its SAM).

            Examples:
              hcard readers
              hcard readers --json
            """
    )

    @Flag(help: "Print the readers as JSON.")
    var json = false

    func run() async throws {
        let context = try PCSCContext()
        let readers = try context.readerStates()
        if json {
            try printJSON(readers.map(ReaderJSON.init))
            return
        }
        guard !readers.isEmpty else { throw ReaderError.noReaders() }
        let width = readers.map(\.name.count).max() ?? 0
        for reader in readers {
            let padded = reader.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let kind = ReaderJSON(reader).kind
            let atr = reader.answerToReset.map { "  " + Hex.encode($0) } ?? ""
            print("\(padded)  \(kind.padding(toLength: 5, withPad: " ", startingAt: 0))\(atr)".trimmingTrailingSpaces)
        }
    }

    struct ReaderJSON: Encodable {
        let name: String
        let cardPresent: Bool
        /// `empty`, `card`, `SAM` (a recognised SAM), `mute` (card does not answer).
        let kind: String
        let atr: String?
        let exclusive: Bool

        init(_ reader: ReaderState) {
            name = reader.name
            cardPresent = reader.cardPresent
            kind = !reader.cardPresent ? "empty" : reader.mute ? "mute" : reader.holdsRecognisedSAM ? "SAM" : "card"
            atr = reader.answerToReset.map { Hex.encode($0) }
            exclusive = reader.exclusive
        }
    }
}

/// Options naming one reader, for `hcard atr` and `hcard apdu`.
struct SingleReaderOptions: ParsableArguments {
    @Option(help: "PC/SC reader (full name or a unique part of it). Default: the only reader with a card.")
    var reader: String?

    /// Connects to the chosen reader's card. A recognised SAM is never chosen by default.
    func connect(_ context: PCSCContext) throws -> PCSCCard {
        let readers = try context.readerStates()
        let choice = try ReaderSelection.choose(card: reader, sam: nil, useSAM: false, among: readers)
        return try context.connect(to: choice.card)
    }
}

/// `hcard atr`: the card's reset response, parsed.
struct ATRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atr",
        abstract: "Show the ATR of the card in a reader: protocols, historical bytes, extended length.",
        discussion: """
            Examples:
              hcard atr
              hcard atr --reader "Virtual PCD 00 01" --json
              hcard atr --reader "Virtual PCD 00 00" --wait 5     # wait up to 5 s for a card
            """
    )

    @OptionGroup var target: SingleReaderOptions

    @Option(help: "Wait up to this many seconds for a card (in --reader, or in any reader).")
    var wait: Double?

    @Flag(help: "Print the ATR as JSON.")
    var json = false

    func run() async throws {
        let context = try PCSCContext()
        if let wait { try await waitForCard(context, seconds: wait) }
        let card = try target.connect(context)
        defer { card.close() }
        let atr = try AnswerToReset(card.answerToReset)
        let report = ATRReport(reader: card.reader, atr: atr, active: card.activeProtocol.description)
        if json {
            try printJSON(report)
        } else {
            print(report.text)
        }
    }

    private func waitForCard(_ context: PCSCContext, seconds: Double) async throws {
        let timeout = Duration.milliseconds(Int(seconds * 1000))
        if let name = target.reader {
            let reader = try ReaderSelection.resolve(name, among: try context.readerStates())
            _ = try await context.waitForCard(in: reader.name, timeout: timeout)
            return
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                _ = try ReaderSelection.choose(card: nil, sam: nil, useSAM: false, among: try context.readerStates())
                return
            } catch where error.code == .noCard {
                guard ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    struct ATRReport: Encodable {
        let reader: String
        let atr: String
        let protocols: [String]
        let activeProtocol: String
        let historicalBytes: String
        let historicalASCII: String
        let ta1: String?
        let checkByteValid: Bool
        /// `true`/`false` when the card capabilities say so, `null` when not announced.
        let extendedLength: Bool?

        init(reader: String, atr: AnswerToReset, active: String) {
            self.reader = reader
            self.atr = Hex.encode(atr.bytes)
            protocols = atr.protocols.map { "T=\($0)" }
            activeProtocol = active
            historicalBytes = Hex.encode(atr.historicalBytes)
            historicalASCII = atr.historicalASCII
            ta1 = atr.ta1.map { Hex.encode([$0]) }
            checkByteValid = atr.checkByteValid
            extendedLength = atr.supportsExtendedLength
        }

        var text: String {
            let extended = extendedLength.map { $0 ? "yes (card capabilities)" : "no (card capabilities)" }
                ?? "not announced in the historical bytes"
            return """
                reader:           \(reader)
                ATR:              \(spaced(atr))
                protocols:        \(protocols.joined(separator: ", ")) (active: \(activeProtocol))
                historical bytes: \(historicalBytes.isEmpty ? "none" : "\(historicalBytes)  \(historicalASCII)")
                TA1 (Fi/Di):      \(ta1 ?? "absent (default 11)")
                check byte:       \(checkByteValid ? "valid" : "WRONG (TCK does not match)")
                extended length:  \(extended)
                """
        }
    }
}

/// `hcard apdu`: raw command APDUs to the card in a reader.
struct APDUCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apdu",
        abstract: "Send command APDUs (hex) to the card in a reader and print the responses.",
        discussion: """
            All APDUs go in one PC/SC transaction, in order. On T=0, 61xx and 6Cxx are handled \
            (GET RESPONSE, resend with the right Le); --trace shows every exchange.

            Examples:
              hcard apdu 00A4000002DDF1 00B0000000
              hcard apdu "00 A4 00 00 02 3F 00" --reader "Virtual PCD 00 00" --trace
            """
    )

    @Argument(help: "Command APDUs in hex (spaces allowed inside quotes).")
    var apdus: [String]

    @OptionGroup var target: SingleReaderOptions

    @Flag(help: "Print every APDU and status word to standard error (PIN bytes masked).")
    var trace = false

    @Option(help: .hidden)
    var `repeat`: Int?

    func validate() throws {
        guard !apdus.isEmpty else { throw ValidationError("give at least one APDU, e.g. 00A4000002DDF1") }
        for text in apdus {
            do { _ = try CommandAPDU(bytes: try Hex.decode(text)) } catch {
                throw ValidationError("'\(text)' is not a command APDU: \(error)")
            }
        }
        if let count = `repeat`, count < 1 { throw ValidationError("--repeat must be at least 1") }
    }

    func run() async throws {
        let commands = try apdus.map { try CommandAPDU(bytes: try Hex.decode($0)) }
        let context = try PCSCContext()
        let card = try target.connect(context)
        defer { card.close() }
        let pcsc = PCSCCardChannel(card)
        let counted = CountingChannel(pcsc)
        let t0 = pcsc.needsT0Handling
        let channel =
            trace
            ? withT0Handling(TracingChannel(counted, protocolLabel: pcsc.protocolLabel, sink: traceLine), t0)
            : withT0Handling(counted, t0)

        if let count = `repeat` {
            let clock = ContinuousClock()
            let start = clock.now
            try await card.withTransaction {
                for _ in 0..<count {
                    for command in commands { _ = try await channel.transmit(command) }
                }
            }
            let elapsed = start.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let total = counted.count
            let rate = Double(total) / seconds
            print(
                "\(total) APDUs in \(String(format: "%.3f", seconds)) s: \(Int(rate.rounded())) APDU/s,"
                    + " \(String(format: "%.1f", seconds / Double(total) * 1e6)) µs per round trip")
            return
        }
        try await card.withTransaction {
            for command in commands {
                print(try await channel.transmit(command).description)
            }
        }
    }
}

/// `channel` in a ``T0Channel`` when the reader negotiated T=0.
private func withT0Handling(_ channel: some CardChannel, _ t0: Bool) -> any CardChannel {
    t0 ? T0Channel(channel) : channel
}

/// Counts round trips (GET RESPONSEs included when under ``T0Channel``) without formatting
/// trace lines, so `--repeat` measures the transport.
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

/// `3B8C` → `3B 8C`.
private func spaced(_ hex: String) -> String {
    var pairs: [Substring] = []
    var rest = hex[...]
    while !rest.isEmpty {
        pairs.append(rest.prefix(2))
        rest = rest.dropFirst(2)
    }
    return pairs.joined(separator: " ")
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
