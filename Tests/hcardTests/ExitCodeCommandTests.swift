import Foundation
import Testing

/// The one exit-status table (README "Exit status"): bad file *contents* exit 1 with a message
/// naming the file and the field, never 64 with a usage banner, and no message is a Swift or
/// Foundation error dump.
@Suite("Exit statuses and error messages")
struct ExitCodeCommandTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-exit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files = [
            "notjson.json": "not json", "truncated.json": "{\"name\": ", "wrongtype.json": "{\"name\": 5}",
            "batch.csv": "colour,size\nx,1\n",
        ]
        for (name, text) in files {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    func run(_ arguments: [String]) async throws -> HCardRunner.Result { try await HCardRunner.run(arguments, in: directory) }

    @Test("bad file contents: exit 1, FILE: field: expected …, no usage banner, no Debug description or NSCocoaErrorDomain")
    func badInputs() async throws {
        #expect(try await run(["empi", "init", "idx.db"]).status == 0)
        #expect(try await run(["keys", "generate", "--out", "i.key", "--public", "i.pub"]).status == 0)
        #expect(try await run(["card", "new", "--holder", AccountCommandTests.holder, "--image", "card.json"]).status == 0)
        let cases: [(arguments: [String], expected: String)] = [
            (["card", "new", "--holder", "notjson.json", "--image", "c2.json"], "notjson.json: not a holder record: not valid JSON"),
            (["card", "new", "--holder", "wrongtype.json", "--image", "c2.json"], "wrongtype.json: not a holder record: name: expected a string"),
            (["write", "outpatient", "--from", "truncated.json", "--image", "card.json"], "truncated.json: not a valid outpatient record"),
            (["code", "declare", "--db", "hc.db", "--from", "notjson.json"], "notjson.json: not a JSON object of GB/T 38962 elements"),
            (["empi", "match", "--db", "idx.db", "--json", "wrongtype.json"], "wrongtype.json: not a PersonRecord"),
            (["empi", "ingest", "--db", "idx.db", "--csv", "batch.csv", "--mapping", "notjson.json"], "notjson.json: not a field mapping"),
            (["keys", "trust", "list", "--trust", "notjson.json"], "notjson.json"),
            (["empi", "init", "new.db", "--model", "notjson.json"], "notjson.json: not a match model: not valid JSON"),
            (["empi", "dedupe", "--csv", "batch.csv", "--mapping", "notjson.json", "--model", "truncated.json", "--out", "x.csv"], "notjson.json: not a field mapping"),
            (["qr", "verify", "--trust", "truncated.json", "--text", "HCK1-X"], "truncated.json"),
            (["qr", "batch", "--csv", "batch.csv", "--key", "i.key", "--out", "out"], "batch.csv"),
        ]
        for (arguments, expected) in cases {
            let result = try await run(arguments)
            let command = arguments.prefix(3).joined(separator: " ")
            #expect(result.status == 1, "\(command): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("Usage:"), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("Debug description"), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("NSCocoaErrorDomain"), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("debugDescription"), "\(command): \(result.stderr)")
        }
    }

    @Test("a bad checkpoint policy file is exit 1 naming the file; a bad --temperature-limit stays a usage error")
    func policyFile() async throws {
        let scan = ["checkpoint", "scan", "--log", "p.db", "--checkpoint", "G1", "--id", "11010519491231002X", "--trust", "t.json"]
        let file = try await run(scan + ["--policy", "wrongtype.json"])
        #expect(file.status == 1, "\(file.stderr)")
        #expect(file.stderr.contains("wrongtype.json"), "\(file.stderr)")
        #expect(!file.stderr.contains("Usage:"), "\(file.stderr)")
        #expect(!file.stderr.contains("Debug description") && !file.stderr.contains("debugDescription"), "\(file.stderr)")
        // A colour the policy does not know: the file, the key and the value, nothing else.
        try #"{"allowedColours": ["green", "purple"]}"#.write(
            to: directory.appendingPathComponent("colour.json"), atomically: true, encoding: .utf8)
        let colour = try await run(scan + ["--policy", "colour.json"])
        #expect(colour.status == 1 && colour.stderr.contains("colour.json"), "\(colour.stderr)")
        #expect(!colour.stderr.contains("Debug description") && !colour.stderr.contains("Context("), "\(colour.stderr)")
        #expect(try await run(scan + ["--temperature-limit", "50"]).status == 64)
    }

    @Test("command-line mistakes are usage errors: exit 64 with the usage line")
    func usageErrors() async throws {
        for arguments in [["nonsense"], ["id", "check", "--today", "yesterday"], ["qr", "decode", "x.png", "--max-pixels", "many"]] {
            let result = try await run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("Usage:") || result.stderr.contains("Help:"), "\(arguments): \(result.stderr)")
        }
    }
}
