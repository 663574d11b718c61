import Foundation
import HealthCardFoundation

/// Assigns the columns of any CSV file to the generic field kinds of ``PersonRecord``, so records
/// from any source, Chinese or not, can be linked. A mapping is JSON:
///
/// ```json
/// {
///   "recordDomain": "hosp-a",
///   "columns": [
///     {"column": "patient_id", "kind": "recordID"},
///     {"column": "name", "kind": "fullName"},
///     {"column": "dob", "kind": "birthDate"},
///     {"column": "sfz", "kind": "identifier", "domain": "citizen-id", "type": "citizenID"},
///     {"column": "card", "kind": "identifier", "domainColumn": "card_domain"},
///     {"column": "mobile", "kind": "phone"},
///     {"column": "addr", "kind": "addressLine"}
///   ]
/// }
/// ```
///
/// Reading never stops at a bad row: unknown columns, malformed rows and missing record IDs are
/// reported as ``RecordIssue``s with their line, and the rest of the file is processed. Malformed
/// dates and invalid IDs are reported by ``Normalizer``, against the line each record remembers.
public struct FieldMapping: Sendable, Hashable, Codable {
    /// What a column holds.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case recordID, recordDomain, fullName, familyName, givenName, birthDate, sex, identifier, phone
        case addressLine, locality, postcode, regionCode, ignore
    }

    public struct Column: Sendable, Hashable, Codable {
        /// The header name of the column.
        public var column: String
        public var kind: Kind
        /// For identifiers: the domain (assigning authority) of every value in the column…
        public var domain: String?
        /// …or the column that names each row's domain.
        public var domainColumn: String?
        /// For identifiers: `citizenID` (GB 11643 rules) or `other` (the default).
        public var type: PatientIdentifier.Kind?

        public init(
            column: String, kind: Kind, domain: String? = nil, domainColumn: String? = nil,
            type: PatientIdentifier.Kind? = nil
        ) {
            self.column = column
            self.kind = kind
            self.domain = domain
            self.domainColumn = domainColumn
            self.type = type
        }
    }

    /// The domain of the record IDs when no `recordDomain` column says otherwise.
    public var recordDomain: String
    /// The field separator; `,` by default.
    public var delimiter: String?
    public var columns: [Column]

    public init(recordDomain: String = "", delimiter: String? = nil, columns: [Column]) {
        self.recordDomain = recordDomain
        self.delimiter = delimiter
        self.columns = columns
    }

    enum CodingKeys: String, CodingKey { case recordDomain, delimiter, columns }

    /// `recordDomain` and `delimiter` are optional in the file.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        recordDomain = try container.decodeIfPresent(String.self, forKey: .recordDomain) ?? ""
        delimiter = try container.decodeIfPresent(String.self, forKey: .delimiter)
        columns = try container.decode([Column].self, forKey: .columns)
    }

    /// Parses a mapping file.
    public init(json: String) throws {
        do {
            self = try JSONDecoder().decode(FieldMapping.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            throw HealthCardError.malformed("field mapping: \(Self.describe(error))")
        }
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
            .valueNotFound(_, let context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return (path.isEmpty ? "" : path + ": ") + context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }

    public struct Result: Sendable {
        public var records: [PersonRecord]
        public var issues: [RecordIssue]
    }

    /// How a record without an ID (no record-ID column, or an empty cell) is named.
    public enum LineNaming: Sendable, Hashable {
        /// `line-N`: unique within the file, for work on one file (dedupe, link).
        case line
        /// `line-N@H`, where H is 12 hex digits of the file content's hash: for an index that
        /// receives many files, where `line-2` of two files would otherwise be one record and
        /// the second file's line 2 would overwrite the first's (another person). The same file
        /// ingested again gets the same names, so re-ingesting it changes nothing.
        case lineOfContent
    }

    /// Maps every data row of `csv` (first row: header) to a record; records without an ID are
    /// named by `naming`.
    public func read(csv: String, naming: LineNaming = .line) -> Result {
        let suffix =
            naming == .line ? "" : "@" + String(String(StableHash.of(csv), radix: 16).leftPadded(16).prefix(12))
        let separator = delimiter?.first ?? ","
        let table = CSVTable(csv, separator: separator)
        var issues: [RecordIssue] = []
        guard let header = table.rows.first else { return Result(records: [], issues: []) }
        var position: [String: Int] = [:]
        for (index, name) in header.fields.enumerated() where position[name.trimmingWhitespace()] == nil {
            position[name.trimmingWhitespace()] = index
        }
        var resolved: [(column: Column, index: Int, domainIndex: Int?)] = []
        for column in columns {
            guard let index = position[column.column] else {
                issues.append(
                    RecordIssue(
                        kind: .unknownColumn, line: header.line, field: column.column,
                        message: "the mapping names column \"\(column.column)\", which the file does not have"))
                continue
            }
            var domainIndex: Int?
            if let name = column.domainColumn {
                domainIndex = position[name]
                if domainIndex == nil {
                    issues.append(
                        RecordIssue(
                            kind: .unknownColumn, line: header.line, field: name,
                            message: "the mapping names domain column \"\(name)\", which the file does not have"))
                }
            }
            resolved.append((column, index, domainIndex))
        }
        let hasID = resolved.contains { $0.column.kind == .recordID }
        if !hasID {
            issues.append(
                RecordIssue(
                    kind: .missingRecordID, line: header.line,
                    message: "no recordID column: records are named after their line (line-N\(suffix.isEmpty ? "" : "@<file hash>"))"))
        }

        var records: [PersonRecord] = []
        for row in table.rows.dropFirst() {
            guard row.fields.count == header.fields.count else {
                issues.append(
                    RecordIssue(
                        kind: .malformedRow, line: row.line,
                        message: "\(row.fields.count) fields, the header has \(header.fields.count); row skipped"))
                continue
            }
            var record = PersonRecord(id: "", domain: recordDomain, line: row.line)
            for (column, index, domainIndex) in resolved {
                let value = row.fields[index].trimmingWhitespace()
                guard !value.isEmpty else { continue }
                switch column.kind {
                case .recordID: record.id = value
                case .recordDomain: record.domain = value
                case .fullName: record.fullName = value
                case .familyName: record.familyName = value
                case .givenName: record.givenName = value
                case .birthDate: record.birthDate = value
                case .sex: record.sex = value
                case .identifier:
                    let domain =
                        domainIndex.map { row.fields[$0].trimmingWhitespace() } ?? column.domain ?? column.column
                    record.identifiers.append(
                        PatientIdentifier(domain: domain, value: value, kind: column.type ?? .other))
                case .phone: record.phone = value
                case .addressLine: record.addressLines.append(value)
                case .locality: record.locality = value
                case .postcode: record.postcode = value
                case .regionCode: record.regionCode = value
                case .ignore: break
                }
            }
            if record.id.isEmpty {
                record.id = "line-\(row.line)\(suffix)"
                if hasID {
                    issues.append(
                        RecordIssue(
                            kind: .missingRecordID, line: row.line, recordID: record.id, field: "recordID",
                            message: "empty record ID; named \(record.id)"))
                }
            }
            records.append(record)
        }
        for quote in table.brokenQuotes {
            let reach =
                quote.atEndOfInput
                ? "never closed (it would run to the end of the file, line \(quote.ranThrough))"
                : "not closed on its line (it would run to line \(quote.ranThrough) and break that row)"
            issues.append(
                RecordIssue(
                    kind: .malformedRow, line: quote.line,
                    message: "unterminated quoted field: the quote opened on line \(quote.line) is \(reach); "
                        + "line \(quote.line) skipped, reading resumed at line \(quote.line + 1)"))
        }
        return Result(records: records, issues: issues)
    }
}

extension SyntheticPopulation {
    /// The column mapping of ``csv()``.
    public static let mapping = FieldMapping(columns: [
        .init(column: "record_id", kind: .recordID),
        .init(column: "domain", kind: .recordDomain),
        .init(column: "name", kind: .fullName),
        .init(column: "family_name", kind: .familyName),
        .init(column: "given_name", kind: .givenName),
        .init(column: "birth_date", kind: .birthDate),
        .init(column: "sex", kind: .sex),
        .init(column: "citizen_id", kind: .identifier, domain: PatientIdentifier.citizenIDDomain, type: .citizenID),
        .init(column: "card_no", kind: .identifier, domainColumn: "card_domain"),
        .init(column: "phone", kind: .phone),
        .init(column: "address", kind: .addressLine),
        .init(column: "region_code", kind: .regionCode),
    ])

    /// The records as CSV (header first), readable with ``mapping``; a `person` column carries the truth.
    public func csv() -> String {
        var lines = [
            "record_id,domain,name,family_name,given_name,birth_date,sex,citizen_id,card_no,card_domain,phone,"
                + "address,region_code,person"
        ]
        for (index, record) in records.enumerated() {
            let card = record.identifiers.first { $0.kind == .other }
            let fields: [String?] = [
                record.id, record.domain, record.fullName, record.familyName, record.givenName, record.birthDate,
                record.sex, record.citizenID, card?.value, card?.domain, record.phone, record.addressLines.first,
                record.regionCode, String(personOfRecord[index]),
            ]
            lines.append(CSVCell.row(fields.map { $0 ?? "" }))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
