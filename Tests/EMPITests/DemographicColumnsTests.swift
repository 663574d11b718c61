import EMPI
import Testing

/// The compact columns a PDQ query scans (`DemographicColumns`) against the records themselves.
@Suite("EMPI demographic columns")
struct DemographicColumnsTests {
    static let records = SyntheticPopulation(seed: 7, options: .init(persons: 400)).records

    @Test("a matcher grown record by record has the columns of one built from all its records")
    func grownEqualsBuilt() {
        let half = Self.records.count / 2
        var grown = RecordMatcher(records: Array(Self.records.prefix(half)), persons: Array(0..<half))
        for (offset, record) in Self.records.dropFirst(half).enumerated() { grown.add(record, person: half + offset) }
        let built = RecordMatcher(records: Self.records, persons: Array(Self.records.indices))
        #expect(grown.demographics.count == Self.records.count)
        #expect(grown.demographics == built.demographics)
    }

    @Test("the columns select exactly the records the filter matches, for every kind of criterion")
    func selectionEqualsFullComparison() throws {
        let matcher = RecordMatcher(records: Self.records, persons: Array(Self.records.indices))
        let hanzi = try #require(Self.records.first { $0.fullName?.unicodeScalars.first.map { $0.value >= 0x4E00 } == true })
        let latin = try #require(Self.records.first { $0.fullName?.first?.isASCII == true && $0.fullName?.contains(" ") == true })
        let filters = [
            try DemographicFilter(name: hanzi.fullName, birthDate: nil, sex: nil),
            try DemographicFilter(name: latin.fullName, birthDate: nil, sex: nil),
            try DemographicFilter(name: nil, birthDate: hanzi.birthDate, sex: nil),
            try DemographicFilter(name: nil, birthDate: nil, sex: "2"),
            try DemographicFilter(name: hanzi.fullName, birthDate: hanzi.birthDate, sex: hanzi.sex),
        ]
        for filter in filters {
            let expected = matcher.records.indices.filter { filter.matches(matcher.records[$0]) }
            #expect(!expected.isEmpty)  // each criterion finds its own record at least
            #expect(matcher.positions(matching: filter) == expected)
            let odd = matcher.positions(matching: filter) { $0 % 2 == 1 }
            #expect(odd == expected.filter { $0 % 2 == 1 })
        }
    }
}
