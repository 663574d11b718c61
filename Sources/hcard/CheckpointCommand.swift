import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard checkpoint`: decide and log passages at a checkpoint. Thin: ``CheckpointDecider`` decides,
/// ``PassLog`` records (Docs/checkpoint.md).
struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Checkpoints: scan a code or an ID number, decide pass or deny, log every passage.",
        discussion: """
            Examples:
              hcard checkpoint scan --log pass.db --checkpoint G1 --temperature 36.6 --trust trust.json code.png
              hcard passlog query --log pass.db --checkpoint G1
            """,
        subcommands: [Scan.self, Station.self]
    )

    /// Exit status of a scan whose passage was denied (and logged). 1 is an error (nothing logged),
    /// 64 a usage error.
    static let deniedExitCode: Int32 = 2

    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide one passage (or a batch from standard input) and append it to the pass log.",
            discussion: """
                The credential is a code image (PNG/JPEG), --text (an HCC1- health code or HCK1- \
                e-health-card code), or --id alone (an ID number). --id with an image or --text is \
                the ID card shown with a health code, which must then belong to it. Every passage is \
                logged, passed or denied; the line printed for it ("PASS #id …" / "DENY #id …") is \
                the acknowledgement and appears only once the passage is durable in the log.

                Denied on any doubt: a code that does not verify (malformed, unknown key, bad \
                signature, revoked, expired, not yet valid, replayed, someone else's), a colour the \
                policy does not allow, fever (a reading at or above the limit, default 37.3 °C), a \
                missing or implausible reading, an invalid ID number, an ID number alone where a code \
                is required, an image with no or several codes.

                Policy: --policy FILE (JSON: allowedColours, temperatureLimit, temperatureRequired, \
                identification validCode|idNumberSuffices), then --allow, --temperature-limit, \
                --temperature-optional and --id-suffices override it. Default: green only, 37.3 °C, \
                reading required, code required.

                --batch reads one JSON object per line from standard input, \
                {"text": "HCC1-…", "id": "…", "image": "file.png", "temperature": 36.5, \
                "direction": "in", "plate": "琼A12345"}, and acknowledges each on its own line \
                (a terminal's long-running mode). With --replay-cache, an accepted dynamic code is in the \
                file before its line is printed.

                Exit status: 0 passed (batch: all passed), 2 denied (batch: any denied; every \
                passage is logged), 1 error (nothing logged for the failing input), 64 usage.

                Examples:
                  hcard checkpoint scan --log pass.db --checkpoint G1 --name "East gate" --temperature 36.5 \\
                      --trust trust.json code.png
                  hcard checkpoint scan --log pass.db --checkpoint G1 --temperature 36.8 --text "HCC1-…" \\
                      --id 11010519491231002X --trust trust.json --json
                  hcard checkpoint scan --log pass.db --checkpoint R7 --direction out --plate 琼A12345 \\
                      --id 11010519491231002X --id-suffices --temperature 36.4 --trust trust.json
                  hcard checkpoint scan --log pass.db --checkpoint G1 --policy hospital.json --trust trust.json \\
                      --batch < scans.jsonl
                """
        )

        @Argument(help: "A PNG or JPEG image holding the code.")
        var image: String?
        @Option(help: "The scanned text.")
        var text: String?
        @Option(help: "An ID number: alone, the credential; with a code, the ID card shown with it.")
        var id: String?
        @Flag(help: "Read passages as JSON lines from standard input.")
        var batch = false

        @Option(help: "The pass log (SQLite, created on first use).")
        var log: String
        @Option(help: "The checkpoint id.")
        var checkpoint: String
        @Option(help: "The checkpoint's name.")
        var name = ""
        @Option(help: "Where it is (a GB/T 2260 code or free text).")
        var area = ""
        @Option(help: "The department that runs it.")
        var department = ""
        @Option(help: "in or out.")
        var direction: PassDirection = .entering
        @Option(help: "The body temperature in °C.")
        var temperature: CelsiusArgument?
        @Option(help: "A vehicle plate.")
        var plate: String?

        @Option(help: "A checkpoint policy JSON file.")
        var policy: String?
        @Option(help: "A colour that passes (repeat for several); replaces the policy's colours.")
        var allow: [String] = []
        @Option(help: "Fever limit in °C: a reading at or above it denies.")
        var temperatureLimit: CelsiusArgument?
        @Flag(help: "Do not deny a passage without a temperature reading.")
        var temperatureOptional = false
        @Flag(help: "A valid ID number alone suffices (manual registration).")
        var idSuffices = false

        @OptionGroup var verification: VerificationOptions
        @OptionGroup var limit: ImageLimitOption
        @Option(
            name: .customLong("replay-cache"),
            help: ArgumentHelp("Remember accepted dynamic codes in this JSON file across runs.", valueName: "file"))
        var replayCache: String?
        @Option(help: "Decide as of this time (ISO 8601; no zone = China time) instead of now.")
        var now: ChinaTimeArgument?

        @Flag(help: "Show ID numbers in full in the output.")
        var fullId = false
        @Flag(help: "Print JSON (one object per passage; compact lines in --batch).")
        var json = false

        func validate() throws {
            if image != nil && text != nil { throw ValidationError("give an IMAGE or --text, not both") }
            if batch && (image != nil || text != nil || id != nil) {
                throw ValidationError("--batch reads its passages from standard input: no IMAGE, --text or --id")
            }
            if !batch && image == nil && text == nil && id == nil {
                throw ValidationError("give an IMAGE, --text or --id (or --batch)")
            }
            if let image, !FileManager.default.fileExists(atPath: image) {
                throw ValidationError("no such image file: \(image)")
            }
            _ = try site()
            _ = try checkpointPolicy()
        }

        func site() throws -> CheckpointSite {
            do {
                return try CheckpointSite(id: checkpoint, name: name, area: area, department: department)
            } catch {
                throw ValidationError("--checkpoint: \(error)")
            }
        }

        /// The policy file's (a bad file is exit 1, naming it), then the options' (a bad value is a
        /// usage error, exit 64).
        func checkpointPolicy() throws -> CheckpointPolicy {
            var policy = try self.policy.map {
                try CheckpointPolicy(json: Array(readFile($0)), source: $0)
            } ?? CheckpointPolicy()
            do {
                if !allow.isEmpty { policy.allowedColours = Set(allow.map(HealthColour.init(rawValue:))) }
                if let temperatureLimit { policy.temperatureLimit = temperatureLimit.celsius }
                if temperatureOptional { policy.temperatureRequired = false }
                if idSuffices { policy.identification = .idNumberSuffices }
                return try policy.validated()
            } catch {
                throw ValidationError("checkpoint policy: \(describe(error))")
            }
        }

        func run() throws {
            let instant = now?.instant
            let replay = try replayCache.map {
                try ReplayCacheFile(
                    path: $0, now: Int64((instant ?? SystemClock().now()).timeIntervalSince1970.rounded(.down)))
            }
            let decider = CheckpointDecider(
                policy: try checkpointPolicy(), trustList: try verification.trustList(),
                revocations: try verification.revocations(), clockSkew: verification.clockSkew, seenNonces: replay?.cache)
            let station = CheckpointStation(
                site: try site(), decider: decider, passLog: try PassLog(path: log), replayCache: replay)

            /// Scans through the station, which returns only once the passage is durable; then acknowledges.
            func pass(_ credential: Credential, temperature: Double?, direction: PassDirection, plate: String?) throws
                -> Bool
            {
                let passage = try station.scan(
                    credential, temperature: temperature, direction: direction, plate: plate, at: instant ?? SystemClock().now())
                let ack = passage.acknowledgement(fullIDs: fullId)
                if json {
                    if batch { try writeLine(compactJSON(ack)) } else { try printJSON(ack) }
                } else {
                    try writeLine(ack.line)
                }
                return passage.passes
            }

            var allPassed = true
            var failed = false
            if batch {
                var lineNumber = 0
                while let line = readLine() {
                    lineNumber += 1
                    guard !line.allSatisfy(\.isWhitespace) else { continue }
                    let input: BatchLine
                    do {
                        input = try JSONDecoder().decode(BatchLine.self, from: Data(line.utf8))
                        guard input.text == nil || input.image == nil else {
                            throw ValidationError("give text or image, not both")
                        }
                    } catch {
                        printError(
                            "standard input line \(lineNumber): not a passage (\(describe(error))); nothing logged")
                        failed = true
                        continue
                    }
                    let credential = Self.credential(text: input.text, image: input.image, id: input.id, maxPixels: limit.maxPixels)
                    allPassed =
                        try pass(
                            credential, temperature: input.temperature, direction: input.direction ?? direction,
                            plate: input.plate ?? plate) && allPassed
                }
            } else {
                allPassed = try pass(
                    Self.credential(text: text, image: image, id: id, maxPixels: limit.maxPixels), temperature: temperature?.celsius, direction: direction,
                    plate: plate)
            }
            try station.finish()
            if failed { throw ExitCode(1) }
            if !allPassed { throw ExitCode(CheckpointCommand.deniedExitCode) }
        }

        /// The credential from a text, an image file or an ID number, as the options give them.
        static func credential(text: String?, image: String?, id: String?, maxPixels: Int) -> Credential {
            guard let image else {
                return Credential(presented: text.map(trimmingLineEnd), idNumber: id)
            }
            let name = (image as NSString).lastPathComponent
            do {
                return Credential(
                    scannedPayloads: try QRImageCodec(maxPixels: maxPixels).payloads(inFileAt: image), imageName: name, presentedBy: id)
            } catch {
                return .unreadable(reason: "\(name): \(error)")
            }
        }

        struct BatchLine: Decodable {
            let text: String?
            let image: String?
            let id: String?
            let temperature: Double?
            let direction: PassDirection?
            let plate: String?
        }
    }
}

extension PassDirection: ExpressibleByArgument {}

/// One line on standard output, written at once (no buffering): an acknowledgement must be out
/// before the next passage is taken, or a killed process could lose one the log has.
func writeLine(_ line: String) throws {
    try FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
}

/// Compact sorted JSON on one line, for JSON-lines output.
func compactJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
