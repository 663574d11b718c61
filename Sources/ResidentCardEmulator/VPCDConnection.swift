import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
import HealthCardFoundation
import ResidentCard
#endif

/// A virtual card attached to vpcd (vsmartcard's IFD driver inside pcscd), so that every PC/SC
/// program sees it in a real reader slot: `hcard emulate` runs the virtual health card on slot 0
/// (`Virtual PCD 00 00`, port 35963) and the virtual SAM on slot 1 (`00 01`, port 35964).
///
/// The card is a TCP *client* of vpcd. Every message in both directions is a 2-byte big-endian
/// length and that many bytes. From vpcd, a 1-byte message is control: `00` power off, `01`
/// power on, `02` reset (never answered: vpcd reads no reply, and one would desynchronise the
/// stream), `04` "send the ATR" (answered with the ATR); anything longer is a command APDU,
/// answered with the response APDU. Closing the socket is removing the card.
///
/// **TCP_QUICKACK.** vpcd writes the length and the payload with two `send()` calls; with Nagle
/// on its side and delayed ACK on ours every message stalls ~40 ms (21 APDU/s). Re-arming
/// `TCP_QUICKACK` before *every* `recv()` (Linux resets it after each ACK) brings a round trip
/// through pcscd to ~0.1 ms. `TCP_NODELAY` on our socket does not help on its own.
///
/// **Persistence.** `onChange` runs after every command that changed the card (``VirtualSmartCard``
/// reports it), *before* the response is sent, so a card "pulled out" right after acknowledging
/// a write has saved it, as a real card's EEPROM would have.
///
/// **Stopping.** ``stop()`` may be called from any thread (a signal handler's queue): it shuts the
/// socket down, the loop in ``run()`` finishes the command in hand and returns. A `final class`
/// with the card and the socket behind locks.

///
/// - SeeAlso: pcsc-virtual-card.md §3 (wire protocol), §2.1 (the 40 ms pitfall).
public final class VPCDConnection<Card: VirtualSmartCard>: Sendable {
    public let host: String
    public let port: UInt16
    private let socketState: Mutex<SocketState>
    private let card: Mutex<Card>
    private let answerToReset: [UInt8]
    private let onChange: (@Sendable (Card) throws -> Void)?
    private let trace: (@Sendable (String) -> Void)?
    private let stopAfter: Int?
    private let stallAfter: Int?
    private let commands = Atomic<Int>(0)

    private struct SocketState {
        var fd: Int32
        var closed = false
        var stopping = false
    }

    /// Connects to vpcd at `host:port`; the card counts as inserted from here on.
    ///
    /// - Parameters:
    ///   - answerToReset: the ATR to announce, if not the card's own (a T=0-only ATR for `--t0`).
    ///   - onChange: runs after each command that changed the card, with the new card, before the
    ///     response goes out. An error from it is reported on the trace and the response is still sent.
    ///   - trace: receives a GlobalPlatformPro-style line per command and response.
    ///   - card: the virtual card to serve.
    ///   - host: the host vpcd listens on (loopback by default).
    ///   - port: vpcd's port: 35963 for its first reader.
    ///   - stopAfter: after answering this many APDUs, detach as if the card were pulled out.
    ///   - stallAfter: after answering this many APDUs, answer nothing more (the connection stays
    ///     open) until stopped, as a card or reader that hangs (tests).
    /// - Throws: ``VPCDError`` naming the fix when nothing listens at `host:port`.
    public init(
        card: Card, host: String = "127.0.0.1", port: UInt16, answerToReset: [UInt8]? = nil,
        onChange: (@Sendable (Card) throws -> Void)? = nil, trace: (@Sendable (String) -> Void)? = nil,
        stopAfter: Int? = nil, stallAfter: Int? = nil
    ) throws(VPCDError) {
        self.host = host
        self.port = port
        self.card = Mutex(card)
        self.answerToReset = answerToReset ?? card.answerToReset
        self.onChange = onChange
        self.trace = trace
        self.stopAfter = stopAfter
        self.stallAfter = stallAfter
        let fd = try Self.connect(host: host, port: port)
        self.socketState = Mutex(SocketState(fd: fd))
    }

