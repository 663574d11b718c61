import HealthCardFoundation

/// Relative frequencies of values in a data set, for the term-frequency adjustment of
/// ../shared/specs/empi.md §1.3: agreeing on 王 (≈7 % of people) is weak evidence, agreeing on a
/// rare surname is strong; the same holds for given names (伟, 芳, 娜), birth dates (1 January),
/// phones and addresses shared by a family, and populous counties.
///
/// A Hanzi name's frequency is the product of its family and given name frequencies, a Latin
/// name's the product of its tokens' frequencies, and a birth date's the product of its year's
/// and its day of the year's (issue 18): each part is shared by many people, so the estimate
/// holds on small data, where most full names and dates are unique and a value's count is
/// mostly one person's own duplicates — counted whole, "Matthew Wright" born 7 August 2014 with
/// three records among 7,000 looked ten times commoner than it is and lost 3 bits a field. A
/// placeholder day (1 January) or year still shows as common.
public struct TermFrequencies: Sendable {
    private var family: [UInt64: UInt32] = [:]
    private var given: [UInt64: UInt32] = [:]
    private var latinTokens: [UInt64: UInt32] = [:]
    private var birthYear: [UInt64: UInt32] = [:]
    private var birthDay: [UInt64: UInt32] = [:]
    /// Records with a Latin name and records with a birth date: what token and date shares divide by.
    private var latinNames = 0
    private var dated = 0
    private var phone: [UInt64: UInt32] = [:]
    private var address: [UInt64: UInt32] = [:]
    private var county: [UInt64: UInt32] = [:]
    private var totals = [Int](repeating: 0, count: 10)

    /// Counts the values of `records`.
    public init(records: [NormalizedRecord]) {
        for record in records { add(record) }
    }

    /// Adds one record's values (an index growing by one record).
    public mutating func add(_ record: NormalizedRecord) {
        func count(_ table: inout [UInt64: UInt32], _ slot: Int, _ key: UInt64) {
            guard key != 0 else { return }
            table[key, default: 0] += 1
            totals[slot] += 1
        }
        count(&family, 0, record.familyHash)
        count(&given, 1, record.givenHash)
        if record.nameFlags.contains(.latin) {
            latinNames += 1
            Self.forEachToken(record) { count(&latinTokens, 7, $0) }
        }
        if record.birthDate != 0 {
            dated += 1
            count(&birthYear, 8, UInt64(record.birthDate / 10_000))
            count(&birthDay, 9, UInt64(record.birthDate % 10_000))
        }
        count(&phone, 4, record.phone)
        count(&address, 5, record.addressHash)
        count(&county, 6, Self.countyKey(record))
    }

    static func countyKey(_ record: NormalizedRecord) -> UInt64 {
        record.region != 0 ? UInt64(record.region) : record.postcodeHash
    }

    /// Calls `body` with a hash of each token of the record's sorted Latin name.
    static func forEachToken(_ record: NormalizedRecord, _ body: (UInt64) -> Void) {
        var hash = StableHash(tag: 16)
        var empty = true
        for byte in record.latinSorted {
            if byte == 0x20 {
                if !empty { body(hash.value) }
                hash = StableHash(tag: 16)
                empty = true
            } else {
                hash.combine(byte)
                empty = false
            }
        }
        if !empty { body(hash.value) }
    }

    /// The share of records holding `key` (counting the record itself at least once) among
    /// `records`.
    private func share(_ table: [UInt64: UInt32], _ key: UInt64, of records: Int) -> Double {
        Double(max(table[key] ?? 0, 1)) / Double(max(records, 1))
    }

    /// Relative frequency of `key` in `table`, counting the record itself at least once.
    private func frequency(_ table: [UInt64: UInt32], _ slot: Int, _ key: UInt64) -> Double? {
        guard key != 0, totals[slot] > 0 else { return nil }
        return Double(max(table[key] ?? 0, 1)) / Double(max(totals[slot], 1))
    }

    /// Stores log2 of each value's frequency in the record; the scorer floors it with
    /// ``MatchModel/termFrequencyMinimumU`` and uses it as u for exact agreement.
    public func annotate(_ record: inout NormalizedRecord) {
        let none = NormalizedRecord.noTermFrequency
        let f = frequency(family, 0, record.familyHash)
        let g = frequency(given, 1, record.givenHash)
        switch (f, g) {
        case (let f?, let g?): record.tfName = EMPIMath.log2(f * g)
        case (let f?, nil): record.tfName = EMPIMath.log2(f)
        case (nil, let g?): record.tfName = EMPIMath.log2(g)
        case (nil, nil): record.tfName = none
        }
        if record.nameFlags.contains(.latin) && latinNames > 0 {
            var log2Frequency = 0.0
            Self.forEachToken(record) { log2Frequency += EMPIMath.log2(share(latinTokens, $0, of: latinNames)) }
            record.tfLatin = log2Frequency
        } else {
            record.tfLatin = none
        }
        if record.birthDate != 0 && dated > 0 {
            record.tfBirthDate =
                EMPIMath.log2(share(birthYear, UInt64(record.birthDate / 10_000), of: dated))
                + EMPIMath.log2(share(birthDay, UInt64(record.birthDate % 10_000), of: dated))
        } else {
            record.tfBirthDate = none
        }
        record.tfPhone = frequency(phone, 4, record.phone).map(EMPIMath.log2) ?? none
        record.tfAddress = frequency(address, 5, record.addressHash).map(EMPIMath.log2) ?? none
        record.tfCounty = frequency(county, 6, Self.countyKey(record)).map(EMPIMath.log2) ?? none
    }

    public func annotate(_ records: inout [NormalizedRecord]) {
        for index in records.indices { annotate(&records[index]) }
    }
}
