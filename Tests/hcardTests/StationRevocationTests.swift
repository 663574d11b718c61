import Foundation
import HealthCardCore
import HealthCardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `hcard checkpoint station` with e-health-card codes (HCK1) and the station's local lists: a
/// revoked card (the revocation file), a card on the platform's blacklist and a code signed by a
/// key the trust list does not hold are all refused with the reason, and the door (a command that
/// writes to a file the test reads) opens only for the valid card.
@Suite("hcard checkpoint station: revoked, blacklisted and unknown-key e-health-card codes keep the door closed")
struct StationRevocationTests {
    @Test("one open for the valid card; revoked, blacklisted and unknown key denied with their reasons, the door untouched")
    func revokedCards() async throws {
        let site = try StationTestSite(prefix: "hck-station-revoked")
        let directory = site.directory
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        let fixture = try QRPayloadFixture()
        // The station decides at the wall-clock time: a trust list valid now.
        try fixture.trust(around: Date()).save(to: path("trust.json"))
        try RevocationList(cardIDs: ["REVOKED0002"]).save(to: path("revoked.json"))
        let blacklist = PlatformFile(
            kind: .blacklist, source: "CITY-460100", created: Date(),
            records: [["BLACKLISTED0003", "reported lost", ISO8601Instant.format(Date())]])
        try blacklist.text.write(toFile: path("blacklist.txt"), atomically: true, encoding: .utf8)
        #expect(mkfifo(path("scanner.fifo"), 0o600) == 0)
        try """
            {
              "checkpoint": {"id": "E1", "name": "Emergency entrance"},
              "trust": "trust.json",
              "revocations": "revoked.json",
              "blacklist": "blacklist.txt",
              "passLog": "pass.db",
              "replayCache": "replay.json",
              "inputs": [{"kind": "lines", "path": "scanner.fifo", "format": "json"}],
              "actuator": {"kind": "command", "open": ["sh", "-c", "echo open >> door.log"],
                           "close": ["sh", "-c", "echo close >> door.log"]},
              "doorOpenSeconds": 0.2,
              "repeatSuppressSeconds": 0
            }
            """.write(toFile: path("station.json"), atomically: true, encoding: .utf8)

        let station = try StationProcess(arguments: ["checkpoint", "station", "--config", "station.json"], in: directory)
        defer { station.kill() }
        let scanner = Glibc.open(path("scanner.fifo"), O_WRONLY)
        #expect(scanner >= 0)
        defer { Glibc.close(scanner) }
        func scan(_ code: String) async throws -> String {
            let line = Array("{\"text\": \"\(code)\", \"temperature\": 36.5}\n".utf8)
            _ = line.withUnsafeBytes { write(scanner, $0.baseAddress, $0.count) }
            return try await station.nextLine(within: 20)
        }
        func doorLog() -> [String] {
            ((try? String(contentsOfFile: path("door.log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        try? await Task.sleep(for: .milliseconds(300))
        let closedAtStart = doorLog()  // the door is closed once at start

        let valid = try await scan(try await fixture.issue("VALID0001", .static, at: Date()))
        #expect(valid.hasPrefix("PASS #1 E1"), "\(valid) \(station.stderr)")
        try? await Task.sleep(for: .milliseconds(600))  // the open time runs out: the door closes
        #expect(doorLog() == closedAtStart + ["open", "close"])

        let revoked = try await scan(try await fixture.issue("REVOKED0002", .static, at: Date()))
        #expect(revoked.hasPrefix("DENY #2") && revoked.contains("revoked"), "\(revoked)")
        let blacklisted = try await scan(try await fixture.issue("BLACKLISTED0003", .static, at: Date()))
        #expect(blacklisted.hasPrefix("DENY #3") && blacklisted.contains("revoked"), "\(blacklisted)")
        let stranger = try await QRPayloadFixture().issue("VALID0001", .static, at: Date())
        let unknownKey = try await scan(stranger)
        #expect(unknownKey.hasPrefix("DENY #4") && unknownKey.contains("unknown"), "\(unknownKey)")
        try? await Task.sleep(for: .milliseconds(600))
        #expect(doorLog() == closedAtStart + ["open", "close"], "the door moved for a denied passage")

        #expect(await station.terminate() == 0, "\(station.stderr)")
        let logged = try await HCardRunner.run(["passlog", "query", "--log", "pass.db", "--json"], in: directory)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(logged.stdout.utf8)) as? [[String: Any]])
        #expect(rows.compactMap { $0["decision"] as? String } == ["pass", "deny", "deny", "deny"])
        let reasons = rows.dropFirst().map { ($0["reasons"] as? [String]) ?? [] }
        #expect(reasons[0].contains { $0.contains("revoked") } && reasons[1].contains { $0.contains("revoked") }, "\(reasons)")
        #expect(reasons[2].contains { $0.lowercased().contains("unknown") }, "\(reasons)")
    }
}
