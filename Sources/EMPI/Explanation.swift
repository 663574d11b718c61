import Foundation
import HealthCardFoundation

/// Why a pair scored what it did (../shared/specs/empi.md §1.6), in the spirit of a waterfall
/// chart: the prior weight, then per field the raw and normalised values, the comparison level, m,
/// u, the term-frequency-adjusted u and the weight; the total, probability, band and decision; the
/// deterministic rule or vetoes; and the blocking rules that produced the pair.
///
/// ``partsSum`` adds the parts in the scorer's order, so it equals ``totalWeight`` exactly.
public struct Explanation: Sendable, Hashable, Codable {
    public struct Prior: Sendable, Hashable, Codable {
        /// λ.
        public var probability: Double
        /// log2(λ / (1 − λ)).
        public var weight: Double
    }

    public struct FieldContribution: Sendable, Hashable, Codable {
        public var field: MatchField
        public var rawA: String?
        public var rawB: String?
        public var normalizedA: String?
        public var normalizedB: String?
        public var level: String
        /// `nil` on neutral levels (`null`, `placeholder`), which weigh 0.
        public var m: Double?
        public var u: Double?
        /// The value's frequency, when it replaced u.
        public var termFrequencyU: Double?
        public var weight: Double
        /// The weight was cut to the field's cap (or, for the address, to the household cap).
        public var capped: Bool
    }

    public var recordA: String
    public var recordB: String
    public var prior: Prior
    public var fields: [FieldContribution]
    public var totalWeight: Double
    public var probability: Double
    /// The band of the probability alone.
    public var band: MatchBand
    /// The outcome after the deterministic rule and the vetoes.
    public var decision: MatchBand
    /// `deterministic:citizen-id`, when the pre-pass linked the pair.
    public var deterministicRule: String?
    public var vetoes: [Veto]
    public var blockingRules: [String]

    /// Prior weight plus every field weight, added in field order as the scorer does.
    public var partsSum: Double { fields.reduce(prior.weight) { $0 + $1.weight } }

    /// Pretty JSON with sorted keys: byte-identical for identical input (../shared/specs/empi.md §5.5).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

extension Scorer {
    /// Explains a pair: the raw records (for the raw values) and their normalised forms (annotated
    /// with the same term frequencies the score used). `levels`, when given, are the pair's
    /// comparison levels as the scorer found them (`Deduplicator.Pair/levels`), so the fields are
    /// not compared again; the explanation is the same either way.
    public func explain(
        _ a: PersonRecord, _ normalizedA: NormalizedRecord, _ b: PersonRecord, _ normalizedB: NormalizedRecord,
        levels: LevelVector? = nil, blockingRules: BlockingRuleSet = BlockingRuleSet(), notSamePerson: Bool = false
    ) -> Explanation {
        var core =
            levels.map { evaluate(normalizedA, normalizedB, levels: $0) } ?? evaluate(normalizedA, normalizedB)
        if notSamePerson { core.vetoes.insert(.notSamePerson) }
        return explanation(a, normalizedA, b, normalizedB, core: core, blockingRules: blockingRules)
    }

    /// The explanation of a pair whose levels, weight, vetoes and deterministic rule are `core`
    /// (what both ``explain(_:_:_:_:levels:blockingRules:notSamePerson:)`` and
    /// ``explain(_:_:_:_:evidence:)`` build on).
    func explanation(
        _ a: PersonRecord, _ normalizedA: NormalizedRecord, _ b: PersonRecord, _ normalizedB: NormalizedRecord,
        core: PairScore, blockingRules: BlockingRuleSet
    ) -> Explanation {
        var contributions: [Explanation.FieldContribution] = []
        for field in MatchField.allCases {
            let level = core.levels[field]
            let name = field.levels[level]
            var contribution = Explanation.FieldContribution(
                field: field, rawA: Self.raw(a, field), rawB: Self.raw(b, field),
                normalizedA: normalizedA.normalizedValue(field), normalizedB: normalizedB.normalizedValue(field),
                level: name, m: nil, u: nil, termFrequencyU: nil, weight: 0, capped: false)
            if level != 0, let parameters = model.parameters(field, level: name) {
                contribution.m = parameters.m
                contribution.u = parameters.u
                if let log2U = termFrequencyLog2U(field.index, level, normalizedA, normalizedB) {
                    contribution.termFrequencyU = EMPIMath.exp2(log2U)
                }
                let own = fieldWeight(field.index, level, normalizedA, normalizedB)
                contribution.weight = self.contribution(field.index, core.levels, normalizedA, normalizedB)
                let cap = model.field(field)?.weightCap ?? model.weightCap
                contribution.capped = abs(own) == cap || contribution.weight != own
            }
            contributions.append(contribution)
        }
        return Explanation(
            recordA: Self.label(a), recordB: Self.label(b),
            prior: Explanation.Prior(probability: model.prior, weight: priorWeight),
            fields: contributions, totalWeight: core.weight, probability: EMPIMath.probability(weight: core.weight),
            band: band(weight: core.weight), decision: decision(core), deterministicRule: core.deterministic?.reason,
            vetoes: core.vetoes.vetoes, blockingRules: blockingRules.rules.map(\.name))
    }

    static func label(_ record: PersonRecord) -> String {
        record.domain.isEmpty ? record.id : record.domain + ":" + record.id
    }

    static func raw(_ record: PersonRecord, _ field: MatchField) -> String? {
        func join(_ parts: [String?]) -> String? {
            let present = parts.compactMap { $0 }.filter { !$0.isEmpty }
            return present.isEmpty ? nil : present.joined(separator: " ")
        }
        switch field {
        case .citizenID: return record.citizenID
        case .nameHanzi, .nameLatin: return record.fullName ?? join([record.familyName, record.givenName])
        case .birthDate: return record.birthDate
        case .sex: return record.sex
        case .phone: return record.phone
        case .address: return join(record.addressLines + [record.locality, record.postcode, record.regionCode])
        case .identifier:
            return join(record.identifiers.filter { $0.kind == .other }.map { $0.domain + ":" + $0.value })
        }
    }
}
