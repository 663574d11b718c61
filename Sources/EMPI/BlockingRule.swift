import HealthCardFoundation

/// The blocking rules of ../shared/specs/empi.md §1.4: candidate pairs are the union of the pairs
/// that share a key under any rule, and each pair remembers which rules produced it.
public enum BlockingRule: Int, CaseIterable, Sendable, Hashable, Codable {
    /// 1. Same citizen ID (normalised to 18 characters).
    case citizenID = 1
    /// 2. Same ID-derived birth date and same surname pinyin.
    case idBirthDateSurname
    /// 3. Same birth date and same given-name pinyin.
    case birthDateGivenName
    /// 4. Same full-name pinyin and same 4-digit administrative prefix (address, else ID).
    case fullNameRegion
    /// 5. Same mobile number.
    case phone
    /// 6. Same identifier in the same domain (any card or visit number).
    case identifier
    /// 7. Same birth year, same surname as written, same sex (the safety net).
    case birthYearSurnameSex
    /// 8. Same full-name pinyin (in either order), or the same sound-class key of the name's
    /// Latin tokens (typos and phonetic spellings), and the same birth date, the same birth date
    /// with month and day swapped, or the same building (road and number, or compound): finds the
    /// records with swapped name order, a misspelt name or a transposed date, and records with
    /// neither birth date nor region but one address (issue 18 item 1).
    case fullNameBirthDateOrBuilding
    /// 9. The same identifier with one third masked: the citizen ID's 17-digit body with its region,
    /// its birth date or its sequence digits left out, or another card number (6 characters or
    /// more, same domain) with its first, middle or last third left out. One typo or a
    /// transposition within a third leaves one key equal (issue 18 item 1: identifiers with typos
    /// on records whose names and dates are also corrupted).
    case identifierMasked
    /// 10. The same full name alone (pinyin or Latin tokens, in either order) or the same
    /// sound-class key of the Latin tokens: records that share nothing else a rule keys on, such
    /// as one without a birth date, ID or address (issue 18 item 1). Common names overflow the
    /// small cap and are skipped: the rule is for the rarer names.
    case fullNameOnly
    /// 11. The same birth date (or the same with month and day swapped), or the same building,
    /// and the same sex (both when unknown): records whose names are too corrupted, missing or
    /// placeholders for every name key.
    case birthDateSex

    /// The rule's name in explanations and reports.
    public var name: String {
        switch self {
        case .citizenID: "same-citizen-id"
        case .idBirthDateSurname: "same-id-birth-date+surname-pinyin"
        case .birthDateGivenName: "same-birth-date+given-name-pinyin"
        case .fullNameRegion: "same-full-name-pinyin+admin-prefix"
        case .phone: "same-mobile"
        case .identifier: "same-domain-identifier"
        case .birthYearSurnameSex: "same-birth-year+surname+sex"
        case .fullNameBirthDateOrBuilding: "same-full-name-pinyin+birth-date-or-building"
        case .identifierMasked: "same-identifier-but-one-third"
        case .fullNameOnly: "same-full-name-or-name-sound"
        case .birthDateSex: "same-birth-date-or-building+sex"
        }
    }

    /// The fields whose agreement the rule presupposes: EM does not estimate their m from the
    /// pairs of this rule (../shared/specs/empi.md §1.3).
    public var fields: [MatchField] {
        switch self {
        case .citizenID: [.citizenID]
        case .idBirthDateSurname: [.citizenID, .birthDate, .nameHanzi, .nameLatin]
        case .birthDateGivenName: [.birthDate, .nameHanzi, .nameLatin]
        case .fullNameRegion: [.nameHanzi, .nameLatin, .address]
        case .phone: [.phone]
        case .identifier: [.identifier]
        case .birthYearSurnameSex: [.birthDate, .nameHanzi, .nameLatin, .sex]
        case .fullNameBirthDateOrBuilding: [.nameHanzi, .nameLatin, .birthDate, .address]
        case .identifierMasked: [.citizenID, .identifier]
        case .fullNameOnly: [.nameHanzi, .nameLatin]
        case .birthDateSex: [.birthDate, .address, .sex]
        }
    }

