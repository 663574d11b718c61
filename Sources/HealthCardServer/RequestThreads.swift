import HealthCardFoundation

/// Where request handlers run: threads of the server's own, outside Swift's cooperative pool.
///
/// Why: the library's stores are synchronous. An SQLite write waits for the file's write lock (up
/// to the 5 s busy timeout, while another process such as `hcard empi ingest` writes), and a feed
/// matches the record in memory before it writes. The cooperative pool has one thread per core, so
/// two such requests on a 2-core machine would hold all of it, and nothing else would run:
/// not `/healthz` or `/readyz`, not `/metrics`, not the PostgreSQL client's own tasks. Every
/// request's handler therefore runs under this executor's preference
/// (`withTaskExecutorPreference`): its synchronous work blocks one of these threads, never the pool.
enum RequestThreads {
    /// The executor every server in this process uses: 64 threads (`hcard-request-N`), so as many
    /// requests may wait at once before the next waits for a thread. A thread that waits costs its
    /// stack (8 MiB of address space, a few pages resident) and nothing else; SQLite and GRDB
    /// serialise the writers of one file anyway.
    static let shared = ThreadExecutor(threads: 64, name: "hcard-request")
}
