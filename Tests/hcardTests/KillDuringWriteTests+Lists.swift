import Foundation
import HealthCardCore
import HealthCardTestSupport
import Testing

/// SIGKILL at random points of the commands that update JSON lists in place (trust and
/// revocation lists), of the SQLite stores beside the EMPI (health events, the blacklist) and of a
/// QR batch: after every kill the file loads with the strict loader (or passes SQLite's integrity
/// check), and every acknowledged write is in it.
extension KillDuringWriteTests {
    /// Kills `command(index)` at seeded random points for `rounds` rounds (round 0 runs whole, to
    /// time it), checks `sound()` after every round, and returns the indices whose run exited 0.
    static func killRounds(
        _ rounds: Int, seed: UInt64, in directory: URL, command: (Int) -> [String], sound: () async throws -> Void
    ) async throws -> [Int] {
        var generator = SplitMix64(seed: seed)
        let typical = try await timed(command(0), in: directory)
        var acknowledged = [0]
        for index in 1..<rounds {
            let delay = Self.delay(round: index, typical: typical, using: &generator)
            if try await runKilled(command(index), in: directory, after: delay) { acknowledged.append(index) }
            try await sound()
        }
        // The seeded delays must both interrupt writes and let some finish, or nothing was tested.
        #expect((2..<rounds).contains(acknowledged.count), "acknowledged \(acknowledged.count) of \(rounds)")
        return acknowledged
    }