    var bit: UInt16 { 1 << UInt16(rawValue - 1) }
}

/// A set of blocking rules, one bit each.
public struct BlockingRuleSet: Sendable, Hashable, Codable {
    public internal(set) var rawValue: UInt16

    public init(rawValue: UInt16 = 0) { self.rawValue = rawValue }
    public init(_ rules: [BlockingRule]) { rawValue = rules.reduce(0) { $0 | $1.bit } }

    public var isEmpty: Bool { rawValue == 0 }
    public func contains(_ rule: BlockingRule) -> Bool { rawValue & rule.bit != 0 }
    public mutating func insert(_ rule: BlockingRule) { rawValue |= rule.bit }
    public var rules: [BlockingRule] { BlockingRule.allCases.filter(contains) }
    /// The lowest-numbered rule in the set, the one that emits the pair in a batch run.
    var first: BlockingRule? { rawValue == 0 ? nil : BlockingRule(rawValue: rawValue.trailingZeroBitCount + 1) }
}

/// A blocking key: a rule and a stable 64-bit hash of its key values, fit to persist in an index.
public struct BlockingKey: Sendable, Hashable, Comparable {
    public let rule: BlockingRule
    public let value: UInt64

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.rule.rawValue, lhs.value) < (rhs.rule.rawValue, rhs.value)
    }
}

/// Which rules to use and how large a block may grow before it is skipped (and counted).
public struct Blocker: Sendable, Hashable {
    public var rules: [BlockingRule]
    /// A block with more records than this is not expanded into pairs; it is counted as overflow.
    public var maximumBlockSize: Int
    /// Smaller caps for particular rules. The default keeps the safety net (rule 7) from growing
    /// quadratically on large data: 王/李/张 born in one year are hundreds per block at a million
    /// records, and pairs that only rule 7 finds are rare (see Docs/empi.md). Rule 9's keys are two
    /// thirds of a number: a block of more than 50 is a sequence of hospital card numbers or one
    /// county's sequence digits, not a typo. Rules 10 and 11 key on one field, so their caps are
    /// small: at a million records a birth date and sex hold about 15-20 records, a building a
    /// household or a block of flats, a common name thousands (skipped, counted).
    public var ruleBlockSizes: [BlockingRule: Int]

    public init(
        rules: [BlockingRule] = BlockingRule.allCases, maximumBlockSize: Int = 1_000,
        ruleBlockSizes: [BlockingRule: Int] = [
            .birthYearSurnameSex: 200, .identifierMasked: 50, .fullNameOnly: 30, .birthDateSex: 40,
        ]
    ) {
        self.rules = rules
        self.maximumBlockSize = maximumBlockSize
        self.ruleBlockSizes = ruleBlockSizes
    }

    /// The cap of one rule's blocks.
    public func maximumBlockSize(for rule: BlockingRule) -> Int {
        min(maximumBlockSize, ruleBlockSizes[rule] ?? maximumBlockSize)
    }

    /// Every blocking key of a record, by rule.
    public func keys(for record: NormalizedRecord) -> [BlockingKey] {
        var keys: [BlockingKey] = []
        for rule in rules {
            Self.forEachKey(of: record, rule: rule) { keys.append(BlockingKey(rule: rule, value: $0)) }
        }
        return keys
    }

