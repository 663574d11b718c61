import Foundation
import HealthCardTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The README's `hcard serve` example, run by bash exactly as written, with one change: the
/// curl lines' port. The server gets that port from `HCARD_SERVE_LISTEN` (the configuration's
/// environment source), so `hcard serve &` itself runs unchanged.
@Suite("README: the hcard serve example")
struct ReadmeServeExampleTests {
    /// The shell block under the README's "## `hcard serve`" heading.
    static func example() throws -> String {
        let readme = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.range(of: "## `hcard serve`"), "README has no hcard serve section")
        let rest = text[section.upperBound...]
        let start = try #require(rest.range(of: "```sh\n"))
        let end = try #require(rest[start.upperBound...].range(of: "```"))
        return String(rest[start.upperBound..<end.lowerBound])
    }

    /// A loopback port nothing listens on now (bound to port 0, then released).
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        try #require(bound, "cannot bind a loopback socket")
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("runs as written in an empty directory: health, a domain, a record, PIX, PDQ by pinyin, SIGTERM")
    func exampleRuns() async throws {
        let example = try Self.example()
        #expect(example.contains("hcard serve &") && example.contains("kill %1"))
        let port = try Self.freePort()
        let script = "set -e\n" + example.replacingOccurrences(of: "localhost:8080", with: "localhost:\(port)") + "wait\n"
        let directory = try CryptoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        let path = HCardRunner.productsDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let run = try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/bash"), ["-c", script], in: directory,
            environment: ["PATH": path, "HCARD_SERVE_LISTEN": "127.0.0.1:\(port)"])
        let (output, log) = (run.stdoutText, run.stderr)

        #expect(run.status == 0, "\(output)\n\(log.suffix(2000))")
        let lines = output.split(separator: "}").map { $0 + "}" }
        #expect(lines.first == #"{"status":"ok"}"#, "\(output)")
        #expect(output.contains(#""code":"HOSP-A""#), "the domain was created: \(output)")
        #expect(output.contains(#""decision":"new-person""#), "the record was fed: \(output)")
        #expect(output.contains(#""person":1"#), "\(output)")
        #expect(output.contains(#""fullName":"李明""#) && output.contains(#""total":1"#), "PDQ found 李明 by pinyin: \(output)")
        #expect(!log.contains("\"status\":\"5"), "no request failed on the server: \(log.suffix(2000))")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("hcard-serve.sqlite").path))
    }
}
