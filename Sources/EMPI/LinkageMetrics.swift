import HealthCardFoundation

/// Accuracy of a deduplication run against known truth (../shared/specs/empi.md §5.3): pairwise
/// precision, recall and F1 at the auto-link threshold, the review band, blocking pair completeness
/// and reduction ratio, cluster-level scores (clusters expanded into pairs), and the adversarial
/// counts that must stay zero (auto-merged twins, guardian-ID pairs).
public struct LinkageMetrics: Sendable, Hashable, Codable {
    public struct Scores: Sendable, Hashable, Codable {
        public var truePositives: Int
        public var falsePositives: Int
        public var falseNegatives: Int

        public var precision: Double {
            truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        public var recall: Double {
            truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
        }
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    }

    /// Auto-linked pairs against true pairs.
    public var pairwise: Scores
    /// Pairs decided "review", and how many of them are true matches.
    public var reviewPairs: Int
    public var reviewTrueMatches: Int
    /// Pairs within predicted clusters against true pairs.
    public var cluster: Scores
    public var pairCompleteness: Double?
    public var reductionRatio: Double
    public var truePairs: Int
    /// Adversarial person pairs (twins, newborn and mother, namesakes) linked by an auto-link pair…
    public var twinAutoLinks: Int
    public var guardianAutoLinks: Int
    public var sameNameBirthDateAutoLinks: Int
    /// …or ending in one cluster.
    public var twinMerged: Int
    public var guardianMerged: Int
    public var sameNameBirthDateMerged: Int

    public init(result: Deduplicator.Result, population: SyntheticPopulation) {
        self.init(
            result: result, truth: population.personOfRecord, twins: population.twins,
            guardians: population.guardians, sameNameBirthDate: population.sameNameBirthDate)
    }

    public init(
        result: Deduplicator.Result, truth: [Int], twins: [SyntheticPopulation.PersonPair] = [],
        guardians: [SyntheticPopulation.PersonPair] = [], sameNameBirthDate: [SyntheticPopulation.PersonPair] = []
    ) {
        var sizes: [Int: Int] = [:]
        for person in truth { sizes[person, default: 0] += 1 }
        let truePairs = sizes.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        self.truePairs = truePairs

        var tp = 0
        var fp = 0
        var review = 0
        var reviewTrue = 0
        func key(_ x: Int, _ y: Int) -> Int { min(x, y) << 32 | max(x, y) }
        let twinSet = Set(twins.map { key($0.a, $0.b) })
        let guardianSet = Set(guardians.map { key($0.a, $0.b) })
        let namesakeSet = Set(sameNameBirthDate.map { key($0.a, $0.b) })
        var twinLinks = Set<Int>()
        var guardianLinks = Set<Int>()
        var namesakeLinks = Set<Int>()
        for pair in result.pairs {
            let same = truth[pair.a] == truth[pair.b]
            switch pair.decision {
            case .autoLink:
                if same { tp += 1 } else { fp += 1 }
                let persons = key(truth[pair.a], truth[pair.b])
                if twinSet.contains(persons) { twinLinks.insert(persons) }
                if guardianSet.contains(persons) { guardianLinks.insert(persons) }
                if namesakeSet.contains(persons) { namesakeLinks.insert(persons) }
            case .review:
                review += 1
                if same { reviewTrue += 1 }
            case .nonMatch:
                break
            }
        }
        pairwise = Scores(truePositives: tp, falsePositives: fp, falseNegatives: truePairs - tp)
        reviewPairs = review
        reviewTrueMatches = reviewTrue

        var clusterTP = 0
        var clusterPairs = 0
        var merged = [Set<Int>](repeating: [], count: 3)
        for members in result.clusters where members.count > 1 {
            clusterPairs += members.count * (members.count - 1) / 2
            var perPerson: [Int: Int] = [:]
            for record in members { perPerson[truth[record], default: 0] += 1 }
            clusterTP += perPerson.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
            let persons = perPerson.keys.sorted()
            if persons.count > 1 {
                for x in persons.indices {
                    for y in (x + 1)..<persons.count {
                        let k = key(persons[x], persons[y])
                        if twinSet.contains(k) { merged[0].insert(k) }
                        if guardianSet.contains(k) { merged[1].insert(k) }
                        if namesakeSet.contains(k) { merged[2].insert(k) }
                    }
                }
            }
        }
        cluster = Scores(
            truePositives: clusterTP, falsePositives: clusterPairs - clusterTP,
            falseNegatives: truePairs - clusterTP)
        pairCompleteness = result.blocking.pairCompleteness
        reductionRatio = result.blocking.reductionRatio
        twinAutoLinks = twinLinks.count
        guardianAutoLinks = guardianLinks.count
        sameNameBirthDateAutoLinks = namesakeLinks.count
        twinMerged = merged[0].count
        guardianMerged = merged[1].count
        sameNameBirthDateMerged = merged[2].count
    }
}
