import HealthCardTestSupport
import Testing
@testable import EMPI
@testable import HealthCardFoundation


/// ../shared/specs/empi.md §5.5: the same input, config and seed give identical decisions and
/// explanations.
@Suite("EMPI determinism")
struct EMPIDeterminismTests {
    @Test("the same seed generates the same population; another seed does not")
    func generator() {
        let a = SyntheticPopulation(seed: 5, options: .init(persons: 300))
        let b = SyntheticPopulation(seed: 5, options: .init(persons: 300))
        let c = SyntheticPopulation(seed: 6, options: .init(persons: 300))
        #expect(a.records == b.records)
        #expect(a.personOfRecord == b.personOfRecord)
        #expect(a.twins == b.twins && a.guardians == b.guardians && a.sameNameBirthDate == b.sameNameBirthDate)
        #expect(a.csv() == b.csv())
        #expect(a.records != c.records)
    }

    @Test("deduplication output and explanations are identical across runs and thread counts")
    func dedupe() throws {
        let population = SyntheticPopulation(seed: 9, options: .init(persons: 400))
        let normalizer = Normalizer(today: EMPIFixture.today)
        let estimator = Estimator(randomPairs: 100_000)
        let first = Deduplicator(normalizer: normalizer, estimator: estimator, threads: 2).run(population.records)
        let second = Deduplicator(normalizer: normalizer, estimator: estimator, threads: 1).run(population.records)
        #expect(first.model == second.model)
        #expect(first.pairs == second.pairs)
        #expect(first.clusters == second.clusters)
        #expect(first.pairsCSV(records: population.records) == second.pairsCSV(records: population.records))
        #expect(!first.pairs.isEmpty)

        var records = population.records.map(normalizer.normalize)
        TermFrequencies(records: records).annotate(&records)
        let scorer = Scorer(model: first.model)
        for pair in first.pairs.prefix(20) {
            let x = try scorer.explain(
                population.records[pair.a], records[pair.a], population.records[pair.b], records[pair.b],
                blockingRules: pair.blockingRules
            ).json()
            let y = try scorer.explain(
                population.records[pair.a], records[pair.a], population.records[pair.b], records[pair.b],
                blockingRules: pair.blockingRules
            ).json()
            #expect(x == y)
        }
    }
}
