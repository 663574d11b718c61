import EMPI
import Foundation
import GRDB
import HealthCardFoundation

/// What a data steward reads about one person (empi.md §1.7, §2.2): their source records as fed,
/// and the history of changes that concern them.
extension PatientIndex {
    /// The source record stored under `reference`, as last fed.
    ///
    /// - Throws: `unknownRecord` when the index has no such record.
    public func record(_ reference: RecordReference) throws -> PersonRecord {
        try plainRead { db in
            let row = try Self.requireRecord(db, reference)
            let data = try String.fetchOne(db.cachedStatement(sql: "SELECT data FROM record WHERE id = ?"), arguments: [row])
            return try Self.decode(PersonRecord.self, data ?? "{}")
        }
    }

    /// The events that concern person `id` (resolved through merges), oldest first, at most
    /// `limit`: those naming the person or a person merged into it, and those of any record the
    /// person holds now (so a record's registration under its first person is part of its history).
    ///
    /// - Throws: `unknownPerson` for an ID the index never issued.
    public func history(of id: EnterpriseID, limit: Int = 1000) throws -> [IndexEvent] {
        try plainRead { db in
            let live = try Self.requireLivePerson(db, id)
            return try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM event WHERE person = ?1
                            OR person IN (SELECT id FROM person WHERE mergedInto = ?1)
                            OR EXISTS (SELECT 1 FROM link JOIN record ON record.id = link.record
                                WHERE link.person = ?1 AND record.domain = event.recordDomain
                                AND record.localId = event.recordId)
                        ORDER BY sequence LIMIT ?2
                        """), arguments: [live, limit]
            ).map(Self.indexEvent)
        }
    }
}
