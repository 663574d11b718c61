import Dispatch
import Synchronization
import HealthCardFoundation

/// Batch deduplication of a record set (../shared/specs/empi.md §1.1, §1.4-§1.5): normalise →
/// term frequencies → blocking index → (optionally) unsupervised estimation → score every candidate
/// pair once → decide → cluster auto-links with union-find, never merging across a veto.
///
/// Scoring runs on all cores over chunks of blocks; chunk results are joined in block order, so
/// the output does not depend on thread timing (../shared/specs/empi.md §5.5).
public struct Deduplicator: Sendable {
    public var model: MatchModel
    public var blocker: Blocker
    public var normalizer: Normalizer
    /// Estimate m, u and λ from the data first (`nil`: score with ``model`` as given).
    public var estimator: Estimator?
    /// Pairs in this band or above are returned (review: auto-links and reviews).
    public var minimumReportedBand: MatchBand
    public var threads: Int

    public init(
        model: MatchModel = .default, blocker: Blocker = Blocker(), normalizer: Normalizer = Normalizer(),
        estimator: Estimator? = Estimator(), minimumReportedBand: MatchBand = .review, threads: Int = 2
    ) {
        self.model = model
        self.blocker = blocker
        self.normalizer = normalizer
        self.estimator = estimator
        self.minimumReportedBand = minimumReportedBand
        self.threads = threads
    }

    /// A reported pair of record indices (a < b).
    public struct Pair: Sendable, Hashable, Codable {
        public let a: Int
        public let b: Int
        public let weight: Double
        public let decision: MatchBand
        public let deterministicRule: DeterministicRule?
        public let vetoes: VetoSet
        public let blockingRules: BlockingRuleSet
        /// The comparison level of each field, as scored (an explanation reuses them).
        public let levels: LevelVector

        public var probability: Double { EMPIMath.probability(weight: weight) }
    }

    public struct Result: Sendable {
        /// The model the pairs were scored with (estimated, when an estimator ran).
        public var model: MatchModel
        public var estimation: Estimator.Report?
        /// Pairs at or above the reported band, ordered by (a, b).
        public var pairs: [Pair]
        /// Persons: clusters of record indices, each sorted, ordered by first record; singletons included.
        public var clusters: [[Int]]
        public var issues: [RecordIssue]
        public var blocking: BlockingStatistics
        /// Seconds per stage, for reports; not part of the deterministic output.
        public var timings: [(stage: String, seconds: Double)]
        /// The records as normalised and annotated with the run's term frequencies, in input order:
        /// what the pairs were scored on, for explanations (``Scorer/explain(_:_:_:_:levels:blockingRules:notSamePerson:)``)
        /// and for a ``RecordMatcher`` over the same data.
        public var normalized: [NormalizedRecord] = []
        /// The blocking index and term frequencies built over ``normalized``: a ``RecordMatcher``
        /// over the same records can take them rather than build them again (a bulk ingest does).
        public var candidateIndex: CandidateIndex?
        public var termFrequencies: TermFrequencies?

        /// `id_a,id_b,match_probability,decision` lines with a header.
        public func pairsCSV(records: [PersonRecord]) -> String {
            var lines = ["id_a,id_b,match_probability,decision"]
            for pair in pairs {
                let ids = CSVCell.row([records[pair.a].id, records[pair.b].id])
                lines.append(ids + "," + Self.format(pair.probability) + "," + pair.decision.rawValue)
            }
            return lines.joined(separator: "\n") + "\n"
        }

        /// `record_id,person` lines with a header: the person of each record is its cluster's number.
        public func clustersCSV(records: [PersonRecord]) -> String {
            var lines = ["record_id,person"]
            for (number, cluster) in clusters.enumerated() {
                for record in cluster { lines.append(CSVCell.row([records[record].id, String(number)])) }
            }
            return lines.joined(separator: "\n") + "\n"
        }

        static func format(_ probability: Double) -> String {
            let scaled = (probability * 1_000_000).rounded()
            let whole = Int(scaled) / 1_000_000
            return "\(whole)." + pad(Int(scaled) % 1_000_000, 6)
        }

        /// The person (cluster number) of each record.
        public var clusterOfRecord: [Int] {
            var result = [Int](repeating: 0, count: clusters.reduce(0) { $0 + $1.count })
            for (number, cluster) in clusters.enumerated() { for record in cluster { result[record] = number } }
            return result
        }
    }

