import Foundation
import HealthCardFoundation
import HealthQR
import Logging
import PersonalHealthCode
import PostgresNIO

/// The GB/T 38963 health-code event store in the shared PostgreSQL database
/// (``HealthEventStorage``): the SQLite `HealthEventStore`'s tables as `health_person`,
/// `health_event` and `health_issued_code` (``PostgresSchema`` migration 10), the same columns
/// as the same text, written and read by every `hcard serve --postgres` node.
///
/// How the rules that SQLite's one writer gave hold across nodes (Docs/serve.md §8):
/// - **One person's updates are serial.** ``update(_:now:_:)`` first takes a transaction-level
///   advisory lock on the person (`pg_advisory_xact_lock(class, hashtext(person))`), held to the
///   commit, and only then reads the person and their events, lets the service decide and
///   writes. A second update of the same person on any node waits for the commit, then reads the
///   state that includes it: two corrections of one event give one retraction and one `2002`, and
///   the status answered after a declaration counts every declaration committed before it. The
///   lock is taken whether or not the person exists yet, so a first declaration is serial too.
///   Different persons do not wait for each other (a hash collision only makes two wait).
/// - **Event ids follow each person's commit order**: an event's id is taken from its sequence
///   under the person's lock, so within one person ids grow in commit order, which is what the
///   stored order (time, then id) and a correction's `retracts` rely on.
/// - **Reads are one snapshot**: ``snapshot(of:)`` runs in a read-only `REPEATABLE READ`
///   transaction and takes no lock.
/// - **Append-only**: triggers refuse `UPDATE`, `DELETE` and `TRUNCATE` on the events and the
///   register of issued codes.
public final class PostgresHealthEventStore: HealthEventStorage {
    let database: SharedDatabase
    /// The first key of the per-person advisory locks ("hcHE"); the second is the person's
    /// `hashtext`. The two-key lock space is apart from the one-key space of the migration lock.
    static let personLockClass: Int32 = 0x6863_4845

    /// The store over `database`, whose schema must be migrated (``PostgresSchema/migrate(_:)``).
    public init(database: SharedDatabase) {
        self.database = database
    }

    public func update<Value: Sendable>(
        _ person: PersonID, now: Date,
        _ decide: @escaping @Sendable (HealthEventStore.StoredPerson?, [HealthEventStore.StoredEvent]) throws
            -> HealthRecordChange<Value>
    ) async throws -> HealthRecordUpdated<Value> {
        let id = person.rawValue
        let stamp = ISO8601Instant.format(now)
        let logger = database.logger
        return try await database.transaction { connection in
            _ = try await connection.rows(
                "SELECT pg_advisory_xact_lock(\(Self.personLockClass), hashtext(\(id)))", logger: logger)
            let stored = try Self.person(person, await connection.rows(Self.personQuery(person), logger: logger))
            let change = try decide(
                stored, stored == nil ? [] : try Self.events(await connection.rows(Self.eventsQuery(person), logger: logger)))
            let exists = try change.personExists(after: stored != nil, person)
            if let basicInfo = change.basicInfo {
                _ = try await connection.rows(
                    """
                    INSERT INTO health_person (id, basic_info, created, updated)
                    VALUES (\(id), \(HealthEventStore.json(basicInfo)), \(stamp), \(stamp))
                    ON CONFLICT (id) DO UPDATE SET basic_info = EXCLUDED.basic_info, updated = EXCLUDED.updated
                    """, logger: logger)
            } else if change.createsPerson {
                _ = try await connection.rows(
                    """
                    INSERT INTO health_person (id, basic_info, created, updated) VALUES (\(id), '{}', \(stamp), \(stamp))
                    ON CONFLICT (id) DO NOTHING
                    """, logger: logger)
            }
            var ids: [Int64] = []
            for event in change.events {
                let inserted = try await connection.rows(
                    """
                    INSERT INTO health_event (person, time, kind, payload, actor, created)
                    VALUES (\(id), \(event.time.description), \(event.kind), \(HealthEventStore.json(event.payload)),
                            \(event.actor), \(stamp))
                    RETURNING id
                    """, logger: logger)
                ids.append(try inserted[0].decode(Int64.self))
            }
            return HealthRecordUpdated(
                value: change.value, eventIDs: ids,
                events: exists ? try Self.events(await connection.rows(Self.eventsQuery(person), logger: logger)) : [])
        }
    }

