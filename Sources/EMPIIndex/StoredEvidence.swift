import Foundation
import GRDB
import EMPI
import HealthCardFoundation

/// A link's or review's explanation as the index writes it since the tenth session (issue 18 item
/// 6): not the explanation's text but the pair's `PairEvidence` and where its two records are,
/// layout `x3`; the explanation is built when the link or review is read.
///
/// ```
/// ["x3", rowA, versionA, rowB, versionB, today, guardianToleranceDays,
///  levels, blockingRuleBits, vetoBits, deterministicRule|null, [termFrequency|null × 8]]
/// ```
/// - `rowA`/`rowB` are `record.id`s and `versionA`/`versionB` the records' `version` when the pair
///   was scored: the raw and normalised values an explanation shows are those of the records **as
///   stored at that version** — the record row while its version is that one, `recordVersion`
///   after a later feed changed it (the index keeps every replaced version there). So a link made
///   on old data is explained with the old data it was made on, never with new values beside old
///   levels.
/// - `today` (YYYYMMDD) and `guardianToleranceDays` are the normaliser's settings when the pair
///   was scored; the records are normalised again with them.
/// - `levels` is `LevelVector.rawValue` (4 bits a field), `blockingRuleBits` `BlockingRuleSet`'s,
///   `vetoBits` `VetoSet`'s, `deterministicRule` a `DeterministicRule` raw value; the term
///   frequencies are `PairEvidence/termFrequencies`, one per `MatchField`, in order.
/// - The model (m, u, λ, caps) is the index's own: written once when the file was created
///   (`meta` key `model`) and never changed, so the model that reads is the model that scored.
///
/// Why: an explanation written out (layout `x2`, ≈ 1.5 kB) cost the bulk ingest about 1.6 s of CPU
/// per 100,000 records — `Scorer.explain` and writing its JSON — and was most of the file; this is
/// ≈ 100 bytes and a few integers to format. Older layouts (`x1`, `x2`, objects) are read as before.
struct StoredEvidence: Equatable {
    var rowA: Int64
    var versionA: Int64
    var rowB: Int64
    var versionB: Int64
    var today: CalendarDate
    var guardianToleranceDays: Int
    var evidence: PairEvidence

    static let layout = "x3"

    init(
        rowA: Int64, versionA: Int64, rowB: Int64, versionB: Int64, normalizer: Normalizer, evidence: PairEvidence
    ) {
        self.rowA = rowA
        self.versionA = versionA
        self.rowB = rowB
        self.versionB = versionB
        self.today = normalizer.today
        self.guardianToleranceDays = normalizer.guardianToleranceDays
        self.evidence = evidence
    }

