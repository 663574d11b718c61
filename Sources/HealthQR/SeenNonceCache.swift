import Synchronization
import HealthCardFoundation

/// The dynamic codes a checkpoint has already accepted, so that a screenshot passed along within
/// the code's window is caught as a replay.
///
/// Why this is enough: a dynamic code is valid only until `issuedAt + window + skew`, so it only
/// has to be remembered until then; after that ``CodeVerifier`` rejects it as expired anyway. An
/// entry is the pair (key id, nonce), since nonces are random per issuer key.
///
/// Bounded: at ``capacity`` entries, expired ones are dropped first, then the one that expires
/// soonest. Dropping a live entry reopens a tiny replay window for that one code; the alternative,
/// rejecting new codes when full, would stop a busy checkpoint. Size the capacity for the codes a
/// checkpoint sees within one window (the default, 100 000, is 5.5 codes per second for 5 minutes,
/// about 10 MB at most).
///
/// Thread-safe: one cache can serve several scanners of a checkpoint from concurrent tasks
/// (`Mutex` from `Synchronization`). It lives in memory only; a checkpoint that restarts
/// within a window forgets what it saw [U] (persisting it is a deployment choice).
///
/// - SeeAlso: `Docs/qr-payload.md`, "Replay".
public final class SeenNonceCache: Sendable {
    private struct Key: Hashable {
        let keyID: KeyID
        let nonce: SignedCode.Nonce
    }

    private struct State {
        /// Key → expiry (Unix seconds).
        var expiries: [Key: Int64] = [:]
        /// A binary min-heap of (expiry, key), the eviction order.
        var heap: [(expiry: Int64, key: Key)] = []

        mutating func purge(before now: Int64) {
            while let first = heap.first, first.expiry < now { removeMinimum() }
        }

        mutating func removeMinimum() {
            guard let minimum = heap.first else { return }
            if expiries[minimum.key] == minimum.expiry { expiries[minimum.key] = nil }
            let last = heap.removeLast()
            guard !heap.isEmpty else { return }
            heap[0] = last
            var index = 0
            while true {
                let left = 2 * index + 1
                let right = left + 1
                var smallest = index
                if left < heap.count, heap[left].expiry < heap[smallest].expiry { smallest = left }
                if right < heap.count, heap[right].expiry < heap[smallest].expiry { smallest = right }
                guard smallest != index else { return }
                heap.swapAt(index, smallest)
                index = smallest
            }
        }

        mutating func insert(_ key: Key, expiry: Int64) {
            expiries[key] = expiry
            heap.append((expiry, key))
            var index = heap.count - 1
            while index > 0 {
                let parent = (index - 1) / 2
                guard heap[index].expiry < heap[parent].expiry else { return }
                heap.swapAt(index, parent)
                index = parent
            }
        }
    }

    /// The most entries kept at once.
    public let capacity: Int
    private let state = Mutex(State())

    /// A cache of at most `capacity` entries (at least 1).
    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    /// Records that the code (`keyID`, `nonce`) was accepted and must be remembered until `expiry`
    /// (Unix seconds, inclusive).
    ///
    /// - Returns: `true` if the code is new, `false` if it is a replay of an entry that has not
    ///   expired at `now`.
    public func insert(keyID: KeyID, nonce: SignedCode.Nonce, until expiry: Int64, now: Int64) -> Bool {
        let key = Key(keyID: keyID, nonce: nonce)
        return state.withLock { state in
            state.purge(before: now)
            if let seen = state.expiries[key], seen >= now { return false }
            while state.expiries.count >= capacity, !state.heap.isEmpty { state.removeMinimum() }
            state.insert(key, expiry: expiry)
            return true
        }
    }

    /// Whether (`keyID`, `nonce`) is remembered and not expired at `now`. Does not record it.
    public func contains(keyID: KeyID, nonce: SignedCode.Nonce, now: Int64) -> Bool {
        state.withLock { state in
            guard let expiry = state.expiries[Key(keyID: keyID, nonce: nonce)] else { return false }
            return expiry >= now
        }
    }

    /// The number of entries held, expired ones not yet dropped included.
    public var count: Int {
        state.withLock { $0.expiries.count }
    }
}
