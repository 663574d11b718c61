import Foundation
import HealthCardFoundation

/// Unsupervised estimation of a ``MatchModel`` (../shared/specs/empi.md §1.3), so a new data set
/// needs no labels:
///
/// - **u** from random record pairs, which are overwhelmingly non-matches;
/// - **m** by expectation-maximisation over the blocked pairs of each rule, leaving out the fields
///   the rule presupposes (a rule that blocks on birth date says nothing about the birth date's m),
///   then pooled over the rules, weighted by each run's expected matches, and shrunk towards the
///   base model by a few pseudo-pairs so unseen levels keep sensible values. Pairs that agree on
///   valid own citizen IDs are near-certain matches: with enough of them (``minimumAnchorPairs``)
///   they give m of every other field directly (the spec's "seed m from pairs that agree on a
///   validated strong identifier") and EM estimates only the citizen ID's m, with the other m
///   fixed; this keeps households (shared phone and address) out of the match class. Without
///   them (data with no IDs) every m comes from EM, the anchor counts added as labelled matches;
/// - **λ** from the number of deterministic matches (equal valid own citizen IDs) ÷ all possible
///   pairs, divided by the share of matches the deterministic rule can find, itself read off the
///   EM runs that do not block on the ID.
///
/// EM starts from the base model's m and a within-block λ read off the base model (the share of
/// pairs whose evidence favours a match), iterates until nothing moves by more than ``tolerance``,
/// and reports per run the iterations and whether it converged. ``guardrail`` then keeps the
/// estimate within plausible bounds of the base model and from loosening namesake protection
/// (``EstimationGuard``); the report keeps the unguarded estimate and what the guard changed.
///
/// Level patterns are aggregated into a histogram first, so EM iterates over a few thousand
/// distinct patterns, not millions of pairs. Everything is seeded and ordered: same input, same model.
public struct Estimator: Sendable {
    public var randomPairs: Int
    /// Pairs per blocking rule fed to EM (a deterministic stride sample beyond this).
    public var maximumPairsPerRule: Int
    public var iterations: Int
    public var seed: UInt64
    /// Weight of the base model's m, in pseudo-pairs.
    public var priorPseudoPairs: Double
    /// With at least this many deterministic pairs, m of every field but the citizen ID is taken
    /// from them, and EM estimates only the citizen ID's m and λ.
    public var minimumAnchorPairs: Int
    /// EM stops when no m and not λ moves by more than this in an iteration (or after ``iterations``).
    public var tolerance: Double
    /// Keeps the estimate from making the model worse than the base (`nil`: no guard).
    public var guardrail: EstimationGuard?
    /// After the guard, the estimate must decide the pairs that identifiers settle (hidden) as
    /// well as the base, within this much F1, or the base is kept (``IdentifierValidation``;
    /// `nil`: no validation).
    public var validationTolerance: Double?

    public init(
        randomPairs: Int = 1_000_000, maximumPairsPerRule: Int = 300_000, iterations: Int = 100, seed: UInt64 = 1,
        priorPseudoPairs: Double = 20, minimumAnchorPairs: Int = 200, tolerance: Double = 1e-5,
        guardrail: EstimationGuard? = EstimationGuard(), validationTolerance: Double? = 0.002
    ) {
        self.randomPairs = randomPairs
        self.maximumPairsPerRule = maximumPairsPerRule
        self.iterations = iterations
        self.seed = seed
        self.priorPseudoPairs = priorPseudoPairs
        self.minimumAnchorPairs = minimumAnchorPairs
        self.tolerance = tolerance
        self.guardrail = guardrail
        self.validationTolerance = validationTolerance
    }

    /// One EM run over the pairs of one blocking rule.
    public struct RuleRun: Sendable, Hashable, Codable {
        public var rule: BlockingRule
        public var pairs: Int
        public var patterns: Int
        /// Σ match probability over the run's pairs.
        public var expectedMatches: Double
        /// The match share within the rule's blocks.
        public var lambdaWithinBlocks: Double
        /// Fields whose m this run did not estimate.
        public var excludedFields: [MatchField]
        /// λ within the blocks that EM started from: the share of the run's pairs whose base-model
        /// evidence favours a match.
        public var startingLambda: Double
        /// EM iterations run, and whether the last one moved every m and λ by less than the tolerance.
        public var iterations: Int
        public var converged: Bool
        /// The largest change of an m or of λ in the last iteration.
        public var lastChange: Double
    }

