import Synchronization
import Testing
@testable import HealthCardServer

/// ``GroupCommitQueue``: every request answered once, with its own answer, by batches that keep
/// the arrival order, never exceed the limit and never overlap (each runs under the lock).
@Suite("group commit queue")
struct GroupCommitQueueTests {
    struct Odd: Error, Equatable { let item: Int }

    final class Log: Sendable {
        let state = Mutex((batches: [[Int]](), inside: 0, most: 0, allQueued: false))
    }

    @Test("300 requests at once: each gets its own answer or its own refusal, in batches of at most 8")
    func answersAndBatches() async throws {
        let queue = GroupCommitQueue<Int, Int>(limit: 8)
        let lock = LocalWriteLock()
        let log = Log()
        let answers = await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
            for item in 0..<300 {
                group.addTask {
                    do {
                        let answer = try await queue.submit(item, lock: lock) { queued in
                            let batch = queued.items
                            log.state.withLock { $0.batches.append(batch); $0.inside += 1; $0.most = max($0.most, $0.inside) }
                            try? await Task.sleep(for: .milliseconds(1))  // a transaction's suspension
                            log.state.withLock { $0.inside -= 1 }
                            return batch.map { $0 % 7 == 3 ? .failure(Odd(item: $0)) : .success($0 * 2) }
                        }
                        return (item, .success(answer))
                    } catch {
                        return (item, .failure(error))
                    }
                }
            }
            var answers: [Int: Result<Int, any Error>] = [:]
            for await (item, result) in group { answers[item] = result }
            return answers
        }
        #expect(answers.count == 300)
        for (item, result) in answers {
            switch result {
            case .success(let value): #expect(item % 7 != 3 && value == item * 2, "\(item)")
            case .failure(let error): #expect(item % 7 == 3 && (error as? Odd) == Odd(item: item), "\(item)")
            }
        }
        let (batches, most) = log.state.withLock { ($0.batches, $0.most) }
        #expect(most == 1, "batches overlapped")
        #expect(batches.allSatisfy { !$0.isEmpty && $0.count <= 8 })
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<300), "every request in exactly one batch")
        #expect(queue.queuedCount == 0)
    }

    @Test("requests queued while the lock is held are taken together, up to the limit, in arrival order")
    func queuedTogether() async throws {
        let queue = GroupCommitQueue<Int, Int>(limit: 5)
        let lock = LocalWriteLock()
        let log = Log()
        let waiting = try await lock.withLock {
            let waiting = Task {
                await withTaskGroup(of: Void.self) { group in
                    for item in 0..<12 {
                        group.addTask {
                            _ = try? await queue.submit(item, lock: lock) { queued in
                                let batch = queued.items
                                log.state.withLock { $0.batches.append(batch) }
                                return batch.map { .success($0) }
                            }
                        }
                        // One at a time, so the arrival order is known. Once all are queued the
                        // test lets the batches run, and the queue empties: the last item's wait
                        // must end then too (it used to wait for a count the queue had left behind).
                        while queue.queuedCount < item + 1, !log.state.withLock({ $0.allQueued }) {
                            try? await Task.sleep(for: .milliseconds(1))
                        }
                    }
                }
            }
            while queue.queuedCount < 12 { try await Task.sleep(for: .milliseconds(1)) }
            log.state.withLock { $0.allQueued = true }
            return waiting
        }
        await waiting.value
        let batches = log.state.withLock { $0.batches }
        #expect(batches == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]])
        #expect(queue.largestBatch == 5)
    }
}
