import Foundation
import Testing

/// `hcard passlog export --out` through the built binary: a new file, a replaced file, and a
/// failed export that leaves the old file as it was.
@Suite("hcard passlog export --out")
struct PassLogExportCommandTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func run(_ arguments: [String]) async throws -> HCardRunner.Result {
        try await HCardRunner.run(arguments, in: directory)
    }

    /// Logs `count` passages on an ID number alone (no keys needed: --id-suffices).
    func logPassages(_ count: Int) async throws {
        for _ in 0..<count {
            let scan = try await run([
                "checkpoint", "scan", "--log", "pass.db", "--checkpoint", "G1", "--id", "11010519491231002X",
                "--id-suffices", "--temperature", "36.5", "--now", "2026-03-01T09:00:00+08:00",
                "--trust", "trust.json",
            ])
            #expect(scan.status == 0, "\(scan.stderr)")
        }
    }

    func contents(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("march.") }.sorted()
    }

    @Test("--out creates a new file, then replaces it whole; nothing else is left in the directory")
    func newAndReplaced() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(#"{"version": 1, "keys": []}"#.utf8).write(to: directory.appendingPathComponent("trust.json"))
        try await logPassages(2)

        let first = try await run(["passlog", "export", "--log", "pass.db", "--csv", "--out", "march.csv"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.isEmpty)
        #expect(first.stderr == "exported 2 passages to march.csv\n")
        #expect(try contents("march.csv").components(separatedBy: "\r\n").count == 4)  // header, 2 rows, final empty
        #expect(try leftovers() == ["march.csv"])

        try await logPassages(1)
        let second = try await run(["passlog", "export", "--log", "pass.db", "--json", "--out", "march.csv"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr == "exported 3 passages to march.csv\n")
        let rows = try #require(
            try JSONSerialization.jsonObject(with: Data(try contents("march.csv").utf8)) as? [[String: Any]])
        #expect(rows.compactMap { $0["id"] as? Int } == [1, 2, 3])
        #expect(rows.allSatisfy { $0["person"] as? String == "110105********002X" })
        #expect(try leftovers() == ["march.csv"])
    }

    @Test("an export that cannot be written fails and leaves the existing file as it was")
    func failedKeepsOld() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(#"{"version": 1, "keys": []}"#.utf8).write(to: directory.appendingPathComponent("trust.json"))
        try await logPassages(1)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("march.csv"), withIntermediateDirectories: false)
        let refused = try await run(["passlog", "export", "--log", "pass.db", "--csv", "--out", "march.csv"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("march.csv"))
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("march.csv").path, isDirectory: &isDirectory))
        #expect(isDirectory.boolValue)
        #expect(try leftovers() == ["march.csv"])
    }
}