    public struct Report: Sendable, Hashable, Codable {
        public var model: MatchModel
        public var records: Int
        public var randomPairs: Int
        public var runs: [RuleRun]
        public var deterministicPairs: Int
        /// The estimated share of true matches that agree on valid citizen IDs.
        public var deterministicRecall: Double
        /// The model as estimated, before the guard (``model`` is what scoring uses).
        public var unguardedModel: MatchModel? = nil
        /// What the guard changed, empty when the estimate passed as it was.
        public var adjustments: [EstimationGuard.Adjustment] = []
        /// The check against the base on pairs settled by identifiers; when it failed, ``model``
        /// is the base model.
        public var validation: IdentifierValidation? = nil
        /// The estimate failed ``validation`` and the base model is used instead.
        public var estimateRejected: Bool { validation.map { !$0.estimateIsNoWorse } ?? false }
        /// Every EM run converged within its iterations.
        public var converged: Bool { runs.allSatisfy(\.converged) }

        /// The chosen λ and, per field and level, m, u and the weight, for a report.
        public var summary: String {
            var lines = ["λ = " + String(model.prior) + "; \(deterministicPairs) deterministic pairs; EM "
                + (converged ? "converged" : "did not converge") + " in "
                + runs.map { "\($0.rule.rawValue):\($0.iterations)" }.joined(separator: " ") + " iterations"]
            for field in model.fields {
                let levels = field.levels.map { level in
                    level.level + " m=" + String(format: "%.4g", level.m) + " u=" + String(format: "%.4g", level.u)
                }
                lines.append(field.field.rawValue + ": " + levels.joined(separator: ", "))
            }
            for adjustment in adjustments { lines.append("guard: " + adjustment.description) }
            if let validation { lines.append(validation.summary) }
            return lines.joined(separator: "\n")
        }
    }

