import EMPI
import EMPIIndex
import Foundation
import PostgresNIO

/// A batch of feeds of new records written table by table (Docs/serve.md §8, group commit): the
/// feeds are matched one after another in memory, then each table takes the whole batch's rows
/// in one statement, so a batch costs about ten statements instead of eight per feed. The rows,
/// their numbers and the answers are those of feeding the records one by one in batch order
/// (``PostgresPatientIndex/feed(_:issues:domains:actor:stamp:_:_:)``, which re-feeds still take).
extension PostgresPatientIndex {
    /// A feed of a batch that passed its own checks (``checked(_:domains:)``).
    struct CheckedFeed {
        let feed: PendingFeed
        let issues: [RecordIssue]
    }

    /// Writes `feeds` inside the batch's transaction when none of their records is in the index
    /// yet and no two are the same record; returns `nil`, having written nothing, otherwise.
    ///
    /// Numbers are those one-by-one feeds take: the records' come from their sequence in feed
    /// order; the persons' are handed out in order from the sequence's next value, and the
    /// sequence is set past them before the commit. That is sound because persons are created
    /// only under the revision lock that the batch holds (every index write transaction takes it);
    /// a person numbered by anything else meanwhile would make the insert fail on its primary key,
    /// failing the batch, not duplicating a person. Reviews and events are inserted in feed order.
    func feedNewRecords(
        _ feeds: [CheckedFeed], domains: [String: IdentifierDomain], _ transaction: PostgresIndexTransaction
    ) async throws -> [FeedResult]? {
        guard !feeds.isEmpty else { return [] }
        let connection = transaction.connection
        let logger = self.logger
        let records = feeds.map(\.feed.record)
        guard Set(records.map { [$0.domain, $0.id] }).count == records.count else { return nil }
        // Whether any record is known already, and the numbers (record numbers taken for a batch
        // that then goes one by one are gaps, as a rolled-back insert leaves).
        let (known, recordNumbers, firstPerson) = try await connection.rows(
            """
            SELECT
                (SELECT count(*) FROM empi_record
                 JOIN unnest(\(records.map(\.domain))::text[], \(records.map(\.id))::text[]) AS fed (domain, local_id)
                     ON empi_record.domain = fed.domain AND empi_record.local_id = fed.local_id),
                array(SELECT nextval('empi_record_id_seq') FROM generate_series(1, \(records.count)::bigint)),
                (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM empi_person_id_seq)
            """, preparedAs: NewRecordNumbers.self, logger: logger
        ).first!.decode((Int64, [Int64], Int64).self)
        guard known == 0 else { return nil }
        let rows = recordNumbers.sorted()

        var batch = NewRecordRows()
        var nextPerson = firstPerson
        var results: [FeedResult] = []
        for (position, checked) in feeds.enumerated() {
            let planned = try plan(
                checked, row: rows[position], domains: domains, state: try await transaction.currentState(),
                nextPerson: &nextPerson, into: &batch)
            results.append(planned.result)
            // The matcher, as the one-by-one feed leaves it: the next feed is matched against it.
            transaction.apply([
                .add(
                    row: rows[position], record: checked.feed.record, person: planned.person, version: planned.version,
                    normalized: checked.feed.normalized)
            ])
            transaction.nextRevision()
        }
        for (position, review) in try await batch.write(
            connection, nextPerson: nextPerson, firstPerson: firstPerson, logger: logger, survivorship: survivorship) {
            results[position].reviewItem = review
        }
        return results
    }

    /// Matches one feed against `state` and adds its rows to `batch`: what
    /// ``feed(_:issues:domains:actor:stamp:_:_:)`` writes for a new record, less what the batch
    /// decides once for all its feeds (identifier conflicts, golden records).
    private func plan(
        _ checked: CheckedFeed, row: Int64, domains: [String: IdentifierDomain], state: PatientIndex.MatchState,
        nextPerson: inout Int64, into batch: inout NewRecordRows
    ) throws -> (result: FeedResult, person: Int64, version: Int64) {
        let record = checked.feed.record
        let stamp = checked.feed.stamp
        let version = state.revision + 1
        let outcome = state.matcher.match(normalized: checked.feed.normalized, issues: checked.feed.normalizationIssues)
        var result = PatientIndex.describe(outcome, record: record, state: state, notSame: [])
        result.issues = checked.issues + result.issues
        let explanation = try result.explanation.map { try IndexJSON.explanation($0) }
        let plan = FeedPlan(outcome)
        let person: Int64
        switch plan.target {
        case .person(let existing): person = existing
        case .newPerson:
            person = nextPerson
            nextPerson += 1
            batch.persons.append(id: person, created: stamp)
        }
        let entries = PatientIndex.identifierEntries(record, domains: domains, today: normalizer.today)
        let uniqueEntries = entries.filter { domains[$0.domain]?.uniqueness == .unique }
        batch.records.append(
            id: row, domain: record.domain, localID: record.id, data: checked.feed.data, version: version,
            stamp: stamp)
        batch.sources.append(
            (person, Survivorship.Source(record: record, trust: domains[record.domain]?.trust ?? 0, version: version)))
        for entry in entries { batch.identifiers.append(domain: entry.domain, value: entry.value, record: row) }
        batch.links.append(
            record: row, person: person, provenance: plan.provenance.rawValue, probability: plan.probability,
            explanation: plan.linkExplained ? explanation : nil, time: stamp, actor: checked.feed.actor)
        let position = batch.events.count
        if let review = plan.review {
            batch.reviews.append(
                NewRecordRows.Review(
                    position: position, record: row, person: person,
                    candidates: try IndexJSON.candidates(review.candidates), reason: review.reason,
                    explanation: explanation, created: stamp))
        }
        // Every feed's unique identifiers count as held from here on; only a feed without a review
        // of its own is checked against the earlier holders (as the one-by-one feed checks).
        batch.uniqueHoldings.append(
            NewRecordRows.UniqueHolding(
                position: position, record: row, person: person, entries: uniqueEntries,
                checked: plan.review == nil && !uniqueEntries.isEmpty, explanation: explanation, created: stamp))
        plan.complete(&result, person: person)
        batch.events.append(
            kind: IndexEvent.Kind.register.rawValue, person: person, domain: record.domain, id: record.id,
            payload: try IndexJSON.payload(plan.eventPayload), actor: checked.feed.actor, time: stamp)
        return (result, person, version)
    }
}
