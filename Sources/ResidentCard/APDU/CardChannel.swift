import HealthCardFoundation

/// Something that carries command APDUs to a card and brings the response back: a PC/SC reader,
/// vpcd, an NFC session, or a scripted fake in tests.
///
/// The core defines only this protocol; implementations that touch devices live in
/// `HealthCardCore/System` (`PCSCCardChannel`), so everything above it is testable without a
/// reader (after gematik's `CardChannelType`). Behaviour that is protocol logic rather
/// than I/O is layered on as wrappers: ``T0Channel`` (GET RESPONSE / Le correction) and
/// ``TracingChannel`` (logging, APDU counts).
///
/// Contract:
/// - `transmit` returns whatever status word the card sent; it throws only when no response was
///   received (reader removed, socket closed). Status words are data: interpret them
///   per command with ``StatusWordInterpretation`` or ``ResponseAPDU/check(after:context:)``.
/// - Commands are sent one at a time in call order; a channel is not required to support
///   concurrent `transmit` calls, so callers that share one must serialise (an `actor` does).
/// - `async` because a card exchange takes from 0.1 ms (vpcd) to tens of milliseconds.
public protocol CardChannel: Sendable {
    func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU
}

extension CardChannel {
    /// Transmits `command` and checks the status word for it (``ResponseAPDU/check(after:context:)``).
    ///
    /// Returns the response for every accepted outcome, including `6282` end-of-data and warnings.
    /// Throws ``CardCommandError`` when the card refused the command, and also for a `61xx`/`6Cxx`
    /// that reached this far, because that means a T=0 card is used without ``T0Channel``.
    public func transmitChecked(
        _ command: CommandAPDU, context: CardCommandContext = .init()
    ) async throws -> ResponseAPDU {
        let response = try await transmit(command)
        let kind = CardCommandKind(command)
        switch try response.check(after: command, context: context) {
        case .success, .endOfData, .warning:
            return response
        case .moreDataAvailable, .wrongLe:
            throw CardCommandError(
                command: kind, statusWord: response.statusWord,
                message: "\(response.statusWord.description) after \(kind.name): this is a T=0 card;"
                    + " wrap the channel in T0Channel")
        }
    }
}
