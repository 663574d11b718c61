internal import CPCSCLite
import HealthCardFoundation

/// A PC/SC return code (`SCARD_E_…`, `SCARD_W_…`, `SCARD_F_…`) from libpcsclite, as a value.
///
/// A `RawRepresentable` struct over the return code rather than an enum: pcsc-lite can return
/// codes this file does not name, and they still print (with `pcsc_stringify_error`'s text).
/// The raw value is the code as an `Int`, whatever width the platform's `LONG` has (8 bytes on
/// Linux, 4 on macOS), so `0x80100003` compares equal everywhere. Compare with the named statics,
/// never with hard-coded signed 32-bit values.
///
/// This is the low-level half of the error design (after swift-system's `Errno`):
/// every C call is checked where it is made and converted at once. The error a person sees is a
/// ``ReaderError``, which names the reader and says what to do, with this as its cause.
///
/// - SeeAlso: pcsc-lite `pcsclite.h`; Microsoft "Smart Card Return Values".
public struct PCSCError: RawRepresentable, Error, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    init(_ code: LONG) { self.rawValue = Int(code) }

    /// `SCARD_E_CANCELLED`: ``PCSCContext/cancel()`` interrupted a wait.
    public static let cancelled = Self(SCARD_E_CANCELLED)
    /// `SCARD_E_INVALID_HANDLE`: the context or card handle is no longer valid (pcscd restarted).
    public static let invalidHandle = Self(SCARD_E_INVALID_HANDLE)
    /// `SCARD_E_INSUFFICIENT_BUFFER`: the receive buffer was too small.
    public static let insufficientBuffer = Self(SCARD_E_INSUFFICIENT_BUFFER)
    /// `SCARD_E_UNKNOWN_READER`: no reader has that name.
    public static let unknownReader = Self(SCARD_E_UNKNOWN_READER)
    /// `SCARD_E_TIMEOUT`: a wait ran out.
    public static let timeout = Self(SCARD_E_TIMEOUT)
    /// `SCARD_E_SHARING_VIOLATION`: another program holds the card exclusively.
    public static let sharingViolation = Self(SCARD_E_SHARING_VIOLATION)
    /// `SCARD_E_NO_SMARTCARD`: the reader is empty.
    public static let noSmartcard = Self(SCARD_E_NO_SMARTCARD)
    /// `SCARD_E_PROTO_MISMATCH`: the card does not offer the requested protocol.
    public static let protocolMismatch = Self(SCARD_E_PROTO_MISMATCH)
    /// `SCARD_E_NOT_READY`: reader or card not ready.
    public static let notReady = Self(SCARD_E_NOT_READY)
    /// `SCARD_F_COMM_ERROR`: pcscd and the client library lost each other.
    public static let communicationError = Self(SCARD_F_COMM_ERROR)
    /// `SCARD_E_NOT_TRANSACTED`: the reader driver could not exchange the APDU (card gone mid-command).
    public static let notTransacted = Self(SCARD_E_NOT_TRANSACTED)
    /// `SCARD_E_READER_UNAVAILABLE`: the reader was unplugged or its driver failed.
    public static let readerUnavailable = Self(SCARD_E_READER_UNAVAILABLE)
    /// `SCARD_E_NO_SERVICE`: pcscd is not running (or its socket is not where the client looks).
    public static let noService = Self(SCARD_E_NO_SERVICE)
    /// `SCARD_E_SERVICE_STOPPED`: pcscd stopped while we were connected.
    public static let serviceStopped = Self(SCARD_E_SERVICE_STOPPED)
    /// `SCARD_E_NO_READERS_AVAILABLE`: pcscd runs but sees no reader.
    public static let noReadersAvailable = Self(SCARD_E_NO_READERS_AVAILABLE)
    /// `SCARD_W_UNSUPPORTED_CARD`: the reader cannot talk to the card (ATR conflict).
    public static let unsupportedCard = Self(SCARD_W_UNSUPPORTED_CARD)
    /// `SCARD_W_UNRESPONSIVE_CARD`: the card does not answer the reset.
    public static let unresponsiveCard = Self(SCARD_W_UNRESPONSIVE_CARD)
    /// `SCARD_W_UNPOWERED_CARD`: the card has no power.
    public static let unpoweredCard = Self(SCARD_W_UNPOWERED_CARD)
    /// `SCARD_W_RESET_CARD`: another program reset the card; its security state is gone.
    public static let resetCard = Self(SCARD_W_RESET_CARD)
    /// `SCARD_W_REMOVED_CARD`: the card left the reader.
    public static let removedCard = Self(SCARD_W_REMOVED_CARD)

    private static let names: [Int: String] = [
        cancelled.rawValue: "SCARD_E_CANCELLED", invalidHandle.rawValue: "SCARD_E_INVALID_HANDLE",
        insufficientBuffer.rawValue: "SCARD_E_INSUFFICIENT_BUFFER", unknownReader.rawValue: "SCARD_E_UNKNOWN_READER",
        timeout.rawValue: "SCARD_E_TIMEOUT", sharingViolation.rawValue: "SCARD_E_SHARING_VIOLATION",
        noSmartcard.rawValue: "SCARD_E_NO_SMARTCARD", protocolMismatch.rawValue: "SCARD_E_PROTO_MISMATCH",
        notReady.rawValue: "SCARD_E_NOT_READY", communicationError.rawValue: "SCARD_F_COMM_ERROR",
        notTransacted.rawValue: "SCARD_E_NOT_TRANSACTED", readerUnavailable.rawValue: "SCARD_E_READER_UNAVAILABLE",
        noService.rawValue: "SCARD_E_NO_SERVICE", serviceStopped.rawValue: "SCARD_E_SERVICE_STOPPED",
        noReadersAvailable.rawValue: "SCARD_E_NO_READERS_AVAILABLE",
        unsupportedCard.rawValue: "SCARD_W_UNSUPPORTED_CARD", unresponsiveCard.rawValue: "SCARD_W_UNRESPONSIVE_CARD",
        unpoweredCard.rawValue: "SCARD_W_UNPOWERED_CARD", resetCard.rawValue: "SCARD_W_RESET_CARD",
        removedCard.rawValue: "SCARD_W_REMOVED_CARD",
    ]

    /// The constant's name, e.g. `"SCARD_E_NO_SERVICE"`, or `nil` for a code not named here.
    public var name: String? { Self.names[rawValue] }

    /// The code as pcsc-lite's documentation prints it: `0x8010001D`.
    public var hex: String {
        let digits = String(UInt32(truncatingIfNeeded: rawValue), radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// `SCARD_E_NO_SERVICE (0x8010001D): Service not available.`
    public var description: String {
        let text = String(cString: pcsc_stringify_error(LONG(truncatingIfNeeded: rawValue)))
        return "\(name ?? "PC/SC error") (\(hex)): \(text)"
    }

    /// Whether the code means the card is gone (or powered down) rather than a fault of the call.
    public var meansCardGone: Bool {
        [Self.removedCard, .noSmartcard, .unpoweredCard, .notTransacted, .resetCard, .readerUnavailable]
            .contains(self)
    }
}

/// Checks a PC/SC return code where the call is made (after swift-system's `valueOrErrno`).
@inline(__always)
func pcsc_check(_ code: LONG) throws(PCSCError) {
    guard code == SCARD_S_SUCCESS else { throw PCSCError(code) }
}

/// What went wrong with a reader or its card, in words a field engineer can act on, with the
/// PC/SC code that caused it (if any).
///
/// A struct over an extensible ``Code`` (an error with an underlying cause): the CLI prints
/// ``description``; programs match ``code``. Equality compares the code only, so tests write
/// `#expect(throws: ReaderError.noCard(reader: "")) { … }`.
public struct ReaderError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// pcscd is not running (or not reachable).
        public static let serviceUnavailable = Code("serviceUnavailable")
        /// pcscd runs but has no reader.
        public static let noReaders = Code("noReaders")
        /// No reader has the name given.
        public static let unknownReader = Code("unknownReader")
        /// The reader (or every reader) is empty.
        public static let noCard = Code("noCard")
        /// Cards sit in several readers and none was named.
        public static let ambiguousReader = Code("ambiguousReader")
        /// The card left the reader (or lost power) during an operation.
        public static let cardRemoved = Code("cardRemoved")
        /// Another program holds the card exclusively.
        public static let readerBusy = Code("readerBusy")
        /// The card does not answer the reset, or the reader cannot talk to it.
        public static let cardUnresponsive = Code("cardUnresponsive")
        /// A wait for a card ran out.
        public static let timeout = Code("timeout")
        /// Any other PC/SC failure.
        public static let failed = Code("failed")
    }

    public let code: Code
    /// The reader concerned, when there is one.
    public let reader: String?
    /// The full message: what happened and what to do.
    public let message: String
    /// The PC/SC return code behind it, when a PC/SC call failed.
    public let underlyingError: PCSCError?

    public init(code: Code, reader: String?, message: String, underlyingError: PCSCError? = nil) {
        self.code = code
        self.reader = reader
        self.message = message
        self.underlyingError = underlyingError
    }

    public var description: String {
        guard let underlyingError else { return message }
        return "\(message) [\(underlyingError.name ?? underlyingError.hex)]"
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension ReaderError {
    public static func serviceUnavailable(_ cause: PCSCError? = .noService) -> Self {
        Self(
            code: .serviceUnavailable, reader: nil,
            message: "pcscd is not running: start it with `pcscd` (as root; in a container `pcscd -f &`,"
                + " with systemd `systemctl start pcscd.socket`), then check the readers with `hcard readers`",
            underlyingError: cause)
    }

    public static func noReaders() -> Self {
        Self(
            code: .noReaders, reader: nil,
            message: "no reader: pcscd runs but sees no PC/SC reader; plug one in (check with `pcsc_scan`), or install"
                + " vsmartcard-vpcd and restart pcscd for the virtual readers that `hcard emulate` uses")
    }

    public static func unknownReader(_ name: String, available: [String]) -> Self {
        Self(
            code: .unknownReader, reader: name,
            message: "no reader named '\(name)'; readers: \(available.map { "'\($0)'" }.joined(separator: ", "))")
    }

    /// `reader` is empty; `purpose` says what was expected in it ("card", "SAM").
    public static func noCard(reader: String, purpose: String = "card") -> Self {
        Self(
            code: .noCard, reader: reader,
            message: "no \(purpose) in reader '\(reader)': insert the \(purpose)"
                + " (for the virtual readers start `hcard emulate --image card.img`)")
    }

    /// No reader holds a usable card; `readers` describes each (`'Virtual PCD 00 00' (empty)`).
    public static func noCardInAnyReader(_ readers: [String]) -> Self {
        Self(
            code: .noCard, reader: nil,
            message: "no card in any reader (\(readers.joined(separator: ", "))): insert the card, or name the reader"
                + " with --reader")
    }

    public static func ambiguous(_ readers: [String]) -> Self {
        Self(
            code: .ambiguousReader, reader: nil,
            message: "cards in \(readers.count) readers (\(readers.map { "'\($0)'" }.joined(separator: ", ")));"
                + " choose one with --reader (and the SAM with --sam-reader)")
    }

    /// The card left `reader` during `operation`.
    public static func cardRemoved(reader: String, during operation: String, cause: PCSCError? = nil) -> Self {
        Self(
            code: .cardRemoved, reader: reader,
            message: "card removed from reader '\(reader)' during \(operation): put it back and repeat the operation",
            underlyingError: cause)
    }

    public static func readerBusy(_ reader: String, cause: PCSCError? = .sharingViolation) -> Self {
        Self(
            code: .readerBusy, reader: reader,
            message: "the card in reader '\(reader)' is in exclusive use by another program: close that program"
                + " (or wait for it) and retry",
            underlyingError: cause)
    }

    public static func cardUnresponsive(_ reader: String, cause: PCSCError?) -> Self {
        Self(
            code: .cardUnresponsive, reader: reader,
            message: "the card in reader '\(reader)' does not answer: take it out and insert it again the right way"
                + " round; if it still fails the card or its chip contacts are faulty",
            underlyingError: cause)
    }

    public static func timeout(_ reader: String, waitingFor what: String) -> Self {
        Self(code: .timeout, reader: reader, message: "gave up waiting for \(what) in reader '\(reader)'",
            underlyingError: .timeout)
    }

    /// Turns the PC/SC code of a failed `call` into the reader error a person can act on.
    public static func from(_ error: PCSCError, call: String, reader: String?, operation: String? = nil) -> Self {
        let name = reader ?? "?"
        switch error {
        case .noService, .serviceStopped, .communicationError:
            return .serviceUnavailable(error)
        case .noReadersAvailable:
            return .noReaders()
        case .unknownReader, .readerUnavailable:
            if let operation, error == .readerUnavailable {
                return .cardRemoved(reader: name, during: operation, cause: error)
            }
            return Self(
                code: .unknownReader, reader: reader,
                message: "reader '\(name)' is not available (unplugged?): list the readers with `hcard readers`",
                underlyingError: error)
        case .noSmartcard where operation == nil:
            return .noCard(reader: name)
        case .sharingViolation:
            return .readerBusy(name, cause: error)
        case .unresponsiveCard, .unsupportedCard:
            return .cardUnresponsive(name, cause: error)
        case _ where error.meansCardGone:
            return .cardRemoved(reader: name, during: operation ?? call, cause: error)
        default:
            return Self(
                code: .failed, reader: reader,
                message: "\(call) failed\(reader.map { " for reader '\($0)'" } ?? ""): \(error)",
                underlyingError: error)
        }
    }
}
