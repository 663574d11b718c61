internal import CPCSCLite
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
import HealthCardFoundation
#endif

/// A connection to the PC/SC resource manager (pcscd): the readers it sees, waiting for a card,
/// and connecting to one.
///
/// A final class that owns the `SCARDCONTEXT` and releases it in `deinit` (after
/// swift-crypto's `AEADContext`). Calls on the context are serialised with a lock, because
/// pcsc-lite does not promise that one context may be used from several threads at once; only
/// ``cancel()`` bypasses the lock, since its purpose is to interrupt a blocked wait.
///
/// Errors are ``ReaderError``s naming the fix: "pcscd is not running: start it with …" when
/// pcscd is down (`SCARD_E_NO_SERVICE`), "no reader …" when it sees no reader.
///
/// - SeeAlso: pcsc-virtual-card.md §4 (the C API), §2 (pcscd + vpcd).
public final class PCSCContext: Sendable {
    let handle: SCARDCONTEXT
    private let lock = Mutex(())

    /// Establishes a system-scope context (`SCardEstablishContext`).
    ///
    /// - Throws: ``ReaderError/Code/serviceUnavailable`` when pcscd is not running. The client
    ///   library finds pcscd through `/run/pcscd/pcscd.comm`, or `$PCSCLITE_CSOCK_NAME` if set.
    public init() throws(ReaderError) {
        var handle = SCARDCONTEXT()
        do {
            try pcsc_check(SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &handle))
        } catch {
            throw .from(error, call: "SCardEstablishContext", reader: nil)
        }
        self.handle = handle
    }

    deinit {
        SCardReleaseContext(handle)
    }

    /// The readers' names in pcscd's order (`Virtual PCD 00 00`, `Virtual PCD 00 01`); empty when
    /// pcscd sees no reader.
    public func readerNames() throws(ReaderError) -> [String] {
        do {
            return try lock.withLock { _ throws(PCSCError) in try listReaders() }
        } catch {
            throw .from(error, call: "SCardListReaders", reader: nil)
        }
    }

    private func listReaders() throws(PCSCError) -> [String] {
        var length = DWORD(0)
        let first = SCardListReaders(handle, nil, nil, &length)
        if first == SCARD_E_NO_READERS_AVAILABLE { return [] }
        try pcsc_check(first)
        var buffer = [CChar](repeating: 0, count: Int(length))
        let second = SCardListReaders(handle, nil, &buffer, &length)
        if second == SCARD_E_NO_READERS_AVAILABLE { return [] }
        try pcsc_check(second)
        // A multi-string: "A\0B\0\0".
        return buffer.prefix(Int(length)).split(separator: 0).map {
            String(decoding: $0.map(UInt8.init), as: UTF8.self)
        }
    }

    /// Every reader's current state: whether a card is in it, and its ATR.
    public func readerStates() throws(ReaderError) -> [ReaderState] {
        let names = try readerNames()
        guard !names.isEmpty else { return [] }
        do {
            return try lock.withLock { _ throws(PCSCError) in
                try statusChange(names, current: names.map { _ in DWORD(SCARD_STATE_UNAWARE) }, timeout: 0).map(\.0)
            }
        } catch {
            throw .from(error, call: "SCardGetStatusChange", reader: names.count == 1 ? names[0] : nil)
        }
    }

    /// Waits until a card is present in `reader` (`SCardGetStatusChange`), and returns its state.
    /// Returns at once if a card is already there.
    ///
    /// The wait runs on its own thread, so it does not block Swift's cooperative pool; cancelling
    /// the task calls `SCardCancel`.
    ///
    /// - Throws: ``ReaderError/Code/timeout`` after `timeout` (`nil`: wait forever).
    public func waitForCard(in reader: String, timeout: Duration? = nil) async throws(ReaderError) -> ReaderState {
        try await offThePool { () throws(ReaderError) in try self.waitForCardBlocking(in: reader, timeout: timeout) }
    }

    /// Waits until `reader` is empty, e.g. after the card was pulled out or `hcard emulate` stopped.
    public func waitForRemoval(from reader: String, timeout: Duration? = nil) async throws(ReaderError)
        -> ReaderState
    {
        try await offThePool { () throws(ReaderError) in try self.waitForRemovalBlocking(from: reader, timeout: timeout) }
    }

    /// ``waitForCard(in:timeout:)`` on the calling thread, which it blocks until a card is
    /// present or `timeout` is over: for a worker on a thread of its own (the checkpoint
    /// station's card reader), never for code on Swift's cooperative pool.
    ///
    /// - Throws: ``ReaderError/Code/timeout`` after `timeout` (`nil`: wait forever).
    public func waitForCardBlocking(in reader: String, timeout: Duration?) throws(ReaderError) -> ReaderState {
        try blockingWait(for: reader, timeout: timeout, what: "a card") { $0.cardPresent && !$0.mute }.get()
    }

    /// ``waitForRemoval(from:timeout:)`` on the calling thread, blocking it (see
    /// ``waitForCardBlocking(in:timeout:)``).
    public func waitForRemovalBlocking(from reader: String, timeout: Duration?) throws(ReaderError) -> ReaderState {
        try blockingWait(for: reader, timeout: timeout, what: "the card to be removed") { !$0.cardPresent }.get()
    }

    /// Interrupts a wait in progress (`SCardCancel`); the wait throws ``PCSCError/cancelled``.
    public func cancel() {
        SCardCancel(handle)
    }

    /// Runs a blocking wait on a Dispatch thread, not on the caller's (cooperative) thread;
    /// cancelling the task calls `SCardCancel`.
    private func offThePool(
        _ wait: @escaping @Sendable () throws(ReaderError) -> ReaderState
    ) async throws(ReaderError) -> ReaderState {
        let result: Result<ReaderState, ReaderError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: Result { () throws(ReaderError) in try wait() })
                }
            }
        } onCancel: {
            self.cancel()
        }
        return try result.get()
    }

    private func blockingWait(
        for reader: String, timeout: Duration?, what: String, until done: (ReaderState) -> Bool
    ) -> Result<ReaderState, ReaderError> {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        var current = DWORD(SCARD_STATE_UNAWARE)
        while true {
            var milliseconds = DWORD(INFINITE)
            if let deadline {
                let (seconds, attoseconds) = max(clock.now.duration(to: deadline), .zero).components
                milliseconds = DWORD(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
            }
            do {
                let (state, event) = try lock.withLock { _ throws(PCSCError) in
                    try statusChange([reader], current: [current], timeout: milliseconds)[0]
                }
                if done(state) { return .success(state) }
                current = event & ~DWORD(SCARD_STATE_CHANGED)
            } catch .timeout {
                return .failure(.timeout(reader, waitingFor: what))
            } catch {
                return .failure(.from(error, call: "SCardGetStatusChange", reader: reader))
            }
        }
    }

    /// One `SCardGetStatusChange` call; returns each reader's state and raw event state.
    private func statusChange(
        _ names: [String], current: [DWORD], timeout: DWORD
    ) throws(PCSCError) -> [(ReaderState, DWORD)] {
        let cNames = names.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        var states = zip(cNames, current).map { (name, state) -> SCARD_READERSTATE in
            var entry = SCARD_READERSTATE()
            entry.szReader = UnsafePointer(name)
            entry.dwCurrentState = state
            return entry
        }
        try pcsc_check(SCardGetStatusChange(handle, timeout, &states, DWORD(states.count)))
        return zip(names, states).map { (name, entry) -> (ReaderState, DWORD) in
            let event = entry.dwEventState
            let present = event & DWORD(SCARD_STATE_PRESENT) != 0
            let atr = withUnsafeBytes(of: entry.rgbAtr) { Array($0.prefix(Int(entry.cbAtr))) }
            let state = ReaderState(
                name: name, cardPresent: present, answerToReset: present && !atr.isEmpty ? atr : nil,
                exclusive: event & DWORD(SCARD_STATE_EXCLUSIVE) != 0, mute: event & DWORD(SCARD_STATE_MUTE) != 0)
            return (state, event)
        }
    }

    /// Connects to the card in `reader` (`SCardConnect`, shared mode).
    ///
    /// - Parameters:
    ///   - reader: the reader's PC/SC name.
    ///   - protocols: the protocols the caller can speak; the reader picks one the card's ATR
    ///     offers. A T=0 card must then be driven through `T0Channel`.
    ///
    /// Another program sharing the reader may reset the card between `SCardConnect` and the first
    /// `SCardStatus` (`SCARD_W_RESET_CARD`). A new connection has no state to lose, so it connects
    /// again, up to ``connectAttempts`` times, rather than report a card that never left.
    /// - Throws: ``ReaderError`` "no card in reader …", "reader … not available", "in exclusive use".
    public func connect(to reader: String, protocols: PCSCProtocols = [.t0, .t1]) throws(ReaderError) -> PCSCCard {
        var attempt = 1
        while true {
            var card = SCARDHANDLE()
            var active = DWORD(0)
            do {
                try lock.withLock { _ throws(PCSCError) in
                    try pcsc_check(
                        SCardConnect(handle, reader, DWORD(SCARD_SHARE_SHARED), DWORD(protocols.rawValue), &card, &active))
                }
            } catch {
                throw .from(error, call: "SCardConnect", reader: reader)
            }
            do {
                return try PCSCCard(context: self, handle: card, reader: reader, activeProtocol: PCSCProtocol(active))
            } catch where error.underlyingError == .resetCard && attempt < Self.connectAttempts {
                attempt += 1
            }
        }
    }

    /// How often ``connect(to:protocols:)`` connects when another program resets the card meanwhile.
    public static let connectAttempts = 3
}

/// The transmission protocols a caller accepts in ``PCSCContext/connect(to:protocols:)``.
public struct PCSCProtocols: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let t0 = Self(rawValue: UInt32(SCARD_PROTOCOL_T0))
    public static let t1 = Self(rawValue: UInt32(SCARD_PROTOCOL_T1))
}

/// The protocol a connection runs: decides the PCI passed to `SCardTransmit` and whether the
/// caller needs `T0Channel`.
public enum PCSCProtocol: Hashable, Sendable, CustomStringConvertible {
    case t0, t1, raw, undefined

    init(_ value: DWORD) {
        switch value {
        case DWORD(SCARD_PROTOCOL_T0): self = .t0
        case DWORD(SCARD_PROTOCOL_T1): self = .t1
        case DWORD(SCARD_PROTOCOL_RAW): self = .raw
        default: self = .undefined
        }
    }

    /// `"T=0"`, `"T=1"`: what `TracingChannel` shows after `A>>`.
    public var description: String {
        switch self {
        case .t0: "T=0"
        case .t1: "T=1"
        case .raw: "RAW"
        case .undefined: "T=?"
        }
    }
}
