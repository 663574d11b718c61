import Foundation
import Synchronization

/// Runs asynchronous code to its end on the calling thread, as that code's task executor: every
/// job of the task (its actors' too, the default ones such as `TerminalSession`) runs here, and
/// none on Swift's cooperative pool.
///
/// Why: the card reader's worker (``CardReaderInput``) drives a `TerminalSession`, an async API
/// whose PC/SC calls (`SCardConnect`, `SCardTransmit`) block for as long as the card and pcscd
/// take. On the cooperative pool (two threads on this machine) a slow or silent card would hold
/// threads every other task needs; on the worker's own thread it holds only that thread.
final class CallingThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var finished = false

    private init() {}

    /// Runs `body` as a task that prefers this thread, serving its jobs here, and returns its
    /// result once it ended. Blocks the calling thread: call it only on a thread of your own.
    static func run<Result: Sendable>(_ body: @escaping @Sendable () async -> Result) -> Result {
        let executor = CallingThreadExecutor()
        let result = Mutex<Result?>(nil)
        Task(executorPreference: executor) {
            let value = await body()
            result.withLock { $0 = value }
            executor.finish()
        }
        executor.serve()
        // `finish()` runs only after the result was stored.
        return result.withLock { $0! }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    /// Runs the jobs as they come until the task has finished and no job is left.
    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty && !finished { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