    deinit {
        closeSocket()
    }

    /// The card as it is now.
    public var currentCard: Card { card.withLock { $0 } }

    /// Command APDUs answered so far.
    public var commandCount: Int { commands.load(ordering: .relaxed) }

    /// Detaches the card: wakes ``run()``, which returns ``VPCDDetachReason/stopped`` after the command in
    /// hand. Safe from any thread, any number of times.
    public func stop() {
        socketState.withLock { state in
            state.stopping = true
            if !state.closed { _ = shutdown(state.fd, Int32(SHUT_RDWR)) }
        }
    }

    // MARK: Serving

    /// Serves vpcd until stopped, until the `stopAfter` limit, or until vpcd closes; blocking.
    /// Closes the socket before returning.
    public func run() throws(VPCDError) -> VPCDDetachReason {
        defer { closeSocket() }
        while true {
            if isStopping { return .stopped }
            let message: [UInt8]
            do {
                guard let header = try receive(2) else { return isStopping ? .stopped : .closedByVPCD }
                let length = Int(header[0]) << 8 | Int(header[1])
                guard let body = try receive(length) else { return isStopping ? .stopped : .closedByVPCD }
                message = body
            } catch {
                if isStopping { return .stopped }
                throw error
            }
            if message.count == 1 {
                do {
                    try control(message[0])
                } catch {
                    if isStopping { return .stopped }  // stop() shut the socket during the reply
                    throw error
                }
                continue
            }
            let start = ContinuousClock.now
            if let trace { trace(Self.commandLine(message)) }
            let (response, changed) = card.withLock { $0.respond(to: message) }
            if let changed = changed ? currentCard : nil, let onChange {
                do { try onChange(changed) } catch { trace?("# saving the card failed: \(error)") }
            }
            if let trace { trace(Self.responseLine(response, since: start)) }
            do {
                try send(response)
            } catch {
                if isStopping { return .stopped }
                throw error
            }
            let answered = commands.add(1, ordering: .relaxed).newValue
            if let stopAfter, answered >= stopAfter {
                trace?("# stopping after \(answered) APDUs (--stop-after)")
                return .limitReached
            }
            if let stallAfter, answered >= stallAfter {
                trace?("# answering nothing more after \(answered) APDUs (--stall-after)")
                while !isStopping { Thread.sleep(forTimeInterval: 0.05) }
                return .stopped
            }
        }
    }

