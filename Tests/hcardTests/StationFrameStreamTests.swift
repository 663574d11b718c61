import Foundation
import HealthCardCore
import HealthCardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `hcard checkpoint station` reading a camera as a stream of raw 8-bit grey frames on a FIFO
/// (`{"kind": "frames", "pipe": …}`, what `ffmpeg -f rawvideo -pix_fmt gray -` writes): frames
/// drawn from our own codes (libqrencode, grey), decoded by the station through the scan ladder,
/// with a pseudo-terminal as the USB relay whose received bytes the test reads.
@Suite("hcard checkpoint station: camera frames from a FIFO (raw grey), pty relay", .serialized)
struct StationFrameStreamTests {
    static let width = 720
    static let height = 400
    static let open: [UInt8] = [0xA0, 0x01, 0x01, 0xA2]
    static let close: [UInt8] = [0xA0, 0x01, 0x00, 0xA1]

    let directory: URL
    let issuer: HealthCodeIssuer

    init() throws {
        let site = try StationTestSite(prefix: "hck-frames")
        directory = site.directory
        issuer = site.issuer
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func code(_ colour: HealthColour, person: String, minutesAgo: Double) async throws -> String {
        try await issuer.issue(
            colour: colour, region: "460100", person: try PersonID(person), now: Date().addingTimeInterval(-60 * minutesAgo)
        ).text
    }

    /// A white `width × height` grey frame with each code drawn side by side (3 pixels a module).
    func frame(_ codes: [String]) throws -> [UInt8] {
        var pixels = [UInt8](repeating: 255, count: Self.width * Self.height)
        for (index, text) in codes.enumerated() {
            let image = try QREncoder().encode(text: text).greyImage(moduleSize: 3, quietZone: 4)
            let left = 10 + index * (Self.width / 2)
            try #require(left + image.width <= Self.width && 10 + image.height <= Self.height, "the code does not fit the frame")
            for row in 0..<image.height {
                let target = (10 + row) * Self.width + left
                pixels.replaceSubrange(target..<(target + image.width), with: image.pixels[(row * image.width)..<((row + 1) * image.width)])
            }
        }
        return pixels
    }

    /// Opens the FIFO for writing once the station has it open for reading (a camera program).
    func openCamera() async throws -> Int32 {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let fd = Glibc.open(path("camera.fifo"), O_WRONLY | O_NONBLOCK)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
                return fd
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        throw POSIXError(.ENXIO)
    }

    func send(_ bytes: [UInt8], to camera: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(camera, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            offset += written
        }
    }

    @Test("a code over several frames opens the relay once; empty frames nothing; two codes deny; a short final frame is reported and the next writer is in step")
    func frameStream() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try PseudoTerminal()
        #expect(mkfifo(path("camera.fifo"), 0o600) == 0)
        let config = """
            {
              "checkpoint": {"id": "CAM2", "department": "Emergency"},
              "policy": "policy.json",
              "trust": "trust.json",
              "passLog": "pass.db",
              "inputs": [{"kind": "frames", "pipe": "camera.fifo", "greyWidth": \(Self.width), "greyHeight": \(Self.height)}],
              "actuator": {"kind": "serialRelay", "path": "\(relay.devicePath)"},
              "doorOpenSeconds": 0.5,
              "repeatSuppressSeconds": 120,
              "state": "state.json",
              "heartbeatSeconds": 1
            }
            """
        try config.write(toFile: path("station.json"), atomically: true, encoding: .utf8)
        try #"{"temperatureRequired": false}"#.write(toFile: path("policy.json"), atomically: true, encoding: .utf8)
        let station = try StationProcess(arguments: ["checkpoint", "station", "--config", "station.json"], in: directory)
        defer { station.kill() }
        #expect(await relay.receive(count: 4, within: 20) == Self.close, "\(station.stderr)")

        let camera = try await openCamera()
        let empty = try frame([])
        send(empty, to: camera)
        send(empty, to: camera)
        // One person holds a green code in view for three frames (and an empty frame between two
        // of them would not matter either: one presentation within repeatSuppressSeconds, long
        // here so that a slow, loaded machine decoding the frames late still sees one).
        let first = try frame([try await code(.green, person: "11010519491231002X", minutesAgo: 10)])
        for _ in 0..<3 {
            send(first, to: camera)
            try? await Task.sleep(for: .milliseconds(400))
        }
        let pass = try await station.nextLine(within: 30)
        #expect(pass.hasPrefix("PASS #1 CAM2 in "), "\(pass) \(station.stderr)")
        #expect(await relay.receive(count: 8, within: 5) == Self.open + Self.close)

        // Two different codes in one frame: nobody can be named, denied, the relay untouched.
        send(empty, to: camera)
        send(
            try frame([
                try await code(.red, person: "11010519491231002X", minutesAgo: 11),
                try await code(.green, person: "110105198001010016", minutesAgo: 11),
            ]), to: camera)
        let twoCodes = try await station.nextLine(within: 30)
        #expect(twoCodes.hasPrefix("DENY #2") && twoCodes.contains("2 different QR codes"), "\(twoCodes) \(station.stderr)")
        #expect(await relay.received(within: 1) == [], "the relay got a command for a denied passage")

        let second = try frame([try await code(.green, person: "110105198001010016", minutesAgo: 12)])
        send(second, to: camera)
        #expect(try await station.nextLine(within: 30).hasPrefix("PASS #3 CAM2 in "))
        #expect(await relay.receive(count: 8, within: 5) == Self.open + Self.close)

        // The camera program dies in the middle of a frame: reported, dropped; the next one starts in step.
        send(Array(second.prefix(Self.width * Self.height / 2)), to: camera)
        Glibc.close(camera)
        let short = "ended in the middle of a frame (\(Self.width * Self.height / 2) of \(Self.width * Self.height) bytes), dropped"
        let deadline = Date().addingTimeInterval(10)
        while !station.stderr.contains(short) && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        #expect(station.stderr.contains(short), "\(station.stderr)")
        let restarted = try await openCamera()
        defer { Glibc.close(restarted) }
        send(try frame([try await code(.green, person: "11010519491231002X", minutesAgo: 13)]), to: restarted)
        #expect(try await station.nextLine(within: 30).hasPrefix("PASS #4 CAM2 in "), "\(station.stderr)")
        #expect(await relay.receive(count: 8, within: 5) == Self.open + Self.close)

        #expect(await station.terminate() == 0, "\(station.stderr)")
        #expect(await relay.receive(count: 4, within: 2) == Self.close)
        #expect(await relay.received(within: 0.5) == [], "more relay commands than passes")
        let logged = try await HCardRunner.run(["passlog", "query", "--log", "pass.db", "--json"], in: directory)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(logged.stdout.utf8)) as? [[String: Any]])
        #expect(rows.compactMap { $0["decision"] as? String } == ["pass", "deny", "pass", "pass"], "\(logged.stdout)")
    }

    @Test("frames on standard input (\"pipe\": \"-\"): a code passes; the end of input is reported in the state")
    func standardInput() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = """
            {
              "checkpoint": {"id": "CAM3"},
              "policy": "policy.json",
              "trust": "trust.json",
              "passLog": "pass.db",
              "inputs": [{"kind": "frames", "pipe": "-", "greyWidth": \(Self.width), "greyHeight": \(Self.height)}],
              "actuator": {"kind": "command", "open": ["true"], "close": ["true"]},
              "doorOpenSeconds": 0.2,
              "state": "state.json",
              "heartbeatSeconds": 0.5
            }
            """
        try config.write(toFile: path("station.json"), atomically: true, encoding: .utf8)
        try #"{"temperatureRequired": false}"#.write(toFile: path("policy.json"), atomically: true, encoding: .utf8)
        let input = Pipe()
        let station = try StationProcess(
            arguments: ["checkpoint", "station", "--config", "station.json"], in: directory, standardInput: input)
        defer { station.kill() }
        let camera = input.fileHandleForWriting.fileDescriptor
        send(try frame([]), to: camera)
        send(try frame([try await code(.green, person: "11010519491231002X", minutesAgo: 10)]), to: camera)
        #expect(try await station.nextLine(within: 30).hasPrefix("PASS #1 CAM3 in "), "\(station.stderr)")
        try input.fileHandleForWriting.close()
        let ended = "frame stream standard input down: "
        let deadline = Date().addingTimeInterval(10)
        while !station.stderr.contains(ended) && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        #expect(station.stderr.contains(ended + "the writer closed the stream"), "\(station.stderr)")
        #expect(await station.terminate() == 0, "\(station.stderr)")
    }
}
