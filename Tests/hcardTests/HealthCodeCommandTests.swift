import Foundation
import HealthCardCore
import Testing

@Suite("hcard code (health codes, through the real SQLite file and SM2 keys)")
struct HealthCodeCommandTests {
    static let person = "11010519491231002X"

    static func declaration(_ changes: [String: Any] = [:]) throws -> Data {
        var record: [String: Any] = [
            "name": "张三", "sex": "1", "documentType": "01", "documentNumber": person, "householdRegion": "460105",
            "temperature": 36.6, "symptoms": [String](), "riskAreaStay": false, "overseas": false,
        ]
        record.merge(changes) { _, new in new }
        return try JSONSerialization.data(withJSONObject: record)
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A directory with an issuer key, its trust list and an empty store path.
    static func setUp() async throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-code-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let generated = try await HCardRunner.run(
            ["keys", "generate", "--out", "issuer.key", "--public", "issuer.pub"], in: directory)
        #expect(generated.status == 0, "\(generated.stderr)")
        let trusted = try await HCardRunner.run(
            [
                "keys", "trust", "add", "--trust", "trust.json", "--public", "issuer.pub", "--issuer", "Test Hainan HC",
                "--valid-from", "2026-01-01T00:00:00Z", "--valid-to", "2027-01-01T00:00:00Z",
            ], in: directory)
        #expect(trusted.status == 0, "\(trusted.stderr)")
        return directory
    }

    static func counts(_ directory: URL) async throws -> (events: Int, codes: Int) {
        let status = try await HCardRunner.run(
            ["code", "status", "--db", "hc.db", "--person", person, "--at", "2026-03-01", "--json"], in: directory)
        let json = try object(status.stdout)
        return ((json["events"] as? [Any])?.count ?? -1, (json["issuedCodes"] as? [Any])?.count ?? -1)
    }

    @Test("invalid declaration: exit 1, every violation with its element, nothing stored")
    func invalidDeclaration() async throws {
        let directory = try await Self.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.declaration().write(to: directory.appendingPathComponent("ok.json"))
        let ok = try await HCardRunner.run(
            ["code", "declare", "--db", "hc.db", "--from", "ok.json", "--at", "2026-03-01T09:00:00"], in: directory)
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
        #expect(ok.stdout.contains("declared \(Self.person) (event 1)"))
        #expect(ok.stdout.contains(": green on 2026-03-01 (hainan-2022-09)"))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("hc.db").path))
        let before = try await Self.counts(directory)
        #expect(before.events == 1)

        try Self.declaration(["documentNumber": "110105194912310021", "temperature": 45, "householdRegion": "999999"])
            .write(to: directory.appendingPathComponent("bad.json"))
        let bad = try await HCardRunner.run(["code", "declare", "--db", "hc.db", "--from", "bad.json"], in: directory)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("rejected: 3 violations; nothing was stored"))
        #expect(bad.stdout.contains("证件号码 (documentNumber): wrong check character"))
        #expect(bad.stdout.contains("体温 (temperature): 45.0℃ is above 43.0"))
        #expect(bad.stdout.contains("户籍区划 (householdRegion): unknown region '999999'"))
        #expect(try await Self.counts(directory) == before)

