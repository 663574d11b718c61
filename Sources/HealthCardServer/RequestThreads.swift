import Foundation

/// Where request handlers run: threads of the server's own, outside Swift's cooperative pool.
///
/// Why: the library's stores are synchronous. An SQLite write waits for the file's write lock (up
/// to the 5 s busy timeout, while another process such as `hcard empi ingest` writes), and a feed
/// matches the record in memory before it writes. The cooperative pool has one thread per core, so
/// two such requests on a 2-core machine would hold all of it, and nothing else would run:
/// not `/healthz` or `/readyz`, not `/metrics`, not the PostgreSQL client's own tasks. Every
/// request's handler therefore runs under this executor's preference
/// (`withTaskExecutorPreference`): its synchronous work blocks one of these threads, never the pool.
///
/// ``shared`` has 64 threads: as many requests may wait at once before the next waits for a thread.
/// A thread that waits costs its stack (8 MiB of address space, a few pages resident) and nothing
/// else; SQLite and GRDB serialise the writers of one file anyway.
public final class RequestThreads: TaskExecutor, @unchecked Sendable {
    /// The executor every server in this process uses.
    public static let shared = RequestThreads(count: 64)

    private let condition = NSCondition()
    /// Jobs waiting for a thread, oldest first (`next` is the oldest's index).
    private var jobs: [UnownedJob] = []
    private var next = 0

    /// Starts `count` threads, which live as long as the process.
    init(count: Int) {
        for number in 0..<count {
            let thread = Thread { self.work() }
            thread.name = "hcard-request-\(number)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs jobs, first come first served, for ever.
    private func work() {
        while true {
            condition.lock()
            while next == jobs.count { condition.wait() }
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
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
