internal import CHealthShimsPCSC
internal import CPCSCLite
import Synchronization
import HealthCardFoundation

/// A connection to the card in one PC/SC reader: its protocol, its ATR, APDU exchange and
/// transactions.
///
/// A final class that owns the `SCARDHANDLE`: `deinit` ends a transaction still open
/// and disconnects, so a connection that goes out of scope never leaves the card locked. Every
/// call on the handle is serialised by a lock.
///
/// **Transactions.** The health card keeps its security state (external authentication, the
/// selected file) between APDUs, so a multi-APDU operation must not be interleaved with another
/// program's APDUs. Wrap it in `withTransaction(_:)` (`SCardBeginTransaction` /
/// `SCardEndTransaction`), or call ``beginTransaction()`` to hold the card for the connection's
/// lifetime (the transaction ends when the connection is closed or released).
///
/// **Removal.** When the card leaves the reader during ``transmit(_:operation:)``, the error is
/// ``ReaderError/Code/cardRemoved`` naming the reader and the command, whichever PC/SC code the
/// driver chose to report it with (vpcd reports `SCARD_E_NOT_TRANSACTED`, or success with no
/// bytes at all when the card's socket closed between command and response).
public final class PCSCCard: Sendable {
    /// The reader's name.
    public let reader: String
    /// The protocol the reader negotiated.
    public let activeProtocol: PCSCProtocol
    /// The card's reset response when the connection was made (`SCardStatus`).
    public let answerToReset: [UInt8]

    /// pcsc-lite's `MAX_BUFFER_SIZE_EXTENDED` (a macro expression Swift does not import):
    /// header, extended Lc and Le, 65536 data bytes, SW1 SW2.
    static let extendedBufferSize = 4 + 3 + (1 << 16) + 3 + 2

    private let context: PCSCContext
    private let handle: SCARDHANDLE
    private let state = Mutex(State())

    private struct State {
        var transactionDepth = 0
        var disconnected = false
        var closeDisposition = PCSCDisposition.leave
    }

