import Foundation

/// The anchor of the pass-log queries: the same SQL through the `sqlite3` command-line shell
/// (Debian's, the system SQLite) on the same file in the same run, every row written to
/// `/dev/null`, with the memory map the library's query connections use (`PRAGMA mmap_size`).
/// Its cost is SQLite's own (plan, B-tree walk, row decoding into text) with no Swift, GRDB or
/// value construction, so ours ÷ the shell says what the library adds.
enum SQLiteShellAnchor {
    /// One statement's time as the shell's `.timer` reports it: wall time (`real`, to the
    /// millisecond: use it for statements of several milliseconds) and CPU time (`user` + `sys`, to
    /// the microsecond; on a loaded machine the steadier figure).
    struct Timing {
        var wall: Duration
        var cpu: Duration
    }

    /// Each statement's timing, in order.
    static func times(_ path: String, mmapSize: Int, _ statements: [String]) throws -> [Timing] {
        let output = try run(
            path, ".output /dev/null\nPRAGMA mmap_size = \(mmapSize);\n.timer on\n"
                + statements.map { $0 + ";\n" }.joined())
        // "Run Time: real 0.007 user 0.004812 sys 0.000521"
        let times = output.split(separator: "\n").compactMap { line -> Timing? in
            let words = line.split(separator: " ")
            guard line.hasPrefix("Run Time: real "), words.count == 8, let real = Double(words[3]),
                let user = Double(words[5]), let system = Double(words[7])
            else { return nil }
            return Timing(wall: .nanoseconds(Int64(real * 1e9)), cpu: .nanoseconds(Int64((user + system) * 1e9)))
        }
        guard times.count == statements.count else {
            throw BenchmarkShellError("sqlite3 timed \(times.count) of \(statements.count) statements: \(output.prefix(500))")
        }
        return times
    }

    /// Runs `sqlite3 -readonly -bail PATH` with `script` on standard input (through a file, so a
    /// long script cannot fill a pipe) and returns what it printed; a failure names its stderr.
    private static func run(_ path: String, _ script: String) throws -> String {
        let scriptFile = FileManager.default.temporaryDirectory.appendingPathComponent("hck-anchor-\(UUID()).sql")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scriptFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", "-readonly", "-bail", path]
        process.standardInput = try FileHandle(forReadingFrom: scriptFile)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let printed = out.fileHandleForReading.readDataToEndOfFile()
        let problems = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkShellError(
                "sqlite3 \(path) exited \(process.terminationStatus): \(String(decoding: problems, as: UTF8.self))")
        }
        return String(decoding: printed, as: UTF8.self)
    }
}

struct BenchmarkShellError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
