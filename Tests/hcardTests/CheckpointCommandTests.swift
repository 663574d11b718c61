import Foundation
import HealthCardTestSupport
import HealthCardCore
import Testing

/// `hcard checkpoint scan` and `hcard passlog` through the built binary, with real SM2 codes drawn as
/// PNG files, a real SQLite pass log, and a SIGKILL in the middle of a batch.
@Suite("hcard checkpoint / passlog (real codes, images, SQLite, SIGKILL)")
struct CheckpointCommandTests {
    static let person = try! PersonID("11010519491231002X")
    /// 2026-03-01T09:00:00+08:00, the scan time of every test.
    static let now = Date(timeIntervalSince1970: 1_772_326_800)
    static let nowText = "2026-03-01T09:00:00+08:00"

    let directory: URL
    let issuer: HealthCodeIssuer

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = try SM2PrivateKey()
        issuer = try HealthCodeIssuer(privateKey: key)
        try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test Hainan HC",
                validFrom: Self.now.addingTimeInterval(-86_400 * 60),
                validTo: Self.now.addingTimeInterval(86_400 * 300))
        ]).save(to: directory.appendingPathComponent("trust.json").path)
    }

    func code(_ colour: HealthColour, issuedAt: Date = now.addingTimeInterval(-3600)) async throws -> String {
        try await issuer.issue(colour: colour, region: "460100", person: Self.person, now: issuedAt).text
    }

    func png(_ text: String, _ name: String) throws -> String {
        try QRImage.writePNG(try QREncoder().encode(text: text), to: directory.appendingPathComponent(name))
        return name
    }

    func run(_ arguments: [String], stdin: String? = nil) async throws -> HCardRunner.Result {
        try await HCardRunner.run(arguments, stdin: stdin, in: directory)
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    static func array(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "\(text)")
    }

    static let scan = [
        "checkpoint", "scan", "--log", "pass.db", "--checkpoint", "G1", "--name", "East gate", "--area", "460105",
        "--department", "Security", "--trust", "trust.json", "--now", nowText,
    ]

    @Test(
        "done-when: green, yellow, red, expired, tampered and feverish scans from PNGs: exit 0/2, acknowledged, logged")
    func scans() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let red = try await code(.red)
        let decoded = try HealthCodeFormat.decode(red)
        var body = decoded.body
        body[17] = 0x01  // red → green, signature kept
        let cases: [(image: String, temperature: String, status: Int32, reasons: [String])] = [
            (try png(try await code(.green), "green.png"), "36.5", 0, []),
            (try png(try await code(.yellow), "yellow.png"), "36.5", 2, ["colourNotAllowed"]),
            (try png(red, "red.png"), "36.5", 2, ["colourNotAllowed"]),
            (
                try png(try await code(.green, issuedAt: Self.now.addingTimeInterval(-3 * 86_400)), "expired.png"),
                "36.5", 2,
                ["healthCode.expired"]
            ),
            (
                try png(HealthCodeFormat.text(body: body, signature: decoded.signature), "tampered.png"), "36.5", 2,
                ["healthCode.badSignature"]
            ),
            ("green.png", "38.1", 2, ["fever"]),
        ]
        var acknowledged: [Int] = []
        for item in cases {
            let result = try await run(Self.scan + ["--temperature", item.temperature, item.image, "--json"])
            #expect(result.status == item.status, "\(item.image): \(result.stdout) \(result.stderr)")
            let ack = try Self.object(result.stdout)
            #expect((ack["reasons"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == item.reasons)
            #expect(ack["decision"] as? String == (item.reasons.isEmpty ? "pass" : "deny"))
            acknowledged.append(try #require(ack["id"] as? Int))
        }
        let text = try await run(Self.scan + ["--temperature", "36.6", "red.png"])
        #expect(text.status == 2)
        #expect(
            text.stdout
                == "DENY #7 G1 in HCS:\(HealthCode.Subject(person: Self.person).hex) healthCode red 36.6 °C — red code is not allowed here\n"
        )

        let logged = try await Self.array(try run(["passlog", "query", "--log", "pass.db", "--json"]).stdout)
        #expect(logged.compactMap { $0["id"] as? Int } == acknowledged + [7])
        #expect(logged.compactMap { $0["reasons"] as? [String] } == cases.map(\.reasons) + [["colourNotAllowed"]])
        #expect(
            logged.allSatisfy {
                $0["checkpointName"] as? String == "East gate" && $0["time"] as? String == Self.nowText
            })
    }

    @Test(
        "ID numbers: required code by default (exit 2), --id-suffices passes, masked unless --full-id; bad usage is 64")
    func idNumbers() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let strict = try await run(Self.scan + ["--temperature", "36.5", "--id", "11010519491231002X"])
        #expect(strict.status == 2)
        #expect(strict.stdout.contains("DENY #1 G1 in 110105********002X idNumber 36.5 °C — an ID number alone"))
        let manual = try await run(
            Self.scan + [
                "--temperature", "36.5", "--id", "11010519491231002X", "--id-suffices", "--direction", "out",
                "--plate", "琼A12345", "--full-id",
            ])
        #expect(manual.status == 0, "\(manual.stderr)")
        #expect(manual.stdout == "PASS #2 G1 out 11010519491231002X idNumber 36.5 °C\n")
        let invalid = try await run(Self.scan + ["--temperature", "36.5", "--id", "110105194912310021", "--id-suffices"])
        #expect(invalid.status == 2 && invalid.stdout.contains("invalid ID number: wrong check character"))
        #expect(try await run(Self.scan + ["--temperature", "36.5"]).status == 64)
        #expect(try await run(Self.scan + ["--id", "11010519491231002X", "--temperature-limit", "50"]).status == 64)

        let trajectory = try await run([
            "passlog", "trajectory", "--log", "pass.db", "--person", "11010519491231002X", "--now", "2026-03-02",
        ])
        #expect(trajectory.stdout.split(separator: "\n").count == 2, "\(trajectory.stdout)")
        #expect(
            trajectory.stdout.contains(
                "#2 2026-03-01T09:00:00+08:00 G1 out PASS 110105********002X idNumber 36.5 °C 琼A12345"))
        let counts = try Self.array(
            try await run(["passlog", "counts", "--log", "pass.db", "--by", "checkpoint", "--json"]).stdout)
        #expect(counts.first?["passed"] as? Int == 1 && counts.first?["denied"] as? Int == 2)
        let csv = try await run(["passlog", "export", "--log", "pass.db", "--csv", "--decision", "deny"])
        #expect(csv.stdout.components(separatedBy: "\r\n").count == 4)  // header, 2 rows, final empty
        let frequency = try await run(["passlog", "frequency", "--log", "pass.db", "--json", "--full-id"])
        #expect(try Self.array(frequency.stdout).first?["visits"] as? Int == 2)
        #expect(try await run(["passlog", "query", "--log", "missing.db"]).status == 64)
    }

    @Test("done-when: SIGKILL in the middle of a batch leaves every acknowledged passage in a sound log")
    func killMidBatch() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let green = try await code(.green)
        let total = 400
        var input = ""
        for index in 0..<total {
            input += #"{"text": "\#(green)", "temperature": \#(index % 5 == 0 ? 38.0 : 36.5)}"# + "\n"
        }
        let process = Process()
        process.executableURL = HCardRunner.productsDirectory.appendingPathComponent("hcard")
        process.arguments = Self.scan + ["--batch"]
        process.currentDirectoryURL = directory
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Send all but the last 100 lines and keep standard input open: the batch cannot end
        // before the kill, however fast the machine is.
        let sent = input.split(separator: "\n").prefix(total - 100).joined(separator: "\n") + "\n"
        try stdin.fileHandleForWriting.write(contentsOf: Data(sent.utf8))

        // Read acknowledgements until 20 have arrived, then kill the process mid-batch.
        let reader = stdout.fileHandleForReading
        var buffer = try await onOwnThread {
            var buffer = Data()
            while buffer.filter({ $0 == 0x0A }).count < 20 {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                buffer += chunk
            }
            return buffer
        }
        kill(process.processIdentifier, SIGKILL)
        await process.waitForExit()
        try? stdin.fileHandleForWriting.close()
        buffer += stdout.fileHandleForReading.readDataToEndOfFile()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)

        // Every complete acknowledgement line: "PASS #id …" or "DENY #id …".
        var lines = String(decoding: buffer, as: UTF8.self).components(separatedBy: "\n")
        lines.removeLast()  // after the last newline: empty, or a line cut by the kill (not acknowledged)
        let acknowledged = try lines.map { line -> (Int64, String) in
            let parts = line.split(separator: " ")
            return (try #require(Int64(parts[1].dropFirst())), String(parts[0]).lowercased())
        }
        #expect(acknowledged.count >= 20)
        #expect(acknowledged.count < total, "the kill came after the whole batch; nothing was tested")

        let log = try PassLog(path: directory.appendingPathComponent("pass.db").path)
        let records = Dictionary(uniqueKeysWithValues: try log.records(matching: PassLogFilter()).map { ($0.id, $0) })
        for (id, decision) in acknowledged {
            #expect(records[id]?.outcome.rawValue == decision, "acknowledged passage #\(id) is missing or changed")
        }
        // Passage n is the n-th line: the fever lines are the denials.
        #expect(records.values.allSatisfy { ($0.outcome == .deny) == (($0.id - 1) % 5 == 0) })
        #expect(try log.integrityCheck() == ["ok"])
        let check = try await SQLiteCommand.integrityCheck(directory.appendingPathComponent("pass.db"))
        #expect(check == "ok")
    }
}
