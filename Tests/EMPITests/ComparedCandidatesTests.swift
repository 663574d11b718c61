import EMPI
import Testing

/// A match given the comparison levels of an earlier state of its matcher
/// (`RecordMatcher.compareCandidates(of:)`, `match(normalized:issues:…comparedLevels:)`): the
/// comparison is made outside a write lock, the match under it, while the index has grown.
@Suite("EMPI matches with candidates compared earlier")
struct ComparedCandidatesTests {
    static let records = SyntheticPopulation(seed: 29, options: .init(persons: 600)).records

    /// Levels of `earlier` for the records it held, nothing for the ones added since.
    static func lookup(_ compared: [(record: Int, levels: LevelVector)], heldBy count: Int) -> (Int) -> LevelVector? {
        let levels = Dictionary(uniqueKeysWithValues: compared.map { ($0.record, $0.levels) })
        return { $0 < count ? levels[$0] : nil }
    }

    @Test("levels compared before records were added and moved give the outcome of a match made afresh")
    func sameOutcome() {
        let records = Self.records
        let known = records.count * 3 / 4
        let earlier = RecordMatcher(records: Array(records.prefix(known)), persons: Array(0..<known))
        var later = earlier
        // The index grows (term frequencies and candidates move) and two records change person.
        for (offset, record) in records[known..<(known + 40)].enumerated() { later.add(record, person: known + offset) }
        later.assign(record: 3, to: 4)
        later.assign(record: 10, to: 11)
        var consulted = 0
        var differentWhenWrong = 0
        for record in records.suffix(records.count - known - 40) {
            var issues: [RecordIssue] = []
            let normalized = later.normalizer.normalize(record, issues: &issues)
            let compared = earlier.compareCandidates(of: normalized)
            consulted += compared.count
            let fresh = later.match(normalized: normalized, issues: issues)
            let reused = later.match(normalized: normalized, issues: issues, comparedLevels: Self.lookup(compared, heldBy: known))
            #expect(reused.decision == fresh.decision)
            #expect(reused.candidates == fresh.candidates)
            // The levels are used: wrong ones change the answer somewhere.
            let wrong = later.match(normalized: normalized, issues: issues) { $0 < known ? LevelVector() : nil }
            if wrong.candidates != fresh.candidates { differentWhenWrong += 1 }
        }
        #expect(consulted > 1_000, "records with candidates among the earlier ones")
        #expect(differentWhenWrong > 10)
    }

    @Test("the comparison lists the match's candidates, in record order, with their levels")
    func comparisonIsTheCandidates() {
        let matcher = RecordMatcher(records: Self.records, persons: Array(Self.records.indices))
        for record in Self.records.prefix(50) {
            let normalized = matcher.normalizer.normalize(record)
            let compared = matcher.compareCandidates(of: normalized)
            #expect(compared.map(\.record) == matcher.index.candidates(for: normalized).map(\.record))
            for (position, levels) in compared {
                #expect(levels == Comparator.levels(normalized, matcher.records[position]))
            }
        }
    }
}
