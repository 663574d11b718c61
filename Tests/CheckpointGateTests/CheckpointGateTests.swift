import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthCardTestSupport
import HealthQR
import HealthQRImaging
import PersonalHealthCode
import Testing

@testable import CheckpointGate

#if canImport(Glibc)
    import Glibc
#endif

@Suite("CheckpointGate: configuration, relay bytes over a pty, thermometer protocol, webhook, frames → command door")
struct CheckpointGateTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-gate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static let minimal = """
        {
          "checkpoint": {"id": "G1"},
          "trust": "trust.json",
          "passLog": "pass.db",
          "inputs": [{"kind": "lines", "path": "scanner.fifo"}],
          "actuator": {"kind": "serialRelay", "path": "/dev/ttyUSB0"}
        }
        """

    func configuration(_ text: String) throws -> StationConfiguration {
        try StationConfiguration(json: Array(text.utf8), source: "gate.json", baseDirectory: "/srv/gate")
    }

    func rejection(_ text: String) -> String {
        do {
            _ = try configuration(text)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test("a minimal file takes the documented defaults; relative paths are the file's folder's")
    func defaults() throws {
        let minimal = try configuration(Self.minimal)
        #expect(minimal.site.id == "G1" && minimal.direction == .entering)
        #expect(minimal.trustFile == "/srv/gate/trust.json" && minimal.passLog == "/srv/gate/pass.db")
        #expect(minimal.inputs == [.lines(path: "/srv/gate/scanner.fifo", format: .text, baud: nil)])
        #expect(minimal.actuator == .serialRelay(path: "/dev/ttyUSB0", channel: 1, baud: nil))
        #expect(minimal.doorOpenSeconds == 3 && minimal.heartbeatSeconds == 5 && minimal.repeatSuppressSeconds == 5)
        #expect(minimal.thermometer == nil && minimal.fireEgress == nil)
    }

    @Test("strict: unknown keys (with line), keys of another kind, bad values and missing keys are errors")
    func strict() {
        let unknown = rejection(Self.minimal.replacingOccurrences(of: "\"passLog\"", with: "\"passlog\""))
        #expect(unknown.contains("unknown key \"passlog\" (closest known key: \"passLog\") (line 4)"), "\(unknown)")
        let foreign = rejection(
            Self.minimal.replacingOccurrences(of: "\"path\": \"/dev/ttyUSB0\"", with: "\"path\": \"/dev/ttyUSB0\", \"url\": \"http://x\""))
        #expect(foreign.contains("actuator.url: unknown key \"url\" for kind serialRelay"), "\(foreign)")
        #expect(rejection(Self.minimal.replacingOccurrences(of: "\"lines\"", with: "\"camera\"")).contains("'camera' is not an input kind"))
        #expect(rejection(Self.minimal.replacingOccurrences(of: "serialRelay", with: "modbus")).contains("'modbus' is not an actuator kind"))
        #expect(rejection(Self.minimal.replacingOccurrences(of: "\"G1\"", with: "\"G 1\"")).contains("checkpoint.id"))
        #expect(
            rejection(Self.minimal.replacingOccurrences(of: "\"passLog\": \"pass.db\",", with: ""))
                .contains("missing required key \"passLog\""))
        #expect(
            rejection(Self.minimal.replacingOccurrences(of: "\"trust\"", with: "\"doorOpenSeconds\": 0, \"trust\""))
                .contains("doorOpenSeconds: 0.0 is outside"))
        #expect(
            rejection(Self.minimal.replacingOccurrences(of: "}]", with: ", \"baud\": 9601}]")).contains("not a supported speed"))
        #expect(
            rejection(
                Self.minimal.replacingOccurrences(of: "\"trust\"", with: "\"thermometer\": {\"path\": \"t\", \"pattern\": \"T=[0-9.]+\"}, \"trust\""))
                .contains("needs a capture group"))
    }

    @Test("a card reader input: defaults, and its keys checked like the other inputs")
    func cardReaderInput() throws {
        func card(_ keys: String) -> String {
            Self.minimal.replacingOccurrences(of: "{\"kind\": \"lines\", \"path\": \"scanner.fifo\"}", with: "{\"kind\": \"card\"\(keys)}")
        }
        let plain = try configuration(card(", \"reader\": \"Virtual PCD 00 00\""))
        #expect(plain.inputs == [.card(.init(reader: "Virtual PCD 00 00", samReader: nil, samPIN: nil, codeSeconds: 15))])
        let full = try configuration(
            card(", \"reader\": \"00 00\", \"samReader\": \"00 01\", \"samPin\": \"123456\", \"codeSeconds\": 0"))
        #expect(full.inputs == [.card(.init(reader: "00 00", samReader: "00 01", samPIN: "123456", codeSeconds: 0))])
        #expect(rejection(card("")).contains("a card input needs \"reader\""))
        #expect(rejection(card(", \"reader\": \"r\", \"samPin\": \"12345G\"")).contains("inputs[0].samPin: must be hex digits"))
        #expect(rejection(card(", \"reader\": \"r\", \"codeSeconds\": 121")).contains("codeSeconds: 121.0 is outside 0...120"))
        let foreign = rejection(card(", \"reader\": \"r\", \"path\": \"/dev/ttyACM0\""))
        #expect(foreign.contains("inputs[0].path: unknown key \"path\" for kind card"), "\(foreign)")
        let misspelt = rejection(card(", \"reader\": \"r\", \"samPIN\": \"123456\""))
        #expect(misspelt.contains("unknown key \"samPIN\" (closest known key: \"samPin\")"), "\(misspelt)")
        let timed = try configuration(card(", \"reader\": \"r\", \"readTimeoutSeconds\": 30"))
        #expect(timed.inputs == [.card(.init(reader: "r", readTimeoutSeconds: 30))])
        #expect(rejection(card(", \"reader\": \"r\", \"readTimeoutSeconds\": 0.5")).contains("readTimeoutSeconds: 0.5 is outside 1...120"))
        let guessed = rejection(card(", \"reader\": \"r\", \"readTimeoutSecond\": 5"))
        #expect(guessed.contains("unknown key \"readTimeoutSecond\" (closest known key: \"readTimeoutSeconds\")"), "\(guessed)")
        #expect(guessed.contains("(line "), "the error names the line: \(guessed)")
    }

    @Test("a gpio door: chip path or name, line, active-low, consumer label; bad values named")
    func gpioDoor() throws {
        func gpio(_ keys: String) -> String {
            Self.minimal.replacingOccurrences(of: "{\"kind\": \"serialRelay\", \"path\": \"/dev/ttyUSB0\"}", with: "{\"kind\": \"gpio\"\(keys)}")
        }
        let plain = try configuration(gpio(", \"chip\": \"/dev/gpiochip0\", \"line\": 17"))
        #expect(plain.actuator == .gpio(chip: "/dev/gpiochip0", line: 17, activeLow: false, consumer: "hcard G1"))
        let full = try configuration(gpio(", \"chip\": \"gpiochip1\", \"line\": 0, \"activeLow\": true, \"consumer\": \"east door\""))
        #expect(full.actuator == .gpio(chip: "gpiochip1", line: 0, activeLow: true, consumer: "east door"))
        #expect(rejection(gpio(", \"line\": 17")).contains("missing") || rejection(gpio(", \"line\": 17")).contains("needs \"chip\""))
        #expect(rejection(gpio(", \"chip\": \"gpiochip0\"")).contains("a gpio door needs \"line\""))
        #expect(rejection(gpio(", \"chip\": \"dev/gpiochip0\", \"line\": 1")).contains("actuator.chip"))
        #expect(rejection(gpio(", \"chip\": \"gpiochip0\", \"line\": 512")).contains("actuator.line: 512 is outside 0...511"))
        let longID = try configuration(
            gpio(", \"chip\": \"gpiochip0\", \"line\": 1").replacingOccurrences(of: "\"G1\"", with: "\"\(String(repeating: "G", count: 40))\""))
        #expect(longID.actuator == .gpio(chip: "gpiochip0", line: 1, activeLow: false, consumer: "hcard " + String(repeating: "G", count: 25)))
        let long = String(repeating: "x", count: 32)
        #expect(rejection(gpio(", \"chip\": \"gpiochip0\", \"line\": 1, \"consumer\": \"\(long)\"")).contains("must be 1 to 31 bytes"))
        let foreign = rejection(gpio(", \"chip\": \"gpiochip0\", \"line\": 1, \"channel\": 2"))
        #expect(foreign.contains("actuator.channel: unknown key \"channel\" for kind gpio"), "\(foreign)")
        #expect(rejection(gpio(", \"chip\": \"gpiochip0\", \"line\": 1, \"activeLow\": 1")).contains("activeLow"))
    }

    @Test("a frame pipe: a FIFO or standard input, its frame size required and bounded; not with a directory")
    func framePipe() throws {
        func frames(_ keys: String) -> String {
            Self.minimal.replacingOccurrences(of: "{\"kind\": \"lines\", \"path\": \"scanner.fifo\"}", with: "{\"kind\": \"frames\"\(keys)}")
        }
        let fifo = try configuration(frames(", \"pipe\": \"camera.fifo\", \"greyWidth\": 640, \"greyHeight\": 480"))
        #expect(fifo.inputs == [.frameStream(path: "/srv/gate/camera.fifo", width: 640, height: 480)])
        let stdin = try configuration(frames(", \"pipe\": \"-\", \"greyWidth\": 320, \"greyHeight\": 240"))
        #expect(stdin.inputs == [.frameStream(path: "-", width: 320, height: 240)])
        #expect(rejection(frames(", \"pipe\": \"camera.fifo\"")).contains("a frame pipe needs greyWidth and greyHeight"))
        #expect(
            rejection(frames(", \"pipe\": \"c\", \"directory\": \"d\", \"greyWidth\": 2, \"greyHeight\": 2")).contains("not both"))
        #expect(
            rejection(frames(", \"pipe\": \"c\", \"greyWidth\": 4000, \"greyHeight\": 4000, \"maxPixels\": 1000000"))
                .contains("over maxPixels"))
        #expect(rejection(frames("")).contains("\"directory\" (a folder of frame files) or \"pipe\""))
    }

    @Test("the example in Fixtures/ is valid")
    func fixture() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/station/station.json").path
        let example = try StationConfiguration(contentsOf: file)
        #expect(example.inputs.count == 2 && example.thermometer?.maxAgeSeconds == 10)
        let gpio = try StationConfiguration(contentsOf: (file as NSString).deletingLastPathComponent + "/station-gpio.json")
        #expect(gpio.actuator == .gpio(chip: "/dev/gpiochip0", line: 17, activeLow: false, consumer: "hcard ER1 door"))
        #expect(gpio.inputs.contains(.frameStream(path: (file as NSString).deletingLastPathComponent + "/camera.fifo", width: 640, height: 480)))
    }

    @Test("serial relay: A0 01 01 A2 opens, A0 01 00 A1 closes, channel and checksum, as the pty receives them")
    func relay() async throws {
        #expect(SerialRelayActuator.command(channel: 1, on: true) == [0xA0, 0x01, 0x01, 0xA2])
        #expect(SerialRelayActuator.command(channel: 1, on: false) == [0xA0, 0x01, 0x00, 0xA1])
        #expect(SerialRelayActuator.command(channel: 2, on: true) == [0xA0, 0x02, 0x01, 0xA3])
        let device = try PseudoTerminal()
        let relay = SerialRelayActuator(path: device.devicePath, channel: 1)
        try relay.open(passage: 1)
        try relay.close()
        #expect(await device.receive(count: 8, within: 5) == [0xA0, 0x01, 0x01, 0xA2, 0xA0, 0x01, 0x00, 0xA1])
        let unplugged = SerialRelayActuator(path: path("no-such-tty"))
        #expect(throws: HealthCardError.self) { try unplugged.open(passage: 2) }
    }

    @Test("thermometer: the pattern's group over a pty; a reading serves one passage and ages out")
    func thermometer() async throws {
        let device = try PseudoTerminal()
        let thermometer = try SerialThermometer(
            .init(path: device.devicePath, baud: 9600, pattern: #"T=([0-9]+\.[0-9]+)"#, maxAgeSeconds: 10))
        try thermometer.line.open()
        device.send("READY\r\nT=36.7\r\n")
        let now = Date()
        try? await Task.sleep(for: .milliseconds(200))
        try thermometer.poll(now: now)
        #expect(thermometer.unmatchedLines == 1)
        #expect(thermometer.take(at: now.addingTimeInterval(1)) == 36.7)
        #expect(thermometer.take(at: now.addingTimeInterval(1)) == nil)
        device.send("T=36.9\n")
        try? await Task.sleep(for: .milliseconds(200))
        try thermometer.poll(now: now)
        #expect(thermometer.take(at: now.addingTimeInterval(11)) == nil)
        let pattern = try NSRegularExpression(pattern: #"([0-9]+(?:\.[0-9]+)?)"#)
        #expect(SerialThermometer.reading(in: "TEMP:36.50C", pattern: pattern) == 36.5)
        #expect(SerialThermometer.reading(in: "ERR", pattern: pattern) == nil)
    }

    @Test("webhook: posts open/close to a loopback listener; a 503 or no listener is a failure")
    func webhook() throws {
        let server = try LoopbackHTTPServer()
        let door = WebhookActuator(url: URL(string: "http://127.0.0.1:\(server.port)/door")!, timeout: 5, checkpoint: "G1")
        try door.open(passage: 7)
        try door.close()
        #expect(server.received == [
            #"{"action":"open","checkpoint":"G1","passage":7}"#, #"{"action":"close","checkpoint":"G1"}"#,
        ])
        let failing = try LoopbackHTTPServer(status: 503)
        #expect(throws: HealthCardError.self) {
            try WebhookActuator(url: URL(string: "http://127.0.0.1:\(failing.port)/")!, timeout: 5, checkpoint: "G1").open(passage: 1)
        }
        let closedPort = failing.port
        _ = closedPort
        #expect(throws: HealthCardError.self) {
            try WebhookActuator(url: URL(string: "http://127.0.0.1:1/")!, timeout: 2, checkpoint: "G1").open(passage: 1)
        }
    }

    @Test("camera frames: a PNG with a green code opens a command door once; an empty frame is no passage")
    func framesAndCommandDoor() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try SM2PrivateKey()
        let issuer = try HealthCodeIssuer(privateKey: key)
        let now = Date()
        try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test", validFrom: now.addingTimeInterval(-86_400),
                validTo: now.addingTimeInterval(86_400))
        ]).save(to: path("trust.json"))
        try FileManager.default.createDirectory(atPath: path("frames"), withIntermediateDirectories: true)
        let config = """
            {
              "checkpoint": {"id": "CAM1", "department": "Outpatients"},
              "direction": "out",
              "policy": "policy.json",
              "trust": "trust.json",
              "passLog": "pass.db",
              "inputs": [{"kind": "frames", "directory": "frames"}],
              "actuator": {"kind": "command", "open": ["sh", "-c", "echo open $HCARD_PASSAGE >> \(path("door.log"))"],
                           "close": ["sh", "-c", "echo close >> \(path("door.log"))"]},
              "doorOpenSeconds": 0.5,
              "state": "state.json"
            }
            """
        try config.write(toFile: path("gate.json"), atomically: true, encoding: .utf8)
        try #"{"temperatureRequired": false}"#.write(toFile: path("policy.json"), atomically: true, encoding: .utf8)
        let configuration = try StationConfiguration(contentsOf: path("gate.json"))

        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let stop = ends
        let finished = DispatchSemaphore(value: 0)
        let acknowledged = Acknowledgements()
        let thread = Thread {
            do {
                let station = try GateStation(
                    configuration: configuration, actuator: configuration.actuator.makeActuator(checkpoint: "CAM1"),
                    report: { _ in }, acknowledge: { acknowledged.append($0.line) })
                try station.run(stopDescriptor: stop[0])
            } catch {
                acknowledged.append("ERROR \(error)")
            }
            finished.signal()
        }
        thread.start()

        let green = try await issuer.issue(colour: .green, region: "460100", person: try PersonID("11010519491231002X"), now: now.addingTimeInterval(-60))
        try QRImage.writePNG(try QREncoder().encode(text: green.text), to: URL(fileURLWithPath: path("frames/0001.png")))
        try ImageFile.writePNG(GreyImage(width: 64, height: 64, pixels: [UInt8](repeating: 255, count: 64 * 64)), to: URL(fileURLWithPath: path("frames/0002.png")))
        // The same code in the next frame is the same presentation, not a second passage.
        try QRImage.writePNG(try QREncoder().encode(text: green.text), to: URL(fileURLWithPath: path("frames/0003.png")))
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && (try? String(contentsOfFile: path("door.log"), encoding: .utf8))?.components(separatedBy: "\n").count ?? 0 < 4 {
            try? await Task.sleep(for: .milliseconds(50))
        }
        var byte: UInt8 = 1
        _ = write(stop[1], &byte, 1)
        #expect(await finished.wait(within: .seconds(30)) == .success)
        #expect(acknowledged.lines.count == 1 && acknowledged.lines.first?.hasPrefix("PASS #1 CAM1 out") == true, "\(acknowledged.lines)")
        let door = try String(contentsOfFile: path("door.log"), encoding: .utf8).split(separator: "\n")
        #expect(door == ["close", "open 1", "close", "close"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: path("frames")).isEmpty)
    }
}

