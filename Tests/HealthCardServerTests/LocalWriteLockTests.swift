import Synchronization
import Testing
@testable import HealthCardServer

/// ``LocalWriteLock``: one holder at a time, however many tasks ask at once.
@Suite("one EMPI writer per node")
struct LocalWriteLockTests {
    final class Counts: Sendable {
        let state = Mutex((inside: 0, most: 0, finished: 0))
    }

    @Test("64 tasks that suspend while holding the lock never overlap, and every one runs")
    func mutualExclusion() async throws {
        let lock = LocalWriteLock()
        let counts = Counts()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    try await lock.withLock {
                        counts.state.withLock { $0.inside += 1; $0.most = max($0.most, $0.inside) }
                        try await Task.sleep(for: .milliseconds(1))  // a suspension inside, as a transaction has
                        counts.state.withLock { $0.inside -= 1 }
                    }
                    counts.state.withLock { $0.finished += 1 }
                }
            }
            try await group.waitForAll()
        }
        let (most, finished) = counts.state.withLock { ($0.most, $0.finished) }
        #expect(most == 1)
        #expect(finished == 64)
    }

    @Test("a body that throws releases the lock")
    func releaseOnError() async throws {
        struct Failure: Error {}
        let lock = LocalWriteLock()
        await #expect(throws: Failure.self) { try await lock.withLock { throw Failure() } }
        #expect(await lock.withLock { 7 } == 7)
    }
}
