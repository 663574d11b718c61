import Foundation
import GRDB
import EMPI
import HealthCardFoundation

/// One write transaction shared by the index and a store kept in the same file (the e-health-card
/// accounts, ``AccountService``): the store's rows and the index's feeds, links and events commit
/// together or not at all.
extension PatientIndex {
    /// The index operations available inside ``transaction(_:)``. Feeds match against the records
    /// fed earlier in the same transaction; the in-memory matcher is replaced only after the commit.
    struct Transaction {
        let db: Database
        let index: PatientIndex
        /// The working matcher state; `nil` after an update invalidated it (reloaded on next use).
        var state: MatchState?

        /// ``PatientIndex/feed(_:actor:now:)`` inside this transaction.
        mutating func feed(_ record: PersonRecord, actor: String, now: Date) throws -> FeedResult {
            let current = try state ?? index.load(db, revision: PatientIndex.revision(db))
            let (result, changes) = try index.feed(record, actor: actor, now: now, db: db, state: current)
            state = current
            PatientIndex.apply(changes, to: &state)
            return result
        }

        /// ``PatientIndex/link(_:to:actor:now:)`` (a manual link) inside this transaction.
        @discardableResult
        mutating func link(
            _ record: RecordReference, to person: EnterpriseID, actor: String, now: Date
        ) throws -> StewardshipResult {
            let row = try PatientIndex.requireRecord(db, record)
            let target = try PatientIndex.requireLivePerson(db, person)
            let result = try PatientIndex.manualLink(
                db, row: row, record: record, to: target, actor: actor, now: now, survivorship: index.survivorship)
            PatientIndex.apply([.assign(row: row, person: target)], to: &state)
            return result
        }

        /// The live person a (possibly retired) ID stands for.
        func resolve(_ person: EnterpriseID) throws -> EnterpriseID {
            EnterpriseID(try PatientIndex.requireLivePerson(db, person))
        }

        /// The person a record is linked to, `nil` for a record not in the index.
        func personOf(_ record: RecordReference) throws -> EnterpriseID? {
            try PatientIndex.recordRow(db, record).map { EnterpriseID(try PatientIndex.person(ofRecord: $0, db)) }
        }

        /// Appends an event to the index's append-only event table.
        @discardableResult
        func appendEvent(
            _ kind: IndexEvent.Kind, person: EnterpriseID?, record: RecordReference?, payload: [String: JSONValue],
            actor: String, now: Date
        ) throws -> Int64 {
            try PatientIndex.appendEvent(
                db, kind, person: person?.rawValue, record: record, payload: payload, actor: actor, now: now)
        }
    }

    /// Runs `body` in one write transaction of the index (revision bumped once); if it throws,
    /// nothing is written and the matcher cache is left as it was.
    func transaction<T: Sendable>(_ body: (inout Transaction) throws -> T) throws -> T {
        try write { db, state in
            var transaction = Transaction(db: db, index: self, state: state)
            let result = try body(&transaction)
            return (result, [transaction.state.map(CacheChange.replace) ?? .invalidate])
        }
    }
}
