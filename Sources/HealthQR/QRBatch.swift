import Foundation
import HealthCardCrypto
import HealthCardFoundation

/// Batch issuance of signed codes from a CSV file: the input grammar, file naming, the manifest and
/// the per-line error report. The engine that issues them is ``QRBatchIssuer``.
///
/// Input (a header line is required, so a column can never be misread):
///
/// ```
/// card_id,kind,window
/// 26B5A1FE56681,static,
/// 26B5A1FE56681,dynamic,120
/// E1D10AAC73D0B947060B099128732C969A6EF97A6014BF41B3D19EEF9A4FBB18,dynamic
/// ```
///
/// - `card_id`: `[0-9A-Za-z]{1,64}` (health-code.md §4.3); `kind`: `static` or `dynamic`;
///   `window` (optional column): a dynamic code's validity in seconds, 1...65535, default 300.
///   The columns may come in any order; blank lines and lines starting with `#` are ignored;
///   fields may be double-quoted (RFC 4180, no line breaks inside).
/// - Output names are derived from the row, so a rerun finds what an earlier run wrote:
///   `<card_id>-static.<ext>`, and `<card_id>-dynamic-L<line>.<ext>` because a card may have several
///   dynamic codes (the line number tells them apart; inserting lines above shifts it).
///
/// Why per-line errors and not a failed batch: a print run of 100,000 cards must not stop for one
/// mistyped id. Each bad line is reported as `in.csv:LINE: reason` and the rest are issued.
///
/// - SeeAlso: `Docs/qr-payload.md`, "Batch issuance".
public enum QRBatch {
    /// The columns the header may name.
    public static let columns = ["card_id", "kind", "window"]
    /// The manifest file written into the output directory.
    public static let manifestFileName = "manifest.json"
    /// The per-line error report written into the output directory (`line,card_id,reason`).
    public static let errorsFileName = "errors.csv"

    /// One valid input row.
    public struct Row: Hashable, Sendable {
        /// The 1-based line number in the CSV file.
        public let line: Int
        /// The card id.
        public let cardID: String
        /// Static, or dynamic with its window.
        public let kind: SignedCode.Kind

        public init(line: Int, cardID: String, kind: SignedCode.Kind) {
            self.line = line
            self.cardID = cardID
            self.kind = kind
        }

        /// The output file name for `format`: `<card_id>-static.png` or `<card_id>-dynamic-L<line>.png`.
        /// Card ids are `[0-9A-Za-z]`, so the name needs no escaping.
        public func fileName(format: QRImageFormat) -> String {
            switch kind {
            case .static: "\(cardID)-static.\(format.fileExtension)"
            case .dynamic: "\(cardID)-dynamic-L\(line).\(format.fileExtension)"
            }
        }
    }

    /// A line that was not issued, and why.
    public struct RowError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The 1-based line number in the CSV file.
        public let line: Int
        /// The card id as written on the line, if there was one.
        public let cardID: String?
        /// What is wrong, for people.
        public let reason: String

        public init(line: Int, cardID: String?, reason: String) {
            self.line = line
            self.cardID = cardID
            self.reason = reason
        }