    /// Calls `body` with each key of `record` under `rule` (no duplicates), without allocating.
    @inline(__always)
    static func forEachKey(of record: NormalizedRecord, rule: BlockingRule, _ body: (UInt64) -> Void) {
        func hash(_ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) -> UInt64 {
            var hash = StableHash(tag: UInt8(20 + rule.rawValue))
            hash.combine(a)
            hash.combine(b)
            hash.combine(c)
            return hash.value
        }
        switch rule {
        case .citizenID:
            if record.hasCitizenID {
                body(hash(record.idPacked, UInt64(record.idDigit17) << 8 | UInt64(record.idCheck)))
            }
        case .idBirthDateSurname:
            if record.idBirthDate != 0 {
                for key in record.familyPinyinKeys { body(hash(UInt64(record.idBirthDate), key)) }
            }
        case .birthDateGivenName:
            if record.birthDate != 0 {
                for key in record.givenPinyinKeys { body(hash(UInt64(record.birthDate), key)) }
            }
        case .fullNameRegion:
            let region = record.regionDigits >= 4 ? record.region : record.idRegion
            if region != 0 {
                for key in record.fullPinyinKeys { body(hash(UInt64(region / 100), key)) }
            }
        case .phone:
            if record.phone != 0 { body(hash(record.phone)) }
        case .identifier:
            for identifier in record.identifiers { body(hash(identifier.domain, identifier.value)) }
        case .fullNameBirthDateOrBuilding:
            let date = record.birthDate != 0 ? record.birthDate : record.idBirthDate
            let (year, month, day) = (date / 10_000, date / 100 % 100, date % 100)
            let swapped = day <= 12 && day != month ? year * 10_000 + day * 100 + month : 0
            for key in record.fullPinyinKeys {
                if date != 0 { body(hash(1, key, UInt64(date))) }
                if swapped != 0 { body(hash(1, key, UInt64(swapped))) }
                if record.street.hasStreetAddress { body(hash(2, key, record.addressHash)) }
            }
            if record.phoneticKey != 0 {
                if date != 0 { body(hash(3, record.phoneticKey, UInt64(date))) }
                if swapped != 0 { body(hash(3, record.phoneticKey, UInt64(swapped))) }
                if record.street.hasStreetAddress { body(hash(4, record.phoneticKey, record.addressHash)) }
            }
        case .identifierMasked:
            if record.hasCitizenID && !record.hasGuardianID {
                let region = record.idPacked >> 40
                let date = (record.idPacked >> 8) & 0xFFFF_FFFF
                let sequence = (record.idPacked & 0xFF) << 4 | UInt64(record.idDigit17)
                body(hash(0, region, date))
                body(hash(1, region, sequence))
                body(hash(2, date, sequence))
            }
            for identifier in record.identifiers where identifier.text.count >= 6 {
                let text = identifier.text
                let cuts = [0, text.count / 3, text.count * 2 / 3, text.count]
                for third in 0..<3 {
                    var kept = StableHash(tag: UInt8(3 + third))
                    for position in text.indices where position < cuts[third] || position >= cuts[third + 1] {
                        kept.combine(text[position])
                    }
                    body(hash(identifier.domain, UInt64(3 + third), kept.value))
                }
            }
        case .fullNameOnly:
            for key in record.fullPinyinKeys { body(hash(1, key)) }
            if record.phoneticKey != 0 { body(hash(2, record.phoneticKey)) }
        case .birthDateSex:
            let date = record.birthDate != 0 ? record.birthDate : record.idBirthDate
            let (year, month, day) = (date / 10_000, date / 100 % 100, date % 100)
            let swapped = day <= 12 && day != month ? year * 10_000 + day * 100 + month : 0
            let building = record.street.hasStreetAddress ? record.addressHash : 0
            let sex = UInt64(record.sex != 0 ? record.sex : record.idSex)
            for (kind, value) in [(1, UInt64(date)), (1, UInt64(swapped)), (2, building)] where value != 0 {
                if sex != 0 {
                    body(hash(UInt64(kind), value, sex))
                } else {
                    body(hash(UInt64(kind), value, 1))
                    body(hash(UInt64(kind), value, 2))
                }
            }
        case .birthYearSurnameSex:
            let date = record.birthDate != 0 ? record.birthDate : record.idBirthDate
            guard date != 0 else { return }
            let sex = record.sex != 0 ? record.sex : record.idSex
            for key in record.familyTextKeys {
                if sex != 0 {
                    body(hash(UInt64(date / 10_000), key, UInt64(sex)))
                } else {
                    body(hash(UInt64(date / 10_000), key, 1))
                    body(hash(UInt64(date / 10_000), key, 2))
                }
            }
        }
    }
}
