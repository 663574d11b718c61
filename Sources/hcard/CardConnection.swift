import ArgumentParser
import Foundation
import HealthCardCore

/// Where the card is: a card image (the virtual card, with the virtual SAM) or a PC/SC reader.
/// Shared by `hcard read`, `write` and `erase`.
struct CardTargetOptions: ParsableArguments {
    @Option(help: "A card image file: runs the real session against the virtual card and the virtual test SAM.")
    var image: String?

    @Option(help: "PC/SC reader holding the card (without --image). Default: the only reader with a card.")
    var reader: String?

    @Option(help: "PC/SC reader holding the SAM. Without one, only the issuer data (DDF1/EF05) can be read.")
    var samReader: String?

    @Option(help: "SAM PIN as hex digits (default: the virtual SAM's test PIN 123456).")
    var samPin: String?

    @Option(help: "Where the card diversification factor sits in the ATR: \(CardFactorSource.allCases.map(\.rawValue).joined(separator: ", ")).")
    var cardFactor: CardFactorSource = .lastEightHistoricalBytes

    @Flag(help: "Print every APDU and status word to standard error (PIN bytes masked).")
    var trace = false

    func validate() throws {
        if image != nil, reader != nil { throw ValidationError("give --image or --reader, not both") }
        if let samPin, (try? Hex.decode(samPin)) == nil { throw ValidationError("--sam-pin must be hex digits, e.g. 123456") }
    }

    var configuration: TerminalSession.Configuration {
        var configuration = TerminalSession.Configuration()
        configuration.cardFactorSource = cardFactor
        configuration.samPIN = samPin.flatMap { try? Hex.decode($0) } ?? VirtualSAM.testPIN
        return configuration
    }
}

extension CardFactorSource: ExpressibleByArgument {}

extension CardTargetOptions {
    /// Opens the card these options name: the image through ``EmulatedTerminal`` (changes saved
    /// at once), else the readers through ``PCSCTerminal`` (transaction, reset on release, T=0,
    /// SAM discovery). `--trace` sends the lines to standard error.
    func open() throws -> TerminalConnection {
        let sink: TraceSink? = trace ? traceLine : nil
        if let image { return try EmulatedTerminal.open(imageAt: image, configuration: configuration, trace: sink) }
        return try PCSCTerminal.open(card: reader, sam: samReader, configuration: configuration, trace: sink)
    }
}

/// Trace lines go to standard error so that `--json` output stays clean.
@Sendable func traceLine(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