    /// ``run()`` on a thread of its own (it blocks for the card's whole life in the reader).
    public func serve() async throws -> VPCDDetachReason {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do { continuation.resume(returning: try self.run()) } catch { continuation.resume(throwing: error) }
            }
            thread.name = "vpcd:\(port)"
            thread.start()
        }
    }

    private var isStopping: Bool { socketState.withLock { $0.stopping } }

    private func control(_ byte: UInt8) throws(VPCDError) {
        switch byte {
        case 0x00, 0x01, 0x02:
            card.withLock { $0.reset() }
            trace?("# vpcd: \(byte == 0 ? "power off" : byte == 1 ? "power on" : "reset")")
        case 0x04:
            try send(answerToReset)
        default:
            trace?("# vpcd: unknown control byte \(byte), ignored")
        }
    }

    private static func commandLine(_ bytes: [UInt8]) -> String {
        guard let command = try? CommandAPDU(bytes: bytes) else { return "A>> vpcd (raw) \(Hex.encode(bytes))" }
        return APDUTraceFormat.commandLine(command, protocolLabel: "vpcd")
    }

    private static func responseLine(_ bytes: [UInt8], since start: ContinuousClock.Instant) -> String {
        guard let response = try? ResponseAPDU(bytes: bytes) else { return "A<< (raw) \(Hex.encode(bytes))" }
        return APDUTraceFormat.responseLine(response, elapsed: ContinuousClock.now - start)
    }

    // MARK: Socket

    private var socket: Int32 { socketState.withLock { $0.fd } }

    private func closeSocket() {
        socketState.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            _ = close(state.fd)
        }
    }

    /// Exactly `count` bytes, or `nil` at end of stream. Re-arms TCP_QUICKACK before each recv.
    private func receive(_ count: Int) throws(VPCDError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        let fd = socket
        while filled < count {
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
            let received = buffer.withUnsafeMutableBytes { raw in
                recv(fd, raw.baseAddress! + filled, count - filled, 0)
            }
            if received == 0 { return nil }
            if received < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == ECONNRESET { return nil }  // vpcd gone, same as a close
                throw .io("receiving from vpcd at \(host):\(port)", errno: code)
            }
            filled += received
        }
        return buffer
    }

    /// One message: the 2-byte length and the payload in a single send.
    private func send(_ payload: [UInt8]) throws(VPCDError) {
        let message = [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
        let socket = self.socket
        var sent = 0
        while sent < message.count {
            let result = message.withUnsafeBytes { raw in
                Glibc.send(socket, raw.baseAddress! + sent, message.count - sent, Int32(MSG_NOSIGNAL))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw .io("sending to vpcd at \(host):\(port)", errno: errno)
            }
            sent += result
        }
    }

    private static func connect(host: String, port: UInt16) throws(VPCDError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let lookup = getaddrinfo(host, String(port), &hints, &list)
        guard lookup == 0, let list else {
            throw VPCDError(
                host: host, port: port,
                message: "cannot resolve vpcd host '\(host)': \(String(cString: gai_strerror(lookup)))")
        }
        defer { freeaddrinfo(list) }
        var lastErrno: Int32 = ECONNREFUSED
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let address = entry {
            entry = address.pointee.ai_next
            let fd = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard fd >= 0 else {
                lastErrno = errno
                continue
            }
            if Glibc.connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 {
                var one: Int32 = 1
                _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            lastErrno = errno
            _ = close(fd)
        }
        throw VPCDError.cannotConnect(host: host, port: port, errno: lastErrno)
    }
}

/// Why ``VPCDConnection/run()`` returned.
public enum VPCDDetachReason: Hashable, Sendable {
    /// ``VPCDConnection/stop()`` was called (Ctrl-C, SIGTERM, or the other slot ended).
    case stopped
    /// The `stopAfter` APDU limit was reached: the card "was pulled out" (tests).
    case limitReached
    /// vpcd closed the connection: pcscd stopped.
    case closedByVPCD
}

/// `hcard emulate` could not reach vpcd, or lost it; the message names the fix.
public struct VPCDError: Error, Hashable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: UInt16
    public let message: String

    public init(host: String, port: UInt16, message: String) {
        self.host = host
        self.port = port
        self.message = message
    }

    public var description: String { message }

    static func cannotConnect(host: String, port: UInt16, errno code: Int32) -> Self {
        let reason = String(cString: strerror(code))
        return Self(
            host: host, port: port,
            message: "cannot connect to vpcd at \(host):\(port): start pcscd (pcscd -f &) with vsmartcard-vpcd"
                + " installed (\(reason); vpcd listens on 35963 for slot 0 and 35964 for slot 1)")
    }

    static func io(_ what: String, errno code: Int32) -> Self {
        Self(host: "", port: 0, message: "\(what) failed: \(String(cString: strerror(code)))")
    }
}

/// Turns SIGINT and SIGTERM (and SIGHUP) into a call, so a program can detach its cards, save
/// and exit 0 instead of dying mid-command. Keep the watch alive as long as the handler should
/// run; the signals' default action is replaced while it exists.
///
/// Built on `DispatchSource.makeSignalSource`: the handler runs on a dispatch queue, not in the
/// async-signal context, so it may take locks and do I/O.
public final class TerminationSignalWatch: @unchecked Sendable {
    // DispatchSource objects are thread-safe; they are only created here and cancelled in deinit.
    private let sources: [any DispatchSourceSignal]

    /// - Parameter handler: receives the signal's name (`"SIGTERM"`); called for every delivery.
    public init(_ handler: @escaping @Sendable (String) -> Void) {
        let queue = DispatchQueue(label: "hcard.signals")
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(name) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
