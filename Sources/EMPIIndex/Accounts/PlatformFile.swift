import Foundation
import HealthCardCrypto
import HealthCardFoundation

/// A data file exchanged between city and province card management platforms (issue 10 §4):
/// card information, blacklist, whitelist, resident information, operation log.
///
/// The line format (UTF-8, `\n` line ends):
///
/// ```
/// HCKPLAT|1|blacklist|CITY-110100|2026-11-22T10:00:00Z|2
/// 110105198503120012|reported lost|2026-11-22T09:58:01Z
/// 310115199007010027|replaced by 31011519900701002X-2|2026-11-22T09:59:40Z
/// SM3|9F2C…(64 hex)
/// ```
///
/// - Header: magic `HCKPLAT`, format version `1`, the ``Kind``, the source platform, the creation
///   time and the number of records.
/// - One record per line, fields separated by `|`; in a field `%`, `|`, CR and LF are written
///   `%25`, `%7C`, `%0D`, `%0A`. The fields of each kind are ``Kind/fields``.
/// - Trailer: `SM3|` and the SM3 digest (upper-case hex) of every record line, each followed by `\n`.
///   It detects truncation and corruption in transit; it is not a signature (sign the file, or
///   the channel, where authenticity matters) [U: the provincial platforms' own formats are not
///   public].
///
/// Reading is all or nothing: any problem (header, count, checksum, a line with the wrong
/// number of fields or a bad value) rejects the whole file with every bad line named, and nothing
/// is applied. Why: a partially applied blacklist or card file silently diverges from its source
/// platform, which is worse than a file refused and sent again.
public struct PlatformFile: Sendable, Hashable {
    /// What the file carries.
    ///
    /// `blacklist-changes` and `whitelist-changes` are a list's change log after a version (an
    /// incremental download): each record is a numbered `add` or `remove` of one entry, in order.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case card, blacklist, whitelist, resident, oplog
        case blacklistChanges = "blacklist-changes"
        case whitelistChanges = "whitelist-changes"

        /// The fields of one record, in order.
        public var fields: [String] {
            switch self {
            case .card: ["number", "kind", "ecardId", "status", "replacedBy", "updated"]
            case .blacklist, .whitelist: ["number", "reason", "added"]
            case .blacklistChanges, .whitelistChanges: ["version", "change", "number", "reason", "added"]
            case .resident:
                [
                    "ecardId", "citizenId", "name", "phone", "address", "channel", "status", "cancelReason",
                    "created", "updated",
                ]
            case .oplog: ["time", "actor", "operation", "ecardId", "number", "detail"]
            }
        }

        /// The change-log kind of a list (`blacklist` → `blacklist-changes`); nil for other kinds.
        public var changes: Kind? {
            switch self {
            case .blacklist: .blacklistChanges
            case .whitelist: .whitelistChanges
            default: nil
            }
        }

        /// Whether the kind is a list or a list's change log (what list exchange carries).
        public var isList: Bool { changes != nil || changedList != nil }

