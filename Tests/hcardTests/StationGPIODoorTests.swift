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

/// `hcard checkpoint station` with a `gpio` door: the built binary drives a GPIO line through
/// libgpiod 1.6 (Debian's, unmodified) and the kernel's GPIO v1 character-device interface.
///
/// No machine this runs on has a GPIO chip, gpio-sim, gpio-mockup or CUSE (the project's VM: a
/// Firecracker kernel in docker, no modules), so the chip is a mock character device:
/// `Tests/Devices/gpio-mock-chardev.c`, built here with `cc` and loaded into the station with
/// `LD_PRELOAD`. It answers what libgpiod checks and asks (lstat/stat, the sysfs `dev` file, the
/// chip-info, line-info and line-handle ioctls, set/get values on the handle) and appends every
/// request, value set and release to a log this test reads, with the physical level (inverted for
/// an active-low request, as the kernel does). A line held by another consumer and a chip that is
/// unplugged are simulated through its environment. Where configfs gpio-sim exists, the last test
/// drives a real simulated chip instead.
@Suite("hcard checkpoint station with a gpio door (libgpiod on a mock GPIO chardev through LD_PRELOAD)", .serialized)
struct StationGPIODoorTests {
    static let person = try! PersonID("11010519491231002X")
    static let mockChip = "/dev/gpiochip9"

    let directory: URL
    let issuer: HealthCodeIssuer

    init() throws {
        let site = try StationTestSite(prefix: "hck-gpio")
        directory = site.directory
        issuer = site.issuer
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Builds the mock chardev into this test's folder.
    func buildMock() async throws -> String {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Devices/gpio-mock-chardev.c").path
        let library = path("gpio-mock.so")
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["cc", "-shared", "-fPIC", "-O1", "-o", library, source, "-ldl"]
        try compiler.run()
        await compiler.waitForExit()
        guard compiler.terminationStatus == 0 else {
            throw HealthCardError.invalidValue("cc could not build \(source) (exit \(compiler.terminationStatus))")
        }
        return library
    }

    /// The environment that puts the mock chip at ``mockChip`` into `hcard`. A library the test
    /// itself runs with (libfaketime under `Scripts/run-at-date.sh`) stays preloaded after the mock.
    func mockEnvironment(library: String, busy: String? = nil) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment["LD_PRELOAD"].map { " " + $0 } ?? ""
        var environment = [
            "LD_PRELOAD": library + inherited, "HCARD_GPIO_MOCK_CHIP": Self.mockChip, "HCARD_GPIO_MOCK_LOG": path("gpio.log"),
            "HCARD_GPIO_MOCK_GONE": path("chip-unplugged"),
        ]
        if let busy { environment["HCARD_GPIO_MOCK_BUSY"] = busy }
        return environment
    }

    func writeConfiguration(chip: String = Self.mockChip, activeLow: Bool = false, monitorPort: Int) throws {
        let config = """
            {
              "checkpoint": {"id": "G7", "name": "East gate", "department": "Outpatients"},
              "trust": "trust.json",
              "passLog": "pass.db",
              "inputs": [{"kind": "lines", "path": "scanner.fifo", "format": "json"}],
              "actuator": {"kind": "gpio", "chip": "\(chip)", "line": 17, "activeLow": \(activeLow), "consumer": "east-gate-lock"},
              "doorOpenSeconds": 1,
              "state": "state.json",
              "heartbeatSeconds": 1,
              "repeatSuppressSeconds": 0,
              "monitor": {"listen": "127.0.0.1:\(monitorPort)"}
            }
            """
        try config.write(toFile: path("station.json"), atomically: true, encoding: .utf8)
    }

    /// One line of the mock's log: `<ns> <event> <offset> <level|-> <consumer>`.
    struct LineEvent: Equatable, CustomStringConvertible {
        var nanoseconds: Int64
        var event: String
        var offset: Int
        var level: Int?
        var consumer: String
        var description: String { "\(event) \(offset) \(level.map(String.init) ?? "-") \(consumer)" }
    }

