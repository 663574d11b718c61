import Foundation
import EMPI
import HealthCardFoundation

/// An `Explanation` in the two JSON forms the index uses: the **object** readers get (keys sorted,
/// what `JSONEncoder` writes for `Explanation`) and the **compact** form stored in `link.explanation`
/// and `review.explanation`.
///
/// Why a compact form: a bulk ingest stores an explanation for most records, and as objects they
/// were the largest part of what it wrote (≈ 2.5 kB each, most of it member names repeated seven
/// times) and ≈ 20 % of its CPU (Docs/empi.md, "Persistent ingest"). The compact form holds the
/// same values by position, so nothing is lost, and the object is built when a link or review is read:
///
/// ```
/// ["x1", probability, totalWeight, band, decision, deterministicRule|null, [vetoes], [blockingRules],
///  recordA, recordB, priorProbability, priorWeight,
///  [[field, level, weight, capped, m|null, u|null, termFrequencyU|null, rawA, rawB, normalizedA, normalizedB], …]]
/// ```
/// (absent values are `null`). `"x1"` names the layout, so a later one can be told apart.
struct StoredExplanation: Equatable {
    struct Field: Equatable {
        var field: String
        var level: String
        var weight: Double
        var capped: Bool
        var m: Double?
        var u: Double?
        var termFrequencyU: Double?
        var rawA: String?
        var rawB: String?
        var normalizedA: String?
        var normalizedB: String?
    }

    var probability: Double
    var totalWeight: Double
    var band: String
    var decision: String
    var deterministicRule: String?
    var vetoes: [String]
    var blockingRules: [String]
    var recordA: String
    var recordB: String
    var priorProbability: Double
    var priorWeight: Double
    var fields: [Field]

    static let layout = "x1"

    init(_ explanation: Explanation) {
        probability = explanation.probability
        totalWeight = explanation.totalWeight
        band = explanation.band.rawValue
        decision = explanation.decision.rawValue
        deterministicRule = explanation.deterministicRule
        vetoes = explanation.vetoes.map(\.rawValue)
        blockingRules = explanation.blockingRules
        recordA = explanation.recordA
        recordB = explanation.recordB
        priorProbability = explanation.prior.probability
        priorWeight = explanation.prior.weight
        fields = explanation.fields.map { field in
            Field(
                field: field.field.rawValue, level: field.level, weight: field.weight, capped: field.capped, m: field.m,
                u: field.u, termFrequencyU: field.termFrequencyU, rawA: field.rawA, rawB: field.rawB,
                normalizedA: field.normalizedA, normalizedB: field.normalizedB)
        }
    }

    /// The object form (`Explanation`'s `Codable` form, keys sorted, compact).
    func object() throws -> String {
        var json = IndexJSON(capacity: 4_096)
        try json.object { o in
            o.string("band", band)
            o.strings("blockingRules", blockingRules)
            o.string("decision", decision)
            o.string("deterministicRule", deterministicRule)
            try o.value("fields") { json in
                try json.array(fields) { json, field in
                    try json.object { o in
                        o.bool("capped", field.capped)
                        o.string("field", field.field)
                        o.string("level", field.level)
                        try o.number("m", field.m)
                        o.string("normalizedA", field.normalizedA)
                        o.string("normalizedB", field.normalizedB)
                        o.string("rawA", field.rawA)
                        o.string("rawB", field.rawB)
                        try o.number("termFrequencyU", field.termFrequencyU)
                        try o.number("u", field.u)
                        try o.number("weight", field.weight)
                    }
                }
            }
            try o.value("prior") { json in
                try json.object { o in
                    try o.number("probability", priorProbability)
                    try o.number("weight", priorWeight)
                }
            }
            try o.number("probability", probability)
            o.string("recordA", recordA)
            o.string("recordB", recordB)
            try o.number("totalWeight", totalWeight)
            o.strings("vetoes", vetoes)
        }
        return json.text
    }

