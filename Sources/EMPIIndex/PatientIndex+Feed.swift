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
    /// The record was already in the index: its data was updated, its link kept (links change only
    /// by stewardship: link, unlink, merge, review).
    case unchanged
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

/// The answer to ``PatientIndex/ingest(_:actor:now:progress:)``.
public struct IngestSummary: Sendable, Hashable, Codable {
    public var records: Int
    public var registered: Int
    public var updated: Int
    public var unchanged: Int
    /// Records not stored (unknown domain).
    public var rejected: Int
    public var newPersons: Int
    public var linked: Int
    public var reviewItems: Int
    /// Every problem, with its line and record ID; stored records may have issues too.
    public var issues: [RecordIssue]
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
            let outcome = state.matcher.match(record, notSamePersons: notSame, excluding: position)
            var result = try describe(outcome, record: record, state: state, db: db, notSame: notSame)
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
    /// keeps its link (`unchanged`): manual decisions and earlier links are never undone by re-feeding.
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
        let data = try Self.json(record)
        if let row = try Self.recordRow(db, reference) {
            let person = try Self.person(ofRecord: row, db)
            let old = try String.fetchOne(db.cachedStatement(sql: "SELECT data FROM record WHERE id = ?"), arguments: [row])
            var changes: [CacheChange] = []
            if old != data {
                try db.cachedStatement(sql: "UPDATE record SET data = ?, version = ?, updated = ? WHERE id = ?").execute(
                    arguments: [data, version, Self.stamp(now), row])
                try Self.writeIdentifiers(db, row: row, record: record, domains: domains, today: normalizer.today)
                try Self.refreshGolden(db, person: person, survivorship: survivorship)
                try Self.appendEvent(db, .update, person: person, record: reference, payload: [:], actor: actor, now: now)
                changes = [.invalidate]
            }
            let notSame = try Self.notSamePersons(db, row: row)
            let outcome = state.matcher.match(record, notSamePersons: notSame, excluding: state.positionOfRow[row])
            var result = try describe(outcome, record: record, state: state, db: db, notSame: notSame)
            result.decision = .unchanged
            result.person = EnterpriseID(person)
            result.provenance = LinkProvenance(
                rawValue: try String.fetchOne(db.cachedStatement(sql: "SELECT provenance FROM link WHERE record = ?"), arguments: [row]) ?? "")
            result.issues = issues + result.issues
            return (result, changes)
        }

