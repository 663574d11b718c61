import Foundation
import HealthCardTestSupport
import HealthCardCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `hcard serve` as an operator runs it: no configuration but a port, a key made with
/// `hcard serve key add`, a verification whose verdict is `hcard qr verify --json`'s, a key revoked
/// by `hcard serve key revoke` refused from its next request, and SIGTERM ending the process with
/// status 0.
@Suite("hcard serve")
struct ServeCommandTests {
    /// A running `hcard serve` and the port it reported in its JSON log.
    final class Running {
        let process = Process()
        let port: Int
        let errors = Pipe()
        /// What the process logged up to and including the "listening" line.
        let startupLog: String

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
            startupLog = String(decoding: buffer, as: UTF8.self)
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

    /// One HTTP/1.1 request over a raw loopback socket, sent in two parts so it can be in flight
    /// while the test does something else.
    final class RawRequest {
        let socket: Int32

        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        }

        func send(_ text: String) {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
        }

        /// Everything until the server closes the connection.
        func receiveAll() -> String {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.recv(socket, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                received += buffer[0..<count]
            }
            Glibc.close(socket)
            return String(decoding: received, as: UTF8.self)
        }
    }

    @Test("SIGTERM while a request is in flight: that request is answered in full, then the process exits 0")
    func gracefulShutdownFinishesInFlightRequests() async throws {
        let directory = try CryptoTestSupport.temporaryDirectory()
        let added = try await HCardRunner.run(["serve", "key", "add", "--name", "steward", "--roles", "steward"], in: directory)
        let key = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try Running(arguments: [], in: directory)
        let body = #"{"code":"HOSP-A"}"#
        let request = try RawRequest(port: server.port)
        request.send(
            "POST /v1/empi/domains HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body.prefix(5))
        try await Task.sleep(for: .milliseconds(300))
        server.process.terminate()  // SIGTERM with half a body received
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.process.isRunning, "the server quit with a request in flight")
        request.send(String(body.dropFirst(5)))
        let response = request.receiveAll()
        #expect(response.hasPrefix("HTTP/1.1 200"), "\(response)")
        #expect(response.contains(#""code":"HOSP-A""#))
        await server.process.waitForExit()
        #expect(server.process.terminationStatus == 0)
        // The write happened: a new server on the same files lists the domain.
        let listed = try await HCardRunner.run(["empi", "domain", "list", "--db", "hcard-serve.sqlite"], in: directory)
        #expect(listed.stdout.contains("HOSP-A"), "\(listed.stdout) \(listed.stderr)")
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

        let added = try await HCardRunner.run(["serve", "key", "add", "--name", "gate", "--roles", "verifier"], in: directory)
        #expect(added.status == 0, "\(added.stderr)")
        let key = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix("hcs_"))
        let listed = try await HCardRunner.run(["serve", "key", "list"], in: directory)
        #expect(listed.stdout.contains("gate") && !listed.stdout.contains(key))

        let code = try await fixture.issue(.static, at: QRPayloadFixture.now)
        let cli = try await HCardRunner.run(
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

        // `hcard serve key revoke` (another process) while the server runs: the key's very next
        // request is refused.
        let revoked = try await HCardRunner.run(["serve", "key", "revoke", "--name", "gate"], in: directory)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let afterRevoke = try await server.request(
            "/v1/codes/verify", key: key, body: #"{"text": "\#(code)", "now": "2026-03-01T08:00:00Z"}"#)
        #expect(afterRevoke.0 == 401)

        server.process.terminate()  // SIGTERM
        await server.process.waitForExit()
        #expect(server.process.terminationStatus == 0)
        #expect(server.process.terminationReason == .exit)
        let log = server.startupLog + String(decoding: server.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains(#""route":"\/v1\/empi\/pix""#) || log.contains(#""route":"/v1/empi/pix""#), "\(log)")
        #expect(!log.contains("110105198503120012"))
        #expect(!log.contains(key))
        // The EMPI matcher was built at start, not left to the first feed or PDQ query.
        #expect(log.contains(#""message":"EMPI matcher loaded""#) && log.contains(#""records":"0""#), "\(log)")
    }
}
