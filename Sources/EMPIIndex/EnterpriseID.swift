import HealthCardFoundation

/// A person's enterprise ID in the index (the golden record's key, empi.md §1.7). A merged
/// (retired) ID stays valid and redirects to its survivor.
public struct EnterpriseID: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public var description: String { String(rawValue) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A source record's key: its ID within its source domain, written `domain:id` on the command line
/// (the domain code has no `:`; the record ID may).
public struct RecordReference: Sendable, Hashable, Codable, CustomStringConvertible {
    public var domain: String
    public var id: String

    public init(domain: String, id: String) {
        self.domain = domain
        self.id = id
    }

    /// Parses `domain:id`.
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex, text.index(after: colon) != text.endIndex
        else { return nil }
        domain = String(text[..<colon])
        id = String(text[text.index(after: colon)...])
    }

    public var description: String { domain + ":" + id }
}

/// Where a link came from (empi.md §1.7). Manual links are never undone by automatic matching.
public enum LinkProvenance: String, Sendable, Hashable, Codable, CaseIterable {
    /// Scored at or above the auto-link threshold, or a record that started a new person.
    case auto
    /// Set by a data steward (link, unlink, review resolution).
    case manual
    /// The deterministic pre-pass (`deterministic:citizen-id`, empi.md §1.1 step 3).
    case deterministic
}

/// The link of one source record to its person, with provenance (empi.md §1.7).
public struct PersonLink: Sendable, Hashable, Codable {
    public var record: RecordReference
    public var person: EnterpriseID
    public var provenance: LinkProvenance
    /// The match probability that made the link; `nil` for a record that started its person and
    /// for manual links.
    public var probability: Double?
    /// The stored explanation (`Explanation` JSON) of the deciding pair, when there was one.
    public var explanation: String?
    /// ISO 8601 UTC.
    public var time: String
    public var actor: String

    package init(
        record: RecordReference, person: EnterpriseID, provenance: LinkProvenance, probability: Double?,
        explanation: String?, time: String, actor: String
    ) {
        self.record = record
        self.person = person
        self.provenance = provenance
        self.probability = probability
        self.explanation = explanation
        self.time = time
        self.actor = actor
    }
}
