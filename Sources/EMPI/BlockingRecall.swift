import HealthCardFoundation

/// Blocking measured against known truth (issue 18 item 1, ../shared/specs/empi.md §1.4): for
/// each rule the pairs its blocks propose and the true pairs among them, and for the union of the
/// rules the true pairs reached and the ones no rule proposes, so a report can say which rule
/// earns its candidates and which true pairs blocking loses.
///
/// A pair counts for a rule when the two records share one of its keys in a block within the
/// rule's cap (the same test ``CandidateIndex/rules(_:_:)`` applies when scoring).
public struct BlockingRecall: Sendable {
    public struct Rule: Sendable, Hashable {
        public var rule: BlockingRule
        /// Pairs in the rule's blocks within its cap (a pair sharing two keys counts twice).
        public var blockPairs: Int
        /// True pairs the rule proposes.
        public var truePairsReached: Int
        /// Blocks skipped because they exceed the rule's cap.
        public var overflowBlocks: Int
    }

    public var rules: [Rule]
    /// True pairs: within a person (dedupe) or across the two files (linkage).
    public var truePairs: Int
    /// True pairs proposed by at least one rule.
    public var truePairsReached: Int
    /// The true pairs no rule proposes, in record order.
    public var missed: [RecordPair]

    /// The union's recall (pair completeness); 1 when there are no true pairs.
    public var recall: Double { truePairs == 0 ? 1 : Double(truePairsReached) / Double(truePairs) }

    /// The recall of one rule alone.
    public func recall(of rule: Rule) -> Double {
        truePairs == 0 ? 1 : Double(rule.truePairsReached) / Double(truePairs)
    }

    /// Measures `index` against `truth` (a person per indexed record). With `leftCount`, the records
    /// `0..<leftCount` are one file and the rest the other, and only pairs across them count.
    public init(index: CandidateIndex, truth: [Int], leftCount: Int? = nil) {
        var recordsOfPerson: [Int: [Int]] = [:]
        for (record, person) in truth.enumerated() { recordsOfPerson[person, default: []].append(record) }
        var reachedPerRule = [Int](repeating: 0, count: index.ruleIndexes.count)
        var truePairs = 0
        var reached = 0
        var missed: [RecordPair] = []
        for person in recordsOfPerson.keys.sorted() {
            let records = recordsOfPerson[person]!
            for x in records.indices {
                for y in (x + 1)..<records.count {
                    let (i, j) = (records[x], records[y])
                    if let leftCount, (i < leftCount) == (j < leftCount) { continue }
                    truePairs += 1
                    let rules = index.rules(i, j)
                    if rules.isEmpty {
                        missed.append(RecordPair(i, j))
                        continue
                    }
                    reached += 1
                    for (position, ruleIndex) in index.ruleIndexes.enumerated() where rules.contains(ruleIndex.rule) {
                        reachedPerRule[position] += 1
                    }
                }
            }
        }
        var rules: [Rule] = []
        for (position, ruleIndex) in index.ruleIndexes.enumerated() {
            let cap = index.blocker.maximumBlockSize(for: ruleIndex.rule)
            var pairs = 0
            var start = 0
            while start < ruleIndex.keys.count {
                var end = start + 1
                while end < ruleIndex.keys.count && ruleIndex.keys[end] == ruleIndex.keys[start] { end += 1 }
                let size = end - start
                if size <= cap { pairs += size * (size - 1) / 2 }
                start = end
            }
            rules.append(
                Rule(
                    rule: ruleIndex.rule, blockPairs: pairs, truePairsReached: reachedPerRule[position],
                    overflowBlocks: ruleIndex.overflow.count))
        }
        self.rules = rules
        self.truePairs = truePairs
        self.truePairsReached = reached
        self.missed = missed.sorted { ($0.a, $0.b) < ($1.a, $1.b) }
    }
}
