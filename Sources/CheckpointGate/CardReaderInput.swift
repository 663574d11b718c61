import Foundation
import HealthCardFoundation
import ResidentCard
import ResidentCardPCSC
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A PC/SC reader where people insert (or tap) their resident health card: each card is read
/// once, through the same `TerminalSession` as `hcard read` (`PCSCTerminal.open`: a transaction
/// for the read, the card reset on release), for its card number (DDF1/EF05 item 8,
/// health-card.md §4.1, free to read) and its holder's ID number (DDF1/EF06 item 15, §4.2, read
/// after external authentication with the SAM's key RK_DDF1, §7.4).
///
/// Why a thread of its own: waiting for a card (`SCardGetStatusChange`) and reading it (some
/// thirty card and SAM APDUs, each a blocking `SCardTransmit`) take as long as the card or pcscd
/// take. The gate's one-thread loop must keep serving the scanners, the thermometer and the
/// door's timer meanwhile, and Swift's cooperative pool must not be held either: the worker
/// waits with the blocking PC/SC calls on its own thread and runs the (async) session there too
/// (`ThreadExecutor.runOnCallingThread`). It posts each outcome into a queue and makes ``descriptor``
/// readable, which the loop polls.
///
/// Fail closed: a read that does not finish (the card pulled out mid-read, no SAM, a wrong SAM
/// PIN, a card without a card number or ID number) is posted as ``Outcome/failed(reason:)``,
/// which the station logs as an `unreadable` denial; the door stays closed. A read still going
/// after `readTimeout` (a card or reader that does not answer) is posted as failed by
/// ``take()`` — the worker itself is stuck in PC/SC — and its result, should it come, is dropped.
/// A pcscd that is not running or a reader that is missing is reported in the device health and
/// retried every second. After a card was read, the next read waits until the reader has been
/// empty: a card left in the reader is one presentation, not one per second.
final class CardReaderInput: @unchecked Sendable {
    /// What one inserted card gave.
    enum Outcome: Sendable, Hashable {
        /// The card number (EF05) and the holder's ID number (EF06), trimmed, not yet validated.
        case card(cardNumber: String, idNumber: String)
        /// The card could not be read completely; nothing about it may be used.
        case failed(reason: String)
    }

    /// The worker's state, shared with the station's loop.
    private struct Shared {
        var outcomes: [Outcome] = []
        var health = "starting"
        /// When the read in progress started (`nil`: none), and whether ``take()`` already gave
        /// it up as timed out.
        var reading: (since: ContinuousClock.Instant, reader: String, abandoned: Bool)?
        var stopping = false
        var running = false
    }

    let reader: String
    let samReader: String?
    let samPIN: [UInt8]?
    let readTimeout: Duration
    /// Readable while outcomes wait in the queue.
    let descriptor: Int32
    private let wakeEnd: Int32
    private let shared = Mutex(Shared())

    /// - Parameters:
    ///   - reader: the card reader's PC/SC name, or a unique part of it.
    ///   - samReader: the SAM's reader; `nil` for the one reader holding a recognised SAM.
    ///   - samPIN: the SAM PIN, verified when each read starts; `nil` to verify none.
    ///   - readTimeout: how long one read may take before it is denied.
    init(reader: String, samReader: String?, samPIN: [UInt8]?, readTimeout: Duration = .seconds(10)) {
        self.reader = reader
        self.samReader = samReader
        self.samPIN = samPIN
        self.readTimeout = readTimeout
        var ends: [Int32] = [0, 0]
        _ = pipe(&ends)
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        descriptor = ends[0]
        wakeEnd = ends[1]
    }

    deinit {
        Glibc.close(descriptor)
        Glibc.close(wakeEnd)
    }

    /// The reader's health for the state file: `ok (waiting for a card)`, `down: pcscd is not running …`.
    var health: String { shared.withLock { $0.health } }

    /// Starts the worker thread (once). It holds this input until it ends, a second or so after
    /// ``stop()`` (or, stuck in a card that does not answer, when PC/SC gives up).
    func start() {
        let starts = shared.withLock { state in
            defer { state.running = true }
            return !state.running
        }
        guard starts else { return }
        let thread = Thread { [self] in serve() }
        thread.name = "card reader \(reader)"
        thread.start()
    }

    /// Asks the worker to end; it sees this within a second.
    func stop() {
        shared.withLock { $0.stopping = true }
    }

