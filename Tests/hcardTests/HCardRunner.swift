import Foundation
import HealthCardTestSupport
import Testing

/// Runs the built `hcard` binary as a user would, capturing its output and exit status.
/// (After swift-argument-parser's `Tests/ArgumentParserExampleTests`.)
struct HCardRunner {
    struct Result: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
        /// How long the process ran (``ChildProcess/Output/duration``).
        let duration: Duration
    }

    /// The build products folder that holds the test bundle, and so `hcard`.
    static let productsDirectory: URL = {
        var url = Bundle.main.bundleURL
        while url.pathComponents.count > 1 && !FileManager.default.fileExists(atPath: url.appendingPathComponent("hcard").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    /// Runs `hcard arguments…` in `directory` with `stdin` (then end of file) and waits for it,
    /// off Swift's cooperative pool and a few at a time (``ChildProcess``; `throttled` as there).
    /// A run still going `timeout` after its start (a hung PC/SC call, a lock never released) is
    /// killed and recorded as an issue: a generous guard against a hang, not a measure of speed.
    static func run(
        _ arguments: [String], stdin: String? = nil, in directory: URL? = nil, environment: [String: String] = [:],
        throttled: Bool = true, timeout: Duration = .seconds(300)
    ) async throws -> Result {
        let output = try await ChildProcess.run(
            productsDirectory.appendingPathComponent("hcard"), arguments, stdin: Array((stdin ?? "").utf8),
            in: directory, environment: environment, throttled: throttled, timeout: timeout)
        if output.timedOut {
            Issue.record("hcard \(arguments.joined(separator: " ")) did not finish within \(timeout): killed")
        }
        let result = Result(
            status: output.status, stdout: output.stdoutText, stderr: output.stderr, duration: output.duration)
        checkNoInternals(result, arguments)
        return result
    }

    /// Texts that only reach a user when an error escaped its message: Foundation's and Swift's
    /// internal descriptions, and runtime traps. Every output of every CLI test is checked for them.
    static let internalTexts = [
        "Debug description", "debugDescription", "NSCocoaErrorDomain", "DecodingError", "Fatal error", "Context(",
    ]

    /// Records an issue when `result`'s output shows an internal error description.
    static func checkNoInternals(_ result: Result, _ arguments: [String]) {
        for text in internalTexts where result.stdout.contains(text) || result.stderr.contains(text) {
            Issue.record("hcard \(arguments.joined(separator: " ")) printed '\(text)': \(result.stderr.prefix(400))")
        }
    }
}
