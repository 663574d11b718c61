import EMPI
import EMPIIndex
import Foundation
import HealthCardFoundation
import PostgresNIO

/// One EMPI write transaction shared with a store kept in the same database (the e-health-card
/// accounts, ``PostgresAccountStore``): the store's rows and the index's feeds, links and events
/// commit together or not at all, under the revision lock of ``PostgresPatientIndex`` — the
/// PostgreSQL counterpart of `PatientIndex.Transaction`.
///
/// Feeds match against the records fed earlier in the same transaction. The transaction holds
/// the node's matcher, taken out of the cache, and changes it in place; it goes back into the
/// cache only after the commit (``PostgresPatientIndex/writeTransaction(stamp:_:)``).
final class PostgresIndexTransaction {
    let connection: PostgresConnection
    let index: PostgresPatientIndex
    let stamp: String
    /// The working matcher; `nil` after a change it cannot follow (reloaded on next use).
    private(set) var state: PatientIndex.MatchState?
    /// The committed revision the transaction started from.
    let base: Int64
    /// Revisions used up by writes that each count as one (``nextRevision()``).
    private(set) var revisionsUsed: Int64 = 0
    /// Whether records or links changed (the revision is then bumped).
    private(set) var changed = false

    init(connection: PostgresConnection, index: PostgresPatientIndex, state: PatientIndex.MatchState, stamp: String) {
        self.connection = connection
        self.index = index
        self.state = state
        self.base = state.revision
        self.stamp = stamp
    }

    /// The matcher as of this transaction's writes.
    func currentState() async throws -> PatientIndex.MatchState {
        if let state { return state }
        let loaded = try await index.load(connection, revision: base + revisionsUsed)
        state = loaded
        return loaded
    }

    /// Ends one write of several that must each look as if committed alone (the feeds of a
    /// batch): the next write's rows carry the next revision as their version, as a feed
    /// committed after it would, so survivorship ranks them in the same order.
    func nextRevision() {
        revisionsUsed += 1
        state?.revision = base + revisionsUsed
    }

    /// The revision this transaction's commit makes: one more than it started from, or one per
    /// write that ended with ``nextRevision()``.
    var committedRevision: Int64 { base + max(revisionsUsed, 1) }

    /// ``PostgresPatientIndex/feed(_:actor:now:)`` inside this transaction.
    func feed(_ record: PersonRecord, actor: String) async throws -> FeedResult {
        let (result, changes) = try await index.feed(record, actor: actor, stamp: stamp, connection, try await currentState())
        apply(changes)
        return result
    }

    /// What a feed of `record` would decide, without writing (`PatientIndex.match`).
    func match(_ record: PersonRecord) async throws -> FeedResult {
        let state = try await currentState()
        guard let row = try await index.recordRow(connection, RecordReference(domain: record.domain, id: record.id)) else {
            return PatientIndex.match(record, state: state, notSame: [], excluding: nil)
        }
        return PatientIndex.match(
            record, state: state, notSame: try await index.notSamePersons(connection, row: row),
            excluding: state.positionOfRow[row])
    }

    /// A manual link of `record` to `person` inside this transaction (`PatientIndex.link`).
    @discardableResult
    func link(_ record: RecordReference, to person: EnterpriseID, actor: String) async throws
        -> PatientIndex.StewardshipResult
    {
        let row = try await index.requireRecord(connection, record)
        let target = try await index.requireLivePerson(connection, person)
        let result = try await index.manualLink(connection, row: row, record: record, to: target, actor: actor, stamp: stamp)
        apply([.assign(row: row, person: target)])
        return result
    }

    /// The live person a (possibly retired) ID stands for.
    func resolve(_ person: EnterpriseID) async throws -> EnterpriseID {
        EnterpriseID(try await index.requireLivePerson(connection, person))
    }

    /// The person a record is linked to; `nil` for a record not in the index.
    func personOf(_ record: RecordReference) async throws -> EnterpriseID? {
        guard let row = try await index.recordRow(connection, record) else { return nil }
        return EnterpriseID(try await index.link(ofRecord: row, connection).person)
    }

    /// Appends an event to the append-only event table.
    @discardableResult
    func appendEvent(
        _ kind: IndexEvent.Kind, person: EnterpriseID?, record: RecordReference?, payload: [String: JSONValue], actor: String
    ) async throws -> Int64 {
        try await index.appendEvent(
            connection, kind, person: person?.rawValue, record: record, payload: payload, actor: actor, stamp: stamp)
    }

    /// Applies a write's matcher changes to the working matcher, in place.
    func apply(_ changes: [PatientIndex.CacheChange]) {
        guard !changes.isEmpty else { return }
        changed = true
        PatientIndex.apply(changes, to: &state)
    }

    /// The working matcher, handed over: this transaction holds it no longer (`nil` if a change
    /// could not be followed and it was not loaded again).
    func release() -> PatientIndex.MatchState? {
        defer { state = nil }
        return state
    }
}

extension PostgresPatientIndex {
    /// Runs `body` as one EMPI write transaction (``write(_:)``: the revision lock, one commit).
    func transaction<T: Sendable>(
        now: Date?, _ body: @escaping @Sendable (PostgresIndexTransaction) async throws -> T
    ) async throws -> T {
        try await writeTransaction(stamp: ISO8601Instant.format(now ?? clock.now()), body)
    }

    // MARK: Rows for stewardship (inside the caller's transaction)

    /// The row of a stored record; `nil` when it is not in the index.
    func recordRow(_ connection: PostgresConnection, _ record: RecordReference) async throws -> Int64? {
        try await connection.rows(
            "SELECT id FROM empi_record WHERE domain = \(record.domain) AND local_id = \(record.id)", logger: logger
        ).first?.decode(Int64.self)
    }

    func requireRecord(_ connection: PostgresConnection, _ record: RecordReference) async throws -> Int64 {
        guard let row = try await recordRow(connection, record) else {
            throw HealthCardError(code: .unknownRecord, reason: "no record \(record) in the index")
        }
        return row
    }

    func requireLivePerson(_ connection: PostgresConnection, _ person: EnterpriseID) async throws -> Int64 {
        guard let live = try await resolve(connection, person.rawValue) else {
            throw HealthCardError(code: .unknownPerson, reason: "no person \(person) in the index")
        }
        return live
    }

    /// Links record `row` to `target` by hand (provenance `manual`), refreshes both persons'
    /// golden records and appends the `link` event (`PatientIndex.manualLink`).
    func manualLink(
        _ connection: PostgresConnection, row: Int64, record: RecordReference, to target: Int64, actor: String,
        stamp: String
    ) async throws -> PatientIndex.StewardshipResult {
        let from = try await link(ofRecord: row, connection).person
        try await withdrawAssertion(connection, record: row, person: target)
        try await connection.query(
            """
            UPDATE empi_link SET person = \(target), provenance = \(LinkProvenance.manual.rawValue), probability = NULL,
                explanation = NULL, time = \(stamp), actor = \(actor)
            WHERE record = \(row)
            """, logger: logger)
        try await refreshGolden(connection, person: target)
        if from != target { try await refreshGolden(connection, person: from) }
        let event = try await appendEvent(
            connection, .link, person: target, record: record, payload: ["from": .number(Double(from))], actor: actor,
            stamp: stamp)
        return PatientIndex.StewardshipResult(
            record: record, person: EnterpriseID(target), other: EnterpriseID(from), event: event)
    }
}
