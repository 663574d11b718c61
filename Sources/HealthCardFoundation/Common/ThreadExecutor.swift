import Foundation
import Synchronization

/// A task executor whose jobs run on threads of one's own, outside Swift's cooperative pool: the
/// jobs wait in one queue, first come first served, until a thread serving the executor takes them.
///
/// Why: some of the package's work is reached from async code and blocks a thread while it waits
/// (an SQLite write for the file's lock, a PC/SC call for the card). The cooperative pool has one
/// thread per core, so such waits would hold threads every other task needs. A task that prefers
/// this executor (`withTaskExecutorPreference`, `Task(executorPreference:)`) runs its jobs, and
/// those of the default actors it calls, on the threads serving it instead. Two shapes:
///
/// - ``init(threads:name:)``: a fixed set of threads that serve for the life of the process
///   (`hcard serve`'s request handlers: `RequestThreads` in `HealthCardServer`);
/// - ``runOnCallingThread(_:)``: the calling thread serves one task until it ends (the gate
///   station's card reader worker: `CardReaderInput` in `CheckpointGate`).
package final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    /// Jobs waiting for a thread, oldest first (`next` is the oldest's index).
    private var jobs: [UnownedJob] = []
    private var next = 0
    /// Set when the task of ``runOnCallingThread(_:)`` has ended: ``serve()`` returns once no job is left.
    private var finished = false

    private init() {}

    /// An executor served by `count` threads named `name-0`, `name-1`, …, which live as long as
    /// the process.
    package convenience init(threads count: Int, name: String) {
        self.init()
        for number in 0..<count {
            let thread = Thread { self.serve() }
            thread.name = "\(name)-\(number)"
            thread.start()
        }
    }

    /// Runs `body` as a task that prefers the calling thread, serving every job of that task here,
    /// and returns its result once it has ended. Blocks the calling thread: call it only on a
    /// thread of your own.
    package static func runOnCallingThread<Value: Sendable>(_ body: @escaping @Sendable () async -> Value) -> Value {
        let executor = ThreadExecutor()
        let result = Mutex<Value?>(nil)
        Task(executorPreference: executor) {
            let value = await body()
            result.withLock { $0 = value }
            executor.finish()
        }
        executor.serve()
        // `finish()` runs only after the result was stored.
        return result.withLock { $0! }
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.unlock()
        // Signalled after unlocking, so that the thread woken does not wake only to wait for the
        // lock this thread still holds (a second futex wait and wake per job). Nothing is lost: a
        // thread that has not yet waited sees the job under the lock before it waits.
        condition.signal()
    }

    /// Lets ``serve()`` return once no job is left.
    private func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs jobs on the calling thread, oldest first, until ``finish()`` was called and no job is
    /// left (for ever on the threads of ``init(threads:name:)``).
    private func serve() {
        while let job = take() { job.runSynchronously(on: asUnownedTaskExecutor()) }
    }

    /// The oldest waiting job, once there is one; `nil` once finished and no job is left.
    private func take() -> UnownedJob? {
        condition.lock()
        defer { condition.unlock() }
        while next == jobs.count && !finished { condition.wait() }
        guard next < jobs.count else { return nil }
        let job = jobs[next]
        next += 1
        if next == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            next = 0
        } else if next >= 1024 {
            // Under constant load the queue may never run empty: drop the jobs already taken.
            jobs.removeFirst(next)
            next = 0
        }
        return job
    }
}
