import Foundation
import HealthCardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import CheckpointGate

/// What the card reader's worker relies on: async code run through ``CallingThreadExecutor``
/// runs every job on the calling thread — after a suspension, and inside a default actor (as
/// `TerminalSession` is) — so its blocking PC/SC calls never land on Swift's cooperative pool.
@Suite("CallingThreadExecutor: async code, actors included, runs on the calling thread")
struct CallingThreadExecutorTests {
    /// A default actor that records the thread each of its steps ran on.
    actor Recorder {
        private var threads: [UInt] = []
        func step() async throws -> [UInt] {
            threads.append(Self.threadName())
            try await Task.sleep(for: .milliseconds(5))
            threads.append(Self.threadName())
            return threads
        }

        /// The POSIX thread (`Thread.current` is not reliable in async code).
        nonisolated static func threadName() -> UInt { UInt(pthread_self()) }
    }

    @Test("every job of the task, the actor's included, runs on the worker thread; the result comes back")
    func runsOnCallingThread() async throws {
        let (worker, threads, result) = try await onOwnThread { () -> (UInt, [UInt], Int) in
            let worker = Recorder.threadName()
            let (threads, result) = CallingThreadExecutor.run { () async -> ([UInt], Int) in
                let recorder = Recorder()
                let before = Recorder.threadName()
                var inActor: [UInt] = []
                for _ in 0..<3 { inActor = (try? await recorder.step()) ?? [] }
                let after = Recorder.threadName()
                return ([before] + inActor + [after], 42)
            }
            return (worker, threads, result)
        }
        #expect(result == 42)
        #expect(threads.count == 8, "\(threads)")
        #expect(threads.allSatisfy { $0 == worker }, "worker \(worker), jobs on \(threads)")
    }
}
