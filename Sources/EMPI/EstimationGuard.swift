import Foundation
import HealthCardFoundation

/// Keeps an estimated ``MatchModel`` from being worse than the base (built-in) model it started
/// from (issue 18 item 3, ../shared/specs/empi.md §1.3). Unsupervised estimates go wrong in known
/// ways: EM can take a cluster of households or namesakes for the match class, and a small or
/// skewed data set gives extreme frequencies. Two checks, in order:
///
/// 1. **Plausible bounds.** Each level's m and u stay within ``maximumFactor`` of the base's
///    (one decade each way by default, about 3.3 bits of weight): data may move a weight, not
///    turn a disagreement into evidence for a match or an agreement into near-proof.
/// 2. **Namesake protection.** Two people with the same name (or a homophone) and birth date, with nothing that
///    identifies a person agreeing (citizen ID, phone, address, card each missing or different),
///    must not score higher under the estimate than under the base when that higher score would
///    link them automatically. For each such pattern that the estimate loosens, the levels whose
///    weight the estimate raised are restored to the base's m and u, until no pattern is loosened.
///
/// Every change is reported as an ``Adjustment``, so `--estimate` says what it did not trust.
public struct EstimationGuard: Sendable, Hashable {
    /// How far, as a factor, an estimated m or u may move from the base's.
    public var maximumFactor: Double

    public init(maximumFactor: Double = 10) {
        self.maximumFactor = maximumFactor
    }

    /// One change the guard made to the estimate.
    public struct Adjustment: Sendable, Hashable, Codable, CustomStringConvertible {
        public enum Reason: String, Sendable, Hashable, Codable {
            /// m or u was outside ``EstimationGuard/maximumFactor`` of the base's: clipped to the bound.
            case outOfBounds = "out-of-bounds"
            /// The level loosened a namesake pattern past auto-link: restored to the base's m and u.
            case namesakeProtection = "namesake-protection"
        }

        /// The field, `nil` for the prior λ (then `estimated.m` and `kept.m` hold λ).
        public var field: MatchField?
        public var level: String
        public var reason: Reason
        public var estimated: MatchModel.Level
        public var kept: MatchModel.Level

        public var description: String {
            guard let field else {
                return "λ \(reason.rawValue): \(Self.format(estimated.m)) → \(Self.format(kept.m))"
            }
            return "\(field.rawValue).\(level) \(reason.rawValue): m \(Self.format(estimated.m)) → \(Self.format(kept.m)), "
                + "u \(Self.format(estimated.u)) → \(Self.format(kept.u))"
        }

        static func format(_ value: Double) -> String { String(format: "%.4g", value) }
    }

