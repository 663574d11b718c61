import ArgumentParser
import Foundation
import HealthCardCore

extension PlatformCommand {
    /// `hcard platform sign-request`: signs a request body for Tencent's health-card open platform.
    struct SignRequest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-request",
            abstract: "Sign a request body for Tencent's health-card open platform (SHA-256, Base64).",
            discussion: """
                Reads a body {"commonIn": {...}, "req": {...}} and prints it with commonIn.sign set \
                (compact JSON, sorted keys), or only the signature with --sign-only. The signature \
                covers commonIn (without sign) and req merged, null and empty values dropped, keys \
                sorted, k=v joined by &, then the app secret appended (Docs/qr-payload.md, "Tencent \
                request signing"). The secret comes from a file or HCARD_TENCENT_APP_SECRET, never the \
                command line (where other users could read it).

                Examples:
                  hcard platform sign-request --secret-file app.secret body.json
                  HCARD_TENCENT_APP_SECRET=... hcard platform sign-request --sign-only - < body.json
                """)

        @Argument(help: "The request body (JSON), or - for standard input.")
        var body: String

        @Option(help: "A file holding the app secret (its first line). Default: HCARD_TENCENT_APP_SECRET.")
        var secretFile: String?

        @Flag(help: "Print only the signature.")
        var signOnly = false

        func run() throws {
            let secret: String
            if let secretFile {
                secret = trimmingLineEnd(
                    String(decoding: try AtomicFile.read(secretFile, limit: 4096), as: UTF8.self)
                        .split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? "")
            } else if let environment = ProcessInfo.processInfo.environment["HCARD_TENCENT_APP_SECRET"] {
                secret = environment
            } else {
                throw ValidationError("give --secret-file or set HCARD_TENCENT_APP_SECRET")
            }
            guard !secret.isEmpty else { throw ValidationError("the app secret is empty") }
            let json = body == "-" ? Array(FileHandle.standardInput.readDataToEndOfFile()) : try AtomicFile.read(body)
            do {
                let signed = try TencentRequestSignature.sign(body: json, appSecret: secret)
                print(signOnly ? signed.sign : String(decoding: signed.body, as: UTF8.self))
            } catch {
                printError("\(body == "-" ? "standard input" : body): cannot sign: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