    @Test("trust list: `keys trust add` killed at random points; the list loads and holds every acknowledged key")
    func trustListAdds() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let rounds = 10
        var keyIDs: [String] = []
        for index in 0..<rounds {
            let generate = try await HCardRunner.run(
                ["keys", "generate", "--out", "k\(index).key", "--public", "k\(index).pub", "--json"], in: directory)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(generate.stdout.utf8)) as? [String: Any])
            keyIDs.append(try #require(object["keyId"] as? String))
        }
        let trust = directory.appendingPathComponent("trust.json").path
        let acknowledged = try await Self.killRounds(rounds, seed: 0x4B49_4C4C_5452_5354, in: directory) { index in
            ["keys", "trust", "add", "--trust", "trust.json", "--public", "k\(index).pub", "--issuer", "issuer \(index)"]
        } sound: {
            _ = try TrustList.load(from: trust)
        }
        let list = try TrustList.load(from: trust)
        for index in acknowledged {
            #expect(list[try KeyID(hex: keyIDs[index])] != nil, "acknowledged key \(keyIDs[index]) is missing")
        }
    }

    @Test("revocation list: `keys revoke` killed at random points; the list loads and holds every acknowledged card")
    func revocations() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let revoked = directory.appendingPathComponent("revoked.json").path
        let acknowledged = try await Self.killRounds(12, seed: 0x4B49_4C4C_5245_564B, in: directory) { index in
            ["keys", "revoke", "--revoked", "revoked.json", "--card-id", "CARD\(index)"]
        } sound: {
            _ = try RevocationList.load(from: revoked)
        }
        let list = try RevocationList.load(from: revoked)
        for index in acknowledged { #expect(list.isRevoked(cardID: "CARD\(index)"), "acknowledged CARD\(index) is missing") }
    }

    @Test("health events: `code event` killed at random points; the store is sound and holds every acknowledged event")
    func healthEvents() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("hc.db")
        let time = { (index: Int) in String(format: "2026-03-01T09:%02d:00+08:00", index) }
        let acknowledged = try await Self.killRounds(12, seed: 0x4B49_4C4C_4556_4E54, in: directory) { index in
            ["code", "event", "--db", "hc.db", "--person", "11010519491231002X", "--kind", "check-in", "--at", time(index)]
        } sound: {
            let integrity = try await SQLiteCommand.integrityCheck(store)
            #expect(integrity == "ok")
            let status = try await HCardRunner.run(
                ["code", "status", "--db", "hc.db", "--person", "11010519491231002X", "--at", "2026-03-02"], in: directory)
            #expect(status.status == 0, "after a kill: \(status.stderr)")
        }
        let stored = try await SQLiteCommand.rows(store, "SELECT time FROM event ORDER BY id;")
        #expect(stored.count == Set(stored).count, "an event was stored twice: \(stored)")
        for index in acknowledged {
            #expect(stored.contains { $0.hasPrefix(String(format: "2026-03-01T09:%02d:00", index)) },
                "acknowledged event \(index) is missing: \(stored)")
        }
    }

    @Test("blacklist: `blacklist add` killed at random points; the store is sound and lists every acknowledged card")
    func blacklistAdds() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("cards.db")
        let card = { (index: Int) in "A1234567\(String(format: "%02d", index))" }
        let acknowledged = try await Self.killRounds(12, seed: 0x4B49_4C4C_424C_4B4C, in: directory) { index in
            ["blacklist", "add", "--db", "cards.db", "--card", card(index), "--reason", "lost"]
        } sound: {
            let integrity = try await SQLiteCommand.integrityCheck(store)
            #expect(integrity == "ok")
        }
        let list = try await HCardRunner.run(["blacklist", "list", "--db", "cards.db", "--json"], in: directory)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let numbers = Set(rows.compactMap { $0["number"] as? String })
        for index in acknowledged { #expect(numbers.contains(card(index)), "acknowledged \(card(index)) is missing") }
    }

    @Test("blacklist import: killed at random points, a 3,000-card platform file is in the store wholly or not at all")
    func blacklistImport() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let count = 3000
        let records = (0..<count).map { ["C\(String(format: "%08d", $0))", "lost", "2026-03-01T08:00:00Z"] }
        let file = PlatformFile(
            kind: .blacklist, source: "CITY", created: Date(timeIntervalSince1970: 1_772_352_000), records: records)
        try file.text.write(to: directory.appendingPathComponent("blacklist.txt"), atomically: true, encoding: .utf8)
        let store = directory.appendingPathComponent("cards.db")
        let importFile = ["blacklist", "import", "--db", "cards.db", "blacklist.txt"]
        var generator = SplitMix64(seed: 0x4B49_4C4C_494D_5054)
        let typical = try await Self.timed(importFile, in: try Self.directory(copying: directory))
        var interrupted = 0
        for _ in 0..<5 {
            let delay = typical * Double.random(in: 0.05...0.95, using: &generator)
            let acknowledged = try await Self.runKilled(importFile, in: directory, after: delay)
            if !acknowledged { interrupted += 1 }
            guard FileManager.default.fileExists(atPath: store.path) else { continue }
            #expect(try await SQLiteCommand.integrityCheck(store) == "ok")
            let rows = (try? await SQLiteCommand.rows(store, "SELECT count(*) FROM blacklist;")) ?? []
            let size = rows.first ?? "0"
            #expect(size == "0" || size == "\(count)", "a killed import left \(size) of \(count) cards")
            if acknowledged { #expect(size == "\(count)") }
        }
        #expect(interrupted > 0, "no import was interrupted: nothing was tested")
        #expect(try await HCardRunner.run(importFile, in: directory).status == 0)
        #expect(try await SQLiteCommand.rows(store, "SELECT count(*) FROM blacklist;") == ["\(count)"])
    }

    @Test("replay cache: a verify killed at random points never forgets an acknowledged code; the cache still loads")
    func replayCache() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.trustedIssuer(in: directory)
        let rounds = 10
        var codes: [String] = []
        for index in 0..<rounds { codes.append(try await Self.dynamicCode(cardID: "26B5A1FE5668\(index)", in: directory)) }
        let verify = { (index: Int) in
            [
                "qr", "verify", "--text", codes[index], "--trust", "trust.json", "--replay-cache", "seen.json",
                "--now", "2026-03-01T08:01:00Z",
            ]
        }
        let acknowledged = try await Self.killRounds(rounds, seed: 0x4B49_4C4C_5250_4C59, in: directory, command: verify) {}
        // Shown again: an acknowledged code is a replay; any code may be (fail closed), none is an error.
        for index in 0..<rounds {
            let again = try await HCardRunner.run(verify(index), in: directory)
            #expect(again.stderr.isEmpty, "code \(index): \(again.stderr)")
            if acknowledged.contains(index) {
                #expect(again.status == 1 && again.stdout.contains("replayed"), "code \(index) was forgotten: \(again.stdout)")
            }
        }
    }

    @Test("code trip and code issue killed at random points: the store is sound, every acknowledged row is in it")
    func healthCodeWrites() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await HCardRunner.run(["keys", "generate", "--out", "issuer.key"], in: directory).status == 0)
        let store = directory.appendingPathComponent("hc.db")
        let person = "11010519491231002X"
        // The person exists once an event is recorded; trips and codes need them.
        let first = try await HCardRunner.run(
            ["code", "event", "--db", "hc.db", "--person", person, "--kind", "check-in", "--at", "2026-01-01T09:00:00+08:00"],
            in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        let writes: [(table: String, command: (Int) -> [String])] = [
            ("event", { index in
                [
                    "code", "trip", "--db", "hc.db", "--person", person, "--region", "460100",
                    "--arrival", String(format: "2026-02-%02d", index + 1),
                ]
            }),
            ("issuedCode", { index in
                [
                    "code", "issue", "--db", "hc.db", "--person", person, "--key", "issuer.key",
                    "--at", String(format: "2026-03-01T09:%02d:00+08:00", index), "--png", "code\(index).png",
                ]
            }),
        ]
        for (seed, write) in writes.enumerated() {
            let before = await Int(try SQLiteCommand.rows(store, "SELECT count(*) FROM \(write.table);").first ?? "0") ?? 0
            let acknowledged = try await Self.killRounds(8, seed: 0x4B49_4C4C_4843_0000 + UInt64(seed), in: directory,
                command: write.command
            ) {
                let integrity = try await SQLiteCommand.integrityCheck(store)
                #expect(integrity == "ok")
                let status = try await HCardRunner.run(["code", "status", "--db", "hc.db", "--person", person], in: directory)
                #expect(status.status == 0, "after a kill: \(status.stderr)")
            }
            let after = await Int(try SQLiteCommand.rows(store, "SELECT count(*) FROM \(write.table);").first ?? "0") ?? 0
            #expect((acknowledged.count...8).contains(after - before), "\(write.table): \(after - before) rows, \(acknowledged.count) acknowledged")
        }
        // An acknowledged code issue wrote its PNG whole.
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".png") {
            #expect(try QRImageCodec().payloads(inFileAt: directory.appendingPathComponent(file).path).count == 1, "\(file)")
        }
    }

    @Test("QR batch: killed at random points, then resumed; the manifest only names whole files, and ends complete")
    func qrBatch() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await HCardRunner.run(["keys", "generate", "--out", "issuer.key"], in: directory).status == 0)
        let rows = 120
        let csv = (["card_id,kind,window"] + (0..<rows).map { "S\($0),static," }).joined(separator: "\n") + "\n"
        try csv.write(to: directory.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        let batch = [
            "qr", "batch", "--csv", "in.csv", "--out", "codes", "--key", "issuer.key", "--jobs", "2",
            "--now", "2026-03-01T08:00:00Z",
        ]
        let codes = directory.appendingPathComponent("codes")
        var generator = SplitMix64(seed: 0x4B49_4C4C_4241_5443)
        let typical = try await Self.timed(batch, in: try Self.directory(copying: directory))
        var interrupted = 0
        for round in 0..<6 {
            let delay = typical * Double.random(in: 0.1...0.8, using: &generator)
            if try await !Self.runKilled(batch, in: directory, after: delay) { interrupted += 1 }
            try Self.checkManifest(in: codes, round: round)
        }
        #expect(interrupted > 0, "no batch was interrupted: nothing was tested")
        let finish = try await HCardRunner.run(batch + ["--json"], in: directory)
        #expect(finish.status == 0, "\(finish.stderr)")
        let entries = try Self.checkManifest(in: codes, round: -1)
        #expect(entries.count == rows && Set(entries.map(\.cardID)).count == rows, "\(entries.count) codes after resuming")
    }

    /// Every manifest entry names a file that exists with the recorded SM3, and every code file
    /// in the folder is a whole PNG holding one QR symbol.
    @discardableResult
    static func checkManifest(in codes: URL, round: Int) throws -> [(cardID: String, file: String)] {
        let manifestURL = codes.appendingPathComponent("manifest.json")
        guard FileManager.default.fileExists(atPath: manifestURL.path) else { return [] }
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any],
            "round \(round): the manifest does not parse")
        let entries = try #require(manifest["codes"] as? [[String: Any]])
        var listed: [(cardID: String, file: String)] = []
        for entry in entries {
            let file = try #require(entry["file"] as? String)
            let bytes = try [UInt8](Data(contentsOf: codes.appendingPathComponent(file)))
            #expect(Hex.encode(SM3.hash(bytes)) == entry["sm3"] as? String,
                "round \(round): \(file) does not match its manifest entry")
            listed.append((try #require(entry["cardId"] as? String), file))
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: codes.path) where file.hasSuffix(".png") {
            let payloads = try QRImageCodec().payloads(inFileAt: codes.appendingPathComponent(file).path)
            #expect(payloads.count == 1, "round \(round): \(file) is not a whole code")
        }
        return listed
    }

    /// `issuer.key` and a `trust.json` that trusts it for 2026 (tests pass `--now` inside it).
    static func trustedIssuer(in directory: URL) async throws {
        #expect(try await HCardRunner.run(["keys", "generate", "--out", "issuer.key", "--public", "issuer.pub"], in: directory).status == 0)
        let added = try await HCardRunner.run(
            [
                "keys", "trust", "add", "--trust", "trust.json", "--public", "issuer.pub", "--issuer", "HC",
                "--valid-from", "2026-01-01T00:00:00Z", "--valid-to", "2027-01-01T00:00:00Z",
            ], in: directory)
        #expect(added.status == 0, "\(added.stderr)")
    }

    /// The text of a dynamic code for `cardID` signed by `issuer.key` at 2026-03-01T08:00:00Z, valid 10 minutes.
    static func dynamicCode(cardID: String, in directory: URL) async throws -> String {
        let issued = try await HCardRunner.run(
            [
                "qr", "issue", "--card-id", cardID, "--dynamic", "--window", "600", "--key", "issuer.key",
                "--now", "2026-03-01T08:00:00Z", "--json",
            ], in: directory)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(issued.stdout.utf8)) as? [String: Any])
        return try #require(object["text"] as? String, "\(issued.stdout) \(issued.stderr)")
    }
}
