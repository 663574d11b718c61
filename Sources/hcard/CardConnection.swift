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

/// An open session and what closing it must do.
struct CardConnection {
    let session: TerminalSession
    /// APDUs sent to the card so far.
    let apduCount: @Sendable () -> Int

    /// Opens the card named by `options`. For an image, every change is saved at once
    /// (atomically), as a real card keeps what it acknowledged.
    static func open(_ options: CardTargetOptions) async throws -> CardConnection {
        guard let path = options.image else {
            return try await openReader(options)
        }
        let card = try EmulatedCardChannel.lockedImage(at: path)
        let sam = EmulatedCardChannel(try VirtualSAM.test())
        let traced = TracingChannel(card, sink: options.trace ? traceLine : ignoreLine)
        let session = TerminalSession(
            card: traced, atr: try card.answerToReset, sam: APDUSecureAccessModule(channel: sam),
            configuration: options.configuration)
        return CardConnection(session: session, apduCount: { traced.apduCount })
    }
}

@Sendable func ignoreLine(_ line: String) {}

/// Trace lines go to standard error so that `--json` output stays clean.
@Sendable func traceLine(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
