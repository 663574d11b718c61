/// Checks a citizen identity number at every level of ../shared/specs/empi.md §3.1 and reports
/// each finding, rather than a bare yes/no:
///
/// 1. format (length, characters, position of the first bad one),
/// 2. check character (ISO 7064 MOD 11-2: expected X, got Y),
/// 3. birth date (a real calendar date, not in the future, an age of at most `maximumAge`: 130, the
///    limit of ../shared/specs/empi.md §3.1 level 3; older is an error, not a person to register),
/// 4. province prefix (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81-83); a leading `9` is a
///    foreign permanent resident ID card number (2023 format), its own ``CitizenIDValidation/Kind``,
///    whose digits 2-3 must be a mainland province (the issuing authority's),
/// 5. the 6-digit region code in the GB/T 2260 table: a *warning*, because codes are retired over
///    the years and old IDs keep them forever.
///
/// Errors make the ID invalid; warnings do not (a caller that wants them to, such as
/// `hcard id check --strict`, checks ``CitizenIDValidation/findings``).
public struct CitizenIDValidator: Sendable {
    /// The division table for level 5, or `nil` to skip that level.
    public var regions: RegionTable?
    /// "Today", for the future-date and age rules.
    public var today: CalendarDate
    public var maximumAge: Int

    public init(regions: RegionTable? = .shipped, today: CalendarDate = .today(), maximumAge: Int = 130) {
        self.regions = regions
        self.today = today
        self.maximumAge = maximumAge
    }

    /// Province-level prefixes in use, including 81/82/83 for the residence permits of Hong Kong,
    /// Macau and Taiwan residents.
    public static let provincePrefixes: Set<Int> = Set(
        [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
         50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83])

    public func validate(_ input: String) -> CitizenIDValidation {
        var report = CitizenIDValidation(input: input)
        let text = Self.withoutSeparators(input)

        // Level 1: format. Well-formed text (digits, `X` last of 18) is recognised from its bytes;
        // anything else is examined character by character, to name what is wrong and where.
        let length = text.utf8.count
        let wellFormed =
            (length == 18 || length == 15)
            && text.utf8.enumerated().allSatisfy { index, byte in
                (0x30...0x39).contains(byte) || (byte == UInt8(ascii: "X") && length == 18 && index == 17)
            }
        if !wellFormed {
            let characters = Array(text)
            guard characters.count == 18 || characters.count == 15 else {
                report.add(.format, .error, "bad length: \(characters.count) characters, expected 18 (or 15 for a legacy number)")
                return report
            }
            for (index, character) in characters.enumerated() {
                let isLastOf18 = characters.count == 18 && index == 17
                if !(character.isASCIIDigit || (isLastOf18 && character == "X")) {
                    report.add(.format, .error, "bad character '\(character)' at position \(index + 1)", position: index + 1)
                    return report
                }
            }
        }

        // Legacy 15-digit form: upgrade, then check the result like any 18-digit number.
        var full = text
        if length == 15 {
            guard let upgraded = CitizenID.upgrade(legacy: text) else { return report }
            full = upgraded
            report.upgradedFrom15 = true
        }
        report.normalized = full

        // Level 2: check character.
        let body = full.prefix(17)
        let expected = CitizenID.checkCharacter(forBody: body)!
        if !report.upgradedFrom15, let given = full.last, given != expected {
            report.add(.checkCharacter, .error, "wrong check character: expected \(expected), got \(given)", position: 18)
        }

        // Level 3: birth date.
        let digits = String(full.dropFirst(6).prefix(8))
        if let birth = CalendarDate(yyyymmdd: digits) {
            report.birthDate = birth
            if birth > today {
                report.add(.birthDate, .error, "birth date \(birth) is in the future", position: 7)
            } else if birth.years(until: today) > maximumAge {
                report.add(.birthDate, .error,
                    "birth date \(birth) gives an age of \(birth.years(until: today)), over \(maximumAge)", position: 7)
            }
        } else {
            let where_ = report.upgradedFrom15 ? "positions 7-12 of the 15-digit number" : "positions 7-14"
            report.add(.birthDate, .error, "impossible date \(digits) (\(where_))", position: 7)
        }

        let sequenceDigit = full.utf8[full.utf8.index(full.utf8.startIndex, offsetBy: 16)]
        report.sex = CitizenID.sex(sequenceDigit: sequenceDigit)

        // Levels 4 and 5: province prefix, then the full region code.
        let regionCode = String(full.prefix(6))
        report.regionCode = regionCode
        let province = Int(full.prefix(2))!
        if full.hasPrefix("9") {
            // 9, the issuing province (2 digits), the nationality (3 digits, ISO 3166-1 numeric), the
            // birth date, a sequence and the same check character: not a citizen ID.
            report.kind = .foreignPermanentResident
            report.regionCode = nil
            let issuer = Int(full.dropFirst().prefix(2))!
            guard Self.provincePrefixes.contains(issuer), issuer <= 65 else {
                report.add(.province, .error,
                    "foreign permanent resident ID: issuing province code \(full.dropFirst().prefix(2)) is not in use",
                    position: 2)
                return report
            }
            report.regionName = regions?.province(of: String(full.dropFirst().prefix(2)) + "0000")?.name
            return report
        }
        guard Self.provincePrefixes.contains(province) else {
            report.add(.province, .error, "unknown region: province code \(full.prefix(2)) is not in use", position: 1)
            return report
        }
        if (81...83).contains(province) {
            report.kind = .residencePermit
            // Residence permits of Hong Kong, Macau and Taiwan residents carry 810000/820000/830000,
            // codes that are not county codes of GB/T 2260.
            report.regionName = ["81": "香港特别行政区", "82": "澳门特别行政区", "83": "台湾地区"][String(full.prefix(2))]
            if regionCode.dropFirst(2) != "0000" {
                report.add(.region, .warning, "unknown region: residence permits carry \(full.prefix(2))0000, not \(regionCode)")
            }
            return report
        }
        if let regions {
            if let region = regions.region(code: regionCode) {
                report.regionName = regions.fullName(of: regionCode)
                if !region.isCurrent {
                    report.add(.region, .warning,
                        "region \(regionCode) \(region.name) was retired (last published \(region.lastPublished.map(String.init) ?? "?"))")
                }
            } else {
                report.regionName = regions.province(of: regionCode)?.name
                report.add(.region, .warning, "unknown region: \(regionCode) is not in the GB/T 2260 table", position: 1)
            }
        }
        return report
    }