    /// Runs the pipeline. `truth` (a person per record) adds pair completeness to the blocking
    /// statistics; `notSamePerson` holds record pairs with a persistent "not the same person" assertion.
    public func run(_ records: [PersonRecord], truth: [Int]? = nil, notSamePerson: Set<RecordPair> = []) -> Result {
        var timings: [(String, Double)] = []
        var clock = ContinuousClock.now
        func lap(_ stage: String) {
            let now = ContinuousClock.now
            let elapsed = now - clock
            timings.append((stage, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
            clock = now
        }

        var annotated: [NormalizedRecord]
        let issues: [RecordIssue]
        (annotated, issues) = normalizeAll(records)
        lap("normalise")
        // Annotated in place: the records are not copied (a copy retains every array of each).
        let frequencies = TermFrequencies(records: annotated)
        frequencies.annotate(&annotated)
        lap("term frequencies")
        let index = CandidateIndex(records: annotated, blocker: blocker)
        lap("blocking index")
        var estimation: Estimator.Report?
        var model = self.model
        if let estimator {
            estimation = estimator.estimate(records: annotated, index: index, base: model)
            model = estimation!.model
            lap("estimation")
        }
        let scorer = Scorer(model: model)
        let (pairs, constraints, statistics) = scoreAll(
            annotated, index: index, scorer: scorer, truth: truth,
            notSamePerson: notSamePerson)
        lap("scoring")
        let clusters = cluster(count: records.count, pairs: pairs, constraints: constraints)
        lap("clustering")
        var blocking = statistics
        if let truth {
            var sizes: [Int: Int] = [:]
            for person in truth { sizes[person, default: 0] += 1 }
            blocking.truePairs = sizes.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        }
        return Result(
            model: model, estimation: estimation,
            pairs: pairs.filter { $0.decision >= minimumReportedBand }, clusters: clusters, issues: issues,
            blocking: blocking, timings: timings, normalized: annotated, candidateIndex: index,
            termFrequencies: frequencies)
    }

    /// Links two record sets (record linkage rather than deduplication, issue 8 item 6
    /// `link-files`): one run over `left + right`, so both files share term frequencies, blocking and
    /// clustering, with only the pairs across the files reported. Record `i` of the result is
    /// `left[i]` for `i < left.count`, else `right[i - left.count]`.
    public func link(_ left: [PersonRecord], _ right: [PersonRecord]) -> Result {
        var result = run(left + right)
        result.pairs = result.pairs.filter { $0.a < left.count && $0.b >= left.count }
        return result
    }

    /// Normalises in parallel chunks; issues come back in record order.
    func normalizeAll(_ records: [PersonRecord]) -> ([NormalizedRecord], [RecordIssue]) {
        let chunkSize = 4_096
        let chunks = (records.count + chunkSize - 1) / chunkSize
        let results = Mutex([Int: ([NormalizedRecord], [RecordIssue])]())
        let normalizer = self.normalizer
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var out: [NormalizedRecord] = []
            var issues: [RecordIssue] = []
            let range = (chunk * chunkSize)..<min(records.count, (chunk + 1) * chunkSize)
            out.reserveCapacity(range.count)
            for position in range { out.append(normalizer.normalize(records[position], issues: &issues)) }
            results.withLock { $0[chunk] = (out, issues) }
        }
        return results.withLock { table in
            var normalized: [NormalizedRecord] = []
            normalized.reserveCapacity(records.count)
            var issues: [RecordIssue] = []
            for chunk in 0..<chunks {
                normalized += table[chunk]!.0
                issues += table[chunk]!.1
            }
            return (normalized, issues)
        }
    }

    struct ChunkOutput: Sendable {
        var pairs: [Pair] = []
        var constraints: [(Int, Int)] = []
        var candidates = 0
        var perRule = [Int](repeating: 0, count: BlockingRule.allCases.count + 1)
        var trueReached = 0
    }

    func scoreAll(
        _ records: [NormalizedRecord], index: CandidateIndex, scorer: Scorer, truth: [Int]?,
        notSamePerson: Set<RecordPair>
    ) -> ([Pair], [(Int, Int)], BlockingStatistics) {
        let blocks = index.blocks()
        let totalPairs = blocks.reduce(0) { $0 + $1.pairs }
        let chunkCount = max(1, min(blocks.count, threads * 32))
        let target = max(1, totalPairs / chunkCount)
        var chunks: [Range<Int>] = []
        var start = 0
        var accumulated = 0
        for (position, block) in blocks.enumerated() {
            accumulated += block.pairs
            if accumulated >= target {
                chunks.append(start..<(position + 1))
                start = position + 1
                accumulated = 0
            }
        }
        if start < blocks.count { chunks.append(start..<blocks.count) }

        let results = Mutex([Int: ChunkOutput]())
        let keepFrom = min(minimumReportedBand, .review)
        let ranges = chunks
        DispatchQueue.concurrentPerform(iterations: ranges.count) { number in
            var output = ChunkOutput()
            records.withUnsafeBufferPointer { buffer in
                let records = UnsafeMutablePointer(mutating: buffer.baseAddress!)
                index.forEachCandidatePair(in: blocks[ranges[number]]) { i, j, rules in
                    var score = Self.score(&records[i], &records[j], scorer)
                    if !notSamePerson.isEmpty && notSamePerson.contains(RecordPair(i, j)) {
                        score.vetoes.insert(.notSamePerson)
                    }
                    output.candidates += 1
                    output.perRule[rules.first!.rawValue] += 1
                    if let truth, truth[i] == truth[j] { output.trueReached += 1 }
                    let decision = scorer.decision(score)
                    // A veto matters where the score or the deterministic rule would link or queue the
                    // pair: those become cannot-link constraints for the clustering.
                    if !score.vetoes.isEmpty
                        && (score.deterministic != nil || scorer.band(weight: score.weight) != .nonMatch)
                    {
                        output.constraints.append((i, j))
                    }
                    if decision >= keepFrom {
                        output.pairs.append(
                            Pair(
                                a: i, b: j, weight: score.weight, decision: decision,
                                deterministicRule: score.deterministic, vetoes: score.vetoes, blockingRules: rules,
                                levels: score.levels))
                    }
                }
            }
            results.withLock { $0[number] = output }
        }
        return results.withLock { table in
            var pairs: [Pair] = []
            var constraints: [(Int, Int)] = []
            var statistics = BlockingStatistics(
                rules: index.statistics, records: records.count, candidatePairs: 0,
                truePairsReached: truth == nil ? nil : 0, truePairs: nil)
            for number in 0..<ranges.count {
                let output = table[number]!
                pairs += output.pairs
                constraints += output.constraints
                statistics.candidatePairs += output.candidates
                if truth != nil { statistics.truePairsReached! += output.trueReached }
                for (position, rule) in statistics.rules.enumerated() {
                    statistics.rules[position].pairs += output.perRule[rule.rule.rawValue]
                }
            }
            pairs.sort { ($0.a, $0.b) < ($1.a, $1.b) }
            return (pairs, constraints, statistics)
        }
    }

    /// `scorer.evaluate(a, b)` on two records in place. Passed `inout` only so that the compiler
    /// may read them where they are: from a plain buffer it copied both records per pair (a memcpy
    /// and a retain and release of each of their arrays, about a tenth of the scoring's CPU). Nothing
    /// is written to them.
    @inline(__always) static func score(_ a: inout NormalizedRecord, _ b: inout NormalizedRecord, _ scorer: Scorer) -> PairScore {
        scorer.evaluate(a, b)
    }

    /// Union-find over auto-links, strongest first; vetoed pairs become cannot-link constraints, and
    /// an auto-link that would join two clusters across one is left out of the clustering.
    func cluster(count: Int, pairs: [Pair], constraints: [(Int, Int)]) -> [[Int]] {
        var sets = ConstrainedUnionFind(count: count)
        for (a, b) in constraints.sorted(by: { $0 < $1 }) { sets.forbid(a, b) }
        let links = pairs.filter { $0.decision == .autoLink }
            .sorted { ($0.weight, $1.a, $1.b) > ($1.weight, $0.a, $0.b) }
        for link in links { sets.union(link.a, link.b) }
        return sets.clusters()
    }
}

/// An unordered pair of record indices, for "not the same person" assertions.
public struct RecordPair: Sendable, Hashable, Codable {
    public let a: Int
    public let b: Int

    public init(_ x: Int, _ y: Int) {
        a = min(x, y)
        b = max(x, y)
    }
}
