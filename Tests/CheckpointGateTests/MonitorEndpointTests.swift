import Foundation
import HealthCardCrypto
import HealthQR
import Testing

@testable import CheckpointGate

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The monitoring endpoint of a running station, asked over real HTTP on loopback.
@Suite("CheckpointGate monitoring endpoint: GET /state, /healthz")
struct MonitorEndpointTests {
    @Test("/state is the state JSON, /healthz names a device that is down (503), other paths 404; a bad address is refused")
    func monitor() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-monitor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let key = try SM2PrivateKey()
        try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test", validFrom: Date().addingTimeInterval(-86_400),
                validTo: Date().addingTimeInterval(86_400))
        ]).save(to: path("trust.json"))
        #expect(mkfifo(path("scanner.fifo"), 0o600) == 0)
        let port = Int.random(in: 30_000..<60_000)
        let config = """
            {
              "checkpoint": {"id": "M1"},
              "trust": "trust.json",
              "passLog": "pass.db",
              "inputs": [{"kind": "lines", "path": "scanner.fifo"}, {"kind": "lines", "path": "unplugged-scanner"}],
              "actuator": {"kind": "command", "open": ["true"], "close": ["true"]},
              "monitor": {"listen": "127.0.0.1:\(port)"}
            }
            """
        try config.write(toFile: path("gate.json"), atomically: true, encoding: .utf8)
        let configuration = try StationConfiguration(contentsOf: path("gate.json"))
        #expect(configuration.monitor == .init(host: "127.0.0.1", port: port))

        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let stop = ends
        let finished = DispatchSemaphore(value: 0)
        let errors = Acknowledgements()
        let thread = Thread {
            do {
                let station = try GateStation(
                    configuration: configuration, actuator: configuration.actuator.makeActuator(checkpoint: "M1"),
                    report: { _ in }, acknowledge: { _ in })
                try station.run(stopDescriptor: stop[0])
            } catch {
                errors.append("\(error)")
            }
            finished.signal()
        }
        thread.start()
        defer {
            var byte: UInt8 = 1
            _ = write(stop[1], &byte, 1)
            _ = finished.wait(timeout: .now() + 30)  // the station stops at once on the byte
        }

        func get(_ route: String) async throws -> (Int, String) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(route)")!)
            request.timeoutInterval = 5
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        var state = (0, "")
        for _ in 0..<50 {
            if let answer = try? await get("/state"), answer.1.contains("unplugged-scanner") { state = answer; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(state.0 == 200, "\(errors.lines)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(state.1.utf8)) as? [String: Any])
        #expect(parsed["checkpoint"] as? String == "M1" && parsed["running"] as? Bool == true && parsed["door"] as? String == "closed")
        let health = try await get("/healthz")
        #expect(health.0 == 503 && health.1.contains("unplugged-scanner: down:"), "\(health)")
        #expect(!health.1.contains("scanner.fifo"), "the FIFO is open: \(health)")
        #expect(try await get("/other").0 == 404)

        #expect(throws: (any Error).self) {
            try StationConfiguration(
                json: Array(config.replacingOccurrences(of: "127.0.0.1:\(port)", with: "localhost:80").utf8), source: "gate.json",
                baseDirectory: directory.path)
        }
    }
}