    public func estimate(records: [NormalizedRecord], index: CandidateIndex, base: MatchModel = .default) -> Report {
        let fields = MatchField.allCases
        var model = base
        let n = records.count
        guard n >= 2 else {
            return Report(
                model: base, records: n, randomPairs: 0, runs: [], deterministicPairs: 0, deterministicRecall: 1)
        }

        // u from random pairs.
        var random = SeededGenerator(seed: seed)
        var uCounts = [[Double]](repeating: [Double](repeating: 0, count: 16), count: MatchField.count)
        for _ in 0..<randomPairs {
            let i = random.int(below: n)
            var j = random.int(below: n - 1)
            if j >= i { j += 1 }
            let levels = Comparator.levels(records[i], records[j])
            for field in fields { uCounts[field.index][levels[field]] += 1 }
        }
        for field in fields {
            guard let parameters = base.field(field) else { continue }
            let counted = parameters.levels.compactMap { field.level(named: $0.level) }
            let total = counted.reduce(0.0) { $0 + uCounts[field.index][$1] }
            guard total > 0 else { continue }
            for level in counted {
                let u = (uCounts[field.index][level] + 0.5) / (total + 0.5 * Double(counted.count))
                model.set(field, level: field.levels[level], u: u)
            }
        }

        // Deterministic pairs (equal valid own citizen IDs) are near-certain matches: their level
        // counts anchor m of the other fields in every EM run (semi-supervised EM), so households
        // sharing a phone and an address are not mistaken for the match class.
        var anchor = [[Double]](repeating: [Double](repeating: 0, count: 16), count: MatchField.count)
        var deterministic = 0
        if let ruleNumber = index.blocker.rules.firstIndex(of: .citizenID) {
            index.forEachPair(ofRule: ruleNumber, stride: 1) { i, j in
                let levels = Comparator.levels(records[i], records[j])
                let id = levels[MatchField.citizenID]
                guard id == Int(CitizenIDLevel.exact.rawValue) || id == Int(CitizenIDLevel.legacyEquivalent.rawValue),
                    records[i].hasOwnValidCitizenID, records[j].hasOwnValidCitizenID
                else { return }
                deterministic += 1
                for field in fields where field != .citizenID {
                    let level = levels[field]
                    if !field.isNeutral(level: level) { anchor[field.index][level] += 1 }
                }
            }
        }

        let anchored = deterministic >= minimumAnchorPairs
        if anchored {
            for field in fields where field != .citizenID {
                guard let parameters = base.field(field) else { continue }
                let counted = parameters.levels.compactMap { field.level(named: $0.level) }
                let total = counted.reduce(0.0) { $0 + anchor[field.index][$1] }
                for level in counted {
                    let prior = base.parameters(field, level: field.levels[level])?.m ?? 0
                    let m = (anchor[field.index][level] + priorPseudoPairs * prior) / (total + priorPseudoPairs)
                    model.set(field, level: field.levels[level], m: m)
                }
            }
        }

        // m by EM, one run per rule.
        var runs: [RuleRun] = []
        var mSums = [[Double]](repeating: [Double](repeating: 0, count: 16), count: MatchField.count)
        var detNumerator = 0.0
        var detDenominator = 0.0
        let blocks = index.blocks()
        for (ruleNumber, rule) in index.blocker.rules.enumerated() {
            let total = blocks.lazy.filter { $0.rule == ruleNumber }.reduce(0) { $0 + $1.pairs }
            guard total > 0 else { continue }
            let stride = max(1, (total + maximumPairsPerRule - 1) / maximumPairsPerRule)
            var histogram: [UInt32: Double] = [:]
            var pairs = 0
            index.forEachPair(ofRule: ruleNumber, stride: stride) { i, j in
                histogram[Comparator.levels(records[i], records[j]).rawValue, default: 0] += 1
                pairs += 1
            }
            let patterns = histogram.keys.sorted().map { (LevelVector(rawValue: $0), histogram[$0]!) }
            let included = fields.filter { !rule.fields.contains($0) }
            let updated = anchored ? included.filter { $0 == .citizenID } : included
            let result = expectationMaximisation(
                patterns, included: included, updated: updated, model: model, anchor: anchored ? nil : anchor)
            runs.append(
                RuleRun(
                    rule: rule, pairs: pairs, patterns: patterns.count, expectedMatches: result.expected,
                    lambdaWithinBlocks: result.lambda, excludedFields: rule.fields,
                    startingLambda: result.startingLambda, iterations: result.iterations,
                    converged: result.converged, lastChange: result.lastChange))
            for field in updated {
                for level in 0..<16 { mSums[field.index][level] += result.matchCounts[field.index][level] }
            }
            if !rule.fields.contains(.citizenID) {
                detNumerator +=
                    result.matchCounts[0][Int(CitizenIDLevel.exact.rawValue)]
                    + result.matchCounts[0][Int(CitizenIDLevel.legacyEquivalent.rawValue)]
                detDenominator += result.expected
            }
        }
        for field in fields where !anchored || field == .citizenID {
            guard let parameters = base.field(field) else { continue }
            let extra = anchored ? [Double](repeating: 0, count: 16) : anchor[field.index]
            let counted = parameters.levels.compactMap { field.level(named: $0.level) }
            let total = counted.reduce(0.0) { $0 + mSums[field.index][$1] + extra[$1] }
            guard total > 0 else { continue }
            for level in counted {
                let prior = base.parameters(field, level: field.levels[level])?.m ?? 0
                let m =
                    (mSums[field.index][level] + extra[level] + priorPseudoPairs * prior)
                    / (total + priorPseudoPairs)
                model.set(field, level: field.levels[level], m: m)
            }
        }

        // λ from deterministic matches.
        let recall = detDenominator > 0 ? min(max(detNumerator / detDenominator, 0.05), 1) : 0.8
        let possible = Double(n) * Double(n - 1) / 2
        if deterministic > 0 {
            model.prior = min(max(Double(deterministic) / possible / recall, 1e-12), 0.5)
        }
        var report = Report(
            model: model, records: n, randomPairs: randomPairs, runs: runs, deterministicPairs: deterministic,
            deterministicRecall: recall)
        if let guardrail {
            let (guarded, adjustments) = guardrail.apply(estimated: model, base: base)
            report.unguardedModel = model
            report.model = guarded
            report.adjustments = adjustments
        }
        if let validationTolerance {
            let validation = IdentifierValidation(
                records: records, index: index, base: base, estimated: report.model, tolerance: validationTolerance)
            report.validation = validation
            if !validation.estimateIsNoWorse { report.model = base }
        }
        return report
    }

