import Foundation
import Testing
import HealthCardTestSupport
@testable import HealthCardFoundation

/// The foundation's defences against input from outside: strict JSON shapes, CSV cells that a
/// spreadsheet cannot run, text that a terminal cannot obey, outputs that would overwrite inputs,
/// and the file lock held across a session.
@Suite("Untrusted input: JSON shapes, CSV cells, terminal text, same-file outputs, locks")
struct UntrustedInputTests {
    @Test("an ExclusiveLock excludes withExclusiveLock until it is released")
    func lockObject() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path + ".lock") }
        var lock: AtomicFile.ExclusiveLock? = try AtomicFile.ExclusiveLock(path)
        let entered = Atomic(false)
        let waiter = Thread {
            _ = try? AtomicFile.withExclusiveLock(path) { entered.store(true) }
        }
        waiter.start()
        try await Task.sleep(for: .milliseconds(200))
        #expect(!entered.load(), "the lock must exclude the second holder")
        withExtendedLifetime(lock) {}
        lock = nil
        for _ in 0..<100 where !entered.load() { try await Task.sleep(for: .milliseconds(20)) }
        #expect(entered.load())
    }
}

/// A flag shared with a thread.
private final class Atomic: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Bool
    init(_ value: Bool) { self.value = value }
    func load() -> Bool { lock.withLock { value } }
    func store(_ newValue: Bool) { lock.withLock { value = newValue } }
}