    /// `normalizedCharacters(input)` without the separators people type and print in an ID
    /// (`110105-19491231-002X`, `110105 1949 1231 002X`): `-` and spaces, half- or full-width.
    /// They are dropped only when what is left has an ID's length (18 or 15), so a separator
    /// that stands for a missing digit is still reported where it is (`bad character '-' at
    /// position 11`). Only for ID numbers: other identifiers keep their hyphens.
    package static func withoutSeparators(_ input: String) -> String {
        // The normal form has nothing to trim, fold or drop: return it as it is. It is the common
        // case by far (an ID read back from a store or a log), and the Unicode pass below cost
        // most of the time of reading a pass log's rows (`Docs/station.md`, "Measured").
        if isNormalForm(input) { return input }
        let folded = normalizedCharacters(input)
        let kept = String(String.UnicodeScalarView(folded.unicodeScalars.filter { $0 != "-" && $0 != " " && $0 != "\u{3000}" }))
        return kept.count == 18 || kept.count == 15 ? kept : folded
    }

    /// Whether `input` is 18 ASCII digits, the last of which may be `X`: the form
    /// ``withoutSeparators(_:)`` would return unchanged.
    package static func isNormalForm(_ input: String) -> Bool {
        var count = 0
        for byte in input.utf8 {
            guard (0x30...0x39).contains(byte) || (count == 17 && byte == 0x58) else { return false }
            count += 1
        }
        return count == 18
    }

    /// Trims, folds full-width digits and letters to ASCII and upper-cases a trailing `x`.
    package static func normalizedCharacters(_ input: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in input.trimmingWhitespace().unicodeScalars {
            var value = scalar.value
            if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }  // full-width → half-width
            if value == 0x78 { value = 0x58 }  // x → X
            scalars.append(Unicode.Scalar(value)!)
        }
        return String(scalars)
    }
}

/// The report for one ID: what it normalises to, what it says, and every finding.
public struct CitizenIDValidation: Sendable, Codable, Hashable {
    public enum Level: String, Sendable, Codable { case format, checkCharacter, birthDate, province, region }
    public enum Severity: String, Sendable, Codable { case error, warning }

    public struct Finding: Sendable, Codable, Hashable {
        public let level: Level
        public let severity: Severity
        public let message: String
        /// 1-based character position the finding points at, when there is one.
        public let position: Int?
    }

    /// What kind of number it is, by its first digit.
    public enum Kind: String, Sendable, Codable {
        /// A GB 11643 citizen identity number.
        case citizenID = "citizen-id"
        /// A residence permit of a Hong Kong, Macau or Taiwan resident (81/82/83): same format.
        case residencePermit = "residence-permit"
        /// A foreign permanent resident ID card number (2023 format, leading 9): not a citizen ID.
        case foreignPermanentResident = "foreign-permanent-resident-id"

        /// How a person names it.
        public var description: String {
            switch self {
            case .citizenID: "citizen ID"
            case .residencePermit: "Hong Kong/Macau/Taiwan residence permit"
            case .foreignPermanentResident: "foreign permanent resident ID, not a citizen ID"
            }
        }
    }

    public let input: String
    /// What kind of number it is (``Kind/citizenID`` until the first digit says otherwise).
    public internal(set) var kind: Kind = .citizenID
    /// The 18-character form, when the format allowed one.
    public internal(set) var normalized: String?
    public internal(set) var upgradedFrom15 = false
    public internal(set) var birthDate: CalendarDate?
    public internal(set) var sex: Sex?
    public internal(set) var regionCode: String?
    /// Province, prefecture and county names, when the table knows the code.
    public internal(set) var regionName: String?
    public internal(set) var findings: [Finding] = []

    init(input: String) { self.input = input }

    public var isValid: Bool { !findings.contains { $0.severity == .error } }
    /// The message of the first error, the precise reason an invalid ID is invalid.
    public var firstError: String? { findings.first { $0.severity == .error }?.message }

    mutating func add(_ level: Level, _ severity: Severity, _ message: String, position: Int? = nil) {
        findings.append(Finding(level: level, severity: severity, message: message, position: position))
    }
}
