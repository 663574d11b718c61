import ArgumentParser
import Foundation
import HealthCardCore

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
            try printJSON(readers.map(ReaderReport.init))
            return
        }
        guard !readers.isEmpty else { throw ReaderError.noReaders() }
        let width = readers.map(\.name.count).max() ?? 0
        for reader in readers {
            let padded = reader.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let kind = reader.kind
            let atr = reader.answerToReset.map { "  " + Hex.encode($0) } ?? ""
            print("\(padded)  \(kind.padding(toLength: 5, withPad: " ", startingAt: 0))\(atr)".trimmingTrailingSpaces)
        }
    }
}

/// Options naming one reader, for `hcard atr` and `hcard apdu`.
struct SingleReaderOptions: ParsableArguments {
    @Option(help: "PC/SC reader (full name or a unique part of it). Default: the only reader with a card.")
    var reader: String?

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
        if let wait { try await context.waitForCard(named: target.reader, timeout: .milliseconds(Int(wait * 1000))) }
        let card = try PCSCTerminal.connectCard(in: target.reader, context: context)
        defer { card.close() }
        let report = AnswerToResetReport(
            reader: card.reader, atr: try AnswerToReset(card.answerToReset),
            activeProtocol: card.activeProtocol.description)
        if json {
            try printJSON(report)
        } else {
            print(report.text)
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
        let connection = try PCSCTerminal.openRaw(
            reader: target.reader, context: try PCSCContext(), trace: trace ? traceLine : nil)
        let (card, channel) = (connection.card, connection.channel)
        defer { card.close() }

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
            let total = connection.apduCount()
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

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