    func events() -> [LineEvent] {
        let text = (try? String(contentsOfFile: path("gpio.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 4).map(String.init)
            guard fields.count == 5, let time = Int64(fields[0]), let offset = Int(fields[2]) else { return nil }
            return LineEvent(nanoseconds: time, event: fields[1], offset: offset, level: Int(fields[3]), consumer: fields[4])
        }
    }

    /// The events as `event offset level` words, for comparing sequences.
    func eventWords() -> [String] { events().map { "\($0.event) \($0.offset) \($0.level.map(String.init) ?? "-")" } }

    func waitFor(_ seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    func code(_ colour: HealthColour, minutesAgo: Double) async throws -> String {
        try await issuer.issue(colour: colour, region: "460100", person: Self.person, now: Date().addingTimeInterval(-60 * minutesAgo))
            .text
    }

    /// The monitoring endpoint's status and body.
    func get(_ path: String, port: Int) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    func stateDevices() -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path("state.json")),
            let state = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return state["devices"] as? [String: String] ?? [:]
    }

    /// A running station with a scanner FIFO to write JSON scan lines into.
    final class Gate {
        let station: StationProcess
        let scanner: Int32

        init(test: StationGPIODoorTests, environment: [String: String]) async throws {
            #expect(mkfifo(test.path("scanner.fifo"), 0o600) == 0)
            station = try StationProcess(
                arguments: ["checkpoint", "station", "--config", "station.json"], in: test.directory, environment: environment)
            // Once the station has the FIFO open (a station that died at start: no hang, an error).
            var fd: Int32 = -1
            let deadline = Date().addingTimeInterval(20)
            while fd < 0 && Date() < deadline {
                fd = Glibc.open(test.path("scanner.fifo"), O_WRONLY | O_NONBLOCK)
                if fd < 0 { try? await Task.sleep(for: .milliseconds(50)) }
            }
            guard fd >= 0 else {
                station.kill()
                throw HealthCardError.invalidValue("the station never opened scanner.fifo: \(station.stderr)")
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            scanner = fd
        }

        deinit {
            Glibc.close(scanner)
            station.kill()
        }

        func scan(_ text: String) {
            let line = Array("{\"text\": \"\(text)\", \"temperature\": 36.5}\n".utf8)
            _ = line.withUnsafeBytes { write(scanner, $0.baseAddress, $0.count) }
        }
    }

    static func freePort() -> Int { Int.random(in: 20_000..<60_000) }

    /// Builds the mock, writes the configuration and starts the station with the mock chip.
    func startGate(chip: String = Self.mockChip, activeLow: Bool = false, busy: String? = nil) async throws -> (gate: Gate, port: Int) {
        let library = try await buildMock()
        let port = Self.freePort()
        try writeConfiguration(chip: chip, activeLow: activeLow, monitorPort: port)
        return (try await Gate(test: self, environment: mockEnvironment(library: library, busy: busy)), port)
    }

    @Test("a pass sets the line active once and inactive after the open time; a red code, a non-code and an unknown key set nothing")
    func passAndDenials() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let (gate, port) = try await startGate()
        // At start the line is requested as an output, inactive (the door starts closed).
        #expect(await waitFor(20) { eventWords().count >= 2 }, "\(gate.station.stderr)")
        #expect(eventWords() == ["request 17 0", "set 17 0"], "\(events()) \(gate.station.stderr)")
        #expect(events().first?.consumer == "east-gate-lock")

        gate.scan(try await code(.green, minutesAgo: 10))
        let pass = try await gate.station.nextLine(within: 20)
        #expect(pass.hasPrefix("PASS #1 G7 in "), "\(pass) \(gate.station.stderr)")
        #expect(await waitFor(10) { eventWords().count >= 4 })
        let afterPass = events()
        #expect(eventWords() == ["request 17 0", "set 17 0", "set 17 1", "set 17 0"], "\(afterPass)")
        if afterPass.count == 4 {
            let held = Double(afterPass[3].nanoseconds - afterPass[2].nanoseconds) / 1e9
            #expect(held >= 0.95 && held < 5, "the door was open \(held) s for doorOpenSeconds 1")
        }
        let healthy = try await get("/healthz", port: port)
        #expect(healthy.0 == 200 && healthy.1 == "ok\n", "\(healthy)")

        gate.scan(try await code(.red, minutesAgo: 11))
        #expect(try await gate.station.nextLine(within: 20).contains("DENY #2 G7 in"))
        gate.scan("https://example.invalid/not-a-code")
        #expect(try await gate.station.nextLine(within: 20).contains("DENY #3"))
        // A well-formed green code signed by a key the trust list does not hold.
        let stranger = try HealthCodeIssuer(privateKey: try SM2PrivateKey())
        gate.scan(try await stranger.issue(colour: .green, region: "460100", person: Self.person, now: Date().addingTimeInterval(-60)).text)
        let unknown = try await gate.station.nextLine(within: 20)
        #expect(unknown.contains("DENY #4"), "\(unknown)")
        try? await Task.sleep(for: .milliseconds(1_500))
        #expect(eventWords().count == 4, "a denied passage moved the line: \(events())")

        #expect(await gate.station.terminate() == 0, "\(gate.station.stderr)")
        // Closed once more at stop, and the line given back; exactly one activation in the whole run.
        #expect(Array(eventWords().suffix(2)) == ["set 17 0", "release 17 -"], "\(events())")
        #expect(events().filter { $0.event == "set" && $0.level == 1 }.count == 1)
    }

    @Test("active-low: the levels are inverted (idle high, a pass drives the line low once); the chip named without /dev")
    func activeLow() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let gate = try await startGate(chip: "gpiochip9", activeLow: true).gate
        #expect(await waitFor(20) { eventWords().count >= 2 }, "\(gate.station.stderr)")
        #expect(eventWords() == ["request 17 1", "set 17 1"], "\(gate.station.stderr)")
        gate.scan(try await code(.green, minutesAgo: 10))
        #expect(try await gate.station.nextLine(within: 20).hasPrefix("PASS #1 G7 in "))
        #expect(await waitFor(10) { eventWords().count >= 4 })
        #expect(eventWords() == ["request 17 1", "set 17 1", "set 17 0", "set 17 1"], "\(events())")
        #expect(await gate.station.terminate() == 0)
        #expect(events().filter { $0.event == "set" && $0.level == 0 }.count == 1)
    }

