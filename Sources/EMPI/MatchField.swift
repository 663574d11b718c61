import HealthCardFoundation

/// The fields the matcher compares, each with an ordered list of comparison levels, best first
/// (../shared/specs/empi.md §1.2). Level 0 of every field is `null`: a value missing on either side,
/// weight 0, never negative.
public enum MatchField: String, CaseIterable, Sendable, Codable, Hashable {
    /// GB 11643 citizen ID.
    case citizenID
    /// Name in Hanzi (both records have one).
    case nameHanzi
    /// Name in Latin letters: passports, non-Chinese data, or pinyin against a Hanzi name.
    case nameLatin
    case birthDate
    /// GB/T 2261.1 sex.
    case sex
    case phone
    /// Address: line, GB/T 2260 region code, postcode, locality.
    case address
    /// Other cards and visit numbers, exact within the same domain.
    case identifier

    /// Position in ``LevelVector`` and in model tables.
    var index: Int {
        switch self {
        case .citizenID: 0
        case .nameHanzi: 1
        case .nameLatin: 2
        case .birthDate: 3
        case .sex: 4
        case .phone: 5
        case .address: 6
        case .identifier: 7
        }
    }

    static let count = 8

    /// The level names, index 0 (`null`) first.
    public var levels: [String] { MatchField.levelNames[index] }

    private static let levelNames: [[String]] = [
        CitizenIDLevel.allCases.map(\.name), HanziNameLevel.allCases.map(\.name),
        LatinNameLevel.allCases.map(\.name), BirthDateLevel.allCases.map(\.name), SexLevel.allCases.map(\.name),
        PhoneLevel.allCases.map(\.name), AddressLevel.allCases.map(\.name), IdentifierLevel.allCases.map(\.name),
    ]
    private static let neutral: [[Bool]] = levelNames.map { $0.map { $0 == "null" || $0 == "placeholder" || $0 == "household" } }

    /// The index of a level by name.
    public func level(named name: String) -> Int? { levels.firstIndex(of: name) }

    /// Levels whose weight is fixed at 0 (no evidence either way): `null`, `placeholder` and the
    /// citizen ID's `household`.
    func isNeutral(level: Int) -> Bool { MatchField.neutral[index][level] }
}

/// A comparison level of one field: an ordered case, `null` first.
public protocol ComparisonLevel: RawRepresentable, CaseIterable, Sendable where RawValue == UInt8 {}

extension ComparisonLevel {
    public var name: String { String(describing: self) }
}

/// GB 11643 citizen ID: exact · one adjacent transposition or one substitution on the 17-digit body
/// (or only the check character differs) · equal after upgrading a 15-digit number · different ·
/// `twoEdits` (Damerau-Levenshtein 2 on the body, one side failing its check: between `oneEdit`
/// and `different`, appended last so stored level numbers keep their meaning);
/// `household` (weight 0): the number agrees, but it is not one identity — it is a guardian's on
/// at least one record, or the names disagree (a parent's ID on a child's record).
public enum CitizenIDLevel: UInt8, ComparisonLevel {
    case null, exact, oneEdit, legacyEquivalent, different, household, twoEdits
}

/// Hanzi name: exact as written · equal after trad→simp and separator normalisation · same pinyin
/// (homophone, reading sets intersect per character) · one character different (edit distance 1) ·
/// family and given swapped · different; `placeholder` (婴儿, …之子) carries no weight.
public enum HanziNameLevel: UInt8, ComparisonLevel {
    case null, exact, simplified, homophone, oneCharacter, swapped, different, placeholder
}

/// Latin name: exact (case-folded) · equal after ü/v/yu folding and token-order normalisation ·
/// Jaro-Winkler ≥ 0.92 · Jaro-Winkler ≥ 0.85 · different; `placeholder` carries no weight.
///
/// `tokenTypo` (appended last so stored level numbers keep their meaning; tried after
/// `normalized`): the same number of tokens, all equal but one pair within two edits
/// (Damerau-Levenshtein), such as "Stepanie Brown" / "Stephanie Brown".
public enum LatinNameLevel: UInt8, ComparisonLevel {
    case null, exact, normalized, jaroWinkler92, jaroWinkler85, different, placeholder, tokenTypo
}

/// Birth date: exact · exact on 1 January (a frequent placeholder, lower m) · month and day swapped ·
/// one digit different · a plausible lunar↔solar shift (10-60 days) · same year and month ·
/// within one year · different.
public enum BirthDateLevel: UInt8, ComparisonLevel {
    case null, exact, exactJanuaryFirst, monthDaySwapped, oneDigit, lunarShift, sameYearMonth, withinOneYear,
        different
}

public enum SexLevel: UInt8, ComparisonLevel {
    case null, same, different
}

/// Mobile phone: exact · last 8 digits equal · different (families share phones: TF-adjusted).
public enum PhoneLevel: UInt8, ComparisonLevel {
    case null, exact, lastEight, different
}

/// Address: same address line · same county (6-digit code, or same postcode) · same city (4 digits,
/// or same locality) · same province (2 digits) · different.
public enum AddressLevel: UInt8, ComparisonLevel {
    case null, sameAddress, sameCounty, sameCity, sameProvince, different
}

/// Other cards and visit numbers: exact within a shared domain · different · `oneOrTwoEdits`
/// (Damerau-Levenshtein distance 1 or 2: a typo; appended last so stored level numbers keep
/// their meaning, weak because hospitals issue card numbers in sequence).
public enum IdentifierLevel: UInt8, ComparisonLevel {
    case null, exact, different, oneOrTwoEdits
}

/// The levels of all fields of one pair, 4 bits per field: a compact key for EM histograms.
public struct LevelVector: Hashable, Sendable, Comparable, Codable {
    public internal(set) var rawValue: UInt32

    public init(rawValue: UInt32 = 0) { self.rawValue = rawValue }

    @inline(__always) public subscript(field: MatchField) -> Int {
        Int((rawValue >> UInt32(field.index * 4)) & 0xF)
    }

    @inline(__always) subscript(index: Int) -> Int { Int((rawValue >> UInt32(index * 4)) & 0xF) }

    @inline(__always) mutating func set(_ index: Int, _ level: UInt8) {
        rawValue = rawValue & ~(0xF << UInt32(index * 4)) | UInt32(level) << UInt32(index * 4)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
