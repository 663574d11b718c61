import Foundation
import Synchronization
import HealthCardCrypto
import HealthCardFoundation

/// Issues a batch of signed codes as image files, in parallel, resumably, with a manifest.
///
/// For every row of a ``QRBatch/Input``: sign a ``SignedCode`` (``SignedCodeIssuer``), encode the
/// text as a QR symbol (``QREncoding``), draw it (``QRImageRendering``), write the file
/// (``QRBatchStore``) and record a ``QRBatch/ManifestEntry`` with the file's SM3. Bad rows and
/// rows that fail while being issued become ``QRBatch/RowError``s; the batch goes on.
///
/// **Parallel**: ``jobs`` tasks pull rows from a shared counter, so a slow row never holds up the
/// others. SM2 signing dominates (about 0.45 ms of CPU per code, `Docs/qr-payload.md`, "Measured"), so
/// the default, one job per core, is what the hardware allows. A signer behind I/O (a SAM, a
/// signing server) suspends instead of blocking, so more jobs than cores can help there.
///
/// **Resumable**: a row whose output file already exists is skipped, not reissued (reissuing a
/// printed code would create a second valid code for the same card). Files are written atomically,
/// so an existing file is a complete one. The manifest is rewritten every ``checkpointInterval``
/// (or ten times as long as the last checkpoint took to write, whichever is longer, so that
/// checkpoints stay a small share of a large batch) and at the end; each entry is encoded once
/// (``QRBatch/EncodedManifestEntry``). Entries for files that an interrupted run wrote after its last checkpoint are
/// rebuilt by scanning the file (``QRImageReading``).
///
/// Pure: the C libraries (OpenSSL, libqrencode, libpng, zbar) are behind the protocols, so the
/// engine lives in the core and the benchmark calls exactly the path the command line uses.
///
/// - SeeAlso: ``QRBatch`` for the CSV grammar, names and reports; `hcard qr batch`.
public struct QRBatchIssuer: Sendable {
    /// Signs the codes.
    public let issuer: SignedCodeIssuer
    /// Makes the QR symbols.
    public let encoder: any QREncoding
    /// Draws them.
    public let renderer: any QRImageRendering
    /// Reads codes back from existing files when the manifest lacks them; `nil` disables that.
    public let reader: (any QRImageReading)?
    /// PNG or SVG.
    public let format: QRImageFormat
    /// Error correction, module size, quiet zone.
    public let options: QRRenderOptions
    /// How many rows are issued at once, at least 1.
    public let jobs: Int
    /// How often the manifest is rewritten while the batch runs, at least (see the type's
    /// "Resumable").
    public var checkpointInterval: Duration = .seconds(5)

    public init(
        issuer: SignedCodeIssuer, encoder: any QREncoding, renderer: any QRImageRendering,
        reader: (any QRImageReading)? = nil, format: QRImageFormat = .png, options: QRRenderOptions = .standard,
        jobs: Int
    ) {
        self.issuer = issuer
        self.encoder = encoder
        self.renderer = renderer
        self.reader = reader
        self.format = format
        self.options = options
        self.jobs = max(1, jobs)
    }

    /// One issued code before it is stored: the unit of work of a batch (and of its benchmark).
    public struct IssuedImage: Sendable {
        public let code: SignedCode
        public let text: String
        public let matrix: QRMatrix
        /// The image file's bytes.
        public let bytes: [UInt8]
    }

    /// Signs, encodes and draws one code; no I/O.
    ///
    /// - Parameters:
    ///   - cardID: the card ID of the row.
    ///   - kind: static, or dynamic with its window.
    ///   - now: the issue time; the system clock if `nil`.
    /// - Throws: what the issuer, encoder and renderer throw.
    public func image(cardID: String, kind: SignedCode.Kind, now: Date? = nil) async throws -> IssuedImage {
        let time = now ?? issuer.clock.now()
        let nonce = SignedCode.Nonce.random()
        let code = try SignedCode(kind: kind, keyID: issuer.keyID, cardID: cardID, issuedAt: time, nonce: nonce)
        let text = try await issuer.text(of: code)
        let matrix = try encoder.encode(text: text, options: options)
        let bytes = try renderer.render(matrix, as: format, options: options)
        return IssuedImage(code: code, text: text, matrix: matrix, bytes: bytes)
    }

    /// Parses `csv` (``QRBatch/parseCSV(_:)``) and runs the batch; see ``run(_:source:into:now:progress:)``.
    ///
    /// - Throws: `HealthCardError/Code/malformed` for a missing or bad header, else as
    ///   ``run(_:source:into:now:progress:)``.
    public func run(
        csv: String, source: String, into store: some QRBatchStore, now: Date? = nil,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) async throws -> QRBatch.Summary {
        try await run(QRBatch.parseCSV(csv), source: source, into: store, now: now, progress: progress)
    }

