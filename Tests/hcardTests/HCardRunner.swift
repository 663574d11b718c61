import Foundation
import Testing

/// Runs the built `hcard` binary as a user would, capturing its output and exit status.
/// (After swift-argument-parser's `Tests/ArgumentParserExampleTests`.)
struct HCardRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The build products folder that holds the test bundle, and so `hcard`.
    static let productsDirectory: URL = {
        var url = Bundle.main.bundleURL
        while url.pathComponents.count > 1 && !FileManager.default.fileExists(atPath: url.appendingPathComponent("hcard").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    static func run(
        _ arguments: [String], stdin: String? = nil, in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("hcard")
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = Result(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
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
