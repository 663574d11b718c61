import EMPIIndex
import Synchronization

/// A queued feed's record compared with its candidates while its batch waited for the revision
/// lock (`PatientIndex.ComparedRecord`, Docs/serve.md §8): empty until then, and left empty for a
/// feed that joined the batch too late; the match under the lock then compares it whole.
final class FeedComparison: Sendable {
    private let value = Mutex<PatientIndex.ComparedRecord?>(nil)

    /// The comparison, if it was made.
    var compared: PatientIndex.ComparedRecord? { value.withLock { $0 } }

    /// Whether the comparison was made.
    var isMade: Bool { value.withLock { $0 != nil } }

    func keep(_ compared: PatientIndex.ComparedRecord) { value.withLock { $0 = compared } }
}

/// The end of a wait for the revision lock, as work done meanwhile sees it
/// (``PostgresPatientIndex/writeHoldingLocalLock(stamp:whileWaiting:_:)``).
final class LockWait: Sendable {
    private let over = Atomic(false)

    /// Whether the lock is held now: work done meanwhile stops at its next step.
    var isOver: Bool { over.load(ordering: .acquiring) }

    func end() { over.store(true, ordering: .releasing) }

    /// Runs `lock` and `meanwhile` at once; when `lock` returns, tells `meanwhile` to stop
    /// (``isOver``) and waits for it before returning `lock`'s result.
    static func run<T: Sendable>(
        _ lock: () async throws -> T, meanwhile: (@Sendable (LockWait) async -> Void)?
    ) async throws -> T {
        guard let meanwhile else { return try await lock() }
        let wait = LockWait()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await meanwhile(wait) }
            defer { wait.end() }
            let result = try await lock()
            wait.end()
            try await group.waitForAll()
            return result
        }
    }
}
