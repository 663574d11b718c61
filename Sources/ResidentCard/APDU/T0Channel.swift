import HealthCardFoundation

/// A ``CardChannel`` wrapper that applies the T=0 response rules, so code above it sees complete
/// responses whatever the transmission protocol (health-card.md §6: "on T=0 use GET RESPONSE
/// after 61xx"; ISO/IEC 7816-4:2005 §5.1.3 and the T=0 case mapping of ISO/IEC 7816-3):
///
/// - `61xx` "xx bytes available": send GET RESPONSE `00 C0 00 00 xx`, append its data, and
///   repeat while the card keeps answering `61xx`. The final status word is the last one.
/// - `6Cxx` "wrong Le, exact length xx": resend the same command once with Le = `xx`
///   (also for a GET RESPONSE inside the chain).
///
/// A wrapper rather than logic inside the PC/SC channel because the SAM needs it too (it answers
/// `80 FA` with `6110`, health-card.md §7.4), vpcd can simulate either protocol, and it can be tested
/// with a scripted channel. Harmless on T=1: a T=1 card never sends `61xx`/`6Cxx` for these
/// commands. Put a ``TracingChannel`` *under* this one to see (and count) the extra APDUs.
///
/// Extended-length commands over T=0 (ENVELOPE) are out of scope: the health card needs none.
public struct T0Channel<Base: CardChannel>: CardChannel {
    public let base: Base
    /// Upper bound on GET RESPONSE rounds for one command, so a card stuck answering `61xx`
    /// cannot loop forever. 256 rounds of 256 bytes cover the largest response (65536 bytes).
    public let maxGetResponseRounds: Int

    public init(_ base: Base, maxGetResponseRounds: Int = 256) {
        self.base = base
        self.maxGetResponseRounds = maxGetResponseRounds
    }

    public func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        var response = try await transmitCorrectingLe(command)
        guard response.statusWord.bytesAvailable != nil else { return response }

        var data = response.data
        var rounds = 0
        while let available = response.statusWord.bytesAvailable {
            rounds += 1
            guard rounds <= maxGetResponseRounds else {
                throw HealthCardError.malformed(
                    "card still answers \(response.statusWord.hex) after \(maxGetResponseRounds) GET RESPONSE"
                        + " rounds for \(CardCommandKind(command).name) (\(data.count) bytes so far)")
            }
            response = try await transmitCorrectingLe(try HealthCardCommand.getResponse(ne: available))
            data += response.data
        }
        return ResponseAPDU(data: data, statusWord: response.statusWord)
    }

    /// Sends `command`; on `6Cxx` sends it once more with Le = `xx`.
    private func transmitCorrectingLe(_ command: CommandAPDU) async throws -> ResponseAPDU {
        let response = try await base.transmit(command)
        guard let length = response.statusWord.correctLength, command.ne != length else { return response }
        return try await base.transmit(try command.with(ne: length))
    }
}