    struct EMResult {
        var matchCounts: [[Double]]
        var expected: Double
        var lambda: Double
        var startingLambda: Double = 0
        var iterations = 0
        var converged = false
        var lastChange = 0.0
    }

    /// Fellegi-Sunter EM with u fixed: the E-step uses the `included` fields, the M-step updates m
    /// of the `updated` ones (adding the `anchor` counts of labelled matches) and the within-block λ.
    func expectationMaximisation(
        _ patterns: [(LevelVector, Double)], included: [MatchField], updated: [MatchField], model: MatchModel,
        anchor: [[Double]]?
    ) -> EMResult {
        var m = [[Double]](repeating: [Double](repeating: 0, count: 16), count: MatchField.count)
        var u = m
        let range = MatchModel.probabilityRange
        for field in included {
            for level in 1..<field.levels.count where !field.isNeutral(level: level) {
                let parameters = model.parameters(field, level: field.levels[level]) ?? (0.5, 0.5)
                m[field.index][level] = min(max(parameters.m, range.lowerBound), range.upperBound)
                u[field.index][level] = min(max(parameters.u, range.lowerBound), range.upperBound)
            }
        }
        let total = patterns.reduce(0.0) { $0 + $1.1 }
        // Start λ where the base model puts it: the share of pairs whose evidence on the included
        // fields favours a match (m/u > 1), kept away from 0 and 1 so EM can move either way.
        var favouring = 0.0
        for (levels, count) in patterns {
            var ratio = 0.0
            for field in included {
                let level = levels[field]
                if level == 0 || field.isNeutral(level: level) { continue }
                ratio += EMPIMath.log2(m[field.index][level]) - EMPIMath.log2(u[field.index][level])
            }
            if ratio > 0 { favouring += count }
        }
        let startingLambda = min(max(favouring / max(total, 1), 0.001), 0.5)
        var lambda = startingLambda
        var counts = [[Double]](repeating: [Double](repeating: 0, count: 16), count: MatchField.count)
        var expected = 0.0
        var iteration = 0
        var change = Double.infinity
        while iteration < iterations && change > tolerance {
            iteration += 1
            change = 0
            counts = [[Double]](repeating: [Double](repeating: 0, count: 16), count: MatchField.count)
            expected = 0
            for (levels, count) in patterns {
                var pm = lambda
                var pu = 1 - lambda
                for field in included {
                    let level = levels[field]
                    if level == 0 || field.isNeutral(level: level) { continue }
                    pm *= m[field.index][level]
                    pu *= u[field.index][level]
                }
                let p = pm / (pm + pu)
                expected += p * count
                for field in included { counts[field.index][levels[field]] += p * count }
            }
            let newLambda = min(max(expected / total, 1e-9), 1 - 1e-9)
            change = abs(newLambda - lambda)
            lambda = newLambda
            for field in updated {
                let extra = anchor?[field.index] ?? [Double](repeating: 0, count: 16)
                let levels = (1..<field.levels.count).filter { !field.isNeutral(level: $0) }
                let sum = levels.reduce(0.0) { $0 + counts[field.index][$1] + extra[$1] }
                guard sum > 0 else { continue }
                for level in levels {
                    let value = min(max((counts[field.index][level] + extra[level]) / sum, range.lowerBound), range.upperBound)
                    change = max(change, abs(value - m[field.index][level]))
                    m[field.index][level] = value
                }
            }
        }
        // Neutral levels carry no information about m.
        for field in included {
            for level in 0..<field.levels.count where field.isNeutral(level: level) { counts[field.index][level] = 0 }
        }
        return EMResult(
            matchCounts: counts, expected: expected, lambda: lambda, startingLambda: startingLambda,
            iterations: iteration, converged: change <= tolerance, lastChange: change)
    }
}
