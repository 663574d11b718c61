import Foundation

/// Where the library reads the time: every type whose rules depend on the current time (issuers,
/// verifiers, the patient index, accounts, today's date for ID checks) holds one, and every
/// operation that records or compares a time also takes an explicit `now`. A test or a replay
/// passes a ``FixedClock`` (or `now`) and never depends on the wall clock; production code uses
/// ``SystemClock``, the only place the library calls `Date()`.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The system's real-time clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that always reads the same instant: for tests, replays and `--now`.
public struct FixedClock: WallClock {
    /// The instant the clock reads.
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }
}
