import Foundation
import HealthCardCore
import HealthCardTestSupport
import Testing

/// Six processes at once on each remaining store: the trust and revocation lists, the replay
/// cache that gates share, the health-event store and the blacklist.
extension ConcurrentWritersTests {
    @Test("six `keys trust add` on one trust list: six keys, the list loads")
    func trustListAdds() async throws {
        let directory = try KillDuringWriteTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var keyIDs: [String] = []
        for index in 0..<6 {
            let generate = try await HCardRunner.run(
                ["keys", "generate", "--out", "k\(index).key", "--public", "k\(index).pub", "--json"], in: directory)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(generate.stdout.utf8)) as? [String: Any])
            keyIDs.append(try #require(object["keyId"] as? String))
        }
        let results = try await Self.runTogether(
            (0..<6).map { ["keys", "trust", "add", "--trust", "trust.json", "--public", "k\($0).pub", "--issuer", "I\($0)"] },
            in: directory)
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map { "\($0.status) \($0.stderr)" })")
        let list = try TrustList.load(from: directory.appendingPathComponent("trust.json").path)
        #expect(Set(list.entries.map(\.keyID.hex)) == Set(keyIDs))
    }

    @Test("six `keys revoke` on one revocation list: six cards, the list loads")
    func revocations() async throws {
        let directory = try KillDuringWriteTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let results = try await Self.runTogether(
            (0..<6).map { ["keys", "revoke", "--revoked", "revoked.json", "--card-id", "CARD\($0)"] }, in: directory)
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map { "\($0.status) \($0.stderr)" })")
        let list = try RevocationList.load(from: directory.appendingPathComponent("revoked.json").path)
        #expect(list.cardIDs == Set((0..<6).map { "CARD\($0)" }))
    }

    @Test("one dynamic code shown at six gates sharing a replay cache at once: accepted exactly once")
    func sharedReplayCache() async throws {
        let directory = try KillDuringWriteTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await KillDuringWriteTests.trustedIssuer(in: directory)
        let text = try await KillDuringWriteTests.dynamicCode(cardID: "26B5A1FE56681", in: directory)
        let verify = [
            "qr", "verify", "--text", text, "--trust", "trust.json", "--replay-cache", "seen.json",
            "--now", "2026-03-01T08:00:30Z",
        ]
        let results = try await Self.runTogether(Array(repeating: verify, count: 6), in: directory)
        #expect(results.filter { $0.status == 0 }.count == 1, "\(results.map { "\($0.status) \($0.stdout)" })")
        #expect(results.filter { $0.status == 1 && $0.stdout.contains("replayed") }.count == 5)
    }

    @Test("six `code event` processes on one health-event store: six events, integrity ok")
    func healthEvents() async throws {
        let directory = try KillDuringWriteTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let people = ["11010519491231002X", "110105198503120012", "440524198001010013"]
        let results = try await Self.runTogether(
            (0..<6).map {
                [
                    "code", "event", "--db", "hc.db", "--person", people[$0 % 3], "--kind", "check-in",
                    "--at", "2026-03-01T09:00:0\($0)+08:00",
                ]
            }, in: directory)
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map { "\($0.status) \($0.stderr)" })")
        let store = directory.appendingPathComponent("hc.db")
        #expect(try await SQLiteCommand.rows(store, "SELECT count(*) FROM event;") == ["6"])
        #expect(try await SQLiteCommand.rows(store, "SELECT count(*) FROM person;") == ["3"])
        #expect(try await SQLiteCommand.integrityCheck(store) == "ok")
    }

    @Test("six `blacklist add` processes on one store: six cards listed, integrity ok")
    func blacklistAdds() async throws {
        let directory = try KillDuringWriteTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cards = (0..<6).map { "B1234567\($0)0" }
        let results = try await Self.runTogether(
            cards.map { ["blacklist", "add", "--db", "cards.db", "--card", $0, "--reason", "lost"] }, in: directory)
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map { "\($0.status) \($0.stderr)" })")
        let list = try await HCardRunner.run(["blacklist", "list", "--db", "cards.db", "--json"], in: directory)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["number"] as? String }) == Set(cards))
        #expect(try await SQLiteCommand.integrityCheck(directory.appendingPathComponent("cards.db")) == "ok")
    }
}
