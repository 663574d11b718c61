import HealthCardFoundation

/// The band a probability falls in, and the final decision (../shared/specs/empi.md §1.5).
public enum MatchBand: String, Sendable, Hashable, Codable, Comparable {
    /// p ≥ auto-link threshold (default 0.99): link.
    case autoLink = "auto-link"
    /// review ≤ p < auto-link (default 0.5): queue for a human.
    case review
    /// p < review: create a new person, or leave separate.
    case nonMatch = "non-match"

    private var order: Int {
        switch self {
        case .nonMatch: 0
        case .review: 1
        case .autoLink: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.order < rhs.order }
}

/// Hard conflict rules that force review instead of auto-link, whatever the score
/// (../shared/specs/empi.md §1.5).
public enum Veto: String, Sendable, Hashable, Codable, CaseIterable {
    /// Both records carry valid own citizen IDs that differ by more than one transposition or typo.
    case conflictingCitizenIDs = "conflicting-citizen-ids"
    /// One record carries as its own, confirmed ID (valid, its birth date matching the record's)
    /// the number the other record carries as a guardian's (its birth date more than a year from
    /// that record's, or a newborn's placeholder name): a parent and a child. Two records that
    /// both carry the same guardian's ID (one child's records, or siblings') are not vetoed: the
    /// number is simply not compared, and names and birth dates decide.
    case guardianID = "guardian-id"
    /// Same birth date, surname and phone or address, but different (or placeholder) given names and
    /// no agreeing citizen ID: likely twins.
    case likelyTwins = "likely-twins"
    /// A persistent "not the same person" assertion exists for the pair.
    case notSamePerson = "not-same-person"
    /// Only name, birth date and sex agree, while identifying fields disagree: a different
    /// citizen ID, address or card, or two of a different phone and an address agreeing only on the
    /// city (issue 18): typical of unrelated namesakes. An extension of the spec's list, switched
    /// by ``MatchModel/vetoUncorroborated``.
    case uncorroborated
    /// The records share a citizen ID number but their names disagree: a household's number (a
    /// parent's ID on a child's record), not one identity. The number weighs nothing
    /// (``CitizenIDLevel/household``) and never links deterministically.
    case householdID = "household-id"

    var bit: UInt8 {
        switch self {
        case .conflictingCitizenIDs: 1
        case .guardianID: 2
        case .likelyTwins: 4
        case .notSamePerson: 8
        case .uncorroborated: 16
        case .householdID: 32
        }
    }
}

/// A set of vetoes, one bit each, so the hot path stays allocation-free.
public struct VetoSet: Sendable, Hashable, Codable {
    public internal(set) var rawValue: UInt8

    public init(rawValue: UInt8 = 0) { self.rawValue = rawValue }
    public init(_ vetoes: [Veto]) { rawValue = vetoes.reduce(0) { $0 | $1.bit } }

    public var isEmpty: Bool { rawValue == 0 }
    public func contains(_ veto: Veto) -> Bool { rawValue & veto.bit != 0 }
    public mutating func insert(_ veto: Veto) { rawValue |= veto.bit }
    /// The vetoes in declaration order.
    public var vetoes: [Veto] { Veto.allCases.filter(contains) }
}

/// The rule of the deterministic pre-pass that linked a pair (../shared/specs/empi.md §1.1 step 3).
public enum DeterministicRule: String, Sendable, Hashable, Codable {
    /// Equal valid own citizen IDs (18 digits, or a 15-digit number and its upgrade).
    case citizenID = "citizen-id"
    /// Equal values in a domain listed in ``MatchModel/strongIdentifierDomains``.
    case identifier

    /// `deterministic:citizen-id`.
    public var reason: String { "deterministic:" + rawValue }
}
