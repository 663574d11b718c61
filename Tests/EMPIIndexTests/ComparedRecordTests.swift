import EMPI
import Testing

@testable import EMPIIndex

/// `PatientIndex.ComparedRecord`: levels compared in one matcher state are reused by a later one
/// only where a position still holds the same row at the same version.
@Suite("EMPI index comparisons made before a write lock")
struct ComparedRecordTests {
    static let records = SyntheticPopulation(seed: 31, options: .init(persons: 500)).records

    /// A state over `records` numbered as rows from `firstRow`, each at `version`, each its own person.
    static func state(_ records: ArraySlice<PersonRecord>, firstRow: Int64, version: Int64 = 1) throws
        -> PatientIndex.MatchState
    {
        let rows = records.enumerated().map { offset, record in
            (id: firstRow + Int64(offset), data: IndexJSON.record(record), version: version, person: firstRow + Int64(offset))
        }
        return try PatientIndex.MatchState(
            revision: 1, rows: rows, model: .default, blocker: Blocker(), normalizer: Normalizer())
    }

    static func same(_ a: RecordMatcher.Outcome, _ b: RecordMatcher.Outcome) -> Bool {
        a.decision == b.decision && a.candidates == b.candidates
    }

    @Test("a state grown by rows since the comparison answers as a match made afresh")
    func grownState() throws {
        let known = 300
        let earlier = try Self.state(Self.records.prefix(known), firstRow: 1)
        var later = earlier
        for (offset, record) in Self.records[known..<(known + 50)].enumerated() {
            later.add(row: Int64(known + 1 + offset), record: record, person: 7, version: 2)
        }
        var reusedAny = false
        for record in Self.records.suffix(150) {
            var issues: [RecordIssue] = []
            let normalized = later.matcher.normalizer.normalize(record, issues: &issues)
            let compared = earlier.compare(normalized)
            reusedAny = reusedAny || compared.count > 0
            #expect(Self.same(later.match(normalized, issues: issues, compared: compared), later.matcher.match(normalized: normalized, issues: issues)))
        }
        #expect(reusedAny)
    }

    @Test("levels of positions that now hold other rows, or a row at another version, are not reused")
    func otherRowsAtThePositions() throws {
        let compareIn = try Self.state(Self.records.prefix(400), firstRow: 1)
        // The same positions, holding the records shifted by one (a reload after a row left), and
        // the same rows at a newer version (their data changed).
        let shifted = try Self.state(Self.records.dropFirst().prefix(400), firstRow: 2)
        let newer = try Self.state(Self.records.dropFirst().prefix(400), firstRow: 1, version: 2)
        var wouldDiffer = 0
        for record in Self.records.suffix(100) {
            var issues: [RecordIssue] = []
            let normalized = compareIn.matcher.normalizer.normalize(record, issues: &issues)
            let compared = compareIn.compare(normalized)
            for state in [shifted, newer] {
                let fresh = state.matcher.match(normalized: normalized, issues: issues)
                #expect(Self.same(state.match(normalized, issues: issues, compared: compared), fresh))
                // What reusing them regardless would answer.
                let levels = Dictionary(uniqueKeysWithValues: zip(compared.positions, compared.levels).map { ($0, $1) })
                let blind = state.matcher.match(normalized: normalized, issues: issues) { levels[$0] }
                if !Self.same(blind, fresh) { wouldDiffer += 1 }
            }
        }
        #expect(wouldDiffer > 10, "the positions' records differ: reusing their levels would change answers")
    }
}
