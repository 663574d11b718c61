import Foundation
import Testing
@testable import HealthCardTestSupport
@testable import PersonalHealthCode

/// Several processes opening one new store at once (six gates started together on a new pass log,
/// six `code event` commands on a new event store) must all get a migrated store: none may run a
/// migration another one has already applied ("table person already exists").
///
/// Connections in one process lock an SQLite file as connections in several processes do, so
/// threads here stand in for the processes; `ConcurrentWritersTests` runs the real commands.
@Suite("Store creation: stores opened at once by several writers are each migrated once")
struct StoreCreationRaceTests {
    static let writers = 6
    static let rounds = 25

    /// Opens a new file `rounds` times, `writers` at once, each opener on a thread of its own;
    /// returns the errors.
    static func openTogether(_ open: @escaping @Sendable (String) throws -> Void) async throws -> [String] {
        let directory = try QRCodecTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var errors: [String] = []
        for round in 0..<rounds {
            let path = directory.appendingPathComponent("store-\(round).db").path
            try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<writers {
                    group.addTask {
                        try await onOwnThread {
                            do {
                                try open(path)
                                return nil
                            } catch {
                                return "round \(round): \(error)"
                            }
                        }
                    }
                }
                for try await error in group { if let error { errors.append(error) } }
            }
        }
        return errors
    }

    @Test("six openers of a new health-event store: every one succeeds")
    func healthEventStore() async throws {
        let errors = try await Self.openTogether { path in _ = try HealthEventStore(path: path) }
        #expect(errors == [])
    }

    @Test("six openers of a new pass log: every one succeeds")
    func passLog() async throws {
        let errors = try await Self.openTogether { path in _ = try PassLog(path: path) }
        #expect(errors == [])
    }
}