extension CheckpointGateTests {
    @Test("keyboard wedge on a pty with JSON lines; fire egress holds the relay open; an unplugged relay: logged pass, door reported not opened")
    func wedgeFireAndUnpluggedRelay() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try SM2PrivateKey()
        let issuer = try HealthCodeIssuer(privateKey: key)
        let now = Date()
        try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test", validFrom: now.addingTimeInterval(-86_400),
                validTo: now.addingTimeInterval(86_400))
        ]).save(to: path("trust.json"))
        let scanner = try PseudoTerminal()
        let relay = try PseudoTerminal()
        let config = """
            {
              "checkpoint": {"id": "G2"},
              "trust": "trust.json",
              "passLog": "pass.db",
              "inputs": [{"kind": "lines", "path": "\(scanner.devicePath)", "format": "json", "baud": 9600}],
              "actuator": {"kind": "serialRelay", "path": "\(relay.devicePath)", "channel": 2},
              "doorOpenSeconds": 0.3,
              "fireEgress": {"flagFile": "fire"},
              "state": "state.json"
            }
            """
        try config.write(toFile: path("gate.json"), atomically: true, encoding: .utf8)
        let configuration = try StationConfiguration(contentsOf: path("gate.json"))
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let stop = ends
        let finished = DispatchSemaphore(value: 0)
        let acknowledged = Acknowledgements()
        let reports = Acknowledgements()
        Thread {
            do {
                let station = try GateStation(
                    configuration: configuration, actuator: configuration.actuator.makeActuator(checkpoint: "G2"),
                    report: { reports.append($0) }, acknowledge: { acknowledged.append($0.line) })
                try station.run(stopDescriptor: stop[0])
            } catch {
                acknowledged.append("ERROR \(error)")
            }
            finished.signal()
        }.start()
        let open: [UInt8] = [0xA0, 0x02, 0x01, 0xA3]
        let close: [UInt8] = [0xA0, 0x02, 0x00, 0xA2]
        #expect(await relay.receive(count: 4, within: 20) == close)
        func code(minutesAgo: Double) async throws -> String {
            try await issuer.issue(
                colour: .green, region: "460100", person: try PersonID("11010519491231002X"),
                now: now.addingTimeInterval(-60 * minutesAgo)
            ).text
        }

        scanner.send("{\"text\": \"\(try await code(minutesAgo: 1))\", \"temperature\": 36.4}\r")
        #expect(await relay.receive(count: 8, within: 20) == open + close)
        scanner.send("not json\r")
        #expect(await relay.received(within: 0.5) == [])

        #expect(FileManager.default.createFile(atPath: path("fire"), contents: Data()))
        #expect(await relay.receive(count: 4, within: 10) == open)
        #expect(await relay.received(within: 0.8) == [], "the door is held open while the flag is up")
        try FileManager.default.removeItem(atPath: path("fire"))
        #expect(await relay.receive(count: 4, within: 10) == close)

        relay.unplug()
        scanner.send("{\"text\": \"\(try await code(minutesAgo: 2))\", \"temperature\": 36.4}\r")
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline && !reports.lines.contains(where: { $0.hasPrefix("door NOT opened for passage #2") }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        var byte: UInt8 = 1
        _ = write(stop[1], &byte, 1)
        #expect(await finished.wait(within: .seconds(30)) == .success)
        #expect(acknowledged.lines.map { String($0.prefix(10)) } == ["PASS #1 G2", "PASS #2 G2"], "\(acknowledged.lines)")
        #expect(reports.lines.contains { $0.hasPrefix("door NOT opened for passage #2") }, "\(reports.lines)")
        #expect(reports.lines.contains { $0.contains("not a scan line, ignored") })
        let state = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("state.json")))) as? [String: Any])
        #expect(((state["devices"] as? [String: String])?["actuator"])?.hasPrefix("down: ") == true, "\(state)")
    }
}

final class Acknowledgements: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