    /// The compact form (the layout in the type's documentation).
    func compact() throws -> String {
        var json = IndexJSON(capacity: 1_024)
        json.raw("[")
        json.string(Self.layout)
        for number in [probability, totalWeight] {
            json.raw(",")
            try json.number(number)
        }
        for text in [band, decision] {
            json.raw(",")
            json.string(text)
        }
        json.raw(",")
        json.optional(deterministicRule)
        for list in [vetoes, blockingRules] {
            json.raw(",")
            json.array(list) { $0.string($1) }
        }
        for text in [recordA, recordB] {
            json.raw(",")
            json.string(text)
        }
        for number in [priorProbability, priorWeight] {
            json.raw(",")
            try json.number(number)
        }
        json.raw(",")
        try json.array(fields) { json, field in
            json.raw("[")
            json.string(field.field)
            json.raw(",")
            json.string(field.level)
            json.raw(",")
            try json.number(field.weight)
            json.raw(",")
            json.bool(field.capped)
            for number in [field.m, field.u, field.termFrequencyU] {
                json.raw(",")
                if let number { try json.number(number) } else { json.raw("null") }
            }
            for text in [field.rawA, field.rawB, field.normalizedA, field.normalizedB] {
                json.raw(",")
                json.optional(text)
            }
            json.raw("]")
        }
        json.raw("]")
        return json.text
    }

    /// Reads the compact form; anything else (another layout, a missing or mistyped value) is an error.
    init(compact text: String) throws {
        do {
            self = try JSONDecoder().decode(Decoded.self, from: Data(text.utf8)).value
        } catch let error as HealthCardError {
            throw error
        } catch {
            throw HealthCardError.invalidValue("a stored explanation does not read as layout \(Self.layout): \(error)")
        }
    }

    /// The compact form's decoder (an unkeyed container read in order).
    private struct Decoded: Decodable {
        var value: StoredExplanation

        init(from decoder: any Decoder) throws {
            var list = try decoder.unkeyedContainer()
            let layout = try list.decode(String.self)
            guard layout == StoredExplanation.layout else {
                throw HealthCardError.invalidValue("stored explanation layout \"\(layout)\" is not \(StoredExplanation.layout)")
            }
            let probability = try list.decode(Double.self)
            let totalWeight = try list.decode(Double.self)
            let band = try list.decode(String.self)
            let decision = try list.decode(String.self)
            let deterministicRule = try list.decodeIfPresent(String.self)
            let vetoes = try list.decode([String].self)
            let blockingRules = try list.decode([String].self)
            let recordA = try list.decode(String.self)
            let recordB = try list.decode(String.self)
            let priorProbability = try list.decode(Double.self)
            let priorWeight = try list.decode(Double.self)
            let fields = try list.decode([DecodedField].self).map(\.value)
            guard list.isAtEnd else { throw HealthCardError.invalidValue("a stored explanation has extra values") }
            value = StoredExplanation(
                probability: probability, totalWeight: totalWeight, band: band, decision: decision,
                deterministicRule: deterministicRule, vetoes: vetoes, blockingRules: blockingRules, recordA: recordA,
                recordB: recordB, priorProbability: priorProbability, priorWeight: priorWeight, fields: fields)
        }
    }

    private struct DecodedField: Decodable {
        var value: Field

        init(from decoder: any Decoder) throws {
            var list = try decoder.unkeyedContainer()
            value = Field(
                field: try list.decode(String.self), level: try list.decode(String.self), weight: try list.decode(Double.self),
                capped: try list.decode(Bool.self), m: try list.decodeIfPresent(Double.self),
                u: try list.decodeIfPresent(Double.self), termFrequencyU: try list.decodeIfPresent(Double.self),
                rawA: try list.decodeIfPresent(String.self), rawB: try list.decodeIfPresent(String.self),
                normalizedA: try list.decodeIfPresent(String.self), normalizedB: try list.decodeIfPresent(String.self))
            guard list.isAtEnd else { throw HealthCardError.invalidValue("a stored explanation field has extra values") }
        }
    }

    private init(
        probability: Double, totalWeight: Double, band: String, decision: String, deterministicRule: String?,
        vetoes: [String], blockingRules: [String], recordA: String, recordB: String, priorProbability: Double,
        priorWeight: Double, fields: [Field]
    ) {
        self.probability = probability
        self.totalWeight = totalWeight
        self.band = band
        self.decision = decision
        self.deterministicRule = deterministicRule
        self.vetoes = vetoes
        self.blockingRules = blockingRules
        self.recordA = recordA
        self.recordB = recordB
        self.priorProbability = priorProbability
        self.priorWeight = priorWeight
        self.fields = fields
    }
}
