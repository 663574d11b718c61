import Synchronization
import HealthCardFoundation

/// A ``CardChannel`` wrapper that writes every exchange as a GlobalPlatformPro-style trace line
/// and counts APDUs.
///
/// ```
/// A>> T=1 (4+0002) 00A40000 02 DDF1
/// A<< (0018+2) (12ms) 6F10840C57532E5359532E4444463031A500 9000
/// A>> T=1 (4+0003) 00200000 03 ******
/// ```
/// Command lines show the protocol, `4+Nc` (decimal), the header, then Lc, data and Le as
/// separate groups; response lines show `Nr+2`, the round-trip time and data ‖ SW. This is the
/// format of GlobalPlatformPro/apdu4j's logging terminal, which card engineers read fluently and
/// which diffs well against the vendor `Reader.log` traces (health-card.md §10).
///
/// PINs never reach the sink: the data of VERIFY (`00 20`), CHANGE REFERENCE DATA, RESET RETRY
/// COUNTER and the SAM's CHANGE PIN (`80 5E`) is printed as `**` per byte
/// (``CommandAPDU/description`` does the same). The line format itself is ``APDUTraceFormat``.
///
/// ``apduCount`` counts commands handed to the wrapped channel, including ones that failed in
/// transport; benchmarks use it ("APDUs per card read"). Put this wrapper directly on the
/// transport and ``T0Channel`` on top of it to count GET RESPONSEs too.
///
/// A final class with a `Mutex` (not an actor) because the sink is called synchronously and
/// the counters are read from non-async code; the lock is never held across an `await`.
public final class TracingChannel<Base: CardChannel>: CardChannel {
    public let base: Base
    /// The protocol shown after `A>>`: `"T=0"`, `"T=1"`, `"T=CL"`.
    public let protocolLabel: String
    private let sink: @Sendable (String) -> Void
    private let state = Mutex(Counters())

    private struct Counters {
        var apdus = 0
        var cardTime = Duration.zero
    }

    /// - Parameters:
    ///   - base: the channel to trace.
    ///   - protocolLabel: shown after `A>>`; pass what the reader negotiated.
    ///   - sink: receives each line (without newline), on the calling task, in order.
    public init(_ base: Base, protocolLabel: String = "T=1", sink: @escaping @Sendable (String) -> Void) {
        self.base = base
        self.protocolLabel = protocolLabel
        self.sink = sink
    }

    /// Commands transmitted so far.
    public var apduCount: Int { state.withLock { $0.apdus } }

    /// Total time spent waiting for the wrapped channel.
    public var cardTime: Duration { state.withLock { $0.cardTime } }

    /// Sets ``apduCount`` and ``cardTime`` back to zero (e.g. between benchmark iterations).
    public func resetCounters() { state.withLock { $0 = Counters() } }

    public func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        sink(APDUTraceFormat.commandLine(command, protocolLabel: protocolLabel))
        state.withLock { $0.apdus += 1 }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await base.transmit(command)
            let elapsed = start.duration(to: clock.now)
            state.withLock { $0.cardTime += elapsed }
            sink(APDUTraceFormat.responseLine(response, elapsed: elapsed))
            return response
        } catch {
            let elapsed = start.duration(to: clock.now)
            state.withLock { $0.cardTime += elapsed }
            sink(APDUTraceFormat.errorLine(error, elapsed: elapsed))
            throw error
        }
    }
}

/// The GlobalPlatformPro/apdu4j trace line format used by ``TracingChannel``, as pure functions
/// so that tests and tools (e.g. a log converter) can produce identical lines without a channel.
public enum APDUTraceFormat {
    /// `A>> T=1 (4+0002) 00A40000 02 DDF1`, with PIN data masked.
    public static func commandLine(_ command: CommandAPDU, protocolLabel: String = "T=1") -> String {
        let data = command.carriesSecret ? String(repeating: "**", count: command.nc) : Hex.encode(command.data)
        let groups = [
            Hex.encode([command.cla, command.ins, command.p1, command.p2]),
            Hex.encode(command.lcField), data, Hex.encode(command.leField),
        ]
        let body = groups.filter { !$0.isEmpty }.joined(separator: " ")
        return "A>> \(protocolLabel) (4+\(fourDigits(command.nc))) \(body)"
    }

    /// `A<< (0018+2) (12ms) 6F10… 9000`; without data: `A<< (0000+2) (3ms) 9000`.
    public static func responseLine(_ response: ResponseAPDU, elapsed: Duration) -> String {
        "A<< (\(fourDigits(response.data.count))+2) (\(milliseconds(elapsed))) \(response.description)"
    }

    /// `A<< (12ms) error: <error>` when the transport failed.
    public static func errorLine(_ error: any Error, elapsed: Duration) -> String {
        "A<< (\(milliseconds(elapsed))) error: \(error)"
    }

    /// apdu4j's time format: `12ms`, or `1s234ms` from one second on.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let ms = max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        return ms >= 1000 ? "\(ms / 1000)s\(ms % 1000)ms" : "\(ms)ms"
    }

    private static func fourDigits(_ value: Int) -> String {
        let digits = String(value)
        return digits.count >= 4 ? digits : String(repeating: "0", count: 4 - digits.count) + digits
    }
}
