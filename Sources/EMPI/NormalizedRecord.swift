import HealthCardFoundation

/// A ``PersonRecord`` reduced to compact comparison keys, computed once per record so that comparing
/// a pair touches only integers and short arrays, never Foundation and never an allocation
/// (../shared/specs/empi.md §4, §5.4). Build it with ``Normalizer``; attach term frequencies with
/// `TermFrequencies/annotate(_:)`.
///
/// The stored keys are internal: what they mean is an implementation detail of the comparators.
/// ``normalizedValue(_:)`` renders them for explanations.
public struct NormalizedRecord: Sendable {
    struct IDFlags: OptionSet, Sendable {
        let rawValue: UInt8
        static let present = IDFlags(rawValue: 1)
        /// Passed every hard GB 11643 check (format, check character, real date).
        static let valid = IDFlags(rawValue: 2)
        /// Written in the 15-digit legacy form and upgraded.
        static let upgraded = IDFlags(rawValue: 4)
        /// The ID's birth date is more than a year from the record's own: probably a guardian's ID.
        static let notOwn = IDFlags(rawValue: 8)
        /// Valid, but its birth date is more than a year from an adult's record's: someone else's
        /// number or a wrong birth date. Compared by its digits, never linked by alone, and not a
        /// guardian's (children carry those; issue 18: a namesake's record with another person's
        /// ID was read as a guardian's and its number ignored).
        static let dateConflict = IDFlags(rawValue: 16)
    }

    struct NameFlags: OptionSet, Sendable {
        let rawValue: UInt8
        static let hanzi = NameFlags(rawValue: 1)
        static let latin = NameFlags(rawValue: 2)
        /// The Latin form was derived from the Hanzi by pinyin.
        static let derivedLatin = NameFlags(rawValue: 4)
        static let placeholder = NameFlags(rawValue: 8)
    }

    /// A non-citizen identifier: hashes of its domain and normalised value, and the normalised
    /// value itself (for the edit-distance level).
    struct DomainValue: Sendable, Hashable {
        let domain: UInt64
        let value: UInt64
        var text: [UInt8] = []
    }

    /// Marks a term-frequency slot that was not annotated; real values are log2(u) ≤ 0.
    static let noTermFrequency = 1.0

    // Citizen ID: digits 1-16 as nibbles (digit 1 highest), digit 17 and the check value (X = 10).
    var idPacked: UInt64 = 0
    var idDigit17: UInt8 = 0
    var idCheck: UInt8 = 0
    var idFlags: IDFlags = []
    var idBirthDate: Int32 = 0
    var idSex: UInt8 = 0

    /// The stated birth date as `yyyymmdd`, and as days since 1970 (0 when absent).
    var birthDate: Int32 = 0
    var birthDays: Int32 = 0
    /// The digits of a stated birth date that is not a calendar date (`19650870`, `1981-13-02`),
    /// as `yyyymmdd`; 0 otherwise. A typo that makes a date impossible still leaves seven digits
    /// of evidence: compared digit by digit (issue 18), never used for blocking or frequencies.
    var malformedBirthDigits: Int32 = 0
    var sex: UInt8 = 0
    var phone: UInt64 = 0
    /// GB/T 2260 code of the address (the region column, else the divisions the address line
    /// names), and how many of its digits are known: 6 (county), 4 (prefecture) or 2 (province).
    var region: Int32 = 0
    var regionDigits: UInt8 = 0
    /// The building the address line names (road and number, else compound), or a hash of the
    /// whole line when it names none: the term-frequency key of `sameAddress`.
    var addressHash: UInt64 = 0
    /// The address line taken apart, compared part by part.
    var street = ChineseAddress()
    var postcodeHash: UInt64 = 0
    var localityHash: UInt64 = 0

    /// Simplified Hanzi of the name, family first, separators removed.
    var hanzi: [UInt32] = []
    var familyCount: Int = 0
    /// Hash of the name exactly as written (NFC, width-folded, trimmed).
    var hanziExactHash: UInt64 = 0
    var familyHash: UInt64 = 0
    var givenHash: UInt64 = 0
    /// Per Hanzi: the number of readings, then the syllable ids.
    var readings: [UInt16] = []
    /// Latin form: tokens sorted and joined by spaces, then (from ``latinCompactStart``) the tokens
    /// in their original order joined without spaces.
    var latin: [UInt8] = []
    var latinCompactStart: Int = 0
    var latinExactHash: UInt64 = 0
    var latinHash: UInt64 = 0
    var nameFlags: NameFlags = []
    /// Sound-class key of the Latin (or pinyin) tokens, for blocking; 0 when there are none.
    var phoneticKey: UInt64 = 0
    /// Blocking keys of the name: family pinyin, given pinyin, full pinyin, family as written.
    var nameKeys: [UInt64] = []
    var nameKeyCounts: (family: UInt8, given: UInt8, full: UInt8, familyText: UInt8) = (0, 0, 0, 0)
    var identifiers: [DomainValue] = []

    // log2 of the term-frequency-adjusted u, per value; `noTermFrequency` when not annotated.
    var tfName = noTermFrequency
    var tfLatin = noTermFrequency
    var tfBirthDate = noTermFrequency
    var tfPhone = noTermFrequency
    var tfAddress = noTermFrequency
    var tfCounty = noTermFrequency

    init() {}

