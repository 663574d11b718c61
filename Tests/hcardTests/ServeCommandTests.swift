import Foundation
import HealthCardTestSupport
import HealthCardCore
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `hcard serve` as an operator runs it: no configuration but a port, a key made with
/// `hcard serve key add`, a verification whose verdict is `hcard qr verify --json`'s, and SIGTERM
/// ending the process with status 0.
@Suite("hcard serve")
struct ServeCommandTests {
    /// A running `hcard serve` and the port it reported in its JSON log.
    final class Running {
        let process = Process()
        let port: Int
        let errors = Pipe()

        init(arguments: [String], in directory: URL) throws {
            process.executableURL = HCardRunner.productsDirectory.appendingPathComponent("hcard")
            process.arguments = ["serve", "--listen", "127.0.0.1:0"] + arguments
            process.currentDirectoryURL = directory
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            // The "listening" log line carries the bound port.
            var buffer = Data()
            var found: Int?
            let deadline = Date().addingTimeInterval(60)
            while found == nil && Date() < deadline {
                let chunk = errors.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") {
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
                        object["message"] == "listening", let port = object["port"].flatMap(Int.init)
                    else { continue }
                    found = port
                }
            }
            guard let found else {
                process.terminate()
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: String(decoding: buffer, as: UTF8.self)])
            }
            port = found
        }

        func request(_ path: String, key: String? = nil, body: String? = nil) async throws -> (Int, Data) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
            if let body {
                request.httpMethod = "POST"
                request.httpBody = Data(body.utf8)
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        }
    }

    @Test("starts with no configuration, verifies as hcard qr verify does, stops on SIGTERM with status 0")
    func serveVerifyStop() async throws {
        let directory = try CryptoTestSupport.temporaryDirectory()
        let fixture = try QRPayloadFixture()
        try fixture.trust.save(to: directory.appendingPathComponent("trust.json").path)
        let server = try Running(arguments: ["--trust", "trust.json"], in: directory)
        #expect(try await server.request("/healthz").0 == 200)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("hcard-serve.sqlite").path))
        #expect(try await server.request("/v1/audit").0 == 401)

        let added = try HCardRunner.run(["serve", "key", "add", "--name", "gate", "--roles", "verifier"], in: directory)
        #expect(added.status == 0, "\(added.stderr)")
        let key = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix("hcs_"))
        let listed = try HCardRunner.run(["serve", "key", "list"], in: directory)
        #expect(listed.stdout.contains("gate") && !listed.stdout.contains(key))

        let code = try await fixture.issue(.static, at: QRPayloadFixture.now)
        let cli = try HCardRunner.run(
            ["qr", "verify", "--text", code, "--trust", "trust.json", "--now", "2026-03-01T08:00:00Z", "--json"], in: directory)
        let (status, body) = try await server.request(
            "/v1/codes/verify", key: key, body: #"{"text": "\#(code)", "now": "2026-03-01T08:00:00Z"}"#)
        #expect(status == 200)
        let answer = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let served = try JSONSerialization.data(withJSONObject: try #require(answer["eHealthCard"]), options: [.sortedKeys])
        let printed = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)), options: [.sortedKeys])
        #expect(served == printed, "server \(String(decoding: served, as: UTF8.self)) vs CLI \(cli.stdout)")

        // An identity lookup with an ID number in the query: refused for this role, and the
        // number must not reach the log (the log names the route template, not the path).
        let lookup = try await server.request("/v1/empi/pix?domain=citizen-id&value=110105198503120012", key: key)
        #expect(lookup.0 == 403)

        server.process.terminate()  // SIGTERM
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        #expect(server.process.terminationReason == .exit)
        let log = String(decoding: server.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains(#""route":"\/v1\/empi\/pix""#) || log.contains(#""route":"/v1/empi/pix""#), "\(log)")
        #expect(!log.contains("110105198503120012"))
        #expect(!log.contains(key))
    }
}
