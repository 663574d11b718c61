#if canImport(Glibc)
import Glibc
#endif

/// The message of the last failed call on this thread, for `hcard_last_error()`: set by every
/// function of both headers that fails, cleared by none (C's `errno` convention), kept per thread
/// so concurrent callers do not see each other's messages.
enum LastError {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    /// Replaces this thread's message (the previous one is freed).
    static func set(_ message: String) {
        let old = pthread_getspecific(key)
        pthread_setspecific(key, strdup(message))
        free(old)
    }

    /// This thread's message, `""` when no call failed on it; valid until its next failure.
    static var current: UnsafePointer<CChar> {
        if let pointer = pthread_getspecific(key) { return UnsafePointer(pointer.assumingMemoryBound(to: CChar.self)) }
        return emptyMessage
    }

    nonisolated(unsafe) private static let emptyMessage: UnsafePointer<CChar> = UnsafePointer(strdup("")!)
}
