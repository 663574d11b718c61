import CheckpointGate
import Foundation
import EMPI
import HealthCardFoundation
import HealthQR

/// `hcard fixtures validate`: finds the fixture files under the given paths, tells their kinds
/// apart and runs the validator of each kind, collecting every finding.
///
/// Kinds, by extension and then by content:
///
/// | File | Kind | Checked by |
/// |---|---|---|
/// | `*.json` with `"format": "hcard-card-image/1"` | card image | ``CardImageValidator`` |
/// | `records/KIND[.NAME].json` | card record (`hcard write KIND --from`) | ``RecordFixtureValidator`` |
/// | `*.json` with `"columns"` | EMPI field mapping | ``EMPIFixtureValidator`` |
/// | `*.json` with `"keys"` | trust list | `TrustList/init(json:source:)` |
/// | `*.json` with `"cardIds"` or `"keyIds"` | revocation list | `RevocationList/init(json:source:)` |
/// | `*.json` with `"checkpoint"` and `"actuator"` | gate station configuration | `StationConfiguration/init(json:source:baseDirectory:)` |
/// | `*.csv` whose header has `card_id` and `kind` | QR batch input | `QRBatch/parseCSV(_:)` |
/// | other `*.csv` | EMPI records | ``EMPIFixtureValidator`` with its mapping |
/// | `*.txt`, `*.qr` | QR payloads, one per line | ``QRFixtureValidator`` |
/// | `*.png`, `*.jpg`, `*.jpeg` | QR image | ``QRFixtureValidator`` |
/// | `*.md`, `*.pem`, `*.key`, `*.der`, SQLite files, `*.lock` (lock sidecars), hidden files | skipped silently | |
///
/// Why content sniffing for JSON: all these files are JSON, and a CI job points the command at a
/// whole directory; naming conventions would be one more thing to get wrong.
///
/// Where the context comes from when not given: a signed QR fixture is checked against the
/// `trust.json` (and `revoked.json`) in its own directory; an EMPI CSV `NAME.csv` is read with
/// `NAME.mapping.json` beside it, else `mapping.json` in its directory.
public struct FixtureValidator: Sendable {
    /// The trust list for every signed code; `nil`: each directory's `trust.json`, if any.
    public var trustList: TrustList?
    /// Revocations; `nil`: each directory's `revoked.json`, if any.
    public var revocations: RevocationList?
    /// The mapping for every EMPI CSV; `nil`: the CSV's sibling mapping file.
    public var mapping: FieldMapping?
    /// The verification time for codes; `nil`: now.
    public var now: Date?
    /// The day EMPI dates are checked against.
    public var today: CalendarDate
    /// Scans QR images (`QRImageCodec` in the command line).
    public var imageReader: (any QRImageReading)?

    public init(
        trustList: TrustList? = nil, revocations: RevocationList? = nil, mapping: FieldMapping? = nil,
        now: Date? = nil, today: CalendarDate = .today(), imageReader: (any QRImageReading)? = nil
    ) {
        self.trustList = trustList
        self.revocations = revocations
        self.mapping = mapping
        self.now = now
        self.today = today
        self.imageReader = imageReader
    }

    /// The outcome of one run.
    public struct Report: Codable, Sendable {
        /// Every file that was checked, in order.
        public var files: [String] = []
        public var findings: [FixtureFinding] = []

        /// `true` when no finding is an error.
        public var passed: Bool { !findings.contains { $0.severity == .error } }
        public var errorCount: Int { findings.count { $0.severity == .error } }
        public var warningCount: Int { findings.count { $0.severity == .warning } }
    }

