import Foundation
import Testing

/// `hcard account`, `blacklist`, `platform`, and the status checks of `read` and `qr verify`.
@Suite("Accounts: hcard account, blacklist, platform; status on use")
struct AccountCommandTests {
    static let holder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/records/holder.json").path

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("account-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func run(_ arguments: [String], stdin: String? = nil) async throws -> HCardRunner.Result {
        try await HCardRunner.run(arguments, stdin: stdin, in: directory)
    }

    @Test("a blacklisted physical card is flagged by hcard read (exit 3), after the card's data")
    func blacklistedCardFlagged() async throws {
        #expect(try await run(["card", "new", "--holder", Self.holder, "--image", "card.json"]).status == 0)
        let register = try await run([
            "account", "register", "--db", "a.sqlite", "--name", "张三丰", "--id", "11010519491231002X",
            "--card", "11010519491231002X",
        ])
        #expect(register.status == 0, "\(register.stderr)")
        #expect(try await run(["read", "--image", "card.json", "--status-db", "a.sqlite"]).status == 0)
        #expect(try await run(["account", "lost", "--db", "a.sqlite", "--card", "11010519491231002X"]).status == 0)
        let read = try await run(["read", "--image", "card.json", "--status-db", "a.sqlite", "--json"])
        #expect(read.status == 3)
        #expect(read.stdout.contains("\"11010519491231002X\""))
        #expect(read.stderr.contains("REFUSE: card 11010519491231002X is LOST (blacklisted: reported lost)"))
        let list = try await run(["blacklist", "list", "--db", "a.sqlite"])
        #expect(list.stdout.hasPrefix("11010519491231002X\t"))
    }

