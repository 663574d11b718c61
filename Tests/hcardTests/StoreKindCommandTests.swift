import Foundation
import Testing

/// A database of the wrong kind is refused, naming the file and what it is, and commands that
/// only read never create or migrate a database.
@Suite("StoreKind: wrong or missing databases are refused, read-only commands write nothing")
struct StoreKindCommandTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func run(_ arguments: [String], stdin: String? = nil) async throws -> HCardRunner.Result {
        try await HCardRunner.run(arguments, stdin: stdin, in: directory)
    }

    func bytes(_ name: String) -> Data? { FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) }

    /// A pass log with one passage, and an EMPI index with one account.
    func makeStores() async throws {
        #expect(try await run(["keys", "generate", "--out", "i.key", "--public", "i.pub"]).status == 0)
        #expect(try await run(["keys", "trust", "add", "--trust", "trust.json", "--public", "i.pub", "--issuer", "T"]).status == 0)
        let scan = try await run([
            "checkpoint", "scan", "--log", "pass.db", "--checkpoint", "G1", "--id", "11010519491231002X",
            "--id-suffices", "--temperature", "36.5", "--now", "2026-03-01T09:00:00+08:00", "--trust", "trust.json",
        ])
        #expect(scan.status == 0, "\(scan.stderr)")
        let register = try await run([
            "account", "register", "--db", "a.sqlite", "--name", "张三丰", "--id", "11010519491231002X",
            "--card", "11010519491231002X",
        ])
        #expect(register.status == 0, "\(register.stderr)")
        #expect(try await run(["card", "new", "--holder", AccountCommandTests.holder, "--image", "card.json"]).status == 0)
    }

    @Test("read --status-db PASSLOG is refused and leaves the pass log as it was")
    func passLogAsStatusDatabase() async throws {
        try await makeStores()
        let before = bytes("pass.db")
        let read = try await run(["read", "--image", "card.json", "--status-db", "pass.db"])
        #expect(read.status == 1, "\(read.stderr)")
        #expect(read.stderr.contains("pass.db is a checkpoint pass log, not an EMPI index"), "\(read.stderr)")
        #expect(bytes("pass.db") == before)
        // And the pass log still works as one.
        #expect(try await run(["passlog", "query", "--log", "pass.db"]).status == 0)
    }

    @Test("the index, the pass log and the event store each refuse the others' files")
    func eachRefusesTheOthers() async throws {
        try await makeStores()
        let stats = try await run(["empi", "stats", "--db", "pass.db"])
        #expect(stats.status == 1)
        #expect(stats.stderr.contains("pass.db is a checkpoint pass log, not an EMPI index"), "\(stats.stderr)")
        let scan = try await run([
            "checkpoint", "scan", "--log", "a.sqlite", "--checkpoint", "G1", "--id", "11010519491231002X",
            "--id-suffices", "--temperature", "36.5", "--trust", "trust.json",
        ])
        #expect(scan.status == 1)
        #expect(scan.stderr.contains("a.sqlite is an EMPI index"), "\(scan.stderr)")
        #expect(scan.stderr.contains("not a checkpoint pass log"), "\(scan.stderr)")
        let status = try await run(["code", "status", "--db", "pass.db", "--person", "11010519491231002X"])
        #expect(status.status == 1)
        #expect(status.stderr.contains("pass.db is a checkpoint pass log, not a health-code event store"), "\(status.stderr)")
        let passlog = try await run(["passlog", "query", "--log", "a.sqlite"])
        #expect(passlog.status == 1)
        #expect(passlog.stderr.contains("a.sqlite is an EMPI index"), "\(passlog.stderr)")
        // A file that is not SQLite at all.
        try Data("not a database".utf8).write(to: directory.appendingPathComponent("text.db"))
        let text = try await run(["empi", "stats", "--db", "text.db"])
        #expect(text.status == 1)
        #expect(text.stderr.contains("text.db is not a readable SQLite database"), "\(text.stderr)")
    }

    @Test("code status on a missing store fails and creates nothing")
    func readOnlyCreatesNothing() async throws {
        let status = try await run(["code", "status", "--db", "missing.db", "--person", "11010519491231002X"])
        #expect(status.status == 1)
        #expect(status.stderr.contains("missing.db: no such file"), "\(status.stderr)")
        #expect(!exists("missing.db"))
    }
}
