import Foundation

/// Seconds since 1970-01-01T00:00:00Z from the system clock. The only place the core reads the
/// clock, so every time-dependent rule can instead be given an explicit `now` in tests.
package func currentUnixTime() -> Double { Date().timeIntervalSince1970 }