    @Test("a replaced card is flagged by hcard read with its successor; a missing status database is an error")
    func replacedCardAndMissingStatusDatabase() async throws {
        #expect(try await run(["card", "new", "--holder", Self.holder, "--image", "card.json"]).status == 0)
        #expect(try await run([
            "account", "register", "--db", "a.sqlite", "--name", "张三丰", "--id", "11010519491231002X",
            "--card", "11010519491231002X",
        ]).status == 0)
        let replace = try await run(["account", "replace", "--db", "a.sqlite", "--card", "11010519491231002X", "--new-card", "HC0002"])
        #expect(replace.status == 0, "\(replace.stderr)")
        let read = try await run(["read", "--image", "card.json", "--status-db", "a.sqlite"])
        #expect(read.status == 3)
        #expect(read.stderr.contains("REFUSE: card 11010519491231002X is REPLACED, replaced by HC0002"))

        let missing = try await run(["read", "--image", "card.json", "--status-db", "typo.sqlite"])
        #expect(missing.status != 0 && missing.stderr.contains("no such account database: typo.sqlite"))
        #expect(missing.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("typo.sqlite").path))
        #expect(try await run(["keys", "generate", "--out", "i.key", "--public", "i.pub"]).status == 0)
        #expect(try await run(["keys", "trust", "add", "--trust", "t.json", "--public", "i.pub", "--issuer", "T"]).status == 0)
        let code = try await run(["qr", "issue", "--card-id", "HC0002", "--static", "--key", "i.key"]).stdout
        let verify = try await run(["qr", "verify", "--trust", "t.json", "--status-db", "typo.sqlite"], stdin: code)
        #expect(verify.status != 0 && verify.stderr.contains("no such account database"))

        // Every operation is an index event too, for subscribers of hcard empi events.
        let events = try await run(["empi", "events", "--db", "a.sqlite", "--json"])
        #expect(events.status == 0)
        let kinds = try #require(try JSONSerialization.jsonObject(with: Data(events.stdout.utf8)) as? [[String: Any]])
            .compactMap { $0["kind"] as? String }
        #expect(kinds.filter { $0 == "account" }.count == 2, "\(kinds)")
    }

    @Test("hcard account bind-bank stores no bank card number in clear (the database files' bytes)")
    func bankCardNeverInClear() async throws {
        #expect(try await run(["account", "register", "--db", "a.sqlite", "--name", "李明", "--id", "110105198503120012"]).status == 0)
        let bind = try await run([
            "account", "bind-bank", "--db", "a.sqlite", "--id", "110105198503120012", "--bank-card", "6228480402564890018",
            "--json",
        ])
        #expect(bind.status == 0 && bind.stdout.contains("622848*********0018"), "\(bind.stderr)")
        for name in ["resident", "oplog"] {
            #expect(try await run(["platform", "export", "--db", "a.sqlite", "--kind", name, "--out", "\(name).txt"]).status == 0)
        }
        let events = try await run(["empi", "events", "--db", "a.sqlite", "--json"])
        #expect(!events.stdout.contains("6228480402564890018"))
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
            #expect(bytes.range(of: Data("6228480402564890018".utf8)) == nil, "\(file) holds the bank card number")
            #expect(bytes.range(of: Data("6228480402564890018".utf16BigEndianBytes)) == nil, "\(file)")
        }
    }

    @Test("a cancelled e-health card's QR code is rejected by hcard qr verify as a revoked card")
    func cancelledCardRejected() async throws {
        let register = try await run([
            "account", "register", "--db", "a.sqlite", "--name", "李明", "--id", "110105198503120012", "--json",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(register.stdout.utf8)) as? [String: Any])
        let ecard = try #require((object["account"] as? [String: Any])?["electronicCardID"] as? String)
        #expect(try await run(["keys", "generate", "--out", "i.key", "--public", "i.pub"]).status == 0)
        #expect(try await run(["keys", "trust", "add", "--trust", "t.json", "--public", "i.pub", "--issuer", "T"]).status == 0)
        let code = try await run(["qr", "issue", "--card-id", ecard, "--static", "--key", "i.key"]).stdout
        #expect(try await run(["qr", "verify", "--trust", "t.json", "--status-db", "a.sqlite"], stdin: code).status == 0)

        let refused = try await run(["account", "cancel", "--db", "a.sqlite", "--id", "110105198503120012", "--reason", "moved"])
        #expect(refused.status != 0 && refused.stderr.contains("only for emigration or death"))
        #expect(try await run(["account", "cancel", "--db", "a.sqlite", "--ecard", ecard, "--reason", "emigration"]).status == 0)
        let verify = try await run(["qr", "verify", "--trust", "t.json", "--status-db", "a.sqlite"], stdin: code)
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("INVALID: revoked card \(ecard)"))
    }

    @Test("platform files: export, import into another database, import again, a malformed file rejected")
    func platformFiles() async throws {
        #expect(try await run(["account", "register", "--db", "a.sqlite", "--name", "李明", "--id", "110105198503120012"]).status == 0)
        #expect(try await run(["blacklist", "add", "--db", "a.sqlite", "--card", "HC9", "--reason", "stolen"]).status == 0)
        for kind in ["resident", "card", "blacklist"] {
            #expect(try await run(["platform", "export", "--db", "a.sqlite", "--kind", kind, "--out", "\(kind).txt"]).status == 0)
        }
        for kind in ["resident", "card", "blacklist"] {
            let first = try await run(["platform", "import", "--db", "b.sqlite", "--kind", kind, "\(kind).txt"])
            #expect(first.status == 0 && first.stdout.contains("1 applied"), "\(first.stdout)\(first.stderr)")
            let second = try await run(["platform", "import", "--db", "b.sqlite", "--kind", kind, "\(kind).txt"])
            #expect(second.stdout.contains("0 applied, 1 already present"))
        }
        let show = try await run(["account", "show", "--db", "b.sqlite", "--id", "110105198503120012"])
        #expect(show.status == 0 && show.stdout.contains("李明"))

        var text = try String(contentsOf: directory.appendingPathComponent("blacklist.txt"), encoding: .utf8)
        text = text.replacingOccurrences(of: "|stolen|", with: "|stolen|extra|")
        try text.write(to: directory.appendingPathComponent("bad.txt"), atomically: true, encoding: .utf8)
        let bad = try await run(["blacklist", "import", "--db", "c.sqlite", "bad.txt"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.txt: rejected, nothing applied"))
        #expect(bad.stderr.contains("line 2: 4 fields, a blacklist record has 3"))
    }
}

extension String {
    fileprivate var utf16BigEndianBytes: [UInt8] { utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
}
