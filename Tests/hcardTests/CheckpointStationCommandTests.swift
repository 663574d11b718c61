import Foundation
import HealthCardCore
import HealthCardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `hcard checkpoint station` as a gate runs it: the built binary, a FIFO as the scanner, a
/// pseudo-terminal as the serial thermometer and another as the USB relay (the test reads the
/// bytes the relay receives), real SM2 health codes, a real SQLite pass log, SIGTERM to stop.
@Suite("hcard checkpoint station (FIFO scanner, pty thermometer and relay, SIGTERM)", .serialized)
struct CheckpointStationCommandTests {
    static let person = try! PersonID("11010519491231002X")
    static let open: [UInt8] = [0xA0, 0x01, 0x01, 0xA2]
    static let close: [UInt8] = [0xA0, 0x01, 0x00, 0xA1]

    let directory: URL
    let issuer: HealthCodeIssuer

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-station-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        issuer = try Self.issuer(trustingAt: directory.appendingPathComponent("trust.json").path)
    }

    /// A new health-code issuer, and a trust list at `path` that trusts it from yesterday to tomorrow.
    static func issuer(trustingAt path: String) throws -> HealthCodeIssuer {
        let key = try SM2PrivateKey()
        let now = Date()
        try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test Hainan HC", validFrom: now.addingTimeInterval(-86_400),
                validTo: now.addingTimeInterval(86_400))
        ]).save(to: path)
        return try HealthCodeIssuer(privateKey: key)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A code issued `minutesAgo` minutes ago (distinct minutes give distinct texts).
    func code(_ colour: HealthColour, minutesAgo: Double) async throws -> String {
        try await issuer.issue(colour: colour, region: "460100", person: Self.person, now: Date().addingTimeInterval(-60 * minutesAgo))
            .text
    }

    /// The example configuration from Fixtures/, pointed at this test's devices.
    func writeConfiguration(thermometer: String, relay: String) throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/station/station.json")
        var text = try String(contentsOf: fixture, encoding: .utf8)
        text = text.replacingOccurrences(of: "/dev/ttyUSB1", with: thermometer)
            .replacingOccurrences(of: "/dev/ttyUSB0", with: relay)
            .replacingOccurrences(of: "\"doorOpenSeconds\": 3", with: "\"doorOpenSeconds\": 1")
            .replacingOccurrences(of: "\"heartbeatSeconds\": 5", with: "\"heartbeatSeconds\": 1")
            .replacingOccurrences(of: "\"intervalSeconds\": 5", with: "\"intervalSeconds\": 0.2")
        try text.write(toFile: path("station.json"), atomically: true, encoding: .utf8)
    }

    @Test("done-when: the relay sees exactly one open per pass and none for deny, fever, silent thermometer, invalid reload")
    func gate() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let thermometer = try PseudoTerminal()
        let relay = try PseudoTerminal()
        try writeConfiguration(thermometer: thermometer.devicePath, relay: relay.devicePath)
        #expect(mkfifo(path("scanner.fifo"), 0o600) == 0)
        try FileManager.default.createDirectory(atPath: path("frames"), withIntermediateDirectories: true)

        let station = try StationProcess(arguments: ["checkpoint", "station", "--config", "station.json"], in: directory)
        defer { station.kill() }
        // The door is closed at start: the first command the relay sees.
        #expect(await relay.receive(count: 4, within: 20) == Self.close, "\(station.stderr)")
        let scanner = Glibc.open(path("scanner.fifo"), O_WRONLY)
        #expect(scanner >= 0)
        defer { Glibc.close(scanner) }
        func scan(_ text: String) {
            let line = Array((text + "\r\n").utf8)
            _ = line.withUnsafeBytes { write(scanner, $0.baseAddress, $0.count) }
        }

        // A pass: one open, then the close after the open time.
        thermometer.send("T=36.5\r\n")
        try? await Task.sleep(for: .milliseconds(400))
        scan(try await code(.green, minutesAgo: 10))
        let pass = try await station.nextLine(within: 20)
        #expect(pass.hasPrefix("PASS #1 G1 in "), "\(pass) \(station.stderr)")
        #expect(await relay.receive(count: 4, within: 5) == Self.open)
        #expect(await relay.receive(count: 4, within: 5) == Self.close)

        // Denials: nothing reaches the relay.
        thermometer.send("T=36.6\r\n")
        try? await Task.sleep(for: .milliseconds(400))
        scan(try await code(.red, minutesAgo: 11))
        #expect(try await station.nextLine(within: 20).contains("DENY #2 G1 in"))
        thermometer.send("T=38.4\r\n")
        try? await Task.sleep(for: .milliseconds(400))
        scan(try await code(.green, minutesAgo: 12))
        #expect(try await station.nextLine(within: 20).contains("fever: 38.4 °C"))
        let unmeasured = try await code(.green, minutesAgo: 13)
        scan(unmeasured)  // the thermometer said nothing since
        #expect(try await station.nextLine(within: 20).contains("no temperature reading"))
        // Measured, the same code again at once: a new presentation, decided again.
        thermometer.send("T=36.5\r\n")
        try? await Task.sleep(for: .milliseconds(400))
        scan(unmeasured)
        #expect(try await station.nextLine(within: 20).hasPrefix("PASS #5 G1 in "))
        #expect(await relay.receive(count: 8, within: 5) == Self.open + Self.close)
        scan("https://example.invalid/not-a-code")
        #expect(try await station.nextLine(within: 20).contains("DENY #6"))

        // A trust list replaced by an invalid one: refused with the reason, door closed.
        try "{\"version\": 1, \"entries\": [".write(toFile: path("trust.json"), atomically: true, encoding: .utf8)
        try? await Task.sleep(for: .milliseconds(1_500))
        thermometer.send("T=36.5\r\n")
        try? await Task.sleep(for: .milliseconds(400))
        scan(try await code(.green, minutesAgo: 14))
        let refused = try await station.nextLine(within: 20)
        #expect(refused.contains("DENY #7") && refused.contains("station fault"), "\(refused)")
        #expect(await relay.received(within: 1.5) == [], "the relay got a command for a denied passage")

        // SIGTERM: a clean stop, the door closed once more, the state written.
        let status = await station.terminate()
        #expect(status == 0, "\(station.stderr)")
        #expect(await relay.receive(count: 4, within: 2) == Self.close)
        let state = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("state.json")))) as? [String: Any])
        #expect(state["running"] as? Bool == false)
        #expect((state["counts"] as? [String: Any])?["passed"] as? Int == 2)
        #expect((state["counts"] as? [String: Any])?["denied"] as? Int == 5)
        #expect(FileManager.default.fileExists(atPath: path("heartbeat.json")))

        let logged = try await HCardRunner.run(["passlog", "query", "--log", "pass.db", "--json"], in: directory)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(logged.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 7)
        #expect(rows.compactMap { $0["decision"] as? String } == ["pass", "deny", "deny", "deny", "pass", "deny", "deny"])
        #expect((rows.last?["reasons"] as? [String]) == ["stationFault"])
        #expect(rows.allSatisfy { $0["direction"] as? String == "in" })
        // Every passage went to the (folder) platform, once.
        let uploaded = try FileManager.default.contentsOfDirectory(atPath: path("outbox/G1")).sorted()
        #expect(uploaded == (1...7).map { "\($0).json" })
        // The one person let in (twice; a health code shown alone: its subject) is inside now.
        let inside = try await HCardRunner.run(["passlog", "inside", "--log", "pass.db", "--full-id", "--json"], in: directory)
        let occupants = try #require(try JSONSerialization.jsonObject(with: Data(inside.stdout.utf8)) as? [[String: Any]])
        #expect(
            occupants.compactMap { $0["person"] as? String } == ["HCS:\(HealthCode.Subject(person: Self.person).hex)"],
            "\(inside.stdout)")
    }

    @Test("--test-door: the relay receives one open and one close; an unplugged relay is exit 1 naming the device")
    func testDoor() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try PseudoTerminal()
        try writeConfiguration(thermometer: "/dev/null", relay: relay.devicePath)
        let result = try await HCardRunner.run(["checkpoint", "station", "--config", "station.json", "--test-door"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(await relay.receive(count: 8, within: 5) == Self.open + Self.close)
        try writeConfiguration(thermometer: "/dev/null", relay: path("no-such-tty"))
        let unplugged = try await HCardRunner.run(["checkpoint", "station", "--config", "station.json", "--test-door"], in: directory)
        #expect(unplugged.status == 1 && unplugged.stderr.contains("no-such-tty: cannot open"), "\(unplugged.stderr)")
    }

    @Test("SIGKILL during a burst of scans: every acknowledged passage is in the pass log")
    func killDuringBurst() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(mkfifo(path("scanner.fifo"), 0o600) == 0)
        let config = """
            {
              "checkpoint": {"id": "K1"},
              "trust": "trust.json",
              "passLog": "pass.db",
              "replayCache": "replay.json",
              "inputs": [{"kind": "lines", "path": "scanner.fifo", "format": "json"}],
              "actuator": {"kind": "command", "open": ["true"], "close": ["true"]},
              "doorOpenSeconds": 0.1,
              "repeatSuppressSeconds": 0
            }
            """
        try config.write(toFile: path("station.json"), atomically: true, encoding: .utf8)
        var lines: [String] = []
        for minute in 0..<100 {
            let text = try await code(minute % 3 == 0 ? .red : .green, minutesAgo: Double(minute + 1))
            lines.append("{\"text\": \"\(text)\", \"temperature\": 36.5}\n")
        }
        let station = try StationProcess(arguments: ["checkpoint", "station", "--config", "station.json"], in: directory)
        defer { station.kill() }
        let scanner = Glibc.open(path("scanner.fifo"), O_WRONLY)
        #expect(scanner >= 0)
        defer { Glibc.close(scanner) }
        let burst = Array(lines.joined().utf8)
        _ = burst.withUnsafeBytes { write(scanner, $0.baseAddress, $0.count) }
        var acknowledged = await [try station.nextLine(within: 30)]
        while acknowledged.count < 5 { await acknowledged.append(try station.nextLine(within: 30)) }
        station.kill()
        acknowledged += station.remainingLines()
        #expect(acknowledged.count < 100, "the kill came after the burst: the test proves nothing")

        let logged = try await HCardRunner.run(["passlog", "query", "--log", "pass.db", "--json"], in: directory)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(logged.stdout.utf8)) as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: rows.compactMap { row in (row["id"] as? Int).map { ($0, row) } })
        for line in acknowledged {
            let parts = line.split(separator: " ")
            let id = try #require(Int(parts[1].dropFirst()), "\(line)")
            let row = try #require(byID[id], "acknowledged \(line) but not in the log")
            #expect((row["decision"] as? String)?.uppercased() == String(parts[0]))
        }
    }

    @Test("an unknown key in the configuration is an error naming the key and its line; --check reads a good one")
    func strictConfiguration() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try writeConfiguration(thermometer: "/dev/null", relay: "/dev/null")
        let good = try await HCardRunner.run(["checkpoint", "station", "--config", "station.json", "--check"], in: directory)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("station.json: ok (checkpoint G1"))
        var text = try String(contentsOfFile: path("station.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"doorOpenSeconds\"", with: "\"doorOpenSecnds\"")
        try text.write(toFile: path("station.json"), atomically: true, encoding: .utf8)
        let bad = try await HCardRunner.run(["checkpoint", "station", "--config", "station.json", "--check"], in: directory)
        #expect(bad.status == 1)
        let line = text.components(separatedBy: "\n").firstIndex { $0.contains("doorOpenSecnds") }.map { $0 + 1 }
        #expect(bad.stderr.contains("unknown key \"doorOpenSecnds\" (closest known key: \"doorOpenSeconds\") (line \(line ?? 0))"), "\(bad.stderr)")
    }
}

