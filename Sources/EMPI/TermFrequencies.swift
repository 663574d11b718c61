import HealthCardFoundation

/// Relative frequencies of values in a data set, for the term-frequency adjustment of
/// ../shared/specs/empi.md §1.3: agreeing on 王 (≈7 % of people) is weak evidence, agreeing on a
/// rare surname is strong; the same holds for given names (伟, 芳, 娜), birth dates (1 January),
/// phones and addresses shared by a family, and populous counties.
///
/// A Hanzi name's frequency is the product of its family and given name frequencies, which is
/// well estimated even on small data where most full names are unique.
public struct TermFrequencies: Sendable {
    private var family: [UInt64: UInt32] = [:]
    private var given: [UInt64: UInt32] = [:]
    private var latin: [UInt64: UInt32] = [:]
    private var birthDate: [UInt64: UInt32] = [:]
    private var phone: [UInt64: UInt32] = [:]
    private var address: [UInt64: UInt32] = [:]
    private var county: [UInt64: UInt32] = [:]
    private var totals = [Int](repeating: 0, count: 7)

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
        if record.nameFlags.contains(.latin) { count(&latin, 2, record.latinHash) }
        count(&birthDate, 3, UInt64(record.birthDate))
        count(&phone, 4, record.phone)
        count(&address, 5, record.addressHash)
        count(&county, 6, Self.countyKey(record))
    }

    static func countyKey(_ record: NormalizedRecord) -> UInt64 {
        record.region != 0 ? UInt64(record.region) : record.postcodeHash
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
        record.tfLatin = frequency(latin, 2, record.latinHash).map(EMPIMath.log2) ?? none
        record.tfBirthDate = frequency(birthDate, 3, UInt64(record.birthDate)).map(EMPIMath.log2) ?? none
        record.tfPhone = frequency(phone, 4, record.phone).map(EMPIMath.log2) ?? none
        record.tfAddress = frequency(address, 5, record.addressHash).map(EMPIMath.log2) ?? none
        record.tfCounty = frequency(county, 6, Self.countyKey(record)).map(EMPIMath.log2) ?? none
    }

    public func annotate(_ records: inout [NormalizedRecord]) {
        for index in records.indices { annotate(&records[index]) }
    }
}
