import HealthCardFoundation

/// How sure the project is of a fact of the card layout, after the tags of
/// ../shared/specs/health-card.md ("Tags used on every fact").
public enum Certainty: String, Sendable, Codable, Hashable {
    /// [T] seen in a real card↔reader APDU log.
    case traceVerified
    /// [V] stated by two or more independent vendor artefacts.
    case vendorConsistent
    /// [U] single-source or inferred: configurable, verify against a real card.
    case uncertain
}

/// What a field's bytes mean, above the raw card encoding (health-card.md §3).
public enum FieldFormat: Sendable, Hashable {
    /// `ans` text: ASCII, or GBK for Chinese, right-padded with 00.
    case text
    /// `cn` digits (BCD, F-padded) kept as a digit string: counts, quantities, org codes.
    case digits
    /// `cn` 4 bytes, YYYYMMDD.
    case date
    /// `cn` 7 bytes, YYYYMMDDhhmmss.
    case dateTime
    /// `cn` amount in yuan with implied decimals (2 by default; [U]).
    case money
    /// `b` 1 byte true/false flag (01/00; [U]).
    case flag
    /// A code from a national code table, stored with the field's encoding (`b`, `cn` or `ans`).
    case code(any CodeTable.Type)
    /// `b` raw bytes: certificates, signatures.
    case blob

    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.text, .text), (.digits, .digits), (.date, .date), (.dateTime, .dateTime), (.money, .money),
            (.flag, .flag), (.blob, .blob):
            return true
        case (.code(let a), .code(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .code(let table): hasher.combine(ObjectIdentifier(table))
        default: hasher.combine(String(describing: self))
        }
    }
}

/// One data element of a card file: where it lives, how long it is, how it is encoded and what
/// it means. The card layout is built from these; codecs, the virtual card, fixture validation
/// and the docs all read them, so a field is described exactly once.
public struct FieldSpec: Sendable, Hashable {
    /// The JSON key of the field in its typed record, e.g. `"birthDate"`.
    public let key: String
    /// The standard's Chinese name, e.g. `"出生日期"`.
    public let chineseName: String
    /// The national data-item number, which is also the TLV tag in TLV files (§3).
    public let item: UInt8?
    /// Byte offset within the record (transparent and cyclic files); 0 for TLV records.
    public let offset: Int
    /// Length of the value in bytes (the TLV `len`, which is always the full field length).
    public let length: Int
    public let encoding: FieldEncoding
    public let format: FieldFormat
    public let certainty: Certainty

    public init(
        _ key: String, _ chineseName: String, item: UInt8? = nil, offset: Int = 0, length: Int,
        _ encoding: FieldEncoding, _ format: FieldFormat, _ certainty: Certainty = .vendorConsistent
    ) {
        self.key = key
        self.chineseName = chineseName
        self.item = item
        self.offset = offset
        self.length = length
        self.encoding = encoding
        self.format = format
        self.certainty = certainty
    }

    /// The same field at another offset or under another key (for repeating groups).
    func placed(at offset: Int, key: String? = nil) -> FieldSpec {
        FieldSpec(key ?? self.key, chineseName, item: item, offset: offset, length: length, encoding, format, certainty)
    }

    public var range: Range<Int> { offset..<(offset + length) }
}

/// A group of fields that repeats at a fixed stride inside a record (the five symptom groups of
/// an outpatient record, the twenty cost groups of an inpatient record; health-card.md §4.7).
public struct FieldGroup: Sendable, Hashable {
    /// The JSON key of the array in the typed record, e.g. `"symptoms"`.
    public let key: String
    public let chineseName: String
    public let offset: Int
    public let count: Int
    public let stride: Int
    /// Fields with offsets relative to the start of one group.
    public let fields: [FieldSpec]

    public init(_ key: String, _ chineseName: String, offset: Int, count: Int, stride: Int, fields: [FieldSpec]) {
        precondition(fields.map { $0.offset + $0.length }.max() ?? 0 <= stride, "group \(key) overflows its stride")
        self.key = key
        self.chineseName = chineseName
        self.offset = offset
        self.count = count
        self.stride = stride
        self.fields = fields
    }

    /// The fields of group `index` (0-based) at their absolute offsets.
    public func fields(of index: Int) -> [FieldSpec] {
        fields.map { $0.placed(at: offset + index * stride + $0.offset) }
    }
}
