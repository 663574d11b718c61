import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A command run to its end from a test (`hcard`, `openssl`, `zbarimg`, `sqlite3`, …), waited for
/// on threads of its own.
///
/// Why not `Process.waitUntilExit()` in the test itself: Swift Testing runs every test, synchronous
/// ones included, on Swift's cooperative thread pool, which has one thread per core — two on CI. A
/// test blocked in a child process or a sleep holds one of them, and with a few such tests at once
/// the asynchronous tests (PostgreSQL, servers, stations) get no thread for tens of seconds and
/// miss their deadlines: CI failed that way, a PostgreSQL test that takes 0.4 s alone hitting the
/// 30 s operation limit. So tests wait for children here, with `await`, and never block.
///
/// Children run a few at a time (``slots``): with every test running at once and none blocked,
/// hundreds of `hcard` processes would otherwise start together and starve everything else of CPU
/// and memory.
public enum ChildProcess {
    /// How many children run at once: one per core (at least 2), beside the pool's own threads.
    /// Others wait their turn.
    public static let slots = Slots(limit: max(2, ProcessInfo.processInfo.activeProcessorCount))

    /// What the command printed and how it ended.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: String
        /// From the child's start to its end: not the wait for a slot before it.
        public var duration: Duration
        /// Whether the child was killed (`SIGKILL`) because it outlived the run's `timeout`.
        public var timedOut = false
        /// `stdout` decoded as UTF-8 (invalid bytes replaced).
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments` in `directory`, feeds it `stdin` (then end of file;
    /// `nil`: `/dev/null`) and waits for it to end. `environment` is added to this process's.
    /// `throttled: false` skips the wait for a slot: only for a test whose children must be
    /// alive at the same moment (several writers on one file). A child still running `timeout`
    /// after its start is killed (`SIGKILL`) and the output says so (``Output/timedOut``): a
    /// guard against a hung child, not a measure of speed.
    public static func run(
        _ executable: URL, _ arguments: [String], stdin: [UInt8]? = nil, in directory: URL? = nil,
        environment: [String: String] = [:], throttled: Bool = true, timeout: Duration? = nil
    ) async throws -> Output {
        if throttled { await slots.acquire() }
        let output = try await onOwnThread {
            Result {
                try runWaiting(
                    executable, arguments, stdin: stdin, in: directory, environment: environment, timeout: timeout)
            }
        }
        if throttled { await slots.release() }
        return try output.get()
    }

    /// A counting semaphore for tasks: ``acquire()`` suspends (never blocks a thread) until one
    /// of `limit` slots is free; first come, first served.
    public actor Slots {
        private var free: Int
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(limit: Int) { free = limit }

        public func acquire() async {
            if free > 0 {
                free -= 1
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        public func release() {
            if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
        }
    }

    /// ``run(_:_:stdin:in:environment:throttled:timeout:)`` on the calling thread, blocking it
    /// until the child ends.
    static func runWaiting(
        _ executable: URL, _ arguments: [String], stdin: [UInt8]?, in directory: URL?, environment: [String: String],
        timeout: Duration? = nil
    ) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        let start = ContinuousClock.now
        try process.run()
        let watchdog = timeout.map { Watchdog(process, after: $0) }
        // Both streams are drained at once (stderr on a thread of its own): a child that fills
        // one pipe while the other is being read would otherwise never end.
        let stderrData = Drain(err.fileHandleForReading)
        if let input, let stdin {
            let writer = input.fileHandleForWriting
            Thread { writer.write(Data(stdin)); try? writer.close() }.start()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: Array(stdoutData),
            stderr: String(decoding: stderrData.wait(), as: UTF8.self), duration: ContinuousClock.now - start,
            timedOut: watchdog?.stop() ?? false)
    }

    /// Kills a child that is still running `limit` after the watchdog was set, on a thread of its
    /// own; ``stop()`` (once the child has ended) says whether it had to.
    private final class Watchdog: @unchecked Sendable {
        private let condition = NSCondition()
        private var stopped = false
        private var fired = false

        init(_ process: Process, after limit: Duration) {
            let deadline = Date().addingTimeInterval(
                Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18)
            let child = UncheckedSendable(process)
            Thread { [self] in
                condition.lock()
                defer { condition.unlock() }
                while !stopped && condition.wait(until: deadline) {}
                if !stopped && child.value.isRunning {
                    fired = true
                    kill(child.value.processIdentifier, SIGKILL)
                }
            }.start()
        }

        /// Ends the watch; whether the child was killed.
        func stop() -> Bool {
            condition.lock()
            defer { condition.unlock() }
            stopped = true
            condition.signal()
            return fired
        }
    }

    /// A pipe read to its end on a thread of its own.
    private final class Drain: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()

        init(_ handle: FileHandle) {
            Thread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }.start()
        }

        /// Everything read, once the writer has closed the pipe.
        func wait() -> Data {
            done.wait()
            return data
        }
    }
}

/// Runs `body` on a new thread and waits for its result without holding a thread of Swift's
/// cooperative pool (see ``ChildProcess`` for why tests must not block that pool).
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

extension Process {
    /// Waits for the process to end (after `terminate()` or on its own) without holding a thread
    /// of the cooperative pool.
    public func waitForExit() async {
        let process = UncheckedSendable(self)
        _ = try? await onOwnThread { process.value.waitUntilExit() }
    }
}

extension DispatchSemaphore {
    /// `wait(timeout:)` without holding a thread of the cooperative pool: `.success` once
    /// signalled, `.timedOut` after `limit`.
    public func wait(within limit: Duration) async -> DispatchTimeoutResult {
        let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        return (try? await onOwnThread { self.wait(timeout: .now() + seconds) }) ?? .timedOut
    }
}

/// A value handed to another thread whose type is not `Sendable` but is used by one thread at a
/// time (a `Process` the test only waits for).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
