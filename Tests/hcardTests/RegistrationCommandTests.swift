import Foundation
import HealthCardTestSupport
import HealthCardCore
import Testing

/// `hcard site`, `hcard register` and `hcard clue` through the built binary: a real SM2 health
/// code, real SQLite stores, an outbox directory.
@Suite("hcard site / register / clue (real codes, SQLite, outbox)")
struct RegistrationCommandTests {
    static let person = "46010619800101001" + String(CitizenID.checkCharacter(forBody: "46010619800101001")!)
    /// 2026-03-01T09:00:00+08:00.
    static let now = Date(timeIntervalSince1970: 1_772_326_800)
    static let nowText = "2026-03-01T09:00:00+08:00"

    let directory: URL
    let issuer: HealthCodeIssuer

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-register-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = try SM2PrivateKey()
        issuer = try HealthCodeIssuer(privateKey: key)
        try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test Hainan HC", validFrom: Self.now.addingTimeInterval(-86_400 * 60),
                validTo: Self.now.addingTimeInterval(86_400 * 300))
        ]).save(to: directory.appendingPathComponent("trust.json").path)
    }

    func run(_ arguments: [String]) async throws -> HCardRunner.Result {
        try await HCardRunner.run(arguments, in: directory)
    }

    static let fever = [
        "register", "new", "fever-clinic", "--store", "reg.db", "--site", "FC1", "--operator", "nurse-07", "--trust",
        "trust.json", "--events", "hc.db", "--now", nowText, "--field", "name=王芳", "--field", "phone=13800138000",
        "--field", "residence=海口市龙华区",
    ]

    @Test("a verified code registers and raises the fever-clinic event; a tampered one is refused; a bad form lists every violation")
    func register() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let added = try await run([
            "site", "add", "--store", "reg.db", "--id", "FC1", "--type", "feverClinic", "--name", "发热门诊", "--region",
            "460106", "--operator", "人民医院",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try await run(["site", "add", "--store", "reg.db", "--id", "X", "--type", "pharmacy", "--name", "x", "--region", "460100", "--operator", "y"]).status == 1)

        let code = try await issuer.issue(
            colour: .green, region: "460100", person: try PersonID(Self.person), now: Self.now.addingTimeInterval(-600)).text
        let stored = try await run(Self.fever + ["--text", code, "--id", Self.person, "--field", "temperature=38.4"])
        #expect(stored.status == 0, "\(stored.stderr)")
        #expect(stored.stdout.hasPrefix("registered #1, events 1, colour now yellow"))

        // The same code drawn as a PNG and scanned from the image (libqrencode → PNG → zbar).
        try QRImage.writePNG(try QREncoder().encode(text: code), to: directory.appendingPathComponent("code.png"))
        let fromImage = try await run(Self.fever + ["code.png", "--id", Self.person, "--field", "temperature=37.9"])
        #expect(fromImage.status == 0, "\(fromImage.stderr)")
        #expect(fromImage.stdout.hasPrefix("registered #2, events 2, colour now yellow"), "\(fromImage.stdout)")

        var tampered = Array(code.utf8)
        tampered[tampered.count - 2] = tampered[tampered.count - 2] == 0x41 ? 0x42 : 0x41
        let refused = try await run(Self.fever + ["--text", String(decoding: tampered, as: UTF8.self), "--field", "temperature=38.4"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("health code refused"), "\(refused.stderr)")

        let rejected = try await run(Self.fever + ["--id", "46010620150601002" + String(CitizenID.checkCharacter(forBody: "46010620150601002")!), "--field", "temperature=45"])
        #expect(rejected.status == 2)
        #expect(rejected.stderr.contains("fever-clinic@1: guardianName (监护人姓名): required under 14 (age 10 from idNumber) [requiredWhen]"), "\(rejected.stderr)")
        #expect(rejected.stderr.contains("fever-clinic@1: temperature (现场测量体温): 45.0℃ is above 43 [maximum]"), "\(rejected.stderr)")
        #expect(try await run(Self.fever + ["--id", Self.person, "--field", "temprature=38"]).status == 1)

        // A stored registration is not rewritten, not even by hand-written SQL.
        for statement in ["UPDATE registration SET colour = 'red'", "UPDATE registration SET events = '[]'",
            "UPDATE registration SET fields = '{}'"]
        {
            let refused = try await SQLiteCommand.run(directory.appendingPathComponent("reg.db"), statement)
            #expect(
                refused.status != 0 && refused.stderr.contains("a registration is not changed after it is stored"),
                "\(statement): \(refused.stderr)")
        }

        let listed = try await run(["register", "list", "--store", "reg.db", "--site", "FC1"])
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("460106********"))
        #expect(!listed.stdout.contains(Self.person))
        #expect(try await run(["register", "list", "--store", "reg.db", "--full-id"]).stdout.contains(Self.person))
        let exported = try await run(["register", "export", "--store", "reg.db", "--form", "fever-clinic", "--output", "out.csv"])
        #expect(exported.stdout == "2 registrations written to out.csv\n")
        let purged = try await run(["register", "purge", "--store", "reg.db", "--older-than", "1", "--actor", "ops", "--now", "2026-03-05"])
        #expect(purged.stdout == "deleted 2 registrations older than 1 days\n")
        #expect(try await run(["register", "purge", "--store", "reg.db", "--audit"]).stdout.contains("\tops\tpurge\tdeleted 2 registrations"))
    }

    @Test("a clue travels to the outbox, is acknowledged and answered; an unanswered one is overdue (exit 2)")
    func clues() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("outbox"), withIntermediateDirectories: true)
        #expect(try await run(["clue", "handler", "--store", "reg.db", "--region", "460106", "--name", "龙华区指挥部", "--phone", "0898-66660001"]).status == 0)
        let report = ["clue", "report", "--store", "reg.db", "--region", "460106", "--place", "某KTV", "--description", "聚集"]
        let first = try await run(report + ["--subject", "violation/gathering"])
        #expect(first.stdout == "clue #1 notified to 龙华区指挥部 (460106)\n", "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("outbox/clue-1.json").path))
        #expect(try await run(report + ["--subject", "priceGouging"]).status == 0)
        #expect(try await run(report + ["--subject", "gatherings"]).status == 1)
        #expect(try await run(["clue", "feedback", "1", "--store", "reg.db", "--text", "已处置"]).status == 1)
        #expect(try await run(["clue", "ack", "1", "--store", "reg.db", "--by", "张三"]).stdout == "clue #1 acknowledged\n")
        #expect(try await run(["clue", "feedback", "1", "--store", "reg.db", "--text", "已处置"]).stdout == "clue #1 closed\n")
        let overdue = try await run(["clue", "overdue", "--store", "reg.db", "--now", "2099-01-01"])
        #expect(overdue.status == 2)
        #expect(overdue.stdout.hasPrefix("460106 海南省 海口市 龙华区: 1 overdue\n  #2\tnotAcknowledged"), "\(overdue.stdout)")
    }
}
