import Foundation
import GRDB
import EMPI
import HealthCardFoundation

/// What matching decided for a record (empi.md §1.5, §2.2 `feed`).
public enum FeedDecision: String, Sendable, Hashable, Codable {
    /// Linked to an existing person (auto-link band or the deterministic pre-pass).
    case linked
    /// Candidates in the review band (or several at auto-link): a new person for now, and a
    /// review item.
    case review
    /// No candidate reached the review band: a new person.
    case newPerson = "new-person"
    /// The record was already in the index and keeps its link: unchanged data, data whose new
    /// values still match its person, or a manual link (which only a steward changes).
    case unchanged
    /// The record was already in the index, its data changed, and matching it again moved its
    /// automatic link: to the one person it now auto-links to, or out of a person whose other
    /// records it no longer matches into a new one (a `link` event, reason `changed-record`).
    case relinked
}

/// The answer to ``PatientIndex/feed(_:actor:now:)`` and ``PatientIndex/match(_:)``.
public struct FeedResult: Sendable, Hashable, Codable {
    public var record: RecordReference
    /// The record's person after the operation (for ``PatientIndex/match(_:)``, the person it would
    /// be linked to, or `nil` for a new person or review).
    public var person: EnterpriseID?
    public var decision: FeedDecision
    public var provenance: LinkProvenance?
    /// Candidate persons, best first, with their best record's probability and decision.
    public var candidates: [Candidate]
    /// The best candidate's explanation (empi.md §1.6), if there was a candidate.
    public var explanation: Explanation?
    public var reviewItem: Int64?
    public var issues: [RecordIssue]

    public struct Candidate: Sendable, Hashable, Codable {
        public var person: EnterpriseID
        public var record: RecordReference
        public var probability: Double
        public var decision: MatchBand
    }
}

extension PatientIndex {
    // MARK: match (no write)

    /// Matches `record` against the persisted persons without writing anything: the decision
    /// ``feed(_:actor:now:)`` would take, with candidates and the best candidate's explanation.
    public func match(_ record: PersonRecord) throws -> FeedResult {
        try read { db, state in
            let row = try Self.recordRow(db, RecordReference(domain: record.domain, id: record.id))
            let position = row.flatMap { state.positionOfRow[$0] }
            let notSame = try row.map { try Self.notSamePersons(db, row: $0) } ?? []
            return Self.match(record, state: state, notSame: notSame, excluding: position)
        }
    }

    /// ``match(_:)`` against `state` (shared by every index store): `excluding` is the record's
    /// own position when it is stored already.
    package static func match(
        _ record: PersonRecord, state: MatchState, notSame: Set<Int>, excluding position: Int?
    ) -> FeedResult {
        let outcome = state.matcher.match(record, notSamePersons: notSame, excluding: position)
        var result = describe(outcome, record: record, state: state, notSame: notSame)
        switch outcome.decision {
        case .link(let person):
            result.decision = .linked
            result.person = EnterpriseID(Int64(person))
            result.provenance = outcome.candidates.first?.score.deterministicRule != nil ? .deterministic : .auto
        case .review: result.decision = .review
        case .newPerson: result.decision = .newPerson
        }
        return result
    }

    func describe(
        _ outcome: RecordMatcher.Outcome, record: PersonRecord, state: MatchState, db: Database, notSame: Set<Int>
    ) throws -> FeedResult {
        Self.describe(outcome, record: record, state: state, notSame: notSame)
    }

    /// The result of a match before any write: candidates with their records, and the best
    /// candidate's explanation (shared by every index store).
    package static func describe(
        _ outcome: RecordMatcher.Outcome, record: PersonRecord, state: MatchState, notSame: Set<Int>
    ) -> FeedResult {
        var candidates: [FeedResult.Candidate] = []
        for candidate in outcome.candidates {
            candidates.append(
                FeedResult.Candidate(
                    person: EnterpriseID(Int64(candidate.person)),
                    record: RecordReference(
                        domain: state.raw[candidate.record].domain, id: state.raw[candidate.record].id),
                    probability: candidate.score.probability, decision: candidate.decision))
        }
        var explanation: Explanation?
        if let best = outcome.candidates.first {
            explanation = state.matcher.scorer.explain(
                record, outcome.normalized, state.raw[best.record], state.matcher.records[best.record],
                blockingRules: best.blockingRules, notSamePerson: notSame.contains(best.person))
        }
        return FeedResult(
            record: RecordReference(domain: record.domain, id: record.id), person: nil, decision: .newPerson,
            provenance: nil, candidates: candidates, explanation: explanation, reviewItem: nil, issues: outcome.issues)
    }

    // MARK: feed

