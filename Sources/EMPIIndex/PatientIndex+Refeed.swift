import Foundation
import GRDB
import EMPI
import HealthCardFoundation

/// A record fed again (empi.md §1.7 stewardship, §2.2 `feed` as an update, ITI-8 A08): its data is
/// stored, and when it changed it is matched again against every other record, so its link follows
/// the evidence rather than the values it had when it was first linked.
///
/// The rules, for a record whose data changed (unchanged data changes nothing):
/// - it still auto-links to its own person → the link stays (`unchanged`); an automatic link a
///   match made (it has an explanation) takes the new match's probability and explanation;
/// - an **automatic** link (provenance `auto` or `deterministic`) moves to the one other person it
///   now auto-links to, or, when it matches no person any more and its person has other records,
///   to a new person (`relinked`, a `link` event with `from` and reason `changed-record`; both
///   golden records are derived again);
/// - candidates in the review band (or several at auto-link, or a **manual** link that the new data
///   no longer supports) → the link stays and a `changed-record` review item names the candidates;
///   a manual link is a steward's decision that matching never undoes.
///
/// The replaced data is kept (`recordVersion`): explanations stored before (this record's, or
/// other records' links and reviews that name it) were scored on it and go on showing it.
extension PatientIndex {
    func refeed(
        _ record: PersonRecord, row: Int64, issues: [RecordIssue], domains: [String: IdentifierDomain], version: Int64,
        actor: String, now: Date, db: Database, state: MatchState
    ) throws -> (FeedResult, [CacheChange]) {
        let reference = RecordReference(domain: record.domain, id: record.id)
        let person = try Self.person(ofRecord: row, db)
        let position = state.positionOfRow[row]
        let notSame = try Self.notSamePersons(db, row: row)
        let outcome = state.matcher.match(record, notSamePersons: notSame, excluding: position)
        var result = try describe(outcome, record: record, state: state, db: db, notSame: notSame)
        let provenance = LinkProvenance(
            rawValue: try String.fetchOne(db.cachedStatement(sql: "SELECT provenance FROM link WHERE record = ?"), arguments: [row]) ?? "")
        result.decision = .unchanged
        result.person = EnterpriseID(person)
        result.provenance = provenance
        result.issues = issues + result.issues
        var stored: PersonRecord?
        if let position {
            stored = state.raw[position]
        } else if let data = try String.fetchOne(db.cachedStatement(sql: "SELECT data FROM record WHERE id = ?"), arguments: [row]) {
            stored = try Self.decode(PersonRecord.self, data)
        }
        guard stored != record else { return (result, []) }

        let version = try Self.replaceData(db, row: row, with: record, version: version, stamp: Self.stamp(now))
        try Self.writeIdentifiers(db, row: row, record: record, domains: domains, today: normalizer.today)
        try Self.appendEvent(db, .update, person: person, record: reference, payload: [:], actor: actor, now: now)

        let automatic = provenance != .manual
        /// The stored explanation of the record (at its new version) against candidate `candidate`.
        func evidence(_ candidate: RecordMatcher.Candidate) throws -> String {
            try storedEvidence(
                (row, version), outcome.normalized, (state.rowIDs[candidate.record], state.versions[candidate.record]),
                state.matcher.records[candidate.record], levels: candidate.score.levels,
                blockingRules: candidate.blockingRules, notSamePerson: notSame.contains(candidate.person))
        }
        var target: Int64?
        var review: [Int]?
        switch outcome.decision {
        case .link(let other) where Int64(other) == person:
            // The link stays; it now stands on the new data, so a link a match made (one with an
            // explanation) takes the new match's probability and explanation.
            if automatic, let best = outcome.candidates.first(where: { Int64($0.person) == person }) {
                try db.cachedStatement(
                    sql: "UPDATE link SET probability = ?, explanation = ? WHERE record = ? AND explanation IS NOT NULL"
                ).execute(arguments: [best.score.probability, try evidence(best), row])
            }
        case .link(let other):
            if automatic { target = Int64(other) } else { review = [other] }
        case .newPerson:
            let others = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM link WHERE person = ? AND record != ?"), arguments: [person, row]) ?? 0
            if automatic && others > 0 { target = try Self.newPerson(db, now: now) }
        case .review(let persons):
            review = persons
        }

        if let target {
            let best = outcome.candidates.first { Int64($0.person) == target }
            let linkProvenance: LinkProvenance = best?.score.deterministicRule != nil ? .deterministic : .auto
            let explanation = try best.map(evidence)
            try Self.setLink(
                db, record: row, person: target, provenance: linkProvenance, probability: best?.score.probability,
                explanation: explanation, actor: actor, now: now)
            try Self.refreshGolden(db, person: person, survivorship: survivorship, state: state, written: (row, record))
            try Self.refreshGolden(db, person: target, survivorship: survivorship, state: state, written: (row, record))
            try Self.appendEvent(
                db, .link, person: target, record: reference,
                payload: ["from": .number(Double(person)), "reason": .string("changed-record")], actor: actor, now: now)
            result.decision = .relinked
            result.person = EnterpriseID(target)
            result.provenance = linkProvenance
        } else {
            try Self.refreshGolden(db, person: person, survivorship: survivorship, state: state, written: (row, record))
            if let review {
                let candidates = outcome.candidates.filter { review.contains($0.person) }.map {
                    ReviewItem.Candidate(person: EnterpriseID(Int64($0.person)), probability: $0.score.probability)
                }
                result.reviewItem = try Self.queueReview(
                    db, record: row, person: person, candidates: candidates, reason: "changed-record",
                    explanation: try outcome.candidates.first.map(evidence), now: now)
                result.decision = .review
            }
        }
        return (result, [.invalidate])
    }
}