        try db.cachedStatement(sql: "INSERT INTO record (domain, localId, data, version, created, updated) VALUES (?, ?, ?, ?, ?, ?)").execute(
            arguments: [record.domain, record.id, data, version, Self.stamp(now), Self.stamp(now)])
        let row = db.lastInsertedRowID
        try Self.writeIdentifiers(db, row: row, record: record, domains: domains, today: normalizer.today)
        let outcome = state.matcher.match(record)
        var result = try describe(outcome, record: record, state: state, db: db, notSame: [])
        result.issues = issues + result.issues
        let explanationText = try result.explanation.map(Self.explanationJSON)
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
        try Self.refreshGolden(db, person: person, survivorship: survivorship)
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
            arguments: [record, person, try json(candidates), reason, explanation, stamp(now)])
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

    // MARK: ingest

    /// Ingests a batch (a CSV read through a `FieldMapping`) in one transaction: records with an
    /// unknown domain are rejected and reported, the rest upserted; then every stored record is
    /// run through `Deduplicator` with the index's model (no estimation) and the stored
    /// "not the same person" assertions as cannot-link constraints, and each *new* record joins
    /// the person its cluster already has, or a new person. Records already linked keep their
    /// links; a cluster that would join two existing persons is not merged but queued for review,
    /// as is every review-band pair across persons. Into an empty index this gives exactly the
    /// clusters `hcard empi dedupe` reports for the same file and model.
    ///
    /// A record whose domain and ID an earlier record of the batch has is rejected with a
    /// `duplicateRecordID` issue naming both lines; the rest of the batch is ingested.
    public func ingest(
        _ records: [PersonRecord], actor: String = "ingest", now: Date? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> IngestSummary {
        let now = now ?? clock.now()
        return try write { db, state in
            let domains = try Self.domains(db)
            var summary = IngestSummary(
                records: records.count, registered: 0, updated: 0, unchanged: 0, rejected: 0, newPersons: 0, linked: 0,
                reviewItems: 0, issues: [])
            let version = try Self.revision(db) + 1
            var all = state.raw
            var rowIDs = state.rowIDs
            var positionOfRow = state.positionOfRow
            var versions = state.versions
            var fresh: [Int] = []  // positions in `all` of new records
            var inputKeys = Set<String>()
            let stamp = Self.stamp(now)
            var touched = Set<Int64>()
            var firstLine: [RecordReference: Int?] = [:]
            for (number, record) in records.enumerated() {
                if number % 1_000 == 0 { progress?(number, records.count) }
                if Self.check(record, domains: domains, today: normalizer.today, issues: &summary.issues) {
                    summary.rejected += 1
                    continue
                }
                let key = RecordReference(domain: record.domain, id: record.id)
                if let earlier = firstLine[key] {
                    summary.rejected += 1
                    summary.issues.append(
                        RecordIssue(
                            kind: .duplicateRecordID, line: record.line, recordID: record.id, field: "recordID",
                            message: "record ID \(record.id) in domain \(record.domain) is already on "
                                + (earlier.map { "line \($0)" } ?? "an earlier record") + "; this line is rejected"))
                    continue
                }
                firstLine[key] = record.line
                inputKeys.insert("\(record.line ?? 0)\u{1}\(record.id)")
                let reference = RecordReference(domain: record.domain, id: record.id)
                let data = try Self.json(record)
                if let row = try Self.recordRow(db, reference) {
                    let old = try String.fetchOne(db.cachedStatement(sql: "SELECT data FROM record WHERE id = ?"), arguments: [row])
                    guard old != data else {
                        summary.unchanged += 1
                        continue
                    }
                    try db.cachedStatement(sql: "UPDATE record SET data = ?, version = ?, updated = ? WHERE id = ?").execute(
                        arguments: [data, version, stamp, row])
                    try Self.writeIdentifiers(db, row: row, record: record, domains: domains, today: normalizer.today)
                    let person = try Self.person(ofRecord: row, db)
                    touched.insert(person)
                    try Self.appendEvent(db, .update, person: person, record: reference, payload: [:], actor: actor, now: now)
                    if let position = positionOfRow[row] {
                        all[position] = record
                        versions[position] = version
                    }
                    summary.updated += 1
                    continue
                }
                try db.cachedStatement(sql: "INSERT INTO record (domain, localId, data, version, created, updated) VALUES (?, ?, ?, ?, ?, ?)").execute(
                    arguments: [record.domain, record.id, data, version, stamp, stamp])
                let row = db.lastInsertedRowID
                try Self.writeIdentifiers(db, row: row, record: record, domains: domains, today: normalizer.today)
                positionOfRow[row] = all.count
                fresh.append(all.count)
                all.append(record)
                rowIDs.append(row)
                versions.append(version)
                summary.registered += 1
            }
            progress?(records.count, records.count)

            // Assertions as record pairs: the record against every record of the asserted person.
            let oldCount = state.raw.count
            var personOf = state.matcher.personOfRecord.map { Int64($0) }
            var recordsOfPerson: [Int64: [Int]] = [:]
            for (position, person) in personOf.enumerated() { recordsOfPerson[person, default: []].append(position) }
            var notSame = Set<RecordPair>()
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT record, person FROM assertion")) {
                guard let position = positionOfRow[row["record"]], let person = try Self.resolve(db, row["person"])
                else { continue }
                for other in recordsOfPerson[person] ?? [] where other != position {
                    notSame.insert(RecordPair(position, other))
                }
            }

            let deduplicator = Deduplicator(
                model: model, blocker: blocker, normalizer: normalizer, estimator: nil, minimumReportedBand: .review)
            let result = deduplicator.run(all, notSamePerson: notSame)
            summary.issues += result.issues.filter { inputKeys.contains("\($0.line ?? 0)\u{1}\($0.recordID ?? "")") }
            let scorer = Scorer(model: model)

            // The strongest auto-link pair of each record within its cluster, for the link's explanation.
            let cluster = result.clusterOfRecord
            var bestPair: [Int: Deduplicator.Pair] = [:]
            for pair in result.pairs where pair.decision == .autoLink && cluster[pair.a] == cluster[pair.b] {
                for end in [pair.a, pair.b] where bestPair[end].map({ $0.weight < pair.weight }) ?? true {
                    bestPair[end] = pair
                }
            }
            func explanation(_ pair: Deduplicator.Pair) throws -> String {
                try Self.explanationJSON(
                    scorer.explain(
                        all[pair.a], result.normalized[pair.a], all[pair.b], result.normalized[pair.b],
                        blockingRules: pair.blockingRules, notSamePerson: pair.vetoes.contains(.notSamePerson)))
            }

            personOf += [Int64](repeating: 0, count: all.count - oldCount)
            let freshSet = Set(fresh)
            var contested: [Int: [Int64]] = [:]
            for members in result.clusters {
                let new = members.filter { freshSet.contains($0) }
                guard !new.isEmpty else { continue }
                let existing = Set(members.filter { $0 < oldCount }.map { personOf[$0] }).sorted()
                var target: Int64
                if existing.count == 1 {
                    target = existing[0]
                } else {
                    target = try Self.newPerson(db, now: now)
                    summary.newPersons += 1
                }
                for position in new {
                    if existing.count > 1 {
                        contested[position] = existing
                    }
                    var provenance = LinkProvenance.auto
                    var probability: Double?
                    var text: String?
                    if let pair = bestPair[position] {
                        provenance = pair.deterministicRule != nil ? .deterministic : .auto
                        probability = pair.probability
                        text = try explanation(pair)
                    }
                    try Self.setLink(
                        db, record: rowIDs[position], person: target, provenance: provenance, probability: probability,
                        explanation: text, actor: actor, now: now)
                    personOf[position] = target
                    if existing.count == 1 { summary.linked += 1 }
                }
                touched.insert(target)
            }

            // Review: review-band pairs (and vetoed auto-links) across persons involving a new record,
            // and clusters that would have joined several existing persons.
            var reviewCandidates: [Int: [Int64: (probability: Double, pair: Deduplicator.Pair?)]] = [:]
            for pair in result.pairs where personOf[pair.a] != personOf[pair.b] {
                for (mine, other) in [(pair.b, pair.a), (pair.a, pair.b)] where freshSet.contains(mine) {
                    let person = personOf[other]
                    if let known = reviewCandidates[mine]?[person], known.probability >= pair.probability { break }
                    reviewCandidates[mine, default: [:]][person] = (pair.probability, pair)
                    break
                }
            }
            for (position, persons) in contested {
                for person in persons where reviewCandidates[position]?[person] == nil {
                    reviewCandidates[position, default: [:]][person] = (0, nil)
                }
            }
            for position in reviewCandidates.keys.sorted() {
                let entries = reviewCandidates[position]!.sorted {
                    ($0.value.probability, -$0.key) > ($1.value.probability, -$1.key)
                }
                let candidates = entries.map {
                    ReviewItem.Candidate(person: EnterpriseID($0.key), probability: $0.value.probability)
                }
                _ = try Self.queueReview(
                    db, record: rowIDs[position], person: personOf[position], candidates: candidates,
                    reason: contested[position] != nil ? "several-auto-links" : "review-band",
                    explanation: try entries[0].value.pair.map(explanation), now: now)
                summary.reviewItems += 1
            }
            for position in fresh.sorted() {
                if reviewCandidates[position] == nil,
                    try Self.checkUniqueness(
                        db, row: rowIDs[position], person: personOf[position], domains: domains, explanation: nil,
                        now: now) != nil
                {
                    summary.reviewItems += 1
                }
            }

            // Golden records and events, in record order.
            for person in touched.sorted() { try Self.refreshGolden(db, person: person, survivorship: survivorship) }
            for position in fresh {
                let record = all[position]
                try Self.appendEvent(
                    db, .register, person: personOf[position], record: RecordReference(domain: record.domain, id: record.id),
                    payload: [
                        "decision": .string(
                            reviewCandidates[position] != nil
                                ? FeedDecision.review.rawValue
                                : (bestPair[position] != nil ? FeedDecision.linked.rawValue : FeedDecision.newPerson.rawValue))
                    ], actor: actor, now: now)
            }

            // The matcher over exactly what was scored: the same normalised records and frequencies.
            let matcher = RecordMatcher(
                normalized: result.normalized, persons: personOf.map { Int($0) }, termFrequencies: TermFrequencies(records: result.normalized),
                scorer: scorer, blocker: blocker, normalizer: normalizer)
            let next = MatchState(
                revision: 0, matcher: matcher, rowIDs: rowIDs, positionOfRow: positionOfRow, raw: all, versions: versions)
            return (summary, fresh.isEmpty && summary.updated == 0 ? [] : [.replace(next)])
        }
    }
}