        /// The list a change-log kind changes (`blacklist-changes` → `blacklist`); nil for other kinds.
        public var changedList: Kind? {
            switch self {
            case .blacklistChanges: .blacklist
            case .whitelistChanges: .whitelist
            default: nil
            }
        }
    }

    public static let magic = "HCKPLAT"
    public static let version = 1

    public var kind: Kind
    public var source: String
    public var created: Date
    /// The records, each with ``Kind/fields``-many fields (empty string = no value).
    public var records: [[String]]

    public init(kind: Kind, source: String, created: Date, records: [[String]]) {
        self.kind = kind
        self.source = source
        self.created = created
        self.records = records
    }

    /// The file's text.
    public var text: String {
        let lines = records.map { $0.map(Self.escape).joined(separator: "|") }
        let body = lines.map { $0 + "\n" }.joined()
        return "\(Self.magic)|\(Self.version)|\(kind.rawValue)|\(Self.escape(source))|\(ISO8601Instant.format(created))|"
            + "\(records.count)\n" + body + "SM3|\(Hex.encode(SM3.hash(Array(body.utf8))).uppercased())\n"
    }

    /// A problem with one line of a file being read.
    public struct LineError: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Every problem of a rejected file.
    public struct Rejected: Error, Sendable, Hashable, CustomStringConvertible {
        public var file: String
        public var errors: [LineError]
        public var description: String {
            "\(file): rejected, nothing applied (\(errors.count) problem\(errors.count == 1 ? "" : "s")):\n"
                + errors.map { "  \($0)" }.joined(separator: "\n")
        }
    }

    /// Parses `text`; `expected` is the kind the caller imports.
    ///
    /// - Throws: ``Rejected`` with every bad line.
    public init(parsing text: String, expected: Kind? = nil, file: String = "platform file") throws {
        var lines = Self.split(text, at: "\n")
        if lines.last == "" { lines.removeLast() }
        var errors: [LineError] = []
        func fail(_ line: Int, _ message: String) -> Rejected {
            Rejected(file: file, errors: errors + [LineError(line: line, message: message)])
        }
        guard let header = lines.first.map({ Self.split($0, at: "|") }), header.count == 6, header[0] == Self.magic else {
            throw fail(1, "not a platform file: the header must be \(Self.magic)|1|KIND|SOURCE|CREATED|COUNT")
        }
        guard header[1] == "\(Self.version)" else { throw fail(1, "format version \(header[1]); this reader knows 1") }
        guard let kind = Kind(rawValue: header[2]) else {
            throw fail(1, "unknown kind '\(header[2])' (\(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let expected, kind != expected { throw fail(1, "a \(kind.rawValue) file, expected \(expected.rawValue)") }
        guard let created = ISO8601Instant.parse(header[4]) else { throw fail(1, "creation time '\(header[4])' is not ISO 8601") }
        guard let count = Int(header[5]), count >= 0 else { throw fail(1, "record count '\(header[5])' is not a number") }
        guard lines.count >= 2, let trailer = lines.last, trailer.hasPrefix("SM3|") else {
            throw fail(lines.count + 1, "the file ends without its SM3| checksum line (truncated?)")
        }
        let recordLines = lines.dropFirst().dropLast()
        if recordLines.count != count {
            errors.append(LineError(line: 1, message: "the header says \(count) records, the file has \(recordLines.count)"))
        }
        let body = recordLines.map { $0 + "\n" }.joined()
        let digest = Hex.encode(SM3.hash(Array(body.utf8))).uppercased()
        if trailer.dropFirst(4).uppercased() != digest {
            errors.append(LineError(line: lines.count, message: "checksum mismatch: the records are not those the sender wrote"))
        }
        var records: [[String]] = []
        for (offset, line) in recordLines.enumerated() {
            let number = offset + 2
            let fields = Self.split(line, at: "|")
            guard fields.count == kind.fields.count else {
                errors.append(
                    LineError(line: number, message: "\(fields.count) fields, a \(kind.rawValue) record has \(kind.fields.count)"))
                continue
            }
            do {
                records.append(try fields.map(Self.unescape))
            } catch {
                errors.append(LineError(line: number, message: "\(error)"))
            }
        }
        guard errors.isEmpty else { throw Rejected(file: file, errors: errors) }
        self.init(kind: kind, source: Self.unescapeLenient(header[3]), created: created, records: records)
    }

    /// Parses a file to import into `kind`: a list (blacklist, whitelist) also takes its change
    /// file, any other kind only itself.
    ///
    /// - Throws: ``Rejected`` with every bad line, or line 1 for a file of another kind.
    public init(parsing text: String, importingInto kind: Kind, file: String = "platform file") throws {
        try self.init(parsing: text, file: file)
        let accepted = [kind] + (kind.changes.map { [$0] } ?? [])
        guard accepted.contains(self.kind) else {
            throw Rejected(
                file: file,
                errors: [
                    LineError(
                        line: 1,
                        message: "a \(self.kind.rawValue) file, expected \(accepted.map(\.rawValue).joined(separator: " or "))")
                ])
        }
    }

    /// `field` with `%`, `|`, CR and LF written as `%25`, `%7C`, `%0D`, `%0A`.
    ///
    /// Scalar by scalar, like ``unescape(_:)`` and ``split(_:at:)``: Foundation's string search
    /// treats a line break followed by a combining mark (U+0F8E) as one composed sequence and did
    /// not replace it, so a raw line break reached the file and split the record.
    static func escape(_ field: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in field.unicodeScalars {
            switch scalar {
            case "%": result.append(contentsOf: "%25".unicodeScalars)
            case "|": result.append(contentsOf: "%7C".unicodeScalars)
            case "\r": result.append(contentsOf: "%0D".unicodeScalars)
            case "\n": result.append(contentsOf: "%0A".unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// `text` cut at every `separator` scalar (empty pieces kept), whatever marks follow it.
    static func split(_ text: String, at separator: Unicode.Scalar) -> [String] {
        text.unicodeScalars.split(separator: separator, omittingEmptySubsequences: false)
            .map { String(String.UnicodeScalarView($0)) }
    }

    /// Undoes ``escape(_:)``. Works on Unicode scalars, not characters: a `%` after a prepended
    /// mark (U+0600–U+0605, …) would otherwise fuse with it into one grapheme and be kept literally,
    /// so a field with an escape after such a mark read back differently from what was written.
    static func unescape(_ field: String) throws -> String {
        let scalars = Array(field.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "%" else {
                result.append(scalars[index])
                index += 1
                continue
            }
            let code = String(String.UnicodeScalarView(scalars[(index + 1)..<min(index + 3, scalars.count)]))
            switch code {
            case "25": result.append("%")
            case "7C", "7c": result.append("|")
            case "0D", "0d": result.append("\r")
            case "0A", "0a": result.append("\n")
            default: throw HealthCardError.malformed("bad escape '%\(code)' (only %25 %7C %0D %0A)")
            }
            index += 3
        }
        return String(result)
    }

    private static func unescapeLenient(_ field: String) -> String { (try? unescape(field)) ?? field }
}