    private var stopping: Bool { shared.withLock { $0.stopping } }

    /// The outcomes posted since the last call, oldest first; with a failed one for a read that
    /// has been going on for longer than the read timeout.
    func take() -> [Outcome] {
        var byte: UInt8 = 0
        while read(descriptor, &byte, 1) == 1 {}
        let now = ContinuousClock.now
        return shared.withLock { state in
            if let reading = state.reading, !reading.abandoned, reading.since.duration(to: now) > readTimeout {
                state.reading?.abandoned = true
                let reason = "card in '\(reading.reader)' not read within \(readTimeout): the card or the reader does not answer"
                state.outcomes.append(.failed(reason: reason))
                state.health = "down: \(reason) (the read is still hanging)"
            }
            defer { state.outcomes.removeAll() }
            return state.outcomes
        }
    }

    private func post(_ outcome: Outcome) {
        shared.withLock { $0.outcomes.append(outcome) }
        var byte: UInt8 = 1
        _ = write(wakeEnd, &byte, 1)
    }

    private func setHealth(_ text: String) { shared.withLock { $0.health = text } }

    // MARK: The worker (its own thread)

    private func serve() {
        defer { shared.withLock { $0.running = false } }
        while !stopping {
            do {
                let context = try PCSCContext()
                let name = try ReaderSelection.resolve(reader, among: try context.readerStates()).name
                setHealth("ok (waiting for a card in '\(name)')")
                while !stopping {
                    guard try wait(context, name, forCard: true) else { continue }
                    // Without its SAM no holder can be read: wait for it rather than refuse
                    // every card (a card left in the reader is read when the SAM is back).
                    if let samReader {
                        while !stopping, try !samPresent(samReader, context) {
                            setHealth("down: no SAM in reader '\(samReader)': cards are not read until it is back")
                            Thread.sleep(forTimeInterval: 0.2)
                        }
                    }
                    if stopping { break }
                    setHealth("ok (reading the card in '\(name)')")
                    shared.withLock { $0.reading = (ContinuousClock.now, name, false) }
                    let outcome = ThreadExecutor.runOnCallingThread { await self.readCard(in: name) }
                    let abandoned = shared.withLock { state in
                        defer { state.reading = nil }
                        return state.reading?.abandoned ?? false
                    }
                    // A read given up as timed out was already denied: its late result is no presentation.
                    if !abandoned { post(outcome) }
                    // One presentation per insertion: the next read after the reader was empty.
                    while !stopping {
                        if try wait(context, name, forCard: false) { break }
                    }
                    setHealth("ok (waiting for a card in '\(name)')")
                }
            } catch {
                setHealth("down: \(errorText(error))")
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    /// Waits at most a second for a card (or for the reader to be empty), blocking this thread;
    /// `false` on timeout, so the worker sees ``stop()`` within a second.
    private func wait(_ context: PCSCContext, _ name: String, forCard: Bool) throws -> Bool {
        do {
            if forCard {
                _ = try context.waitForCardBlocking(in: name, timeout: .seconds(1))
            } else {
                _ = try context.waitForRemovalBlocking(from: name, timeout: .seconds(1))
            }
            return true
        } catch where error.code == .timeout {
            return false
        }
    }

    private func samPresent(_ samReader: String, _ context: PCSCContext) throws -> Bool {
        try ReaderSelection.resolve(samReader, among: try context.readerStates()).cardPresent
    }

    /// Reads one card: the card number, then the holder's ID number.
    func readCard(in name: String) async -> Outcome {
        do {
            var configuration = TerminalSession.Configuration()
            configuration.samPIN = samPIN
            let connection = try PCSCTerminal.open(card: name, sam: samReader, configuration: configuration)
            let issuer = try await connection.session.readIssuer()
            guard let cardNumber = Self.trimmed(issuer.cardNumber) else {
                return .failed(reason: "the card in '\(name)' has no card number (DDF1/EF05)")
            }
            let holder = try await connection.session.read(HolderRecord.self)
            guard let idNumber = Self.trimmed(holder.idNumber) else {
                return .failed(reason: "the card in '\(name)' has no holder ID number (DDF1/EF06)")
            }
            return .card(cardNumber: cardNumber, idNumber: idNumber)
        } catch {
            return .failed(reason: "card in '\(name)' not read: \(errorText(error))")
        }
    }

    static func trimmed(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\0"))), !text.isEmpty
        else { return nil }
        return text
    }
}