    @Test("a missing chip: the pass is logged, the door is not opened, the reason names chip and line, the actuator is down")
    func missingChip() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let (gate, port) = try await startGate(chip: "/dev/hcard-no-such-gpiochip")
        gate.scan(try await code(.green, minutesAgo: 10))
        #expect(try await gate.station.nextLine(within: 20).hasPrefix("PASS #1 G7 in "))
        let reason = "GPIO /dev/hcard-no-such-gpiochip line 17: cannot open the chip (No such file or directory)"
        #expect(await waitFor(5) { gate.station.stderr.contains("door NOT opened for passage #1: invalidValue: \(reason)") }, "\(gate.station.stderr)")
        #expect(await waitFor(5) { stateDevices()["actuator"] == "down: invalidValue: \(reason)" }, "\(stateDevices())")
        let (status, body) = try await get("/healthz", port: port)
        #expect(status == 503 && body.contains("actuator: down: invalidValue: \(reason)"), "\(body)")
        #expect(events().isEmpty)
        #expect(await gate.station.terminate() == 0)
    }

    @Test("a line held by another consumer: the door stays closed, the holder is named, the actuator is down")
    func busyLine() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let (gate, port) = try await startGate(busy: "17:door-daemon")
        let reason = "GPIO /dev/gpiochip9 line 17: cannot request it as an output (Device or resource busy, in use by 'door-daemon')"
        #expect(await waitFor(10) { gate.station.stderr.contains("actuator down: invalidValue: \(reason)") }, "\(gate.station.stderr)")
        gate.scan(try await code(.green, minutesAgo: 10))
        #expect(try await gate.station.nextLine(within: 20).hasPrefix("PASS #1 G7 in "))
        #expect(await waitFor(5) { gate.station.stderr.contains("door NOT opened for passage #1: invalidValue: \(reason)") }, "\(gate.station.stderr)")
        let (status, body) = try await get("/healthz", port: port)
        #expect(status == 503 && body.contains("actuator: down: invalidValue: \(reason)"), "\(body)")
        #expect(events().isEmpty, "the line was requested or driven: \(events())")
        #expect(await gate.station.terminate() == 0)
    }

    @Test("the chip unplugged while running: the next pass does not open, the actuator is down; plugged back, the line is requested again and works")
    func chipGoesAwayAndReturns() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let (gate, port) = try await startGate()
        #expect(await waitFor(20) { eventWords().count >= 2 }, "\(gate.station.stderr)")
        gate.scan(try await code(.green, minutesAgo: 10))
        #expect(try await gate.station.nextLine(within: 20).hasPrefix("PASS #1"))
        #expect(await waitFor(10) { eventWords().count >= 4 })

        FileManager.default.createFile(atPath: path("chip-unplugged"), contents: Data())
        gate.scan(try await code(.green, minutesAgo: 11))
        #expect(try await gate.station.nextLine(within: 20).hasPrefix("PASS #2"))
        let reason = "GPIO /dev/gpiochip9 line 17: cannot set it active (No such device); line released"
        #expect(await waitFor(5) { gate.station.stderr.contains("door NOT opened for passage #2: invalidValue: \(reason)") }, "\(gate.station.stderr)")
        #expect(await waitFor(5) { stateDevices()["actuator"]?.hasPrefix("down: invalidValue: GPIO /dev/gpiochip9 line 17") == true }, "\(stateDevices())")
        #expect(try await get("/healthz", port: port).0 == 503)
        #expect(eventWords().count == 4, "the unplugged chip recorded a change: \(events())")

        try FileManager.default.removeItem(atPath: path("chip-unplugged"))
        // Requested again (inactive) while the door is closed, within a second or two.
        #expect(await waitFor(10) { eventWords().count >= 6 }, "\(gate.station.stderr)")
        #expect(Array(eventWords().dropFirst(4)) == ["request 17 0", "set 17 0"])
        #expect(await waitFor(5) { stateDevices()["actuator"] == "ok" }, "\(stateDevices())")
        let healthy = try await get("/healthz", port: port)
        #expect(healthy.0 == 200 && healthy.1 == "ok\n", "\(healthy)")
        gate.scan(try await code(.green, minutesAgo: 12))
        #expect(try await gate.station.nextLine(within: 20).hasPrefix("PASS #3"))
        #expect(await waitFor(10) { eventWords().count >= 8 })
        #expect(Array(eventWords().dropFirst(6)) == ["set 17 1", "set 17 0"], "\(events())")
        #expect(await gate.station.terminate() == 0)
    }

    @Test("--test-door drives the line active, then inactive after the open time; --check inspects it without moving it")
    func testDoorAndCheck() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = try await buildMock()
        try writeConfiguration(monitorPort: Self.freePort())
        let environment = mockEnvironment(library: library)
        let check = try await HCardRunner.run(["checkpoint", "station", "--config", "station.json", "--check"], in: directory, environment: environment)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("door: GPIO /dev/gpiochip9 line 17 is free (chip gpiochip9 'hcard-gpio-mock', 32 lines)"), "\(check.stdout)")
        #expect(events().isEmpty, "--check moved the line")

        let result = try await HCardRunner.run(["checkpoint", "station", "--config", "station.json", "--test-door"], in: directory, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(eventWords() == ["request 17 1", "set 17 1", "set 17 0", "release 17 -"], "\(events())")
        let times = events().map(\.nanoseconds)
        if times.count == 4 { #expect(Double(times[2] - times[1]) / 1e9 >= 0.95) }

        let busy = mockEnvironment(library: library, busy: "17:door-daemon")
        let busyCheck = try await HCardRunner.run(["checkpoint", "station", "--config", "station.json", "--check"], in: directory, environment: busy)
        #expect(busyCheck.status == 1 && busyCheck.stderr.contains("GPIO /dev/gpiochip9 line 17: in use by 'door-daemon'"), "\(busyCheck.stderr)")
        let busyDoor = try await HCardRunner.run(["checkpoint", "station", "--config", "station.json", "--test-door"], in: directory, environment: busy)
        #expect(busyDoor.status == 1 && busyDoor.stderr.contains("GPIO /dev/gpiochip9 line 17: cannot request it as an output"), "\(busyDoor.stderr)")
        try writeConfiguration(chip: "/dev/hcard-no-such-gpiochip", monitorPort: Self.freePort())
        let missing = try await HCardRunner.run(["checkpoint", "station", "--config", "station.json", "--check"], in: directory, environment: environment)
        #expect(missing.status == 1 && missing.stderr.contains("GPIO /dev/hcard-no-such-gpiochip line 17: cannot open the chip"), "\(missing.stderr)")
        #expect(eventWords().count == 4)
    }

    static let gpioSim = "/sys/kernel/config/gpio-sim"

    @Test(
        "a real gpio-sim chip (configfs): --test-door drives the simulated line up and down",
        .enabled(
            if: FileManager.default.fileExists(atPath: gpioSim),
            "no /sys/kernel/config/gpio-sim on this machine (no gpio-sim module: the mock chardev tests above stand in)"))
    func realSimulatedChip() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let device = "\(Self.gpioSim)/hcard-\(getpid())"
        try FileManager.default.createDirectory(atPath: "\(device)/bank0", withIntermediateDirectories: true)
        defer {
            try? "0".write(toFile: "\(device)/live", atomically: false, encoding: .utf8)
            rmdir("\(device)/bank0")
            rmdir(device)
        }
        try "8".write(toFile: "\(device)/bank0/num_lines", atomically: false, encoding: .utf8)
        try "1".write(toFile: "\(device)/live", atomically: false, encoding: .utf8)
        let chip = try String(contentsOfFile: "\(device)/bank0/chip_name", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let platform = try String(contentsOfFile: "\(device)/dev_name", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let value = "/sys/devices/platform/\(platform)/\(chip)/sim_gpio3/value"
        let config = """
            {"checkpoint": {"id": "SIM"}, "trust": "trust.json", "passLog": "pass.db",
             "inputs": [{"kind": "lines", "path": "scanner.fifo"}],
             "actuator": {"kind": "gpio", "chip": "/dev/\(chip)", "line": 3}, "doorOpenSeconds": 2}
            """
        try config.write(toFile: path("station.json"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = HCardRunner.productsDirectory.appendingPathComponent("hcard")
        process.arguments = ["checkpoint", "station", "--config", "station.json", "--test-door"]
        process.currentDirectoryURL = directory
        try process.run()
        var seen: [String] = []
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline {
            let level = (try? String(contentsOfFile: value, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            if seen.last != level { seen.append(level) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        await process.waitForExit()
        #expect(process.terminationStatus == 0)
        #expect(seen.contains("1"), "the simulated line never went high: \(seen)")
        let final = try String(contentsOfFile: value, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(final == "0")
    }
}