        /// `line N: reason`; callers put the file name in front (`in.csv:N: reason`).
        public var description: String { "line \(line): \(reason)" }
    }

    /// A parsed CSV file: the rows to issue and the lines that cannot be.
    public struct Input: Hashable, Sendable {
        public var rows: [Row]
        public var errors: [RowError]
    }

    // MARK: CSV

    /// Parses the CSV text of a batch.
    ///
    /// - Throws: `HealthCardError/Code/malformed` if the header is missing or names an unknown
    ///   or repeated column, or lacks `card_id` or `kind`: then no line can be read with confidence,
    ///   so the whole file is refused. Every other problem is a ``RowError`` in the result.
    public static func parseCSV(_ text: String) throws -> Input {
        // "\r\n" is one Character in Swift, so split on both forms of line end.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        var header: [String: Int]?
        var columnCount = 0
        var input = Input(rows: [], errors: [])
        var staticLines: [String: Int] = [:]
        for (index, rawLine) in lines.enumerated() {
            let line = index + 1
            let content = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = content.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let columns = header else {
                let names: [String]
                switch splitFields(content) {
                case .success(let fields): names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                case .failure(let error): throw HealthCardError.malformed("line \(line): \(error.reason)")
                }
                header = try parseHeader(names, line: line)
                columnCount = names.count
                continue
            }
            switch parseRow(content, line: line, columns: columns, columnCount: columnCount) {
            case .failure(let error):
                input.errors.append(error)
            case .success(let row):
                if case .static = row.kind {
                    if let first = staticLines[row.cardID] {
                        input.errors.append(
                            RowError(
                                line: line, cardID: row.cardID,
                                reason: "duplicate: a static code for card \(row.cardID) is already on line \(first)"))
                        continue
                    }
                    staticLines[row.cardID] = line
                }
                input.rows.append(row)
            }
        }
        guard header != nil else {
            throw HealthCardError.malformed("no header line; the first line must be card_id,kind[,window]")
        }
        return input
    }

    private static func parseHeader(_ names: [String], line: Int) throws -> [String: Int] {
        var columns: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            guard Self.columns.contains(name) else {
                let hint =
                    names.first.map { (try? EHealthCardPayload.checkCardID($0)) != nil } == true
                    ? " (a header line card_id,kind[,window] is required before the data)" : ""
                throw HealthCardError.malformed(
                    "line \(line): unknown column '\(name)'; columns are card_id,kind[,window]\(hint)")
            }
            guard columns[name] == nil else {
                throw HealthCardError.malformed("line \(line): column '\(name)' appears twice")
            }
            columns[name] = index
        }
        for required in ["card_id", "kind"] where columns[required] == nil {
            throw HealthCardError.malformed(
                "line \(line): the header has no '\(required)' column (card_id,kind[,window])")
        }
        return columns
    }

    private static func parseRow(
        _ content: Substring, line: Int, columns: [String: Int], columnCount: Int
    ) -> Result<Row, RowError> {
        let fields: [String]
        switch splitFields(content) {
        case .failure(let error): return .failure(RowError(line: line, cardID: nil, reason: error.reason))
        case .success(let split): fields = split.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        func field(_ name: String) -> String? {
            guard let index = columns[name], index < fields.count else { return nil }
            return fields[index]
        }
        let cardID = field("card_id")
        func failure(_ reason: String) -> Result<Row, RowError> {
            .failure(RowError(line: line, cardID: cardID.flatMap { $0.isEmpty ? nil : $0 }, reason: reason))
        }
        guard fields.count <= columnCount else {
            return failure("\(fields.count) fields, but the header has \(columnCount) columns")
        }
        for required in ["card_id", "kind"] where field(required) == nil {
            return failure("missing column '\(required)' (\(fields.count) fields; header has \(columnCount))")
        }
        guard let cardID, let kindText = field("kind") else { return failure("missing column") }
        do throws(PayloadSyntaxError) {
            try EHealthCardPayload.checkCardID(cardID)
        } catch {
            return failure(cardID.isEmpty ? "card id is empty" : "bad card id '\(cardID)': \(error.reason)")
        }
        let windowText = field("window") ?? ""
        switch kindText.lowercased() {
        case "static":
            guard windowText.isEmpty else { return failure("window '\(windowText)' applies to dynamic codes only") }
            return .success(Row(line: line, cardID: cardID, kind: .static))
        case "dynamic":
            var window = Int(SignedCode.defaultDynamicWindow.components.seconds)
            if !windowText.isEmpty {
                guard let value = Int(windowText), (1...Int(UInt16.max)).contains(value) else {
                    return failure("window must be 1...\(UInt16.max) seconds, got '\(windowText)'")
                }
                window = value
            }
            return .success(Row(line: line, cardID: cardID, kind: .dynamic(window: .seconds(window))))
        case "":
            return failure("kind is empty; must be static or dynamic")
        default:
            return failure("unknown kind '\(kindText)'; must be static or dynamic")
        }
    }

    /// The fields of one CSV line: comma-separated, optionally double-quoted with `""` for a quote.
    static func splitFields(_ line: Substring) -> Result<[String], RowError> {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    if let following = iterator.next() {
                        if following == "\"" {
                            current.append("\"")
                        } else if following == "," {
                            quoted = false
                            fields.append(current)
                            current = ""
                            wasQuoted = false
                        } else {
                            quoted = false
                            current.append(following)
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "," {
                fields.append(current)
                current = ""
                wasQuoted = false
            } else if character == "\"" && current.trimmingCharacters(in: .whitespaces).isEmpty && !wasQuoted {
                quoted = true
                wasQuoted = true
                current = ""
            } else {
                current.append(character)
            }
        }
        guard !quoted else { return .failure(RowError(line: 0, cardID: nil, reason: "unterminated quoted field")) }
        fields.append(current)
        return .success(fields)
    }

    // MARK: Manifest

    /// One issued code in the manifest.
    public struct ManifestEntry: Codable, Hashable, Sendable {
        /// The CSV line it was issued for.
        public var line: Int
        public var cardId: String
        /// `static` or `dynamic`.
        public var kind: String
        public var windowSeconds: Int?
        public var keyId: String
        /// ISO 8601, UTC.
        public var issuedAt: String
        /// ISO 8601, UTC; dynamic codes only.
        public var expiresAt: String?
        /// 16 hex digits.
        public var nonce: String
        /// The file name inside the output directory.
        public var file: String
        /// SM3 of the file's bytes, 64 hex digits: a printer or auditor can check a file against it.
        public var sm3: String
        /// The QR version (1...40) and modules per side; absent for entries recovered from a file.
        public var qrVersion: Int?
        public var modules: Int?
        /// The QR text (`HCK1-…`); not secret, it is what the symbol shows anyone who scans it.
        public var text: String
        /// `true` for an entry rebuilt by scanning an existing file that an interrupted run wrote
        /// before it could record it.
        public var recovered: Bool?

        public init(
            line: Int, code: SignedCode, text: String, file: String, fileBytes: [UInt8], matrix: QRMatrix?,
            recovered: Bool = false
        ) {
            self.line = line
            cardId = code.cardID
            kind = code.kind == .static ? "static" : "dynamic"
            windowSeconds = code.windowSeconds
            keyId = code.keyID.hex
            issuedAt = ISO8601Instant.format(code.issuedAt)
            expiresAt = code.expiresAt.map(ISO8601Instant.format)
            nonce = code.nonce.hex
            self.file = file
            sm3 = Hex.encode(SM3.hash(fileBytes))
            qrVersion = matrix?.version
            modules = matrix?.width
            self.text = text
            self.recovered = recovered ? true : nil
        }
    }

    /// `manifest.json`: every code in the output directory, by CSV line.
    public struct Manifest: Codable, Hashable, Sendable {
        public var version = 1
        /// The CSV file name of the last run.
        public var source: String
        /// The issuer key id of the last run.
        public var keyId: String
        public var format: String
        public var errorCorrection: String
        public var moduleSize: Int
        /// When the manifest was last written (ISO 8601, UTC).
        public var updatedAt: String
        public var codes: [ManifestEntry]
    }

    /// A row whose output file already existed, so it was not issued again.
    public struct Skipped: Hashable, Sendable {
        public let line: Int
        public let file: String
    }

    /// The outcome of a batch run.
    public struct Summary: Sendable {
        /// The CSV file name, for messages (`in.csv:LINE: reason`).
        public let source: String
        /// Data lines read (valid or not).
        public let lineCount: Int
        /// Codes issued by this run, by line.
        public let issued: [ManifestEntry]
        /// Rows skipped because their file existed, by line.
        public let skipped: [Skipped]
        /// Lines not issued, by line.
        public let errors: [RowError]
        /// The manifest as written (this run's codes and those from earlier runs still on disk).
        public let manifest: Manifest

        /// Whether every line was issued or already present.
        public var succeeded: Bool { errors.isEmpty }
    }

    /// `errors.csv`: `line,card_id,reason`, one line per error, quoted as needed.
    public static func errorReport(_ errors: [RowError]) -> String {
        var text = "line,card_id,reason\n"
        for error in errors {
            text += CSVCell.row([String(error.line), error.cardID ?? "", error.reason]) + "\n"
        }
        return text
    }
}

/// Where a batch writes its files: a directory, usually (`QRBatchDirectory` in `System/`).
///
/// Names are plain file names without `/`. Conformers must be safe to call from several tasks at
/// once, and ``write(_:to:)`` must be atomic (the file is complete or absent), because a rerun
/// skips any file that exists.
///
/// Durability is batched: a write need only survive a crash once ``synchronize()`` has returned.
/// The engine synchronizes before every manifest it writes, so the manifest never lists a file
/// that a crash could take back; a file written after the last checkpoint that a crash left empty
/// is not in the manifest, cannot be scanned, and is reported on the rerun (delete it to reissue).
public protocol QRBatchStore: Sendable {
    /// Whether `name` exists.
    func contains(_ name: String) -> Bool
    /// The bytes of `name`.
    func read(_ name: String) throws -> [UInt8]
    /// Writes `bytes` as `name`, replacing it, atomically; durable after the next ``synchronize()``.
    func write(_ bytes: [UInt8], to name: String) throws
    /// Creates `name` holding `bytes`, atomically, and fails if `name` exists (a code file that
    /// appeared meanwhile is never replaced); durable after the next ``synchronize()``.
    func create(_ bytes: [UInt8], as name: String) throws
    /// Makes every write so far durable.
    func synchronize() throws
}

extension QRBatchStore {
    /// Nothing to do for a store whose writes are durable at once (or that has no disk).
    public func synchronize() throws {}

    /// ``write(_:to:)`` after a ``contains(_:)`` check, for stores that cannot refuse an existing
    /// name atomically (one writer, or memory).
    public func create(_ bytes: [UInt8], as name: String) throws {
        guard !contains(name) else { throw HealthCardError.invalidValue("\(name) already exists") }
        try write(bytes, to: name)
    }
}

/// Reads the QR texts back out of an image file's bytes; used to rebuild manifest entries for
/// files an interrupted run wrote but did not record. `QRImageCodec` (zbar) implements it.
public protocol QRImageReading: Sendable {
    /// The texts of the QR symbols in the file; `[]` if none or the format cannot be scanned (SVG).
    func texts(inFile bytes: [UInt8]) throws -> [String]
}
