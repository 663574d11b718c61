import Foundation
import HealthCardCore
import HealthCardTestSupport
import Testing

/// Several processes writing one store at once, as several gates or registration desks share a
/// file: every write each process acknowledged is in the store afterwards, none twice, and the
/// file passes SQLite's integrity check. (The card image's own case is in
/// CardImageIntegrityCommandTests.)
@Suite("Concurrent writers: every acknowledged write of parallel processes is kept", .serialized)
struct ConcurrentWritersTests {
    /// Runs each argument list as its own hcard process, all at once (not throttled), and waits for all.
    static func runTogether(_ runs: [[String]], in directory: URL?) async throws -> [HCardRunner.Result] {
        try await withThrowingTaskGroup(of: (Int, HCardRunner.Result).self) { group in
            for (index, arguments) in runs.enumerated() {
                group.addTask { (index, try await HCardRunner.run(arguments, in: directory, throttled: false)) }
            }
            var results: [Int: HCardRunner.Result] = [:]
            for try await (index, result) in group { results[index] = result }
            return (0..<runs.count).map { results[$0]! }
        }
    }

    @Test("six checkpoint processes scanning into one pass log: six passages, each once, integrity ok")
    func checkpointScans() async throws {
        let directory = try KillDuringWriteTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TrustList(entries: []).save(to: directory.appendingPathComponent("trust.json").path)
        let people = ["11010519491231002X", "110105198503120012", "440524198001010013"]
        let runs = (0..<6).map { index in
            [
                "checkpoint", "scan", "--log", "pass.db", "--checkpoint", "G\(index % 2)", "--trust", "trust.json",
                "--id", people[index % 3], "--temperature", "36.5", "--now", "2026-03-01T09:00:0\(index)+08:00",
            ]
        }
        let results = try await Self.runTogether(runs, in: directory)
        // An ID number alone is denied under the default policy: exit 2, and still logged.
        #expect(results.allSatisfy { $0.status == 2 }, "\(results.map { "\($0.status) \($0.stderr)" })")
        let query = try await HCardRunner.run(["passlog", "query", "--log", "pass.db", "--json", "--full-id"], in: directory)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(query.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 6, "\(query.stdout.prefix(300)) \(query.stderr)")
        #expect(Set(rows.compactMap { $0["id"] as? Int }).count == 6)
        #expect(try await SQLiteCommand.integrityCheck(directory.appendingPathComponent("pass.db")) == "ok")
    }

    @Test("six registration processes on one account database: six accounts, integrity ok")
    func accountRegistrations() async throws {
        let directory = try KillDuringWriteTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ids = (0..<6).map { index -> String in
            let body = "1101051985031" + String(format: "%03d", 200 + index) + "1"
            return body + String(CitizenID.checkCharacter(forBody: body)!)
        }
        let results = try await Self.runTogether(
            ids.map { ["account", "register", "--db", "a.sqlite", "--name", "李明", "--id", $0] }, in: directory)
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map { "\($0.status) \($0.stderr)" })")
        for id in ids {
            #expect(try await HCardRunner.run(["account", "show", "--db", "a.sqlite", "--id", id], in: directory).status == 0)
        }
        #expect(try await SQLiteCommand.integrityCheck(directory.appendingPathComponent("a.sqlite")) == "ok")
    }
}