    /// Validates every fixture file in `paths` (files, or directories searched recursively in name order).
    public func validate(_ paths: [String]) -> Report {
        var report = Report()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                report.findings.append(FixtureFinding(.error, file: path, "no such file or directory"))
                continue
            }
            let files = isDirectory.boolValue ? Self.files(under: path) : [path]
            for file in files {
                guard let findings = validateFile(file) else { continue }
                report.files.append(file)
                report.findings += findings
            }
        }
        return report
    }

    /// Files that are never fixtures: documentation, keys, databases, and the `PATH.lock` sidecars
    /// of `AtomicFile/withExclusiveLock(_:_:)` (a card image written by `hcard write` leaves one).
    static let skippedExtensions: Set<String> = [
        "md", "pem", "key", "der", "sqlite", "sqlite-wal", "sqlite-shm", "db", "lock",
    ]

    /// The findings for one file; `nil` when the file is not a fixture (skipped).
    public func validateFile(_ path: String) -> [FixtureFinding]? {
        let name = (path as NSString).lastPathComponent
        let fileExtension = (name as NSString).pathExtension.lowercased()
        if name.hasPrefix(".") || Self.skippedExtensions.contains(fileExtension) { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            return [FixtureFinding(.error, file: path, "cannot read the file")]
        }
        switch fileExtension {
        case "json": return validateJSON(data, path: path)
        case "csv": return validateCSV(data, path: path)
        case "txt", "qr":
            guard let text = String(data: data, encoding: .utf8) else {
                return [FixtureFinding(.error, file: path, "not UTF-8 text")]
            }
            return qrValidator(for: path).validatePayloads(text, file: path)
        case "png", "jpg", "jpeg":
            return qrValidator(for: path).validateImage(Array(data), file: path)
        default:
            return [FixtureFinding(.warning, file: path, "not a fixture kind this command knows (.\(fileExtension)); skipped")]
        }
    }

    // MARK: Kinds

    private func validateJSON(_ data: Data, path: String) -> [FixtureFinding] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return [FixtureFinding(.error, file: path, "not a JSON object")]
        }
        if object["format"] != nil { return CardImageValidator.validate(data, file: path) }
        if let kind = RecordFixtureValidator.kind(ofPath: path) {
            return RecordFixtureValidator.validate(data, kind: kind, file: path)
        }
        if object["columns"] != nil {
            return EMPIFixtureValidator(today: today).validateMapping(String(decoding: data, as: UTF8.self), file: path)
        }
        do {
            if object["keys"] != nil {
                _ = try TrustList(json: Array(data), source: path)
                return []
            }
            if object["cardIds"] != nil || object["keyIds"] != nil {
                _ = try RevocationList(json: Array(data), source: path)
                return []
            }
            if object["checkpoint"] != nil && object["actuator"] != nil {
                _ = try StationConfiguration(
                    json: Array(data), source: path, baseDirectory: (path as NSString).deletingLastPathComponent)
                return []
            }
        } catch let error as HealthCardError {
            return [FixtureFinding(.error, file: path, error.reason.droppingPrefix(path + ": "))]
        } catch {
            return [FixtureFinding(.error, file: path, "\(error)")]
        }
        return [
            FixtureFinding(
                .error, file: path,
                "unrecognised JSON fixture: not a card image (\"format\"), mapping (\"columns\"), trust list (\"keys\"), "
                    + "revocation list (\"cardIds\"/\"keyIds\") or station configuration (\"checkpoint\", \"actuator\")")
        ]
    }

    private func validateCSV(_ data: Data, path: String) -> [FixtureFinding] {
        guard let text = String(data: data, encoding: .utf8) else {
            return [FixtureFinding(.error, file: path, "not UTF-8 text")]
        }
        let header = text.prefix { $0 != "\n" && $0 != "\r\n" }.lowercased()
        let headerNames = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if headerNames.contains(where: { $0.hasSuffix("card_id") }) && headerNames.contains("kind") {
            do {
                let input = try QRBatch.parseCSV(text)
                return input.errors.map { FixtureFinding(.error, file: path, location: "line \($0.line)", $0.reason) }
            } catch let error as HealthCardError {
                return [FixtureFinding(.error, file: path, error.reason)]
            } catch {
                return [FixtureFinding(.error, file: path, "\(error)")]
            }
        }
        let validator = EMPIFixtureValidator(today: today)
        if let mapping { return validator.validateCSV(text, mapping: mapping, file: path) }
        let directory = (path as NSString).deletingLastPathComponent
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        for candidate in ["\(stem).mapping.json", "mapping.json"] {
            let mappingPath = (directory as NSString).appendingPathComponent(candidate)
            guard let json = FileManager.default.contents(atPath: mappingPath) else { continue }
            do {
                let mapping = try FieldMapping(json: String(decoding: json, as: UTF8.self))
                return validator.validateCSV(text, mapping: mapping, file: path)
            } catch {
                return [FixtureFinding(.error, file: path, "its mapping \(mappingPath) does not parse: \(error)")]
            }
        }
        return [
            FixtureFinding(
                .error, file: path,
                "no field mapping: give --mapping, or put \(stem).mapping.json or mapping.json beside it")
        ]
    }

    /// The QR validator for a file: the configured lists, else those in the file's directory.
    private func qrValidator(for path: String) -> QRFixtureValidator {
        let directory = (path as NSString).deletingLastPathComponent
        func sibling(_ name: String) -> [UInt8]? {
            FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(name)).map(Array.init)
        }
        let trust = trustList ?? sibling("trust.json").flatMap { try? TrustList(json: $0) }
        let revoked = revocations ?? sibling("revoked.json").flatMap { try? RevocationList(json: $0) }
        return QRFixtureValidator(
            trustList: trust, revocations: revoked ?? RevocationList(), now: now, imageReader: imageReader)
    }

    /// Regular files below `directory`, in name order.
    static func files(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let path = (directory as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if (relative as NSString).lastPathComponent.hasPrefix(".") { enumerator.skipDescendants() }
            } else {
                files.append(path)
            }
        }
        return files.sorted()
    }
}

extension String {
    func droppingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
