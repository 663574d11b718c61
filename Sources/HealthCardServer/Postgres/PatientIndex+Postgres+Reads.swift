import EMPI
import EMPIIndex
import Foundation
import HealthCardFoundation
import PostgresNIO

/// What a data steward and a PDQ client read from the shared tables (`PatientIndex+Demographics`
/// and `PatientIndex+History` on SQLite): the demographic query, one source record, a person's
/// history, the person of a record and the live person of an ID. Each is one read-only
/// `REPEATABLE READ` transaction, so an answer is one snapshot whichever node committed what.
extension PostgresPatientIndex {
    /// ``PatientIndex/demographics(_:)``: the criteria, selection, order, page and score are
    /// `DemographicsSearch`'s; this reads the identifier holders and golden records, and scans
    /// this node's matcher brought up to the snapshot's revision (``matchState(_:)``).
    public func demographics(_ query: DemographicsQuery) async throws -> DemographicsPage {
        let search = try DemographicsSearch(query, normalizer: normalizer)
        return try await withMatcher { try await self.readOnly { connection in
            let logger = self.logger
            var holders: Set<Int>?
            for identifier in try search.identifiers(in: try await self.domains(connection)) {
                let found = Set(
                    try await connection.rows(
                        """
                        SELECT DISTINCT empi_link.person FROM empi_identifier
                        JOIN empi_link ON empi_link.record = empi_identifier.record
                        WHERE empi_identifier.domain = \(identifier.domain) AND empi_identifier.value = \(identifier.value)
                        """, logger: logger
                    ).map { Int(try $0.decode(Int64.self)) })
                holders = holders.map { $0.intersection(found) } ?? found
            }
            let state = try await self.matchState(connection)
            let selection = search.select(in: state, holders: holders)
            var goldens: [Int: String] = [:]
            let persons = selection.page.map { Int64($0.person) }
            if !persons.isEmpty {
                for row in try await connection.rows(
                    "SELECT id, golden FROM empi_person WHERE id = ANY(\(persons))", logger: logger)
                {
                    let (id, golden) = try row.decode((Int64, String).self)
                    goldens[Int(id)] = golden
                }
            }
            return try search.page(selection, state: state, goldens: goldens)
        } }
    }

    /// ``PatientIndex/record(_:)``: the source record as last fed.
    public func record(_ reference: RecordReference) async throws -> PersonRecord {
        try await readOnly { connection in
            let row = try await self.requireRecord(connection, reference)
            let data = try await connection.rows("SELECT data FROM empi_record WHERE id = \(row)", logger: self.logger)
                .first?.decode(String.self)
            return try PatientIndex.decode(PersonRecord.self, data ?? "{}")
        }
    }

    /// ``PatientIndex/history(of:limit:)``: the events naming the person or a person merged into
    /// it, and those of any record it holds now, oldest first.
    public func history(of id: EnterpriseID, limit: Int) async throws -> [IndexEvent] {
        try await readOnly { connection in
            let live = try await self.requireLivePerson(connection, id)
            return try await connection.rows(
                """
                SELECT sequence, kind, person, record_domain, record_id, payload, actor, time FROM empi_event
                WHERE person = \(live)
                    OR person IN (SELECT id FROM empi_person WHERE merged_into = \(live))
                    OR EXISTS (SELECT 1 FROM empi_link JOIN empi_record ON empi_record.id = empi_link.record
                        WHERE empi_link.person = \(live) AND empi_record.domain = empi_event.record_domain
                        AND empi_record.local_id = empi_event.record_id)
                ORDER BY sequence LIMIT \(Int64(limit))
                """, logger: self.logger
            ).map(Self.indexEvent)
        }
    }

    /// ``PatientIndex/personOf(_:)``: the person a record is linked to.
    public func personOf(_ record: RecordReference) async throws -> EnterpriseID {
        try await readOnly { connection in
            EnterpriseID(try await self.link(ofRecord: try await self.requireRecord(connection, record), connection).person)
        }
    }

    /// ``PatientIndex/resolve(_:)``: the live person a (possibly retired) ID stands for.
    public func resolve(_ person: EnterpriseID) async throws -> EnterpriseID {
        try await readOnly { connection in EnterpriseID(try await self.requireLivePerson(connection, person)) }
    }

    /// `body` in one read-only `REPEATABLE READ` transaction: every read of it sees one snapshot.
    func readOnly<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await database.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: self.logger)
            return try await body(connection)
        }
    }

    /// One row of `empi_event` (`sequence, kind, person, record_domain, record_id, payload, actor, time`).
    static func indexEvent(_ row: PostgresRow) throws -> IndexEvent {
        let (sequence, kind, person, domain, id, payload, actor, time) = try row.decode(
            (Int64, String, Int64?, String?, String?, String, String, String).self)
        return IndexEvent(
            sequence: sequence, kind: IndexEvent.Kind(rawValue: kind) ?? .update,
            person: person.map(EnterpriseID.init(rawValue:)),
            record: domain.flatMap { d in id.map { RecordReference(domain: d, id: $0) } },
            payload: try PatientIndex.decode([String: JSONValue].self, payload), actor: actor, time: time)
    }
}