        let json = try await HCardRunner.run(
            ["code", "declare", "--db", "hc.db", "--from", "bad.json", "--json"], in: directory)
        #expect(json.status == 1)
        let object = try Self.object(json.stdout)
        #expect(object["returnCode"] as? String == "1001")
        let elements = (object["violations"] as? [[String: Any]])?.compactMap { $0["element"] as? String }
        #expect(Set(elements ?? []) == ["documentNumber", "temperature", "householdRegion"])
        #expect(try await Self.counts(directory) == before)
    }

    @Test("done-when: red code verifies red; after the history turns green a new code is green, the old one expires")
    func redThenGreen() async throws {
        let directory = try await Self.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.declaration().write(to: directory.appendingPathComponent("d.json"))
        func run(_ arguments: [String]) async throws -> HCardRunner.Result {
            try await HCardRunner.run(arguments, in: directory)
        }
        #expect(
            try await run(["code", "declare", "--db", "hc.db", "--from", "d.json", "--at", "2026-03-01T09:00:00"]).status == 0
        )
        let opened = try await run([
            "code", "event", "--db", "hc.db", "--person", Self.person, "--kind", "case-opened", "--status", "confirmed",
            "--actor", "cdc", "--at", "2026-03-02T10:00:00",
        ])
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.stdout.contains(": red on 2026-03-02"))

        let issued = try await run([
            "code", "issue", "--db", "hc.db", "--person", Self.person, "--key", "issuer.key",
            "--at", "2026-03-02T12:00:00+08:00", "--png", "red.png", "--json",
        ])
        #expect(issued.status == 0, "\(issued.stderr)")
        let issuedJSON = try Self.object(issued.stdout)
        let redText = try #require(issuedJSON["text"] as? String)
        let redCode = try #require(issuedJSON["code"] as? [String: Any])
        #expect(redText.hasPrefix("HCC1-"))
        #expect(redCode["colour"] as? String == "red")
        #expect(redCode["region"] as? String == "460100")
        #expect(redCode["expiresAt"] as? String == "2026-03-03T04:00:00Z")

        // From the PNG, as a checkpoint scans it.
        let scanned = try await run([
            "code", "verify", "red.png", "--trust", "trust.json", "--now", "2026-03-02T13:00:00+08:00",
        ])
        #expect(scanned.status == 0, "\(scanned.stdout) \(scanned.stderr)")
        #expect(scanned.stdout.hasPrefix("valid: red code \(redCode["codeId"] as? String ?? "?"), region 460100"))
        #expect(scanned.stdout.contains("by Test Hainan HC"))
        let presented = try await run([
            "code", "verify", "--text", redText, "--trust", "trust.json", "--now", "2026-03-02T13:00:00+08:00",
            "--person", "440524198001010013",
        ])
        #expect(presented.status == 1)
        #expect(presented.stdout.contains("does not belong to the presented identity document"))

        #expect(
            try await run([
                "code", "event", "--db", "hc.db", "--person", Self.person, "--kind", "case-closed", "--status",
                "confirmed", "--actor", "cdc", "--at", "2026-03-05T10:00:00",
            ]).status == 0)
        let status = try await run(["code", "status", "--db", "hc.db", "--person", Self.person, "--at", "2026-03-13"])
        #expect(status.stdout.contains(": yellow on 2026-03-13"))
        #expect(status.stdout.contains("yellow case.confirmed since 2026-03-12 (auto): 7 days of home monitoring"))
        #expect(status.stdout.contains("ends 2026-03-19"))
        let statusJSON = try Self.object(
            try await run(["code", "status", "--db", "hc.db", "--person", Self.person, "--at", "2026-03-13", "--json"]).stdout
        )
        let reasons = (statusJSON["status"] as? [String: Any])?["reasons"] as? [[String: Any]]
        #expect(reasons?.first?["endsOn"] as? String == "2026-03-19")
        #expect(
            try await Self.object(
                try run([
                    "code", "status", "--db", "hc.db", "--person", Self.person, "--at", "2026-03-13", "--rules",
                    "hainan-2022-05", "--json",
                ]).stdout)["rules"] as? String == "hainan-2022-05")

        let green = try await run([
            "code", "issue", "--db", "hc.db", "--person", Self.person, "--key", "issuer.key",
            "--at", "2026-03-20T09:00:00+08:00", "--valid", "12h",
        ])
        #expect(green.status == 0, "\(green.stderr)")
        let greenText = green.stdout.trimmingCharacters(in: .newlines)
        #expect(green.stderr.contains("green code "))
        #expect(green.stderr.contains("valid 2026-03-20T01:00:00Z to 2026-03-20T13:00:00Z"))
        let greenCheck = try await run([
            "code", "verify", "--text", greenText, "--trust", "trust.json", "--now", "2026-03-20T09:05:00+08:00",
            "--person", Self.person,
        ])
        #expect(greenCheck.status == 0)
        #expect(greenCheck.stdout.hasPrefix("valid: green code"))

        let old = try await run([
            "code", "verify", "--text", redText, "--trust", "trust.json", "--now", "2026-03-20T09:05:00+08:00",
            "--json",
        ])
        #expect(old.status == 1)
        let oldJSON = try Self.object(old.stdout)
        #expect(oldJSON["reason"] as? String == "expired")
        #expect((oldJSON["message"] as? String)?.hasPrefix("expired at 2026-03-03T04:00:00Z") == true)
        // Still valid up to its expiry (+30 s skew); the store knows a newer code exists.
        let lastSecond = try await run([
            "code", "verify", "--text", redText, "--trust", "trust.json", "--now", "2026-03-03T04:00:30Z", "--db",
            "hc.db",
        ])
        #expect(lastSecond.status == 0)
        #expect(lastSecond.stdout.contains("note: a newer code"))
        #expect(try await Self.counts(directory).codes == 2)
    }

    @Test("tampered text: bad signature or malformed with offset; Grid Matrix: issued and drawn")
    func tamperingAndGridMatrix() async throws {
        let directory = try await Self.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.declaration().write(to: directory.appendingPathComponent("d.json"))
        #expect(
            try await HCardRunner.run(
                ["code", "declare", "--db", "hc.db", "--from", "d.json", "--at", "2026-03-01T09:00:00"], in: directory
            ).status == 0)
        let issued = try await HCardRunner.run(
            [
                "code", "issue", "--db", "hc.db", "--person", Self.person, "--key", "issuer.key",
                "--at", "2026-03-01T10:00:00+08:00",
            ], in: directory)
        let text = issued.stdout.trimmingCharacters(in: .newlines)
        #expect(issued.stderr.contains("green code"))

        var bytes = try Base45.decode(text.dropFirst(5))
        bytes[17] = 0x03  // green → red
        let recoloured = "HCC1-" + Base45.encode(bytes)
        let forged = try await HCardRunner.run(
            ["code", "verify", "--text", recoloured, "--trust", "trust.json", "--now", "2026-03-01T10:01:00+08:00"],
            in: directory)
        #expect(forged.status == 1)
        #expect(forged.stdout == "INVALID: bad signature\n")

        let broken = try await HCardRunner.run(
            ["code", "verify", "--text", "HCC1-" + text.dropFirst(5).lowercased(), "--trust", "trust.json", "--json"],
            in: directory)
        #expect(broken.status == 1)
        let brokenJSON = try Self.object(broken.stdout)
        #expect(brokenJSON["reason"] as? String == "malformed")
        #expect(brokenJSON["offset"] as? Int != nil)

        // GB/T 38961's preferred symbology: the code is issued and drawn as Grid Matrix (libzint).
        let grid = try await HCardRunner.run(
            [
                "code", "issue", "--db", "hc.db", "--person", Self.person, "--key", "issuer.key", "--symbology",
                "grid-matrix", "--png", "gm.png",
            ], in: directory)
        #expect(grid.status == 0, "\(grid.stderr)")
        #expect(grid.stdout.hasPrefix("HCC1-"))
        let png = try Data(contentsOf: directory.appendingPathComponent("gm.png"))
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))

        let unknown = try await HCardRunner.run(
            ["code", "issue", "--db", "hc.db", "--person", "440524198001010013", "--key", "issuer.key"], in: directory)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown person 440524198001010013"))
    }
}
