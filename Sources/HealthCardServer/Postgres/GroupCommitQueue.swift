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
/// lock and runs `run`, which takes up to ``limit`` requests from the front of the queue when it
/// is ready to write them — its own first, with all that queued while it waited for the locks —
/// and then releases the lock. It then
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

    /// Queues `item`, and returns its answer once the batch holding it has run: `run` runs under
    /// `lock` and takes its batch with ``Batch/items`` — in arrival order, its own request first —
    /// when it is ready to write it (a PostgreSQL batch, once it holds the revision lock, so that
    /// the requests that queued while it waited for that lock join it); it returns one result per
    /// item, in that order. A batch `run` never asked for is taken when it returns.
    func submit(
        _ item: Item, lock: LocalWriteLock, run: @Sendable (Batch) async -> [Result<Answer, any Error>]
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
        let batch = Batch { [self] in
            state.withLock { state in
                let taken = Array(state.queued.prefix(limit))
                state.queued.removeFirst(taken.count)
                state.largest = max(state.largest, taken.count)
                return taken
            }
        }
        var results: [Result<Answer, any Error>] = []
        await lock.withLock { results = await run(batch) }
        let entries = batch.entries
        if results.count != entries.count {
            let error = AnswerCountMismatch(batch: entries.count, answers: results.count)
            results = entries.map { _ in .failure(error) }
        }
        let next = state.withLock { state -> Slot? in
            guard let first = state.queued.first else {
                state.draining = false
                return nil
            }
            return first.slot
        }
        next?.give(.drain)
        for (entry, result) in zip(entries, results).dropFirst() { entry.slot.give(.answered(result)) }
        return try results[0].get()
    }

    /// One drainer's batch, taken from the front of the queue the first time it is asked for
    /// (later asks, such as a retried transaction's, get the same requests).
    final class Batch: Sendable {
        private let take: @Sendable () -> [(item: Item, slot: Slot)]
        private let taken = Mutex<[(item: Item, slot: Slot)]?>(nil)

        init(take: @escaping @Sendable () -> [(item: Item, slot: Slot)]) { self.take = take }

        /// The batch's requests, in arrival order.
        var items: [Item] { entries.map(\.item) }

        fileprivate var entries: [(item: Item, slot: Slot)] {
            taken.withLock { taken in
                if taken == nil { taken = take() }
                return taken!
            }
        }
    }

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
