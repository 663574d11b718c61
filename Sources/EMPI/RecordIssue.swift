import HealthCardFoundation

/// A problem with one input record (or the header), reported with its line so the rest of the file
/// can still be processed: an unknown mapping column, a malformed date, an invalid citizen ID, …
public struct RecordIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The mapping names a column the file does not have.
        case unknownColumn
        /// A row whose number of fields differs from the header, or an unterminated quote.
        case malformedRow
        /// A row without a record ID (one is made up from the line number).
        case missingRecordID
        /// A date that is not `YYYYMMDD`, `YYYY-MM-DD` or `YYYY/M/D`, or does not exist.
        case malformedDate
        /// A citizen ID that fails GB 11643 (format, check character or date).
        case invalidCitizenID
        case unknownSex
        case malformedPhone
        case malformedRegionCode
        /// The record's source domain or an identifier's domain is not registered in the index
        /// (empi.md §2.1: unknown domains are rejected); the record is not stored.
        case unknownDomain
        /// An identifier fails its domain's validator or normalises to nothing; it is kept in the
        /// record for matching but not entered in the cross-index.
        case invalidIdentifier
        /// A record whose domain and ID an earlier line of the same batch already has: the later
        /// one is rejected (both lines are named), not taken as an update of a record not yet stored.
        case duplicateRecordID
    }

    public var kind: Kind
    /// 1-based line in the source file (1 is the header of a CSV); `nil` when unknown.
    public var line: Int?
    public var recordID: String?
    /// The field (mapping column or field kind) the issue is about.
    public var field: String?
    public var message: String

    public init(kind: Kind, line: Int?, recordID: String? = nil, field: String? = nil, message: String) {
        self.kind = kind
        self.line = line
        self.recordID = recordID
        self.field = field
        self.message = message
    }

    /// `line 7 (R0001) birthDate: malformed date "1990-02-30"`.
    public var description: String {
        var text = line.map { "line \($0)" } ?? "record"
        if let recordID { text += " (\(recordID))" }
        if let field { text += " \(field)" }
        return text + ": " + message
    }
}
