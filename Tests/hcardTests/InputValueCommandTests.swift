import Foundation
import Testing

/// Values the command line used to store or act on although they mean nothing: a colour no code
/// can carry, a hexadecimal temperature, one bank card bound to two people, a phone "abc".
@Suite("Input values: refused before they are stored")
struct InputValueCommandTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-values-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func run(_ arguments: [String]) async throws -> HCardRunner.Result { try await HCardRunner.run(arguments, in: directory) }

    @Test("code event --to purple exits 1 listing the valid colours; code issue works after a valid one")
    func unknownColour() async throws {
        let event = try await run([
            "code", "event", "--db", "hc.db", "--person", "11010519491231002X", "--kind", "manual-conversion",
            "--to", "purple", "--reason", "test", "--at", "2026-03-01T09:00:00",
        ])
        #expect(event.status == 1)
        #expect(event.stderr.contains("'purple'") && event.stderr.contains("valid: green, yellow, red, grey"), "\(event.stderr)")
        let yellow = try await run([
            "code", "event", "--db", "hc.db", "--person", "11010519491231002X", "--kind", "manual-conversion",
            "--to", "yellow", "--reason", "test", "--at", "2026-03-01T09:00:00",
        ])
        #expect(yellow.status == 0, "\(yellow.stderr)")
        #expect(try await run(["keys", "generate", "--out", "i.key", "--public", "i.pub"]).status == 0)
        let issue = try await run(["code", "issue", "--db", "hc.db", "--person", "11010519491231002X", "--key", "i.key"])
        #expect(issue.status == 0, "\(issue.stderr)")
    }

    @Test("checkpoint scan --temperature 0x24 is a usage error and logs nothing")
    func hexTemperature() async throws {
        for value in ["0x24", "3.65e1", "nan"] {
            let scan = try await run([
                "checkpoint", "scan", "--log", "pass.db", "--checkpoint", "G1", "--id", "11010519491231002X",
                "--id-suffices", "--temperature", value, "--trust", "trust.json",
            ])
            #expect(scan.status == 64, "\(value): \(scan.stderr)")
            #expect(scan.stderr.contains("--temperature"), "\(scan.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("pass.db").path))
        }
    }

    @Test("account update --phone abc and a second account's bind-bank of the same card are refused")
    func phoneAndBankCard() async throws {
        for (name, id) in [("李明", "110105198503120012"), ("王芳", "31011519900701002X")] {
            let register = try await run(["account", "register", "--db", "a.sqlite", "--name", name, "--id", id])
            #expect(register.status == 0, "\(register.stderr)")
        }
        let phone = try await run(["account", "update", "--db", "a.sqlite", "--id", "110105198503120012", "--phone", "abc"])
        #expect(phone.status == 1)
        #expect(phone.stderr.contains("phone 'abc'"), "\(phone.stderr)")
        let first = try await run([
            "account", "bind-bank", "--db", "a.sqlite", "--id", "110105198503120012", "--bank-card", "6228480402564890018",
        ])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try await run([
            "account", "bind-bank", "--db", "a.sqlite", "--id", "31011519900701002X", "--bank-card", "6228480402564890018",
        ])
        #expect(second.status == 1)
        #expect(second.stderr.contains("already bound to account"), "\(second.stderr)")
    }
}