    /// Issues every row of `input` whose file is not in `store` yet, then writes the manifest and
    /// the error report.
    ///
    /// - Parameters:
    ///   - source: the CSV file name, recorded in the manifest.
    ///   - now: one issue time for every code (tests, back-filling); the clock at each code if `nil`.
    ///   - progress: called after each row with the rows done (skipped ones included) and the total.
    ///   - input: the parsed batch rows.
    ///   - store: where the image files, the manifest and the error list go.
    ///     It is called from several tasks at once.
    /// - Returns: the summary; ``QRBatch/Summary/errors`` holds the input errors and every row that
    ///   failed while being issued, sorted by line.
    /// - Throws: only if the manifest or the error report cannot be written.
    public func run(
        _ input: QRBatch.Input, source: String, into store: some QRBatchStore, now: Date? = nil,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) async throws -> QRBatch.Summary {
        // Earlier runs' entries, by file.
        var previous: [String: QRBatch.ManifestEntry] = [:]
        if store.contains(QRBatch.manifestFileName),
            let data = try? store.read(QRBatch.manifestFileName),
            let manifest = try? JSONDecoder().decode(QRBatch.Manifest.self, from: Data(data))
        {
            for entry in manifest.codes { previous[entry.file] = entry }
        }

        var errors = input.errors
        var skippedRows: [(row: QRBatch.Row, file: String)] = []
        var todo: [(row: QRBatch.Row, file: String)] = []
        for row in input.rows {
            let file = row.fileName(format: format)
            if store.contains(file) { skippedRows.append((row, file)) } else { todo.append((row, file)) }
        }

        // Account for the skipped files: the earlier manifest entry if the file is unchanged, else
        // scan the file.
        var carried: [String: QRBatch.ManifestEntry] = [:]
        var skipped: [QRBatch.Skipped] = []
        for (row, file) in skippedRows {
            skipped.append(QRBatch.Skipped(line: row.line, file: file))
            let bytes: [UInt8]
            do {
                bytes = try store.read(file)
            } catch {
                errors.append(
                    QRBatch.RowError(line: row.line, cardID: row.cardID, reason: "\(file) exists but \(error)"))
                continue
            }
            if let entry = previous[file], entry.sm3 == Hex.encode(SM3.hash(bytes)) {
                carried[file] = entry
            } else if let entry = recover(file: file, bytes: bytes, row: row) {
                carried[file] = entry
            } else {
                errors.append(
                    QRBatch.RowError(
                        line: row.line, cardID: row.cardID,
                        reason: "\(file) exists but is neither in the manifest nor a readable code for card "
                            + "\(row.cardID); delete it to issue it again"))
            }
        }
        // Keep entries of earlier runs whose files are still there (another CSV, other lines).
        let inputFiles = Set(input.rows.map { $0.fileName(format: format) })
        for (file, entry) in previous where !inputFiles.contains(file) && store.contains(file) {
            carried[file] = entry
        }

        let header = QRBatch.Manifest(
            source: source, keyId: issuer.keyID.hex, format: format.rawValue,
            errorCorrection: options.errorCorrection.rawValue, moduleSize: options.moduleSize,
            updatedAt: "", codes: [])
        let state = BatchState(carried: carried.values.map(QRBatch.EncodedManifestEntry.init), header: header)
        let total = input.rows.count
        let done = Counter(skipped.count)
        progress?(skipped.count, total)

        let work = todo
        let next = Counter(0)
        let workers = min(jobs, max(todo.count, 1))
        let clock = ContinuousClock()
        let start = clock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while true {
                        let index = next.increment()
                        guard index < work.count else { return }
                        let (row, file) = work[index]
                        let outcome = await issue(row, file: file, into: store, now: now)
                        if let due = state.record(outcome, now: clock.now, start: start, interval: checkpointInterval) {
                            let began = clock.now
                            try? write(due, into: store)
                            state.checkpointWritten(took: began.duration(to: clock.now))
                        }
                        progress?(done.increment() + 1, total)
                    }
                }
            }
        }

        let (issued, issueErrors) = state.results()
        errors += issueErrors
        errors.sort { $0.line < $1.line }
        let final = state.manifest()
        try write(final, into: store)
        var manifest = header
        manifest.codes = final.entries.map(\.entry)
        try store.write(Array(QRBatch.errorReport(errors).utf8), to: QRBatch.errorsFileName)
        try store.synchronize()
        return QRBatch.Summary(
            source: source, lineCount: input.rows.count + input.errors.count,
            issued: issued.sorted { $0.line < $1.line }, skipped: skipped, errors: errors, manifest: manifest)
    }

    private func issue(
        _ row: QRBatch.Row, file: String, into store: some QRBatchStore, now: Date?
    ) async -> Result<QRBatch.EncodedManifestEntry, QRBatch.RowError> {
        do {
            let image = try await image(cardID: row.cardID, kind: row.kind, now: now)
            try store.create(image.bytes, as: file)
            return .success(
                QRBatch.EncodedManifestEntry(
                    QRBatch.ManifestEntry(
                        line: row.line, code: image.code, text: image.text, file: file, fileBytes: image.bytes,
                        matrix: image.matrix)))
        } catch {
            return .failure(QRBatch.RowError(line: row.line, cardID: row.cardID, reason: "\(error)"))
        }
    }

    /// A manifest entry for an existing file, from the code scanned out of it, if that code is the
    /// row's (same card, same kind, this issuer).
    private func recover(file: String, bytes: [UInt8], row: QRBatch.Row) -> QRBatch.ManifestEntry? {
        guard let reader, let texts = try? reader.texts(inFile: bytes) else { return nil }
        for text in texts {
            guard let decoded = try? SignedCodeFormat.decode(text) else { continue }
            let code = decoded.code
            guard code.cardID == row.cardID, code.kind == row.kind, code.keyID == issuer.keyID else { continue }
            return QRBatch.ManifestEntry(
                line: row.line, code: code, text: text, file: file, fileBytes: bytes, matrix: nil, recovered: true)
        }
        return nil
    }

    /// Makes the files durable, then writes the manifest (durable with the next synchronization).
    private func write(
        _ manifest: (header: QRBatch.Manifest, entries: [QRBatch.EncodedManifestEntry]), into store: some QRBatchStore
    ) throws {
        try store.synchronize()
        var header = manifest.header
        header.updatedAt = ISO8601Instant.format(issuer.clock.now())
        try store.write(QRBatch.manifestJSON(header, entries: manifest.entries), to: QRBatch.manifestFileName)
    }
}

