import HealthCardFoundation

/// An open ``TerminalSession`` with the count of APDUs its card has been sent, as the card-stack
/// openers return it (`PCSCTerminal.open` in ResidentCardPCSC, `EmulatedTerminal.open` in
/// ResidentCardEmulator).
///
/// Why the count travels with the session: the channel that counts (``TracingChannel``) sits
/// below the session, where the opener put it, and programs report APDUs per operation.
public struct TerminalConnection: Sendable {
    /// The session over the card (and the SAM, if one was found).
    public let session: TerminalSession
    /// APDUs sent to the card so far (SAM APDUs are not counted).
    public let apduCount: @Sendable () -> Int

    public init(session: TerminalSession, apduCount: @escaping @Sendable () -> Int) {
        self.session = session
        self.apduCount = apduCount
    }
}

/// Where a card opener sends trace lines: each line (no newline), in order; `nil` traces nothing.
public typealias TraceSink = @Sendable (String) -> Void
