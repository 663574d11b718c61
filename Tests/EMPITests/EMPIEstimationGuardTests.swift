import HealthCardTestSupport
import Testing
@testable import EMPI
@testable import HealthCardFoundation

/// The estimation guard (issue 18 item 3): estimates stay within plausible bounds of the built-in
/// model, never loosen namesake protection past auto-link, and EM reports its convergence.
@Suite("EMPI estimation guard")
struct EMPIEstimationGuardTests {
    /// Weight of "same name, same birth date and sex, nothing identifying agrees" under a model.
    func namesakeWeight(_ model: MatchModel, differing: [MatchField]) -> Double {
        let weights = EstimationGuard.LevelWeights(model)
        var pattern = [
            EstimationGuard.Entry(field: .nameLatin, level: "exact"),
            EstimationGuard.Entry(field: .birthDate, level: "exact"), EstimationGuard.Entry(field: .sex, level: "same"),
        ]
        for field in differing { pattern.append(EstimationGuard.Entry(field: field, level: "different")) }
        return weights.total(pattern)
    }

    @Test("m and u outside a decade of the base are clipped to the bound, and reported")
    func bounds() {
        var estimated = MatchModel.default
        estimated.set(.birthDate, level: "oneDigit", u: 1e-8)  // base 6e-4: far too rare
        estimated.set(.phone, level: "different", m: 0.001)  // base 0.29
        let (guarded, adjustments) = EstimationGuard().apply(estimated: estimated, base: .default)
        #expect(abs(guarded.parameters(.birthDate, level: "oneDigit")!.u - 6e-5) < 1e-12)
        #expect(abs(guarded.parameters(.phone, level: "different")!.m - 0.029) < 1e-12)
        let clipped = Set(adjustments.filter { $0.reason == .outOfBounds }.map { "\($0.field?.rawValue ?? "λ").\($0.level)" })
        #expect(clipped.contains("birthDate.oneDigit") && clipped.contains("phone.different"))
        // Values within the bounds are kept as estimated.
        #expect(guarded.parameters(.nameLatin, level: "exact")! == MatchModel.default.parameters(.nameLatin, level: "exact")!)
    }

    @Test("an estimate that would auto-link namesakes the base model does not is pulled back")
    func namesakes() {
        let base = MatchModel.default
        var estimated = base
        // EM mistook households for matches: disagreeing phone and address look common among
        // matches, so disagreement costs almost nothing; within the bounds, so only rule 2 acts.
        estimated.set(.phone, level: "different", m: 0.9)
        estimated.set(.address, level: "different", m: 0.5)
        estimated.set(.citizenID, level: "different", m: 0.9)
        estimated.set(.identifier, level: "different", m: 0.45)
        let differing: [MatchField] = [.citizenID, .phone, .address, .identifier]
        let threshold = Scorer(model: base).autoLinkWeight
        #expect(namesakeWeight(base, differing: differing) < threshold)
        #expect(namesakeWeight(estimated, differing: differing) >= threshold, "the test's estimate is loose")

        let (guarded, adjustments) = EstimationGuard().apply(estimated: estimated, base: base)
        for pattern in EstimationGuard.namesakePatterns {
            let weight = EstimationGuard.LevelWeights(guarded).total(pattern)
            let baseWeight = EstimationGuard.LevelWeights(base).total(pattern)
            #expect(weight <= baseWeight + 1e-9 || weight < threshold, "\(pattern)")
        }
        #expect(adjustments.contains { $0.reason == .namesakeProtection && $0.field != nil })
        #expect(adjustments.allSatisfy { $0.reason != .outOfBounds })
    }

    @Test("a higher λ that would auto-link namesakes is kept at the base's, and reported")
    func prior() {
        var estimated = MatchModel.default
        estimated.prior = 1e-3
        let (guarded, adjustments) = EstimationGuard().apply(estimated: estimated, base: .default)
        #expect(guarded.prior == MatchModel.default.prior)
        #expect(adjustments.contains { $0.field == nil && $0.estimated.m == 1e-3 && $0.kept.m == 1e-5 })
        #expect(adjustments.first { $0.field == nil }!.description.hasPrefix("λ namesake-protection"))
    }

    @Test("an estimate that tightens or leaves the model alone passes unchanged")
    func tighterPasses() {
        var estimated = MatchModel.default
        estimated.set(.phone, level: "different", m: 0.1)  // disagreement costs more: safer
        estimated.set(.nameLatin, level: "exact", u: 1e-3)  // names are commoner: less weight
        let (guarded, adjustments) = EstimationGuard().apply(estimated: estimated, base: .default)
        #expect(guarded == estimated)
        #expect(adjustments.isEmpty)
    }

