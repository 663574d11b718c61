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
/// same values by position, so nothing is lost, and the object is built when a link or review is
/// read. Two layouts, told apart by their first element; both are read. `x2` was written by the
/// eighth and ninth sessions' index; since the tenth the index writes the pair's evidence instead
/// (`StoredEvidence`, layout `x3`), and these layouts are what older files hold:
///
/// ```
/// ["x1", probability, totalWeight, band, decision, deterministicRule|null, [vetoes], [blockingRules],
///  recordA, recordB, priorProbability, priorWeight,
///  [[field, level, weight, capped, m|null, u|null, termFrequencyU|null, rawA, rawB, normalizedA, normalizedB], …]]
///
/// ["x2", probability, totalWeight, band, decision, deterministicRule|null, [vetoes], blockingRuleBits,
///  recordA, recordB, priorProbability, priorWeight,
///  [[level, weight, flags, m|null, u|null, termFrequencyU|null, value, …], …]]
/// ```
/// (absent values are `null`). `x2` (issue 18 item 6: the explanations were 61 % of an ingest's
/// file, written twice by the commit) leaves out what the position or a small integer says:
/// - the fields are `MatchField.allCases`, in that order, so their names are not written;
/// - the blocking rules are a bit set, bit *n − 1* for the spec's rule *n* (`BlockingRuleSet`,
///   ../shared/specs/empi.md §1.4), in the rules' order;
/// - each field's four strings (rawA, rawB, normalizedA, normalizedB) are written once each
///   *distinct* value: the values follow the flags, and the flags say for each of the four which
///   value it is (3 bits each, 0 = absent, *k* = the *k*-th value), starting at bit 1; bit 0 is
///   `capped`. A pair that agrees on a field usually has one value for all four.
///
/// An explanation the `x2` layout cannot hold exactly (other fields, a rule name that is not one of
/// `BlockingRule`'s) is written as `x1`; either reads back to the same object (tests).
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

    /// The layout that names every field and rule (still read; written when `x2` cannot hold a value).
    static let namedLayout = "x1"
    /// The positional layout with distinct values only, written when it holds the explanation exactly.
    static let layout = "x2"

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

    /// The compact form: layout `x2` when it holds this explanation exactly, `x1` otherwise.
    func compact() throws -> String {
        guard let rules = ruleBits, fields.map(\.field) == MatchField.allCases.map(\.rawValue) else { return try named() }
        var json = IndexJSON(capacity: 768)
        try header(&json, layout: Self.layout)
        json.raw(",")
        json.integer(rules)
        try trailer(&json) { json, field in
            var values: [String] = []
            var flags = field.capped ? 1 : 0
            for (slot, value) in [field.rawA, field.rawB, field.normalizedA, field.normalizedB].enumerated() {
                guard let value else { continue }
                let number =
                    values.firstIndex { Self.sameBytes($0, value) }.map { $0 + 1 }
                    ?? { values.append(value); return values.count }()
                flags |= number << (1 + 3 * slot)
            }
            json.string(field.level)
            json.raw(",")
            try json.number(field.weight)
            json.raw(",")
            json.integer(flags)
            try Self.numbers(&json, [field.m, field.u, field.termFrequencyU])
            for value in values {
                json.raw(",")
                json.string(value)
            }
        }
        return json.text
    }

    private static let ruleNamed = Dictionary(uniqueKeysWithValues: BlockingRule.allCases.map { ($0.name, $0) })

    /// Whether two strings have the same UTF-8 bytes (`==` on `String` also equates canonically
    /// equivalent spellings, such as é and e + U+0301, which must stay two values).
    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var a = a
        var b = b
        return a.withUTF8 { a in b.withUTF8 { b in a.elementsEqual(b) } }
    }

    /// The blocking rules as `BlockingRuleSet` bits, or `nil` if a name is not a `BlockingRule`'s
    /// or they are not in the rules' order (then only `x1` holds them).
    private var ruleBits: UInt16? {
        var set = BlockingRuleSet()
        for name in blockingRules {
            guard let rule = Self.ruleNamed[name] else { return nil }
            set.insert(rule)
        }
        return set.rules.map(\.name) == blockingRules ? set.rawValue : nil
    }

    /// The values before the rules, common to both layouts: `[layout, probability, …, [vetoes]`.
    private func header(_ json: inout IndexJSON, layout: String) throws {
        json.raw("[")
        json.string(layout)
        try Self.numbers(&json, [probability, totalWeight])
        for text in [band, decision] {
            json.raw(",")
            json.string(text)
        }
        json.raw(",")
        json.optional(deterministicRule)
        json.raw(",")
        json.array(vetoes) { $0.string($1) }
    }

    /// The values after the rules, common to both layouts: `, recordA, …, [fields]]`, each field
    /// an array whose elements `field` writes.
    private func trailer(_ json: inout IndexJSON, field write: (inout IndexJSON, Field) throws -> Void) throws {
        for text in [recordA, recordB] {
            json.raw(",")
            json.string(text)
        }
        try Self.numbers(&json, [priorProbability, priorWeight])
        json.raw(",")
        try json.array(fields) { json, field in
            json.raw("[")
            try write(&json, field)
            json.raw("]")
        }
        json.raw("]")
    }

    /// `,number` for each, `,null` for an absent one.
    private static func numbers(_ json: inout IndexJSON, _ numbers: [Double?]) throws {
        for number in numbers {
            json.raw(",")
            if let number { try json.number(number) } else { json.raw("null") }
        }
    }

    /// Layout `x1`.
    func named() throws -> String {
        var json = IndexJSON(capacity: 1_024)
        try header(&json, layout: Self.namedLayout)
        json.raw(",")
        json.array(blockingRules) { $0.string($1) }
        try trailer(&json) { json, field in
            json.string(field.field)
            json.raw(",")
            json.string(field.level)
            json.raw(",")
            try json.number(field.weight)
            json.raw(",")
            json.bool(field.capped)
            try Self.numbers(&json, [field.m, field.u, field.termFrequencyU])
            for text in [field.rawA, field.rawB, field.normalizedA, field.normalizedB] {
                json.raw(",")
                json.optional(text)
            }
        }
        return json.text
    }

    /// Reads the compact form (either layout); anything else (another layout, a missing, extra or
    /// mistyped value, a value number that names no value) is an error.
    init(compact text: String) throws {
        do {
            self = try JSONDecoder().decode(Decoded.self, from: Data(text.utf8)).value
        } catch let error as HealthCardError {
            throw error
        } catch {
            throw HealthCardError.invalidValue(
                "a stored explanation does not read as layout \(Self.namedLayout) or \(Self.layout): \(error)")
        }
    }

    /// The compact form's decoder (an unkeyed container read in order).
    private struct Decoded: Decodable {
        var value: StoredExplanation

        init(from decoder: any Decoder) throws {
            var list = try decoder.unkeyedContainer()
            let layout = try list.decode(String.self)
            guard layout == StoredExplanation.namedLayout || layout == StoredExplanation.layout else {
                throw HealthCardError.invalidValue(
                    "stored explanation layout \"\(layout)\" is neither \(StoredExplanation.namedLayout) nor \(StoredExplanation.layout)")
            }
            let positional = layout == StoredExplanation.layout
            let probability = try list.decode(Double.self)
            let totalWeight = try list.decode(Double.self)
            let band = try list.decode(String.self)
            let decision = try list.decode(String.self)
            let deterministicRule = try list.decodeIfPresent(String.self)
            let vetoes = try list.decode([String].self)
            let blockingRules: [String]
            if positional {
                let bits = try list.decode(UInt16.self)
                let rules = BlockingRuleSet(rawValue: bits).rules
                guard BlockingRuleSet(rules).rawValue == bits else {
                    throw HealthCardError.invalidValue("a stored explanation's rule bits \(bits) name a rule this version does not have")
                }
                blockingRules = rules.map(\.name)
            } else {
                blockingRules = try list.decode([String].self)
            }
            let recordA = try list.decode(String.self)
            let recordB = try list.decode(String.self)
            let priorProbability = try list.decode(Double.self)
            let priorWeight = try list.decode(Double.self)
            var fields =
                positional
                ? try list.decode([PositionalField].self).map(\.value) : try list.decode([DecodedField].self).map(\.value)
            guard list.isAtEnd else { throw HealthCardError.invalidValue("a stored explanation has extra values") }
            if positional {
                guard fields.count == MatchField.allCases.count else {
                    throw HealthCardError.invalidValue(
                        "a stored explanation (\(layout)) has \(fields.count) fields, not \(MatchField.allCases.count)")
                }
                for (number, field) in MatchField.allCases.enumerated() { fields[number].field = field.rawValue }
            }
            value = StoredExplanation(
                probability: probability, totalWeight: totalWeight, band: band, decision: decision,
                deterministicRule: deterministicRule, vetoes: vetoes, blockingRules: blockingRules, recordA: recordA,
                recordB: recordB, priorProbability: priorProbability, priorWeight: priorWeight, fields: fields)
        }
    }

    /// A field in layout `x1`: every member by position.
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

    /// A field in layout `x2`: no name (its position says it), the distinct values after the flags.
    private struct PositionalField: Decodable {
        var value: Field

        init(from decoder: any Decoder) throws {
            var list = try decoder.unkeyedContainer()
            let level = try list.decode(String.self)
            let weight = try list.decode(Double.self)
            let flags = try list.decode(Int.self)
            let m = try list.decodeIfPresent(Double.self)
            let u = try list.decodeIfPresent(Double.self)
            let termFrequencyU = try list.decodeIfPresent(Double.self)
            var values: [String] = []
            while !list.isAtEnd { values.append(try list.decode(String.self)) }
            guard flags >= 0, flags >> 13 == 0 else {
                throw HealthCardError.invalidValue("a stored explanation field has flags \(flags) out of range")
            }
            var used = Set<Int>()
            let slots = try (0..<4).map { slot -> String? in
                let number = (flags >> (1 + 3 * slot)) & 7
                guard number != 0 else { return nil }
                guard number <= values.count else {
                    throw HealthCardError.invalidValue(
                        "a stored explanation field names value \(number) of \(values.count)")
                }
                used.insert(number)
                return values[number - 1]
            }
            guard used.count == values.count else {
                throw HealthCardError.invalidValue("a stored explanation field has values no flag names")
            }
            value = Field(
                field: "", level: level, weight: weight, capped: flags & 1 == 1, m: m, u: u, termFrequencyU: termFrequencyU,
                rawA: slots[0], rawB: slots[1], normalizedA: slots[2], normalizedB: slots[3])
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
