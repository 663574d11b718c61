import ArgumentParser
import Foundation
import HealthCardCore
import Synchronization

extension QRCommand {
    struct Batch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue signed codes for every line of a CSV file, as PNG or SVG files, in parallel.",
            discussion: """
                Input: a CSV file whose first line is a header naming the columns card_id, kind and \
                optionally window (any order). kind is static or dynamic; window is a dynamic code's \
                validity in seconds, 1...65535, default 300. Blank lines and lines starting with # are \
                ignored; fields may be double-quoted.

                  card_id,kind,window
                  26B5A1FE56681,static,
                  26B5A1FE56681,dynamic,120

                Output in --out: <card_id>-static.png, or <card_id>-dynamic-L<line>.png (a card may have \
                several dynamic codes), manifest.json (every code in the directory: line, card id, kind, \
                key id, issue time, expiry, nonce, file, SM3 of the file, QR version, text) and errors.csv \
                (line,card_id,reason for the lines of this run that were not issued).

                Bad lines are reported as "in.csv:LINE: reason" on standard error and skipped; the batch \
                goes on, and the exit status is 1 at the end if any line failed. Resumable: a line whose \
                file exists is skipped (reported as skipped), so after an interruption or after fixing \
                bad lines the same command issues only what is missing. Files are written atomically.

                Rows are issued by --jobs parallel workers (default: one per core); SM2 signing is most \
                of the work. A progress bar is drawn on standard error when it is a terminal.

                Examples:
                  hcard qr batch --csv cards.csv --out codes --key issuer.key
                  hcard qr batch --csv cards.csv --out codes --key issuer.key --format svg --ec Q --json
                  hcard qr batch --csv cards.csv --out codes --key issuer.key --jobs 1 --module-size 6
                """
        )

        @Option(help: "The input CSV file (header card_id,kind[,window]).")
        var csv: String

        @Option(help: "The output directory (created if missing).")
        var out: String

        @Option(help: "The issuer's private key PEM file.")
        var key: String

        @Option(help: "Image format: png or svg.")
        var format: QRImageFormat = .png

        @Option(help: "Parallel workers. Default: the number of cores.")
        var jobs: Int?

        @OptionGroup var image: QRImageOptions

        @Option(help: "One issue time for every code (ISO 8601 with zone) instead of the clock at each code.")
        var now: InstantArgument?

        @Flag(help: "Print a JSON summary: counts, errors, skipped files and the manifest path.")
        var json = false

        func validate() throws {
            if let jobs, !(1...1024).contains(jobs) { throw ValidationError("--jobs must be 1...1024, got \(jobs)") }
        }

        func run() async throws {
            warnIfReadableByOthers(key)
            let issuer = try SignedCodeIssuer(privateKey: KeyFiles.readPrivateKey(at: key))
            let text: String
            do {
                text = try String(decoding: Data(contentsOf: URL(fileURLWithPath: csv)), as: UTF8.self)
            } catch {
                throw ValidationError("cannot read --csv \(csv): \(error.localizedDescription)")
            }
            let source = (csv as NSString).lastPathComponent
            let input: QRBatch.Input
            do {
                input = try QRBatch.parseCSV(text)
            } catch let error as HealthCardError {
                throw FileContentError(csv, error.reason)
            }
            let store = try QRBatchDirectory(path: out)
            let codec = QRImageCodec()
            let engine = QRBatchIssuer(
                issuer: issuer, encoder: QREncoder(), renderer: codec, reader: codec, format: format,
                options: try image.renderOptions(), jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
            let bar = isatty(2) == 1 ? ProgressBar() : nil
            let summary = try await engine.run(input, source: source, into: store, now: now?.date) { done, total in
                bar?.update(done, total)
            }
            bar?.finish()

            for error in summary.errors { printError("\(csv):\(error.line): \(error.reason)") }
            let manifestPath = (out as NSString).appendingPathComponent(QRBatch.manifestFileName)
            let errorsPath = (out as NSString).appendingPathComponent(QRBatch.errorsFileName)
            if json {
                try printJSON(
                    SummaryJSON(
                        source: csv, lines: summary.lineCount, issued: summary.issued.count,
                        skipped: summary.skipped.map { SkippedJSON(line: $0.line, file: $0.file) },
                        errors: summary.errors.map { ErrorJSON(line: $0.line, cardId: $0.cardID, reason: $0.reason) },
                        manifest: manifestPath, errorReport: errorsPath, codesInManifest: summary.manifest.codes.count))
            } else {
                print(
                    "\(source): \(summary.lineCount) lines: \(summary.issued.count) issued, "
                        + "\(summary.skipped.count) skipped (already in \(out)), \(summary.errors.count) failed")
                print("manifest: \(manifestPath) (\(summary.manifest.codes.count) codes)")
                if !summary.errors.isEmpty { print("errors:   \(errorsPath)") }
            }
            if !summary.succeeded { throw ExitCode(1) }
        }

        struct SummaryJSON: Encodable {
            let source: String
            let lines: Int
            let issued: Int
            let skipped: [SkippedJSON]
            let errors: [ErrorJSON]
            let manifest: String
            let errorReport: String
            let codesInManifest: Int
        }

        struct SkippedJSON: Encodable {
            let line: Int
            let file: String
        }

        struct ErrorJSON: Encodable {
            let line: Int
            let cardId: String?
            let reason: String
        }
    }
}

/// A one-line progress bar on standard error, redrawn at most ten times a second.
final class ProgressBar: Sendable {
    private struct State {
        var lastDraw: ContinuousClock.Instant?
        var lastDone = -1
    }

    private let state = Mutex(State())
    private let clock = ContinuousClock()

    func update(_ done: Int, _ total: Int) {
        let now = clock.now
        let line: String? = state.withLock { state in
            if let last = state.lastDraw, last.duration(to: now) < .milliseconds(100), done < total { return nil }
            guard done > state.lastDone else { return nil }
            state.lastDraw = now
            state.lastDone = done
            let width = 30
            let filled = total == 0 ? width : width * done / total
            let percent = total == 0 ? 100 : 100 * done / total
            return "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                + "] \(done)/\(total) \(percent)%"
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
