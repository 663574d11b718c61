import Foundation
import HealthCardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import HealthCardFoundation

/// What the server's request threads and the gate's card reader worker rely on: async code that
/// prefers a ``ThreadExecutor`` runs every job on the executor's threads — after a suspension, and
/// inside a default actor (as `TerminalSession` is) — so its blocking calls never land on Swift's
/// cooperative pool.
@Suite("ThreadExecutor: async code, actors included, runs on the executor's own threads")
struct ThreadExecutorTests {
    /// Where a job ran: its POSIX thread (`Thread.current` is not reliable in async code).
    struct Place: Hashable, Sendable {
        let thread: UInt

        static func here() -> Place { Place(thread: UInt(pthread_self())) }
    }

    /// A default actor that records where each of its steps ran.
    actor Recorder {
        private var places: [Place] = []
        func step() async throws -> [Place] {
            places.append(.here())
            try await Task.sleep(for: .milliseconds(5))
            places.append(.here())
            return places
        }
    }

    /// Three actor steps, with where the task itself ran before, between and after them.
    static func steps() async -> [Place] {
        let recorder = Recorder()
        var places = [Place.here()]
        var inActor: [Place] = []
        for _ in 0..<3 {
            inActor = (try? await recorder.step()) ?? []
            places.append(.here())
        }
        return places + inActor
    }

    @Test("runOnCallingThread: every job of the task, the actor's included, runs on the calling thread; the result comes back")
    func runsOnCallingThread() async throws {
        let (worker, places) = try await onOwnThread { () -> (UInt, [Place]) in
            (Place.here().thread, ThreadExecutor.runOnCallingThread { await Self.steps() })
        }
        #expect(places.count == 10, "\(places)")
        #expect(places.allSatisfy { $0.thread == worker }, "worker \(worker), jobs on \(places)")
    }

    @Test("threads: tasks that prefer the executor run every job, the actor's included, on its threads, none on the pool")
    func runsOnItsThreads() async throws {
        let executor = ThreadExecutor(threads: 3, name: "test-executor")
        func places(_ preference: ThreadExecutor?) async -> [Place] {
            await withTaskGroup(of: [Place].self) { group in
                for _ in 0..<8 { group.addTask(executorPreference: preference) { await Self.steps() } }
                return await group.reduce(into: [Place]()) { $0 += $1 }
            }
        }
        let onExecutor = Set(await places(executor).map(\.thread))
        let onPool = Set(await places(nil).map(\.thread))
        #expect(!onExecutor.isEmpty && onExecutor.count <= 3, "\(onExecutor)")
        #expect(onExecutor.isDisjoint(with: onPool), "executor \(onExecutor), pool \(onPool)")
    }
}
