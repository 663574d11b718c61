import HealthCardFoundation

/// The demographic part of a PDQ query (../shared/specs/empi.md §2.2 `demographicsQuery`, the
/// IHE ITI-21/ITI-47/ITI-78 role): a name, a birth date and a sex, normalised exactly as
/// ``Normalizer`` normalises records, so a query matches a record when the two would compare
/// equal field by field:
///
/// - **name**: a Hanzi name matches the record's simplified Hanzi (陳 = 陈, full-width folded,
///   separators such as · removed, family name first); a Latin name matches the record's Latin
///   tokens in any order, case, accent and ü spelling folded ("ZHANG Wei" = "Wei Zhang"), and
///   also the pinyin a Hanzi record carries ("Li Ming" finds 李明);
/// - **birth date**: the same calendar day, whatever the spelling (`19850312`, `1985-03-12`);
/// - **sex**: the same GB/T 2261.1 code (`1`/男/M/male, `2`/女/F/female).
///
/// Why exact after normalisation and not scored: PDQ is a search a clerk pages through, and a
/// result must be explainable by the criteria alone; the ranking score is reported beside each
/// result (``probe``), not used to filter.
public struct DemographicFilter: Sendable {
    /// The criteria as a record: what the scorer compares with a stored record for the score.
    public let probe: NormalizedRecord
    let hanzi: [UInt32]?
    /// ``DemographicColumns/hanziKey(_:)`` of ``hanzi``.
    let hanziKey: UInt64?
    let latinHash: UInt64?
    let birthDate: Int32?
    let sex: UInt8?

    /// Normalises the criteria; `nil` and empty ones are absent.
    ///
    /// - Throws: `HealthCardError.invalidValue` naming the field when a criterion does not parse:
    ///   a date that is not a real `YYYYMMDD`/`YYYY-MM-DD`/`YYYY/M/D`, an unknown sex, a name with
    ///   no letters.
    public init(name: String?, birthDate: String?, sex: String?, normalizer: Normalizer = Normalizer()) throws {
        func present(_ text: String?) -> String? {
            guard let text, !text.trimmingWhitespace().isEmpty else { return nil }
            return text
        }
        let record = PersonRecord(id: "query", fullName: present(name), birthDate: present(birthDate), sex: present(sex))
        var issues: [RecordIssue] = []
        let normalized = normalizer.normalize(record, issues: &issues)
        if let issue = issues.first {
            throw HealthCardError(code: .invalidValue, reason: "\(issue.field ?? "query"): \(issue.message)")
        }
        probe = normalized
        if present(name) != nil {
            if normalized.nameFlags.contains(.hanzi) && !normalized.hanzi.isEmpty {
                hanzi = normalized.hanzi
                latinHash = nil
            } else if normalized.nameFlags.contains(.latin) {
                hanzi = nil
                latinHash = normalized.latinHash
            } else {
                throw HealthCardError(code: .invalidValue, reason: "name: \"\(name ?? "")\" has no Hanzi or Latin letters")
            }
        } else {
            hanzi = nil
            latinHash = nil
        }
        hanziKey = hanzi.map(DemographicColumns.hanziKey)
        self.birthDate = present(birthDate) == nil ? nil : normalized.birthDate
        // An "unknown" sex (0, 9) is a criterion too: records that say unknown or nothing.
        self.sex = present(sex) == nil ? nil : normalized.sex
    }

    /// Whether no demographic criterion was given.
    public var isEmpty: Bool { hanzi == nil && latinHash == nil && birthDate == nil && sex == nil }

    /// Whether `record` satisfies every criterion given.
    public func matches(_ record: NormalizedRecord) -> Bool {
        if let birthDate, record.birthDate != birthDate { return false }
        if let sex, record.sex != sex { return false }
        if let hanzi, record.hanzi != hanzi { return false }
        if let latinHash, !record.nameFlags.contains(.latin) || record.latinHash != latinHash { return false }
        return true
    }
}
