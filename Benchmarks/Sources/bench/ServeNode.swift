import Foundation

/// One `hcard serve` process of the serve benchmark: the release binary, started on loopback
/// port 0, its JSON log (one line per request, as in production at `info`) in a file of the run's
/// folder; the port is read from the `listening` line.
final class ServeNode {
    let process: Process
    let port: Int
    let name: String
    let log: URL

    /// The `hcard` binary: `$HCARD_BIN`, else the package's release build
    /// (`swift build -c release --product hcard` in the repository root).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["HCARD_BIN"] { return path }
        return repositoryRoot.appendingPathComponent(".build/release/hcard").path
    }

    /// The repository: two levels above this package's `Sources/bench`.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Starts `hcard serve ARGUMENTS --listen 127.0.0.1:0` and waits (up to `timeout` seconds)
    /// for it to listen.
    init(name: String, arguments: [String], directory: URL, timeout: Double = 900) throws {
        self.name = name
        log = directory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve"] + arguments + ["--listen", "127.0.0.1:0"]
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var found: Int?
        while found == nil {
            guard process.isRunning else {
                throw LoadError.unexpected("hcard serve (\(name)) exited: \(Self.tail(log))")
            }
            guard Date() < deadline else {
                process.terminate()
                throw LoadError.unexpected("hcard serve (\(name)) did not listen within \(Int(timeout)) s: \(Self.tail(log))")
            }
            usleep(50_000)
            found = Self.listeningPort(log)
        }
        port = found!
    }

    /// The port of the `listening` line, if it has been written.
    static func listeningPort(_ log: URL) -> Int? {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.contains("\"listening\"") {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let port = (object["port"] as? String).flatMap(Int.init)
            {
                return port
            }
        }
        return nil
    }

    static func tail(_ log: URL) -> String {
        String((try? String(contentsOf: log, encoding: .utf8))?.suffix(1_500) ?? "")
    }

    /// User + system CPU seconds the server process has used so far (`/proc/PID/stat`).
    var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return .nan }
        // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory of the server process in MiB (`VmRSS` of `/proc/PID/status`).
    var residentMiB: Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return .nan }
        return kib / 1024
    }

    /// SIGTERM, then waits for the graceful shutdown.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// `hcard serve key add ARGUMENTS --name NAME --roles ROLES`: the printed key.
    static func addKey(_ storage: [String], name: String, roles: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "key", "add"] + storage + ["--name", name, "--roles", roles]
        let pipe = Pipe()
        process.standardOutput = pipe
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        let problems = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let key = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, key.hasPrefix("hcs_") else {
            throw LoadError.unexpected("hcard serve key add failed: \(String(decoding: problems, as: UTF8.self))")
        }
        return key
    }
}
