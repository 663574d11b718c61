import HealthCardFoundation

/// The fields a PDQ query compares (``DemographicFilter``), one compact column per field over a
/// matcher's records, in record order.
///
/// Why: a PDQ query selects from every record of the index (../shared/specs/empi.md §2.2
/// `demographicsQuery`). Reading whole ``NormalizedRecord``s for that touches several cache lines
/// and a heap array per record: at 2 M records (1 M persons) a query took 100-500 ms. The columns
/// hold 21 bytes a record, so the same selection reads about 40 MB sequentially; only the records
/// the columns admit are then compared in full by ``DemographicFilter/matches(_:)``, so a hash
/// collision can never admit a record.
///
/// ``RecordMatcher`` builds them with its records and appends to them in `add`, so they always
/// describe exactly its records.
public struct DemographicColumns: Sendable, Equatable {
    private(set) var birthDates: [Int32] = []
    private(set) var sexes: [UInt8] = []
    /// ``hanziKey(_:)`` of each record's simplified Hanzi.
    private(set) var hanziKeys: [UInt64] = []
    /// Each record's `latinHash` when it has Latin name tokens, else 0.
    private(set) var latinHashes: [UInt64] = []

    public init(records: some Collection<NormalizedRecord>) {
        birthDates.reserveCapacity(records.count)
        sexes.reserveCapacity(records.count)
        hanziKeys.reserveCapacity(records.count)
        latinHashes.reserveCapacity(records.count)
        for record in records { append(record) }
    }

    public var count: Int { birthDates.count }

    public mutating func append(_ record: NormalizedRecord) {
        birthDates.append(record.birthDate)
        sexes.append(record.sex)
        hanziKeys.append(Self.hanziKey(record.hanzi))
        latinHashes.append(record.nameFlags.contains(.latin) ? record.latinHash : 0)
    }

    /// A stable hash of a simplified Hanzi name (its scalars in order).
    static func hanziKey(_ hanzi: [UInt32]) -> UInt64 {
        var hash = StableHash(tag: 0x48)  // "H"
        for scalar in hanzi { hash.combine(UInt64(scalar)) }
        return hash.value
    }

    /// Whether the record at `position` may satisfy `filter`: false only when it certainly does
    /// not. A record admitted here is compared in full.
    @inline(__always) func admits(_ position: Int, _ filter: DemographicFilter) -> Bool {
        if let birthDate = filter.birthDate, birthDates[position] != birthDate { return false }
        if let sex = filter.sex, sexes[position] != sex { return false }
        if let key = filter.hanziKey, hanziKeys[position] != key { return false }
        if let latinHash = filter.latinHash, latinHashes[position] != latinHash { return false }
        return true
    }
}

extension RecordMatcher {
    /// The positions of the records satisfying every criterion of `filter`, in record order.
    /// `isIncluded` is asked only of records that satisfy the criteria (a PDQ query's identifier
    /// holders); an empty filter admits every record it includes.
    public func positions(matching filter: DemographicFilter, where isIncluded: (Int) -> Bool = { _ in true }) -> [Int] {
        var found: [Int] = []
        for position in records.indices where demographics.admits(position, filter) {
            if isIncluded(position) && (filter.isEmpty || filter.matches(records[position])) { found.append(position) }
        }
        return found
    }
}
