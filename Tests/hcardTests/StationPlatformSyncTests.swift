import Foundation
import HealthCardCore
import HealthCardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A gate station uploading to the platform, both as operators run them: the built `hcard` as
/// `hcard checkpoint station` (sync target `http` with a verifier's key file) and as `hcard serve`
/// on its own SQLite files. The platform is away while people pass, comes back, goes away again;
/// the station's cursor is lost: every passage reaches the platform exactly once, in order.
@Suite("station → hcard serve: offline passages uploaded exactly once", .serialized)
struct StationPlatformSyncTests {
    let directory: URL
    let issuer: HealthCodeIssuer
    static let person = try! PersonID("11010519491231002X")

    init() throws {
        let site = try StationTestSite(prefix: "hck-station-sync")
        directory = site.directory
        issuer = site.issuer
        try FileManager.default.createDirectory(atPath: directory.appendingPathComponent("platform").path, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// `hcard serve` on the platform folder at `port`, ready (its `/readyz` answered 200).
    func startPlatform(port: Int) async throws -> Process {
        let process = Process()
        process.executableURL = HCardRunner.productsDirectory.appendingPathComponent("hcard")
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)"]
        process.currentDirectoryURL = directory.appendingPathComponent("platform")
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if await (try? get("/readyz", port: port, key: nil).0) == 200 { return process }
            try? await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw POSIXError(.ETIMEDOUT)
    }

    /// A GET with the key as Bearer token: (status, body).
    func get(_ path: String, port: Int, key: String?) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 5)
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// The platform's passages of G1, in order: (decision, time).
    func platformPassages(port: Int, auditor: String) async throws -> [[String: Any]] {
        let (status, body) = try await get("/v1/checkpoints/passes?checkpoint=G1&limit=1000", port: port, key: auditor)
        guard status == 200 else { throw POSIXError(.EPROTO) }
        return (try JSONSerialization.jsonObject(with: body) as? [[String: Any]]) ?? []
    }

    /// Waits until the platform holds `count` passages of G1.
    func waitForPlatform(_ count: Int, port: Int, auditor: String) async throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(30)
        var rows: [[String: Any]] = []
        while Date() < deadline {
            rows = try await platformPassages(port: port, auditor: auditor)
            if rows.count >= count { return rows }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return rows
    }

    @Test("away, back, away, back, cursor lost: the platform ends with each of the station's passages once, in its order")
    func offlineThenUpload() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try ReadmeServeExampleTests.freePort()
        let platform = directory.appendingPathComponent("platform")
        let gateKey = try await HCardRunner.run(["serve", "key", "add", "--name", "station-g1", "--roles", "verifier"], in: platform)
        #expect(gateKey.status == 0, "\(gateKey.stderr)")
        try gateKey.stdout.write(toFile: path("gate.key"), atomically: true, encoding: .utf8)
        let auditor = try await HCardRunner.run(["serve", "key", "add", "--name", "audit", "--roles", "auditor"], in: platform)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(mkfifo(path("scanner.fifo"), 0o600) == 0)
        try """
            {
              "checkpoint": {"id": "G1", "name": "East gate", "department": "ER"},
              "trust": "trust.json",
              "passLog": "pass.db",
              "replayCache": "replay.json",
              "inputs": [{"kind": "lines", "path": "scanner.fifo", "format": "json"}],
              "actuator": {"kind": "command", "open": ["true"], "close": ["true"]},
              "doorOpenSeconds": 0.1,
              "repeatSuppressSeconds": 0,
              "sync": {"kind": "http", "url": "http://127.0.0.1:\(port)/v1/checkpoints/G1/passages",
                       "keyFile": "gate.key", "timeoutSeconds": 2, "intervalSeconds": 0.2}
            }
            """.write(toFile: path("station.json"), atomically: true, encoding: .utf8)

        var station = try StationProcess(arguments: ["checkpoint", "station", "--config", "station.json"], in: directory)
        defer { station.kill() }
        let scanner = Glibc.open(path("scanner.fifo"), O_RDWR)  // RDWR: the station may reopen it
        #expect(scanner >= 0)
        defer { Glibc.close(scanner) }
        var minute = 0.0
        func scan(_ colour: HealthColour) async throws -> String {
            minute += 1
            let text = try await issuer.issue(
                colour: colour, region: "460100", person: Self.person, now: Date().addingTimeInterval(-60 * minute)
            ).text
            let line = Array("{\"text\": \"\(text)\", \"temperature\": 36.5}\n".utf8)
            _ = line.withUnsafeBytes { write(scanner, $0.baseAddress, $0.count) }
            return try await station.nextLine(within: 20)
        }

        // 1. The platform is not there yet: the gate decides and logs alone.
        var acknowledged: [String] = []
        for colour in [HealthColour.green, .red, .green] { acknowledged.append(try await scan(colour)) }
        #expect(acknowledged.map { $0.prefix(7) } == ["PASS #1", "DENY #2", "PASS #3"], "\(acknowledged) \(station.stderr)")

        // 2. The platform comes up: the three arrive, once.
        var server = try await startPlatform(port: port)
        var rows = try await waitForPlatform(3, port: port, auditor: auditor)
        #expect(rows.compactMap { $0["decision"] as? String } == ["pass", "deny", "pass"], "\(rows) \(station.stderr)")

        // 3. Away again (SIGKILL: no goodbye), two more passages, back again.
        kill(server.processIdentifier, SIGKILL)
        await server.waitForExit()
        for colour in [HealthColour.red, .green] { acknowledged.append(try await scan(colour)) }
        try? await Task.sleep(for: .milliseconds(600))  // a few failed attempts
        server = try await startPlatform(port: port)
        rows = try await waitForPlatform(5, port: port, auditor: auditor)
        #expect(rows.compactMap { $0["decision"] as? String } == ["pass", "deny", "pass", "deny", "pass"], "\(rows)")

        // 4. The station stops and its cursor is lost: it resends everything; the platform
        //    counts duplicates and records nothing twice.
        #expect(await station.terminate() == 0, "\(station.stderr)")
        try FileManager.default.removeItem(atPath: path("pass.db.sync-cursor.json"))
        station = try StationProcess(arguments: ["checkpoint", "station", "--config", "station.json"], in: directory)
        acknowledged.append(try await scan(.green))
        #expect(acknowledged.last?.hasPrefix("PASS #6") == true, "\(acknowledged)")
        rows = try await waitForPlatform(6, port: port, auditor: auditor)
        try? await Task.sleep(for: .milliseconds(1_000))  // any duplicate would have arrived by now
        rows = try await platformPassages(port: port, auditor: auditor)
        #expect(rows.count == 6, "\(rows)")
        #expect(rows.compactMap { $0["decision"] as? String } == ["pass", "deny", "pass", "deny", "pass", "pass"])
        #expect(rows.allSatisfy { $0["checkpointName"] as? String == "East gate" && $0["department"] as? String == "ER" })
        let cursor = try String(contentsOfFile: path("pass.db.sync-cursor.json"), encoding: .utf8)
        #expect(cursor.contains("\"uploaded\":6") || cursor.contains("\"uploaded\": 6"), "\(cursor)")

        #expect(await station.terminate() == 0)
        server.terminate()
        await server.waitForExit()
    }
}