    /// Whether `stored` is in this layout (its first element is `"x3"`).
    static func holds(_ stored: String) -> Bool { stored.utf8.starts(with: #"["x3","#.utf8) }

    /// The stored text.
    func text() throws -> String {
        var json = IndexJSON(capacity: 128)
        json.raw("[")
        json.string(Self.layout)
        for number in [rowA, versionA, rowB, versionB] {
            json.raw(",")
            json.integer(number)
        }
        json.raw(",")
        json.integer(today.year * 10_000 + today.month * 100 + today.day)
        json.raw(",")
        json.integer(guardianToleranceDays)
        json.raw(",")
        json.integer(evidence.levels.rawValue)
        json.raw(",")
        json.integer(evidence.blockingRules.rawValue)
        json.raw(",")
        json.integer(evidence.vetoes.rawValue)
        json.raw(",")
        json.optional(evidence.deterministicRule?.rawValue)
        json.raw(",")
        try json.array(evidence.termFrequencies) { json, value in
            if let value { try json.number(value) } else { json.raw("null") }
        }
        json.raw("]")
        return json.text
    }

    /// Reads layout `x3`; anything else (another layout, a missing, extra or mistyped value, a
    /// date that does not exist, bits of a rule or veto this version does not have) is an error.
    init(stored text: String) throws {
        do {
            self = try JSONDecoder().decode(Decoded.self, from: Data(text.utf8)).value
        } catch let error as HealthCardError {
            throw error
        } catch {
            throw HealthCardError.invalidValue("a stored explanation does not read as layout \(Self.layout): \(error)")
        }
    }

    private struct Decoded: Decodable {
        var value: StoredEvidence

        init(from decoder: any Decoder) throws {
            var list = try decoder.unkeyedContainer()
            let layout = try list.decode(String.self)
            guard layout == StoredEvidence.layout else {
                throw HealthCardError.invalidValue("stored explanation layout \"\(layout)\" is not \(StoredEvidence.layout)")
            }
            let rowA = try list.decode(Int64.self)
            let versionA = try list.decode(Int64.self)
            let rowB = try list.decode(Int64.self)
            let versionB = try list.decode(Int64.self)
            let day = try list.decode(Int.self)
            guard let today = CalendarDate(year: day / 10_000, month: day / 100 % 100, day: day % 100) else {
                throw HealthCardError.invalidValue("a stored explanation's normaliser date \(day) is not a date")
            }
            let tolerance = try list.decode(Int.self)
            let levels = LevelVector(rawValue: try list.decode(UInt32.self))
            let ruleBits = try list.decode(UInt16.self)
            let rules = BlockingRuleSet(rawValue: ruleBits)
            guard BlockingRuleSet(rules.rules).rawValue == ruleBits else {
                throw HealthCardError.invalidValue("a stored explanation's rule bits \(ruleBits) name a rule this version does not have")
            }
            let vetoBits = try list.decode(UInt8.self)
            let vetoes = VetoSet(rawValue: vetoBits)
            guard VetoSet(vetoes.vetoes).rawValue == vetoBits else {
                throw HealthCardError.invalidValue("a stored explanation's veto bits \(vetoBits) name a veto this version does not have")
            }
            let deterministic = try list.decodeIfPresent(String.self).map { name in
                guard let rule = DeterministicRule(rawValue: name) else {
                    throw HealthCardError.invalidValue("a stored explanation names an unknown deterministic rule \"\(name)\"")
                }
                return rule
            }
            var frequencies: [Double?] = []
            var values = try list.nestedUnkeyedContainer()
            while !values.isAtEnd { frequencies.append(try values.decodeIfPresent(Double.self)) }
            guard frequencies.count == MatchField.allCases.count else {
                throw HealthCardError.invalidValue(
                    "a stored explanation has \(frequencies.count) term frequencies, not \(MatchField.allCases.count)")
            }
            guard list.isAtEnd else { throw HealthCardError.invalidValue("a stored explanation has extra values") }
            value = StoredEvidence(
                rowA: rowA, versionA: versionA, rowB: rowB, versionB: versionB,
                normalizer: Normalizer(today: today, guardianToleranceDays: tolerance),
                evidence: PairEvidence(
                    levels: levels, blockingRules: rules, vetoes: vetoes, deterministicRule: deterministic,
                    termFrequencies: frequencies))
        }
    }
}

extension PatientIndex {
    /// The `x3` text of a pair scored by this index's matcher: `a` and `b` are the two records'
    /// rows and versions, `normalizedA` and `normalizedB` as scored (with their term frequencies).
    func storedEvidence(
        _ a: (row: Int64, version: Int64), _ normalizedA: NormalizedRecord, _ b: (row: Int64, version: Int64),
        _ normalizedB: NormalizedRecord, levels: LevelVector, blockingRules: BlockingRuleSet, notSamePerson: Bool = false
    ) throws -> String {
        try StoredEvidence(
            rowA: a.row, versionA: a.version, rowB: b.row, versionB: b.version, normalizer: normalizer,
            evidence: scorer.evidence(
                normalizedA, normalizedB, levels: levels, blockingRules: blockingRules, notSamePerson: notSamePerson)
        ).text()
    }

    /// A link's or review's stored explanation as readers get it, the object form
    /// (`IndexJSON.explanation`): `x3` built from the evidence and the records at the versions it
    /// names; `x1`, `x2` and objects as they were read before.
    package func expandedExplanation(_ db: Database, _ stored: String?) throws -> String? {
        guard let stored else { return nil }
        guard StoredEvidence.holds(stored) else { return try IndexJSON.expandedExplanation(stored) }
        let read = try StoredEvidence(stored: stored)
        let normalizer = Normalizer(today: read.today, guardianToleranceDays: read.guardianToleranceDays)
        let a = try Self.record(db, row: read.rowA, version: read.versionA)
        let b = try Self.record(db, row: read.rowB, version: read.versionB)
        return try IndexJSON.explanation(
            scorer.explain(a, normalizer.normalize(a), b, normalizer.normalize(b), evidence: read.evidence))
    }

    /// Record `row` as stored at `version`: the record row while it has that version, else the
    /// version a later feed replaced (`recordVersion`).
    static func record(_ db: Database, row: Int64, version: Int64) throws -> PersonRecord {
        let data =
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT data FROM record WHERE id = ? AND version = ?"), arguments: [row, version])
            ?? String.fetchOne(
                db.cachedStatement(sql: "SELECT data FROM recordVersion WHERE record = ? AND version = ?"),
                arguments: [row, version])
        guard let data else {
            throw HealthCardError.invalidValue(
                "a stored explanation names record row \(row) at version \(version), which the index does not hold")
        }
        return try decode(PersonRecord.self, data)
    }

    /// Replaces record `row`'s data with `record`'s, keeping the data replaced (`recordVersion`)
    /// so that explanations naming its version keep showing the values they were scored on.
    /// Returns the record's new version: `version` (the write's), or one above the replaced
    /// version when that is not lower (a record changed twice in one transaction, or again after
    /// such a change), so that a version always names one data.
    static func replaceData(
        _ db: Database, row: Int64, with record: PersonRecord, version: Int64, stamp: String
    ) throws -> Int64 {
        let replaced = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT version FROM record WHERE id = ?"), arguments: [row]) ?? 0
        let next = max(version, replaced + 1)
        try db.cachedStatement(sql: """
                INSERT INTO recordVersion (record, version, data) SELECT id, version, data FROM record WHERE id = ?
                """).execute(arguments: [row])
        try db.cachedStatement(sql: "UPDATE record SET data = ?, version = ?, updated = ? WHERE id = ?").execute(
            arguments: [IndexJSON.record(record), next, stamp, row])
        return next
    }
}
