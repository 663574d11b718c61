import Synchronization

/// One EMPI writer at a time in this process, held from the start of a write transaction until
/// the node's matcher has taken the write's changes (``PostgresPatientIndex/write(_:)``).
///
/// Why: the database's revision lock serialises writers across nodes, but a writer of this node
/// that got it between another local writer's commit and that writer's matcher update saw the
/// revision moved and reloaded every record (8 clients on one node fed 16 records/s at 800
/// records, one client 70/s). Waiting here instead costs nothing: the writes are serial anyway.
///
/// First come, first served; a waiting task is not cancelled (the transaction it waits to run is
/// short, and a write once started is never cut off halfway).
final class LocalWriteLock: Sendable {
    private struct State {
        var held = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Runs `body` holding the lock.
    func withLock<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state -> Bool in
                guard state.held else {
                    state.held = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    /// Hands the lock to the longest waiter, or frees it.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.held = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
