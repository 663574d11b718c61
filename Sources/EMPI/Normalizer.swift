import HealthCardFoundation

/// Turns a raw ``PersonRecord`` into a ``NormalizedRecord`` (../shared/specs/empi.md §1.1 steps 1-2,
/// §3, §4) and reports bad input per record instead of failing the whole file:
///
/// - names: NFC, full-width → half-width, separators (·, •, ．) removed, traditional → simplified,
///   family name segmented with the compound-surname list (欧阳, 尉迟, …), pinyin readings per
///   character with surname readings for the family part (单 shan), placeholder names flagged;
///   Latin names case- and accent-folded, ü spellings folded, tokens sorted;
/// - citizen IDs validated with `CitizenIDValidator` (15-digit numbers upgraded); an ID whose
///   birth date is more than a year from the record's own is flagged as probably a guardian's
///   on a minor's record, and as conflicting (compared by digits, never deterministic) on an adult's;
/// - dates through `CalendarDate/init(lenient:)`; phones to digits without +86/0086;
///   region codes to integers; address lines parsed into divisions, road, number, compound,
///   building, unit and room (`ChineseAddress`); postcodes and localities to hashes.
public struct Normalizer: Sendable {
    /// "Today" for the future-date rule of citizen IDs; fix it for reproducible runs.
    public var today: CalendarDate
    /// An ID whose birth date differs from the record's by more than this is not the person's own.
    public var guardianToleranceDays: Int

    /// 18 years: a record of someone older carries no guardian's ID.
    static let adultAgeDays = 18 * 365 + 4

    public init(today: CalendarDate = .today(), guardianToleranceDays: Int = 366) {
        self.today = today
        self.guardianToleranceDays = guardianToleranceDays
    }

    public func normalize(_ record: PersonRecord) -> NormalizedRecord {
        var ignored: [RecordIssue] = []
        return normalize(record, issues: &ignored)
    }

    /// Normalises `record`, appending a ``RecordIssue`` (with the record's line) for each bad value.
    /// A bad value is dropped from comparison; the rest of the record is still used.
    public func normalize(_ record: PersonRecord, issues: inout [RecordIssue]) -> NormalizedRecord {
        var out = NormalizedRecord()
        func report(_ kind: RecordIssue.Kind, _ field: String, _ message: String) {
            issues.append(
                RecordIssue(kind: kind, line: record.line, recordID: record.id, field: field, message: message))
        }

        if let text = nonEmpty(record.birthDate) {
            if let date = CalendarDate(lenient: text) {
                out.birthDate = Int32(date.year * 10_000 + date.month * 100 + date.day)
                out.birthDays = Int32(date.daysSinceEpoch)
            } else {
                out.malformedBirthDigits = Self.dateDigits(text)
                report(
                    .malformedDate, "birthDate",
                    "malformed date \"\(text)\" (expected YYYYMMDD, YYYY-MM-DD or YYYY/M/D)")
            }
        }
        if let text = nonEmpty(record.sex) {
            if let code = Self.sexCode(text) {
                out.sex = code
            } else {
                report(.unknownSex, "sex", "unknown sex \"\(text)\"")
            }
        }
        normalizeIdentifiers(record, into: &out, report: report)
        if let text = nonEmpty(record.phone) {
            if let phone = Self.phoneNumber(text) {
                out.phone = phone
            } else {
                report(.malformedPhone, "phone", "not a phone number: \"\(text)\"")
            }
        }
        normalizeAddress(record, into: &out, report: report)
        NameNormalizer.normalize(record, into: &out)
        // A newborn under a placeholder name (婴儿, 王芳之子) has no ID of its own yet: an ID on such
        // a record is the guardian's (../shared/specs/empi.md §1.5), even without a birth date to show it.
        if out.isPlaceholderName && out.hasCitizenID { out.idFlags.insert(.notOwn) }
        return out
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let text, text.unicodeScalars.contains(where: { !EMPIText.isWhitespace($0.value) }) else { return nil }
        return text
    }

