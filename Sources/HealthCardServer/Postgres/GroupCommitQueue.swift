import Synchronization

/// Group commit: requests that arrive while this node's writer is busy wait here and are then
/// written together, by one task, in one transaction (Docs/serve.md §8, "Group commit of
/// feeds").
///
/// Why: EMPI writes are serialised on the revision lock across all nodes, and a durable
/// PostgreSQL pays a disk flush per commit, so one request per transaction caps a whole cluster
/// at about one commit's time per request. Taking the requests that queued up during one
/// transaction into the next costs them no extra wait and shares one lock, one flush and one
/// matcher catch-up among them.
///
/// How: a request is appended to the queue. If no task is draining it, the request's own task
/// becomes the drainer; otherwise it waits for its answer. The drainer takes the node's write
/// lock, then up to ``limit`` requests from the front of the queue — its own first, with all
/// that queued while it waited for the lock — runs them with `run` and releases the lock. It then
/// hands the drainer's turn to the task of the first request still queued (or ends the draining
/// when none is), answers the others of its batch, and returns its own answer. So each task
/// drains at most one batch, always one holding its own request; batches are taken in arrival
/// order; and other writers of the node, queued on the same lock, get their turn between two
/// batches. No task is started for it and none waits on a thread.
final class GroupCommitQueue<Item: Sendable, Answer: Sendable>: Sendable {
    /// The largest batch: bounds the transaction's length (and so the wait of other nodes' writers
    /// for the revision lock) and the answers held back until its commit.
    let limit: Int

    private struct State {
        var queued: [(item: Item, slot: Slot)] = []
        /// Whether a task is draining; while `false` the queue is empty.
        var draining = false
        /// The largest batch taken so far.
        var largest = 0
    }

    private let state = Mutex(State())

    init(limit: Int) {
        precondition(limit > 0, "a batch holds at least one request")
        self.limit = limit
    }

    /// How many requests wait (the drainer's own included until its batch is taken).
    var queuedCount: Int { state.withLock { $0.queued.count } }

    /// The largest batch taken so far.
    var largestBatch: Int { state.withLock { $0.largest } }

    /// Queues `item`, and returns its answer once the batch holding it has run: `run` gets the
    /// batch in arrival order, under `lock`, and returns one result per item, in that order.
    func submit(
        _ item: Item, lock: LocalWriteLock, run: @Sendable ([Item]) async -> [Result<Answer, any Error>]
    ) async throws -> Answer {
        let slot = Slot()
        let drains = state.withLock { state -> Bool in
            state.queued.append((item, slot))
            if state.draining { return false }
            state.draining = true
            return true
        }
        if !drains, case .answered(let result) = await slot.turn() { return try result.get() }
        // This task drains one batch; its own request is first in the queue.
        var batch: [(item: Item, slot: Slot)] = []
        var results: [Result<Answer, any Error>] = []
        await lock.withLock {
            batch = state.withLock { state in
                let taken = Array(state.queued.prefix(limit))
                state.queued.removeFirst(taken.count)
                state.largest = max(state.largest, taken.count)
                return taken
            }
            results = await run(batch.map(\.item))
        }
        if results.count != batch.count {
            let error = AnswerCountMismatch(batch: batch.count, answers: results.count)
            results = batch.map { _ in .failure(error) }
        }
        let next = state.withLock { state -> Slot? in
            guard let first = state.queued.first else {
                state.draining = false
                return nil
            }
            return first.slot
        }
        next?.give(.drain)
        for (entry, result) in zip(batch, results).dropFirst() { entry.slot.give(.answered(result)) }
        return try results[0].get()
    }

    /// What a waiting request is told: its answer, or that its task drains the next batch.
    enum Turn: Sendable {
        case answered(Result<Answer, any Error>)
        case drain
    }

    /// One waiting request's turn, given once, waited for once.
    final class Slot: Sendable {
        private struct State {
            var turn: Turn?
            var waiter: CheckedContinuation<Turn, Never>?
        }

        private let state = Mutex(State())

        func turn() async -> Turn {
            await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
                let ready = state.withLock { state -> Turn? in
                    guard let turn = state.turn else {
                        state.waiter = continuation
                        return nil
                    }
                    return turn
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }

        func give(_ turn: Turn) {
            let waiter = state.withLock { state -> CheckedContinuation<Turn, Never>? in
                state.turn = turn
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: turn)
        }
    }
}

/// A batch run that did not answer every request of its batch (a defect): every request of the
/// batch gets this error rather than someone else's answer.
struct AnswerCountMismatch: Error, CustomStringConvertible {
    let batch: Int
    let answers: Int
    var description: String { "a batch of \(batch) requests gave \(answers) answers" }
}
