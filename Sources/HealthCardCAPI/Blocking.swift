import Dispatch
import Synchronization

/// Runs an async library call to completion on the calling C thread.
///
/// The C interface is synchronous: a C, Python or Java caller's thread is not a Swift
/// concurrency thread, so it may block while the call runs on the global executor. Never call
/// this from Swift async code (it would block a cooperative thread).
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        outcome.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    return try outcome.withLock { $0! }.get()
}