    private func normalizeIdentifiers(
        _ record: PersonRecord, into out: inout NormalizedRecord,
        report: (RecordIssue.Kind, String, String) -> Void
    ) {
        var others: [NormalizedRecord.DomainValue] = []
        let validator = CitizenIDValidator(regions: nil, today: today)
        for identifier in record.identifiers {
            let value = identifier.value
            guard nonEmpty(value) != nil else { continue }
            switch identifier.kind {
            case .citizenID:
                guard !out.hasCitizenID else { continue }  // the first citizen ID counts
                let validation = validator.validate(value)
                if !validation.isValid {
                    report(
                        .invalidCitizenID, identifier.domain,
                        "invalid citizen ID \"\(value)\": \(validation.firstError ?? "invalid")")
                }
                guard let normalized = validation.normalized else { continue }
                let digits = Array(normalized.utf8).map { $0 == UInt8(ascii: "X") ? 10 : $0 - UInt8(ascii: "0") }
                var packed: UInt64 = 0
                for digit in digits[0..<16] { packed = packed << 4 | UInt64(digit) }
                out.idPacked = packed
                out.idDigit17 = digits[16]
                out.idCheck = digits[17]
                out.idFlags.insert(.present)
                if validation.isValid { out.idFlags.insert(.valid) }
                if validation.upgradedFrom15 { out.idFlags.insert(.upgraded) }
                if let birth = validation.birthDate {
                    out.idBirthDate = Int32(birth.year * 10_000 + birth.month * 100 + birth.day)
                    // Only a valid ID: an invalid one with a far-off date is more likely a typo.
                    // Only a minor's record carries a guardian's ID; on an adult's the number is
                    // someone else's or the date is wrong, and it is compared by its digits.
                    if validation.isValid, out.birthDate != 0,
                        abs(Int(out.birthDays) - birth.daysSinceEpoch) > guardianToleranceDays
                    {
                        let minor = today.daysSinceEpoch - Int(out.birthDays) < Self.adultAgeDays
                        out.idFlags.insert(minor ? .notOwn : .dateConflict)
                    }
                }
                if let sex = validation.sex { out.idSex = sex == .male ? 1 : 2 }
            case .other:
                var folded: [UInt8] = []
                for scalar in EMPIText.clean(value) where !EMPIText.isNameSeparator(scalar) {
                    if let byte = EMPIText.foldLatin(scalar) {
                        folded.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte)
                    } else {
                        folded.append(contentsOf: Array(EMPIText.string([scalar]).utf8))
                    }
                }
                var hash = StableHash(tag: 6)
                hash.combine(folded)
                let entry = NormalizedRecord.DomainValue(
                    domain: StableHash.of(identifier.domain), value: hash.value, text: folded)
                if !others.contains(entry) { others.append(entry) }
            }
        }
        out.identifiers = others
    }

    private func normalizeAddress(
        _ record: PersonRecord, into out: inout NormalizedRecord,
        report: (RecordIssue.Kind, String, String) -> Void
    ) {
        if let text = nonEmpty(record.regionCode) {
            let digits = EMPIText.clean(text)
            if digits.count == 6, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                out.region = Int32(digits.reduce(0) { $0 * 10 + Int($1 - 0x30) })
                out.regionDigits = 6
            } else {
                report(.malformedRegionCode, "regionCode", "not a 6-digit GB/T 2260 code: \"\(text)\"")
            }
        }
        let lines = record.addressLines.filter { !$0.trimmingWhitespace().isEmpty }
        if !lines.isEmpty {
            let text = lines.joined(separator: " ")
            let parsed = ChineseAddress(parsing: EMPIText.clean(text), hint: out.region != 0 ? out.region : out.idRegion)
            out.street = parsed
            if out.region == 0 && parsed.regionDigits > 0 {
                out.region = parsed.region
                out.regionDigits = parsed.regionDigits
            }
            out.addressHash = parsed.hasStreetAddress ? parsed.buildingKey : Self.textHash(text, tag: 7)
        }
        if let text = nonEmpty(record.postcode) { out.postcodeHash = Self.textHash(text, tag: 8) }
        if let text = nonEmpty(record.locality) { out.localityHash = Self.textHash(text, tag: 9) }
    }

    /// `yyyymmdd` of a date written in one of the accepted forms (`YYYYMMDD`, `YYYY-MM-DD`,
    /// `YYYY/M/D`) whatever its month and day, as a number; 0 when the text has another shape.
    static func dateDigits(_ text: String) -> Int32 {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(omittingEmptySubsequences: false) { $0 == "-" || $0 == "/" }
        let lengths = parts.map(\.count)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            lengths == [8] || (lengths.count == 3 && lengths[0] == 4 && (1...2).contains(lengths[1])
                && (1...2).contains(lengths[2]))
        else { return 0 }
        if parts.count == 1 { return Int32(parts[0])! }
        return Int32(parts[0])! * 10_000 + Int32(parts[1])! * 100 + Int32(parts[2])!
    }

    /// Hash of a free text for equality: cleaned, simplified, case-folded, separators dropped.
    static func textHash(_ text: String, tag: UInt8) -> UInt64 {
        var hash = StableHash(tag: tag)
        let tables = EMPITables.shared
        for scalar in EMPIText.clean(text) where !EMPIText.isNameSeparator(scalar) {
            if let byte = EMPIText.foldLatin(scalar) {
                hash.combine(byte)
            } else {
                hash.combine(UInt64(tables.simplify(scalar)))
            }
        }
        return hash.value
    }

    /// GB/T 2261.1 `1` male / `2` female from the code, 男/女, M/F or male/female; 0 for "unknown"
    /// codes (0, 9); `nil` for anything else.
    static func sexCode(_ text: String) -> UInt8? {
        switch text {
        case "1", "男": return 1
        case "2", "女": return 2
        default: break
        }
        switch EMPIText.string(EMPIText.clean(text)).lowercased() {
        case "1", "男", "男性", "m", "male": return 1
        case "2", "女", "女性", "f", "female": return 2
        case "0", "9", "u", "unknown", "未知", "未说明": return 0
        default: return nil
        }
    }

    /// Digits only, the national number: +86 / 0086 stripped, and for an international number
    /// written with `+` or `00` a known country code (44, 1, 852, 853, 886, 61, 65, 81, 82, 49,
    /// 33); then one leading trunk `0` (UK 07…, Chinese 010…), so "+44 7700 900123" and
    /// "07700 900123" are one number. 6 to 15 digits, else `nil`.
    static func phoneNumber(_ text: String) -> UInt64? {
        let cleaned = EMPIText.clean(text)
        var digits = cleaned.filter { $0 >= 0x30 && $0 <= 0x39 }
        let plus = cleaned.first == 0x2B
        var international = plus
        if digits.count > 11, digits.starts(with: [0x30, 0x30, 0x38, 0x36]) {
            digits.removeFirst(4)
            international = false
        } else if digits.count > 11, digits.starts(with: [0x30, 0x30]) {
            digits.removeFirst(2)
            international = true
        }
        if digits.count == 13, digits.starts(with: [0x38, 0x36]) {
            digits.removeFirst(2)
            international = false
        }
        if international {
            for code in ["852", "853", "886", "86", "44", "61", "65", "81", "82", "49", "33", "1"] {
                let prefix = Array(code.unicodeScalars.map(\.value))
                if digits.count > prefix.count + 6, digits.starts(with: prefix) {
                    digits.removeFirst(prefix.count)
                    break
                }
            }
        }
        if digits.first == 0x30 { digits.removeFirst() }
        guard (6...15).contains(digits.count) else { return nil }
        return digits.reduce(0) { $0 * 10 + UInt64($1 - 0x30) }
    }
}
