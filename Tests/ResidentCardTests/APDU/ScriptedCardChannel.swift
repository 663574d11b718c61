import Synchronization
import Testing
@testable import HealthCardFoundation
@testable import ResidentCard


/// A simulated card for tests (STYLE §7): a script of expected command bytes and the response
/// to give for each, consumed strictly in order.
///
/// Anything off-script (wrong bytes, a command after the script ended) records a test issue at
/// the place the channel was created and throws ``Unexpected``, so a test can never pass by
/// accident. Call ``expectFinished()`` at the end to check that every step was used.
///
/// A `Sendable` struct; the cursor lives in a shared `Mutex` so copies (e.g. inside wrappers)
/// consume the same script.
struct ScriptedCardChannel: CardChannel {
    enum Reply: Sendable {
        case bytes([UInt8])
        /// The transport fails (reader removed) instead of answering.
        case transportFailure
    }

    struct Step: Sendable {
        let command: [UInt8]
        let reply: Reply
    }

    /// Thrown for off-script commands and for `.transportFailure` steps.
    struct Unexpected: Error, CustomStringConvertible {
        let description: String
    }

    private final class Script: Sendable {
        struct State {
            var steps: [Step]
            var next = 0
            var sent: [CommandAPDU] = []
        }
        let state: Mutex<State>
        init(_ steps: [Step]) { state = Mutex(State(steps: steps)) }
    }

    private let script: Script
    private let sourceLocation: SourceLocation

    /// `[("00A4000002DDF1", "6F10…9000"), …]`: command hex → response hex (spaces allowed).
    init(_ exchanges: [(command: String, response: String)], sourceLocation: SourceLocation = #_sourceLocation) {
        self.init(
            steps: exchanges.map {
                Step(command: apduTestBytes($0.command), reply: .bytes(apduTestBytes($0.response)))
            },
            sourceLocation: sourceLocation)
    }

    init(steps: [Step], sourceLocation: SourceLocation = #_sourceLocation) {
        self.script = Script(steps)
        self.sourceLocation = sourceLocation
    }

    func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        let bytes = command.bytes
        let step: Step? = script.state.withLock { state in
            state.sent.append(command)
            guard state.next < state.steps.count else { return nil }
            defer { state.next += 1 }
            return state.steps[state.next]
        }
        guard let step else {
            let message = "unexpected command \(Hex.encode(bytes)): the script has ended"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
            throw Unexpected(description: message)
        }
        guard step.command == bytes else {
            let message = "expected command \(Hex.encode(step.command)), got \(Hex.encode(bytes))"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
            throw Unexpected(description: message)
        }
        switch step.reply {
        case .bytes(let response):
            return try ResponseAPDU(bytes: response)
        case .transportFailure:
            throw Unexpected(description: "transport failure (scripted) after \(Hex.encode(bytes))")
        }
    }

    /// Commands received so far, in order (including off-script ones).
    var sentCommands: [CommandAPDU] { script.state.withLock { $0.sent } }

    /// Steps not yet consumed.
    var remainingSteps: Int { script.state.withLock { $0.steps.count - $0.next } }

    /// Records an issue if the script was not fully consumed.
    func expectFinished(sourceLocation: SourceLocation = #_sourceLocation) {
        let remaining = remainingSteps
        #expect(remaining == 0, "\(remaining) scripted exchanges were never sent", sourceLocation: sourceLocation)
    }
}

/// Test-side hex parser: `"00 A4 00 00"` → `[0x00, 0xA4, 0x00, 0x00]`; spaces are ignored.
/// Named distinctively so it cannot clash with helpers elsewhere in the test target.
func apduTestBytes(_ hex: String) -> [UInt8] {
    let digits = hex.filter { !$0.isWhitespace }.map { $0 }
    precondition(digits.count % 2 == 0, "odd number of hex digits in \(hex)")
    return stride(from: 0, to: digits.count, by: 2).map { index in
        guard let byte = UInt8(String(digits[index...index + 1]), radix: 16) else {
            preconditionFailure("not hex: \(hex)")
        }
        return byte
    }
}

/// `count` bytes of a recognisable pattern that depends on the absolute position, so a chunk
/// read from the wrong offset changes the result.
func apduTestPattern(offset: Int, count: Int) -> [UInt8] {
    (offset..<(offset + count)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
}

/// The DDF1 FCI as the trace shows it (health-card.md §2): `6F10 840C "WS.SYS.DDF01" A500`.
let apduTestDDF1FCI = "6F10840C57532E5359532E4444463031A500"