    /// The guarded model and what was changed.
    public func apply(estimated: MatchModel, base: MatchModel) -> (MatchModel, [Adjustment]) {
        var model = estimated
        var adjustments: [Adjustment] = []

        for (f, field) in model.fields.enumerated() {
            for (l, level) in field.levels.enumerated() {
                guard let reference = base.parameters(field.field, level: level.level) else { continue }
                let m = clip(level.m, around: reference.m)
                let u = clip(level.u, around: reference.u)
                if m != level.m || u != level.u {
                    model.fields[f].levels[l].m = m
                    model.fields[f].levels[l].u = u
                    adjustments.append(
                        Adjustment(
                            field: field.field, level: level.level, reason: .outOfBounds, estimated: level,
                            kept: model.fields[f].levels[l]))
                }
            }
        }

        let baseWeights = LevelWeights(base)
        let threshold = Scorer(model: model).autoLinkWeight
        var restored: Set<String> = []
        for pattern in Self.namesakePatterns {
            while true {
                let weights = LevelWeights(model)
                let loosened = weights.total(pattern) > baseWeights.total(pattern) && weights.total(pattern) >= threshold
                guard loosened else { break }
                // Restore the level that gained most over the base, then look again.
                let gains = pattern.compactMap { entry -> (MatchField, String, Double)? in
                    let gain = weights.weight(entry.field, entry.level) - baseWeights.weight(entry.field, entry.level)
                    return gain > 1e-9 ? (entry.field, entry.level, gain) : nil
                }
                guard let worst = gains.max(by: { $0.2 < $1.2 }),
                    let f = model.fields.firstIndex(where: { $0.field == worst.0 }),
                    let l = model.fields[f].levels.firstIndex(where: { $0.level == worst.1 }),
                    let reference = base.parameters(worst.0, level: worst.1)
                else {
                    // Only the prior is left: keep the base's.
                    let estimatedPrior = model.prior
                    model.prior = min(model.prior, base.prior)
                    adjustments.append(
                        Adjustment(
                            field: nil, level: "prior", reason: .namesakeProtection,
                            estimated: MatchModel.Level(level: "prior", m: estimatedPrior, u: 0),
                            kept: MatchModel.Level(level: "prior", m: model.prior, u: 0)))
                    break
                }
                let before = model.fields[f].levels[l]
                model.fields[f].levels[l].m = reference.m
                model.fields[f].levels[l].u = reference.u
                if restored.insert(worst.0.rawValue + "." + worst.1).inserted {
                    adjustments.append(
                        Adjustment(
                            field: worst.0, level: worst.1, reason: .namesakeProtection, estimated: before,
                            kept: model.fields[f].levels[l]))
                }
            }
        }
        return (model, adjustments)
    }

    func clip(_ value: Double, around reference: Double) -> Double {
        let range = MatchModel.probabilityRange
        let low = max(reference / maximumFactor, range.lowerBound)
        let high = min(reference * maximumFactor, range.upperBound)
        return min(max(value, low), high)
    }

    /// A level of one field in a pattern.
    struct Entry: Hashable {
        let field: MatchField
        let level: String
    }

    /// Same name (as written, or equal after normalisation) and same birth date and sex; citizen
    /// ID, phone, address and card each missing or different. Missing fields weigh nothing and are
    /// left out of a pattern.
    static let namesakePatterns: [[Entry]] = {
        var patterns: [[Entry]] = []
        let names = [
            Entry(field: .nameHanzi, level: "exact"), Entry(field: .nameHanzi, level: "simplified"),
            Entry(field: .nameHanzi, level: "homophone"),
            Entry(field: .nameLatin, level: "exact"), Entry(field: .nameLatin, level: "normalized"),
        ]
        let identifying: [MatchField] = [.citizenID, .phone, .address, .identifier]
        for name in names {
            for mask in 0..<(1 << identifying.count) {
                var pattern = [
                    name, Entry(field: .birthDate, level: "exact"), Entry(field: .sex, level: "same"),
                ]
                for (bit, field) in identifying.enumerated() where mask & (1 << bit) != 0 {
                    pattern.append(Entry(field: field, level: "different"))
                }
                patterns.append(pattern)
            }
        }
        return patterns
    }()

    /// Level weights of a model as the scorer computes them (clamped, capped, no term frequencies).
    struct LevelWeights {
        let model: MatchModel
        let prior: Double

        init(_ model: MatchModel) {
            self.model = model
            let range = MatchModel.probabilityRange
            let lambda = min(max(model.prior, range.lowerBound), range.upperBound)
            prior = EMPIMath.log2(lambda / (1 - lambda))
        }

        func weight(_ field: MatchField, _ level: String) -> Double {
            guard let parameters = model.field(field),
                let entry = parameters.levels.first(where: { $0.level == level })
            else { return 0 }
            let range = MatchModel.probabilityRange
            let m = min(max(entry.m, range.lowerBound), range.upperBound)
            let u = min(max(entry.u, range.lowerBound), range.upperBound)
            let cap = parameters.weightCap ?? model.weightCap
            return min(max(EMPIMath.log2(m) - EMPIMath.log2(u), -cap), cap)
        }

        func total(_ pattern: [Entry]) -> Double {
            pattern.reduce(prior) { $0 + weight($1.field, $1.level) }
        }
    }
}