    public func snapshot(of person: PersonID) async throws -> HealthEventStore.PersonSnapshot? {
        let logger = database.logger
        return try await database.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            guard let stored = try await Self.person(person, connection.rows(Self.personQuery(person), logger: logger))
            else { return nil }
            return HealthEventStore.PersonSnapshot(
                person: stored, events: try await Self.events(connection.rows(Self.eventsQuery(person), logger: logger)),
                issuedCodes: try await Self.issuedCodes(connection.rows(Self.codesQuery(person), logger: logger)))
        }
    }

    public func recordIssuedCode(_ record: HealthEventStore.IssuedCodeRecord) async throws {
        _ = try await database.rows(
            """
            INSERT INTO health_issued_code (\(unescaped: Self.codeColumns))
            VALUES (\(record.codeID.hex), \(record.person.rawValue), \(record.colour.rawValue), \(record.region),
                    \(Int64(record.issuedAt.timeIntervalSince1970)), \(Int64(record.expiresAt.timeIntervalSince1970)),
                    \(record.keyID.hex), \(record.rules))
            """)
    }

    public func issuedCode(_ id: HealthCode.ID) async throws -> HealthEventStore.IssuedCodeRecord? {
        try Self.issuedCodes(
            await database.rows("SELECT \(unescaped: Self.codeColumns) FROM health_issued_code WHERE code_id = \(id.hex)")
        ).first
    }

    public func registerEntry(of id: HealthCode.ID) async throws -> HealthEventStore.RegisterEntry? {
        try await registerEntryFromCodes(of: id)
    }

    public func person(_ id: PersonID) async throws -> HealthEventStore.StoredPerson? {
        try Self.person(id, await database.rows(Self.personQuery(id)))
    }

    public func events(of person: PersonID) async throws -> [HealthEventStore.StoredEvent] {
        try Self.events(await database.rows(Self.eventsQuery(person)))
    }

    public func issuedCodes(of person: PersonID) async throws -> [HealthEventStore.IssuedCodeRecord] {
        try Self.issuedCodes(await database.rows(Self.codesQuery(person)))
    }

    public func counts() async throws -> HealthEventStore.RowCounts {
        let row = try await database.rows(
            """
            SELECT (SELECT count(*) FROM health_person), (SELECT count(*) FROM health_event),
                   (SELECT count(*) FROM health_issued_code)
            """)[0]
        let (persons, events, codes) = try row.decode((Int64, Int64, Int64).self)
        return HealthEventStore.RowCounts(persons: Int(persons), events: Int(events), issuedCodes: Int(codes))
    }

    // MARK: Rows

    static let codeColumns = "code_id, person, colour, region, issued_at, expires_at, key_id, rules"

    /// The person's row. (The stored order of events and codes is the SQLite file's: `COLLATE "C"`
    /// compares the text byte by byte, as SQLite does.)
    static func personQuery(_ person: PersonID) -> PostgresQuery {
        "SELECT basic_info, created, updated FROM health_person WHERE id = \(person.rawValue)"
    }

    /// The person's events in the stored order: time, then id.
    static func eventsQuery(_ person: PersonID) -> PostgresQuery {
        """
        SELECT id, person, time, kind, payload, actor, created FROM health_event
        WHERE person = \(person.rawValue) ORDER BY time COLLATE "C", id
        """
    }

    /// The person's issued codes, in the order they were recorded (`seq`, migration 12).
    static func codesQuery(_ person: PersonID) -> PostgresQuery {
        """
        SELECT \(unescaped: codeColumns) FROM health_issued_code
        WHERE person = \(person.rawValue) ORDER BY seq
        """
    }

    static func person(_ id: PersonID, _ rows: [PostgresRow]) throws -> HealthEventStore.StoredPerson? {
        try rows.first.map { row in
            let (basicInfo, created, updated) = try row.decode((String, String, String).self)
            return HealthEventStore.StoredPerson(id: id, basicInfo: basicInfo, created: created, updated: updated)
        }
    }

    static func events(_ rows: [PostgresRow]) throws -> [HealthEventStore.StoredEvent] {
        try rows.map { row in
            let (id, person, time, kind, payload, actor, created) = try row.decode(
                (Int64, String, String, String, String, String, String).self)
            return try HealthEventStore.StoredEvent(
                id: id, person: person, time: time, kind: kind, payload: payload, actor: actor, created: created)
        }
    }

    static func issuedCodes(_ rows: [PostgresRow]) throws -> [HealthEventStore.IssuedCodeRecord] {
        try rows.compactMap { row in
            let (code, person, colour, region, issuedAt, expiresAt, key, rules) = try row.decode(
                (String, String, String, String, Int64, Int64, String, String).self)
            return HealthEventStore.IssuedCodeRecord(
                codeID: code, person: person, colour: colour, region: region, issuedAt: issuedAt,
                expiresAt: expiresAt, keyID: key, rules: rules)
        }
    }
}