    init(context: PCSCContext, handle: SCARDHANDLE, reader: String, activeProtocol: PCSCProtocol) throws(ReaderError) {
        self.context = context
        self.handle = handle
        self.reader = reader
        self.activeProtocol = activeProtocol
        var atr = [UInt8](repeating: 0, count: Int(MAX_ATR_SIZE))
        var atrLength = DWORD(atr.count)
        var readerState = DWORD(0)
        var proto = DWORD(0)
        var nameLength = DWORD(0)
        let code = SCardStatus(handle, nil, &nameLength, &readerState, &proto, &atr, &atrLength)
        guard code == SCARD_S_SUCCESS else {
            SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD))
            throw .from(PCSCError(code), call: "SCardStatus", reader: reader, operation: "connecting")
        }
        self.answerToReset = Array(atr.prefix(Int(atrLength)))
    }

    deinit {
        close()
    }

    /// What happens to the card when the connection closes: ``PCSCDisposition/leave`` (default),
    /// or ``PCSCDisposition/reset`` so that no security state the session built up (external
    /// authentication) outlives it for the next program.
    public var dispositionOnClose: PCSCDisposition {
        get { state.withLock { $0.closeDisposition } }
        set { state.withLock { $0.closeDisposition = newValue } }
    }

    /// Ends an open transaction and disconnects with ``dispositionOnClose``. Idempotent; `deinit`
    /// calls it too.
    public func close() {
        state.withLock { state in
            guard !state.disconnected else { return }
            if state.transactionDepth > 0 { SCardEndTransaction(handle, DWORD(SCARD_LEAVE_CARD)) }
            SCardDisconnect(handle, state.closeDisposition.value)
            state.transactionDepth = 0
            state.disconnected = true
        }
    }

    // MARK: Status

    /// Whether the card is still in the reader (`SCardStatus`).
    public func isPresent() -> Bool {
        state.withLock { state in
            guard !state.disconnected else { return false }
            var readerState = DWORD(0)
            var proto = DWORD(0)
            var nameLength = DWORD(0)
            var atrLength = DWORD(0)
            let code = SCardStatus(handle, nil, &nameLength, &readerState, &proto, nil, &atrLength)
            return code == SCARD_S_SUCCESS && readerState & DWORD(SCARD_PRESENT) != 0
        }
    }

    // MARK: Transmit

    /// Sends one command APDU (`SCardTransmit` with the PCI of the active protocol) and returns
    /// the response bytes (data ‖ SW1 SW2).
    ///
    /// The receive buffer is sized for the command: 258 bytes for a short APDU, 65538 (+ slack)
    /// for an extended one, and grown once if the reader reports `SCARD_E_INSUFFICIENT_BUFFER`.
    /// No GET RESPONSE is sent here (pcsc-lite does not do it either): use `T0Channel` on T=0.
    ///
    /// - Parameters:
    ///   - command: the command APDU's bytes.
    ///   - operation: names the command in errors ("during UPDATE BINARY").
    /// - Throws: ``ReaderError/Code/cardRemoved`` when the card left the reader.
    public func transmit(_ command: [UInt8], operation: String = "an APDU exchange") throws(ReaderError) -> [UInt8] {
        let extended = command.count > 261 || (command.count >= 7 && command[4] == 0x00)
        var capacity = extended ? PCSCCard.extendedBufferSize : 258
        var retried = false
        while true {
            let result: Result<[UInt8], PCSCError> = state.withLock { state in
                guard !state.disconnected else { return .failure(.invalidHandle) }
                return Result { () throws(PCSCError) in try pcscTransmit(command, capacity: capacity) }
            }
            switch result {
            case .success(let response) where response.count >= 2:
                return response
            case .success:
                // vpcd answers "success, 0 bytes" when the card's socket closed mid-exchange; a
                // physical reader returning no status word has lost the card too.
                throw .cardRemoved(
                    reader: reader, during: "\(operation) (no status word came back: removed, or it lost contact)")
            case .failure(.insufficientBuffer) where !retried:
                capacity = PCSCCard.extendedBufferSize
                retried = true
            case .failure(let error):
                throw translate(error, call: "SCardTransmit", operation: operation)
            }
        }
    }

    private func pcscTransmit(_ command: [UInt8], capacity: Int) throws(PCSCError) -> [UInt8] {
        var response = [UInt8](repeating: 0, count: capacity)
        var length = DWORD(capacity)
        let pci = activeProtocol == .t0 ? chs_pci_t0() : chs_pci_t1()
        try pcsc_check(SCardTransmit(handle, pci, command, DWORD(command.count), nil, &response, &length))
        response.removeSubrange(Int(length)...)
        return response
    }

    /// A failed call on a connection whose card has gone is "card removed", whatever code the
    /// driver used; otherwise the code decides.
    private func translate(_ error: PCSCError, call: String, operation: String) -> ReaderError {
        if error == .noService || error == .serviceStopped || error == .communicationError {
            return .from(error, call: call, reader: reader, operation: operation)
        }
        if error.meansCardGone || !isPresent() {
            return .cardRemoved(reader: reader, during: operation, cause: error)
        }
        return .from(error, call: call, reader: reader, operation: operation)
    }

    // MARK: Transactions

    /// Starts exclusive access to the card (`SCardBeginTransaction`); nests by counting.
    public func beginTransaction() throws(ReaderError) {
        let result: Result<Void, PCSCError> = state.withLock { state in
            guard !state.disconnected else { return .failure(.invalidHandle) }
            if state.transactionDepth == 0 {
                let code = SCardBeginTransaction(handle)
                guard code == SCARD_S_SUCCESS else { return .failure(PCSCError(code)) }
            }
            state.transactionDepth += 1
            return .success(())
        }
        if case .failure(let error) = result {
            throw translate(error, call: "SCardBeginTransaction", operation: "starting a transaction")
        }
    }

    /// Ends the innermost transaction (`SCardEndTransaction`, leaving the card as it is). Errors
    /// are ignored: after a removal there is nothing left to end.
    public func endTransaction() {
        state.withLock { state in
            guard !state.disconnected, state.transactionDepth > 0 else { return }
            state.transactionDepth -= 1
            if state.transactionDepth == 0 { SCardEndTransaction(handle, DWORD(SCARD_LEAVE_CARD)) }
        }
    }

    /// Runs `body` inside a PC/SC transaction, so no other program's APDUs reach the card in
    /// between; the transaction ends however `body` finishes.
    public func withTransaction<R>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> R
    ) async throws -> R {
        try beginTransaction()
        defer { endTransaction() }
        return try await body()
    }
}

/// What `SCardDisconnect` does to the card.
public enum PCSCDisposition: Hashable, Sendable {
    /// `SCARD_LEAVE_CARD`: leave it powered and as it is.
    case leave
    /// `SCARD_RESET_CARD`: reset it, clearing selected files and authentication.
    case reset
    /// `SCARD_UNPOWER_CARD`: power it down.
    case unpower

    var value: DWORD {
        switch self {
        case .leave: DWORD(SCARD_LEAVE_CARD)
        case .reset: DWORD(SCARD_RESET_CARD)
        case .unpower: DWORD(SCARD_UNPOWER_CARD)
        }
    }
}