/// A shared counter for the workers.
private final class Counter: Sendable {
    private let value: Atomic<Int>

    init(_ initial: Int) { value = Atomic(initial) }

    /// Adds one and returns the value before.
    func increment() -> Int { value.add(1, ordering: .relaxed).oldValue }
}

/// What the workers have produced so far, and when the manifest was last written.
///
/// Checkpoints stay a small share of the run however large the batch grows: the next one is due
/// ``checkpointInterval`` after the last, or ten times as long as the last one took to write,
/// whichever is later. A crash loses no code either way: files written after the last checkpoint
/// are recovered by scanning them on the rerun.
private final class BatchState: Sendable {
    private struct Inner {
        var issued: [QRBatch.EncodedManifestEntry] = []
        var errors: [QRBatch.RowError] = []
        var lastCheckpoint: Duration = .zero
        var lastCheckpointCost: Duration = .zero
    }

    private let carried: [QRBatch.EncodedManifestEntry]
    private let header: QRBatch.Manifest
    private let inner = Mutex(Inner())

    init(carried: [QRBatch.EncodedManifestEntry], header: QRBatch.Manifest) {
        self.carried = carried
        self.header = header
    }

    /// Records an outcome; returns a manifest to write if a checkpoint is due (to one caller at a time).
    func record(
        _ outcome: Result<QRBatch.EncodedManifestEntry, QRBatch.RowError>, now: ContinuousClock.Instant,
        start: ContinuousClock.Instant, interval: Duration
    ) -> (header: QRBatch.Manifest, entries: [QRBatch.EncodedManifestEntry])? {
        let due: [QRBatch.EncodedManifestEntry]? = inner.withLock { inner in
            switch outcome {
            case .success(let entry): inner.issued.append(entry)
            case .failure(let error): inner.errors.append(error)
            }
            let elapsed = start.duration(to: now)
            guard elapsed - inner.lastCheckpoint >= max(interval, inner.lastCheckpointCost * 10) else { return nil }
            inner.lastCheckpoint = elapsed
            return inner.issued
        }
        return due.map(manifest(with:))
    }

    /// Records how long the last checkpoint took to write.
    func checkpointWritten(took cost: Duration) {
        inner.withLock { $0.lastCheckpointCost = cost }
    }

    func results() -> (issued: [QRBatch.ManifestEntry], errors: [QRBatch.RowError]) {
        inner.withLock { ($0.issued.map(\.entry), $0.errors) }
    }

    func manifest() -> (header: QRBatch.Manifest, entries: [QRBatch.EncodedManifestEntry]) {
        manifest(with: inner.withLock { $0.issued })
    }

    private func manifest(
        with issued: [QRBatch.EncodedManifestEntry]
    ) -> (header: QRBatch.Manifest, entries: [QRBatch.EncodedManifestEntry]) {
        (header, (carried + issued).sorted { ($0.entry.line, $0.entry.file) < ($1.entry.line, $1.entry.file) })
    }
}
