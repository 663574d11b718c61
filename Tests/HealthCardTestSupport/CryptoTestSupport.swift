import Foundation
import HealthCardFoundation

/// Helpers shared by the crypto tests: hex, temp files and the `openssl` command line.
public enum CryptoTestSupport {
    public static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.filter { !$0.isWhitespace })
        precondition(digits.count % 2 == 0, "odd hex length")
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    public static let openSSLPath = "/usr/bin/openssl"
    /// The cross-checks need the `openssl` tool (Debian package `openssl`, installed by Scripts/setup.sh).
    static var hasOpenSSL: Bool { FileManager.default.isExecutableFile(atPath: openSSLPath) }

    public typealias Output = ChildProcess.Output

    /// Runs `openssl arguments…` in `directory`, feeding `stdin` (``ChildProcess``: off the pool).
    public static func openssl(_ arguments: [String], in directory: URL, stdin: [UInt8] = []) async throws -> Output {
        try await ChildProcess.run(URL(fileURLWithPath: openSSLPath), arguments, stdin: stdin, in: directory)
    }

    /// A fresh temporary directory, removed by the caller with `removeItem`.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hck-crypto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    public static func write(_ bytes: [UInt8], to name: String, in directory: URL) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    public static func read(_ name: String, in directory: URL) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