    var hasCitizenID: Bool { idFlags.contains(.present) }
    /// A valid ID that is the person's own (not a guardian's): usable for deterministic links.
    var hasOwnValidCitizenID: Bool {
        idFlags.contains(.valid) && !idFlags.contains(.notOwn) && !idFlags.contains(.dateConflict)
    }
    var hasGuardianID: Bool { idFlags.contains(.notOwn) }
    /// A valid ID whose birth date matches the record's stated one: certainly the person's own.
    var hasConfirmedOwnCitizenID: Bool { hasOwnValidCitizenID && birthDate != 0 && idBirthDate != 0 }
    var isPlaceholderName: Bool { nameFlags.contains(.placeholder) }

    var familyPinyinKeys: ArraySlice<UInt64> { nameKeys[0..<Int(nameKeyCounts.family)] }
    var givenPinyinKeys: ArraySlice<UInt64> {
        let start = Int(nameKeyCounts.family)
        return nameKeys[start..<(start + Int(nameKeyCounts.given))]
    }
    var fullPinyinKeys: ArraySlice<UInt64> {
        let start = Int(nameKeyCounts.family) + Int(nameKeyCounts.given)
        return nameKeys[start..<(start + Int(nameKeyCounts.full))]
    }
    var familyTextKeys: ArraySlice<UInt64> {
        nameKeys[(nameKeys.count - Int(nameKeyCounts.familyText))...]
    }

    /// The 18-character citizen ID.
    var citizenIDText: String? {
        guard hasCitizenID else { return nil }
        var text = ""
        for shift in stride(from: 60, through: 0, by: -4) {
            text.append(Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8((idPacked >> UInt64(shift)) & 0xF))))
        }
        text.append(Character(Unicode.Scalar(UInt8(ascii: "0") + idDigit17)))
        text.append(idCheck == 10 ? "X" : Character(Unicode.Scalar(UInt8(ascii: "0") + idCheck)))
        return text
    }

    /// 6-digit region code from the citizen ID (digits 1-6), or 0.
    var idRegion: Int32 { hasCitizenID ? Int32(NormalizedRecord.decimal(idPacked >> 40, digits: 6)) : 0 }

    static func decimal(_ nibbles: UInt64, digits: Int) -> Int {
        var value = 0
        for index in stride(from: digits - 1, through: 0, by: -1) {
            value = value * 10 + Int((nibbles >> UInt64(index * 4)) & 0xF)
        }
        return value
    }

    var latinSorted: ArraySlice<UInt8> { latin[0..<latinCompactStart] }
    var latinCompact: ArraySlice<UInt8> { latin[latinCompactStart...] }

    /// The normalised value a comparator sees for `field`, for explanations; `nil` when absent.
    public func normalizedValue(_ field: MatchField) -> String? {
        switch field {
        case .citizenID:
            guard let text = citizenIDText else { return nil }
            var notes: [String] = []
            if !idFlags.contains(.valid) { notes.append("invalid") }
            if idFlags.contains(.upgraded) { notes.append("upgraded from 15 digits") }
            if idFlags.contains(.notOwn) { notes.append("birth date differs from the record's: guardian's ID?") }
            if idFlags.contains(.dateConflict) { notes.append("birth date differs from the adult record's") }
            return notes.isEmpty ? text : text + " (" + notes.joined(separator: "; ") + ")"
        case .nameHanzi:
            guard nameFlags.contains(.hanzi) else { return nil }
            let family = EMPIText.string(hanzi[0..<familyCount])
            let given = EMPIText.string(hanzi[familyCount...])
            let tables = EMPITables.shared
            var pinyin: [String] = []
            var index = 0
            while index < readings.count {
                let count = Int(readings[index])
                let ids = readings[(index + 1)..<(index + 1 + count)]
                pinyin.append(ids.map { tables.syllables[Int($0)] }.joined(separator: "/"))
                index += 1 + count
            }
            return family + "|" + given + " [" + pinyin.joined(separator: " ") + "]"
                + (isPlaceholderName ? " (placeholder)" : "")
        case .nameLatin:
            guard nameFlags.contains(.latin) else { return nil }
            return String(decoding: latinSorted, as: UTF8.self)
                + (nameFlags.contains(.derivedLatin) ? " (from pinyin)" : "")
                + (isPlaceholderName ? " (placeholder)" : "")
        case .birthDate:
            return birthDate == 0 ? nil : CalendarDate(yyyymmdd: String(birthDate)).map(\.description)
        case .sex:
            return sex == 0 ? nil : String(sex)
        case .phone:
            return phone == 0 ? nil : String(phone)
        case .address:
            var parts: [String] = []
            if region != 0 { parts.append("region " + String(region).prefix(Int(regionDigits))) }
            if street.road != 0 || street.compound != 0 {
                var line: [String] = []
                if street.road != 0 { line.append("road#" + String(street.road & 0xFFFF, radix: 16)) }
                if street.number != 0 { line.append("no " + String(street.number - 1)) }
                if street.compound != 0 { line.append("compound#" + String(street.compound & 0xFFFF, radix: 16)) }
                for (name, value) in [("building", street.building), ("unit", street.unit), ("room", street.room)]
                where value != 0 {
                    line.append(name + " " + String(value - 1))
                }
                parts.append(line.joined(separator: " "))
            }
            if addressHash != 0 { parts.append("address#" + String(addressHash & 0xFFFF_FFFF, radix: 16)) }
            if postcodeHash != 0 { parts.append("postcode#" + String(postcodeHash & 0xFFFF_FFFF, radix: 16)) }
            if localityHash != 0 { parts.append("locality#" + String(localityHash & 0xFFFF_FFFF, radix: 16)) }
            return parts.isEmpty ? nil : parts.joined(separator: ", ")
        case .identifier:
            return identifiers.isEmpty ? nil : "\(identifiers.count) identifier(s)"
        }
    }
}