    /// Adds or updates one source record and links it (empi.md §2.2 `feed`, ITI-8/ITI-44): upsert,
    /// match against the persisted persons with `RecordMatcher` (same scorer and thresholds as the
    /// batch modes), then link to the one auto-link person, or start a new person — queued for
    /// review when candidates reached the review band. A record already in the index is updated and
    /// matched again (`PatientIndex+Refeed.swift`): its automatic
    /// link moves when the changed data says it belongs elsewhere (`relinked`), manual links never do.
    ///
    /// - Throws: `HealthCardError` `unknownSourceDomain` for an unregistered source or identifier
    ///   domain (nothing is written); GRDB errors (nothing is written).
    public func feed(_ record: PersonRecord, actor: String = "feed", now: Date? = nil) throws -> FeedResult {
        let now = now ?? clock.now()
        return try write { db, state in
            try feed(record, actor: actor, now: now, db: db, state: state)
        }
    }

    /// The body of ``feed(_:actor:now:)`` inside the caller's write transaction (also
    /// ``Transaction/feed(_:actor:now:)``): the result and the matcher changes to apply after the commit.
    func feed(
        _ record: PersonRecord, actor: String, now: Date, db: Database, state: MatchState
    ) throws -> (FeedResult, [CacheChange]) {
        let domains = try Self.domains(db)
        var issues: [RecordIssue] = []
        if Self.check(record, domains: domains, today: normalizer.today, issues: &issues) {
            throw Self.rejection(issues)
        }
        let reference = RecordReference(domain: record.domain, id: record.id)
        let version = try Self.revision(db) + 1
        if let row = try Self.recordRow(db, reference) {
            return try refeed(
                record, row: row, issues: issues, domains: domains, version: version, actor: actor, now: now, db: db,
                state: state)
        }
        let data = IndexJSON.record(record)

        try db.cachedStatement(sql: "INSERT INTO record (domain, localId, data, version, created, updated) VALUES (?, ?, ?, ?, ?, ?)").execute(
            arguments: [record.domain, record.id, data, version, Self.stamp(now), Self.stamp(now)])
        let row = db.lastInsertedRowID
        try Self.writeIdentifiers(db, row: row, record: record, domains: domains, today: normalizer.today)
        let outcome = state.matcher.match(record)
        var result = try describe(outcome, record: record, state: state, db: db, notSame: [])
        result.issues = issues + result.issues
        let explanationText = try outcome.candidates.first.map { best in
            try storedEvidence(
                (row, version), outcome.normalized, (state.rowIDs[best.record], state.versions[best.record]),
                state.matcher.records[best.record], levels: best.score.levels, blockingRules: best.blockingRules)
        }
        let plan = FeedPlan(outcome)
        let person: Int64
        switch plan.target {
        case .person(let existing): person = existing
        case .newPerson: person = try Self.newPerson(db, now: now)
        }
        try Self.setLink(
            db, record: row, person: person, provenance: plan.provenance, probability: plan.probability,
            explanation: plan.linkExplained ? explanationText : nil, actor: actor, now: now)
        if let review = plan.review {
            result.reviewItem = try Self.queueReview(
                db, record: row, person: person, candidates: review.candidates, reason: review.reason,
                explanation: explanationText, now: now)
        }
        plan.complete(&result, person: person)
        if result.reviewItem == nil {
            result.reviewItem = try Self.checkUniqueness(
                db, row: row, person: person, domains: domains, explanation: explanationText, now: now)
        }
        try Self.refreshGolden(db, person: person, survivorship: survivorship, state: state, written: (row, record))
        try Self.appendEvent(db, .register, person: person, record: reference, payload: plan.eventPayload, actor: actor, now: now)
        return (result, [.add(row: row, record: record, person: person, version: version)])
    }

    static func queueReview(
        _ db: Database, record: Int64, person: Int64, candidates: [ReviewItem.Candidate], reason: String,
        explanation: String?, now: Date
    ) throws -> Int64 {
        try db.cachedStatement(sql: """
                INSERT INTO review (record, person, candidates, reason, status, explanation, created)
                VALUES (?, ?, ?, ?, 'open', ?, ?)
                """).execute(
            arguments: [record, person, try IndexJSON.candidates(candidates), reason, explanation, stamp(now)])
        return db.lastInsertedRowID
    }

    /// A unique-domain identifier of record `row` already held by another person goes to review
    /// (empi.md §2.1 uniqueness policy); returns the review item, if one was queued.
    static func checkUniqueness(
        _ db: Database, row: Int64, person: Int64, domains: [String: IdentifierDomain], explanation: String?, now: Date
    ) throws -> Int64? {
        let others = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT DISTINCT link.person FROM identifier mine
                JOIN identifier theirs ON theirs.domain = mine.domain AND theirs.value = mine.value AND theirs.record != mine.record
                JOIN link ON link.record = theirs.record
                JOIN domain ON domain.code = mine.domain
                WHERE mine.record = ? AND domain.uniqueness = 'unique' AND link.person != ?
                ORDER BY link.person
                """), arguments: [row, person])
        guard !others.isEmpty else { return nil }
        return try queueReview(
            db, record: row, person: person,
            candidates: others.map { ReviewItem.Candidate(person: EnterpriseID($0), probability: 0) },
            reason: FeedPlan.identifierConflict, explanation: explanation, now: now)
    }
}