/// A long-running `hcard` started by a test: its standard output read line by line.
final class StationProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var output: [UInt8] = []
    private var errors: [UInt8] = []

    /// `environment` is added to the test's own (e.g. `LD_PRELOAD` for the mock GPIO chip);
    /// `standardInput` feeds the station (a camera stream on `"-"`), else it reads nothing.
    init(arguments: [String], in directory: URL, environment: [String: String] = [:], standardInput: Pipe? = nil) throws {
        process.executableURL = HCardRunner.productsDirectory.appendingPathComponent("hcard")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = standardInput ?? FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.output += data }
        }
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.errors += data }
        }
        try process.run()
    }

    var stderr: String { lock.withLock { String(decoding: errors, as: UTF8.self) } }

    /// The next line of standard output.
    func nextLine(within seconds: Double) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            // Checked once more after the deadline: a task resumed late still finds its line.
            let late = Date() >= deadline
            let line: String? = lock.withLock {
                guard let end = output.firstIndex(of: 0x0A) else { return nil }
                defer { output.removeSubrange(...end) }
                return String(decoding: output[..<end], as: UTF8.self)
            }
            if let line { return line }
            if late { throw POSIXError(.ETIMEDOUT) }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// SIGTERM, then the exit status; its output is checked for internal error descriptions.
    func terminate() async -> Int32 {
        process.terminate()
        await process.waitForExit()
        HCardRunner.checkNoInternals(
            HCardRunner.Result(status: process.terminationStatus, stdout: "", stderr: stderr, duration: .zero), process.arguments ?? [])
        return process.terminationStatus
    }

    /// Every complete line of standard output not yet taken.
    func remainingLines() -> [String] {
        lock.withLock {
            let text = String(decoding: output, as: UTF8.self)
            output.removeAll()
            var lines = text.components(separatedBy: "\n")
            lines.removeLast()
            return lines
        }
    }

    /// SIGKILL, then the short wait for the process to be reaped (synchronous: called in `defer`).
    func kill() {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