    @Test("EM on a romanised population converges, reports its runs, and the guard holds on real data")
    func convergesOnData() {
        let population = RomanisedPopulation(seed: 11, persons: 1_500)
        let normalizer = Normalizer(today: EMPIFixture.today)
        let deduplicator = Deduplicator(normalizer: normalizer, estimator: Estimator(randomPairs: 200_000))
        let result = deduplicator.run(population.records, truth: population.personOfRecord)
        let report = result.estimation!
        #expect(!report.runs.isEmpty)
        #expect(report.runs.allSatisfy { $0.iterations >= 1 && $0.startingLambda > 0 && $0.startingLambda <= 0.5 })
        #expect(report.converged, "\(report.runs.map { ($0.rule, $0.iterations, $0.lastChange) })")
        #expect(report.unguardedModel != nil)
        #expect(report.summary.contains("λ = "))
        let threshold = Scorer(model: report.model).autoLinkWeight
        for pattern in EstimationGuard.namesakePatterns {
            let weight = EstimationGuard.LevelWeights(report.model).total(pattern)
            #expect(weight <= EstimationGuard.LevelWeights(.default).total(pattern) + 1e-9 || weight < threshold)
        }
        let metrics = LinkageMetrics(result: result, truth: population.personOfRecord)
        #expect(metrics.pairwise.precision >= 0.999, "P=\(metrics.pairwise.precision) R=\(metrics.pairwise.recall)")
    }

    @Test("validation: pairs settled by identifiers, scored with the identifiers hidden, judge an estimate against the base")
    func validationJudges() {
        let population = RomanisedPopulation(seed: 12, persons: 1_500)
        let normalizer = Normalizer(today: EMPIFixture.today)
        let records = population.records.map(normalizer.normalize)
        let index = CandidateIndex(records: records, blocker: Blocker())
        // The base against itself: conclusive, equal, kept.
        let same = IdentifierValidation(records: records, index: index, base: .default, estimated: .default)
        #expect(same.isConclusive, "\(same.summary)")
        #expect(same.base == same.estimated && same.estimateIsNoWorse)
        #expect(same.base.truePositives > 0 && same.base.truePositives < same.samePairs, "names and dates decide some, not all")
        // What identifiers settle agrees with the truth.
        var settled = 0
        var wrong = 0
        index.forEachPair(ofRule: index.blocker.rules.firstIndex(of: .birthDateGivenName)!, stride: 1) { i, j in
            guard let isSame = IdentifierValidation.settled(records[i], records[j]) else { return }
            settled += 1
            if isSame != (population.personOfRecord[i] == population.personOfRecord[j]) { wrong += 1 }
        }
        #expect(settled > 100 && Double(wrong) <= 0.01 * Double(settled), "\(wrong) of \(settled)")
        // An estimate that takes a name for near-proof (a high λ, disagreeing dates, phones and
        // addresses costing nothing) links two-person pairs: rejected. (A high λ alone is not
        // enough here: the vetoes keep namesakes apart, and it only finds more one-person pairs.)
        var loose = MatchModel.default
        loose.prior = 0.1
        loose.set(.birthDate, level: "different", m: 0.97)
        loose.set(.phone, level: "different", m: 0.9999)
        loose.set(.address, level: "different", m: 0.895)
        loose.vetoUncorroborated = false
        let looseCheck = IdentifierValidation(records: records, index: index, base: .default, estimated: loose)
        #expect(looseCheck.estimated.falsePositives > looseCheck.base.falsePositives, "\(looseCheck.summary)")
        #expect(!looseCheck.estimateIsNoWorse, "\(looseCheck.summary)")
        // An estimate that gives names no weight finds fewer one-person pairs: rejected.
        var deaf = MatchModel.default
        deaf.set(.nameLatin, level: "exact", m: 0.01)
        deaf.set(.nameLatin, level: "normalized", m: 0.01)
        let deafCheck = IdentifierValidation(records: records, index: index, base: .default, estimated: deaf)
        #expect(deafCheck.estimated.f1 < deafCheck.base.f1 - deafCheck.tolerance, "\(deafCheck.summary)")
        #expect(!deafCheck.estimateIsNoWorse)
        // Too few settled pairs: nothing to judge, the estimate passes.
        let few = IdentifierValidation(
            records: Array(records.prefix(40)), index: CandidateIndex(records: Array(records.prefix(40)), blocker: Blocker()),
            base: .default, estimated: loose)
        #expect(!few.isConclusive && few.estimateIsNoWorse)
    }

    @Test("validation: an estimate that fails it is replaced by the base model, and the report says so")
    func validationFallsBack() {
        let population = RomanisedPopulation(seed: 11, persons: 1_500)
        let normalizer = Normalizer(today: EMPIFixture.today)
        let accepted = Deduplicator(normalizer: normalizer, estimator: Estimator(randomPairs: 200_000))
            .run(population.records).estimation!
        let validation = try! #require(accepted.validation)
        #expect(validation.isConclusive && !accepted.estimateRejected, "\(validation.summary)")
        #expect(accepted.model != .default)
        #expect(accepted.summary.contains("estimate kept"))
        // A tolerance no estimate can meet (F1 higher than the base's by 2): the base is kept.
        let strict = Deduplicator(
            normalizer: normalizer, estimator: Estimator(randomPairs: 200_000, validationTolerance: -2)
        ).run(population.records).estimation!
        #expect(strict.estimateRejected && strict.model == .default)
        #expect(strict.summary.contains("estimate rejected, built-in model kept"))
        #expect(strict.unguardedModel != nil && strict.unguardedModel != .default, "the estimate is still reported")
    }
}
