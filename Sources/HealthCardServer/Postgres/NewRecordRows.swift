import EMPI
import EMPIIndex
import HealthCardFoundation
import Logging
import PostgresNIO

/// The rows a batch of new-record feeds writes, column by column, and their writing: one
/// statement per table for the whole batch (``PostgresPatientIndex/feedNewRecords(_:domains:_:)``).
///
/// Arrays go to PostgreSQL as `unnest` parameters. An optional value travels as a flag and a
/// value (PostgresNIO encodes no array of optionals): `CASE WHEN flag THEN value END`.
struct NewRecordRows {
    struct Records {
        var id: [Int64] = [], domain: [String] = [], localID: [String] = [], data: [String] = []
        var version: [Int64] = [], stamp: [String] = []

        mutating func append(id: Int64, domain: String, localID: String, data: String, version: Int64, stamp: String) {
            self.id.append(id)
            self.domain.append(domain)
            self.localID.append(localID)
            self.data.append(data)
            self.version.append(version)
            self.stamp.append(stamp)
        }
    }

    struct Identifiers {
        var domain: [String] = [], value: [String] = [], record: [Int64] = []

        mutating func append(domain: String, value: String, record: Int64) {
            self.domain.append(domain)
            self.value.append(value)
            self.record.append(record)
        }
    }

    struct Persons {
        var id: [Int64] = [], golden: [String] = [], created: [String] = []

        mutating func append(id: Int64, golden: String, created: String) {
            self.id.append(id)
            self.golden.append(golden)
            self.created.append(created)
        }
    }

    struct Links {
        var record: [Int64] = [], person: [Int64] = [], provenance: [String] = []
        var hasProbability: [Bool] = [], probability: [Double] = [], hasExplanation: [Bool] = [], explanation: [String] = []
        var time: [String] = [], actor: [String] = []

        mutating func append(
            record: Int64, person: Int64, provenance: String, probability: Double?, explanation: String?, time: String,
            actor: String
        ) {
            self.record.append(record)
            self.person.append(person)
            self.provenance.append(provenance)
            hasProbability.append(probability != nil)
            self.probability.append(probability ?? 0)
            hasExplanation.append(explanation != nil)
            self.explanation.append(explanation ?? "")
            self.time.append(time)
            self.actor.append(actor)
        }
    }

    /// A review item to queue, for the feed at `position` of the batch.
    struct Review {
        let position: Int
        let record: Int64
        let person: Int64
        let candidates: String
        let reason: String
        let explanation: String?
        let created: String
    }

    /// A feed whose unique-domain identifiers must be checked against other persons' (empi.md §2.1
    /// uniqueness policy), as ``PostgresPatientIndex/checkUniqueness(_:row:person:explanation:stamp:)``.
    struct UniquenessCheck {
        let position: Int
        let record: Int64
        let person: Int64
        let explanation: String?
        let created: String
    }

    struct Events {
        var kind: [String] = [], person: [Int64] = [], domain: [String] = [], id: [String] = []
        var payload: [String] = [], actor: [String] = [], time: [String] = []
        var count: Int { kind.count }

        mutating func append(
            kind: String, person: Int64, domain: String, id: String, payload: String, actor: String, time: String
        ) {
            self.kind.append(kind)
            self.person.append(person)
            self.domain.append(domain)
            self.id.append(id)
            self.payload.append(payload)
            self.actor.append(actor)
            self.time.append(time)
        }
    }

    var records = Records()
    var identifiers = Identifiers()
    var persons = Persons()
    var links = Links()
    var reviews: [Review] = []
    var uniquenessChecks: [UniquenessCheck] = []
    /// Persons that feeds linked to: their golden records are computed again from their records.
    var goldenToRefresh: Set<Int64> = []
    var events = Events()

    /// Writes every row in the caller's transaction; returns the review item queued for each feed
    /// that queued one, by the feed's position in the batch.
    func write(
        _ connection: PostgresConnection, domains: [String: IdentifierDomain], logger: Logger, survivorship: Survivorship
    ) async throws -> [Int: Int64] {
        try await connection.query(
            """
            INSERT INTO empi_record (id, domain, local_id, data, version, created, updated)
            SELECT * FROM unnest(\(records.id)::bigint[], \(records.domain)::text[], \(records.localID)::text[],
                \(records.data)::text[], \(records.version)::bigint[], \(records.stamp)::text[], \(records.stamp)::text[])
            """, logger: logger)
        if !identifiers.record.isEmpty {
            try await connection.query(
                """
                INSERT INTO empi_identifier (domain, value, record)
                SELECT * FROM unnest(\(identifiers.domain)::text[], \(identifiers.value)::text[], \(identifiers.record)::bigint[])
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        if let last = persons.id.last {
            try await connection.query(
                """
                WITH inserted AS (
                    INSERT INTO empi_person (id, status, golden, created)
                    SELECT id, 'active', golden, created
                    FROM unnest(\(persons.id)::bigint[], \(persons.golden)::text[], \(persons.created)::text[])
                        AS person (id, golden, created)
                    RETURNING id)
                SELECT setval('empi_person_id_seq', \(last)), (SELECT count(*) FROM inserted)
                """, logger: logger)
        }
        try await connection.query(
            """
            INSERT INTO empi_link (record, person, provenance, probability, explanation, time, actor)
            SELECT record, person, provenance, CASE WHEN has_probability THEN probability END,
                CASE WHEN has_explanation THEN explanation END, time, actor
            FROM unnest(\(links.record)::bigint[], \(links.person)::bigint[], \(links.provenance)::text[],
                \(links.hasProbability)::boolean[], \(links.probability)::float8[], \(links.hasExplanation)::boolean[],
                \(links.explanation)::text[], \(links.time)::text[], \(links.actor)::text[])
                AS link (record, person, provenance, has_probability, probability, has_explanation, explanation, time, actor)
            """, logger: logger)
        let reviewed = try await writeReviews(
            reviews + conflicts(connection, domains: domains, logger: logger), connection, logger: logger)
        if !goldenToRefresh.isEmpty {
            try await refreshGolden(connection, domains: domains, logger: logger, survivorship: survivorship)
        }
        // In feed order: the trigger numbers events as they are inserted (commit order, §8).
        try await connection.query(
            """
            INSERT INTO empi_event (kind, person, record_domain, record_id, payload, actor, time)
            SELECT kind, person, domain, id, payload, actor, time
            FROM unnest(\(events.kind)::text[], \(events.person)::bigint[], \(events.domain)::text[], \(events.id)::text[],
                \(events.payload)::text[], \(events.actor)::text[], \(events.time)::text[])
                WITH ORDINALITY AS event (kind, person, domain, id, payload, actor, time, position)
            ORDER BY position
            """, logger: logger)
        return reviewed
    }

    /// The review items of unique-domain identifiers already held by another person. A feed sees
    /// the records before its own (`theirs.record < mine.record`: the batch's records are
    /// numbered in feed order, after every record already in the index), as it would fed alone.
    /// The unique domains come from `domains` (read in this transaction) and each feed's own
    /// person is left out here, so the query joins three tables, not five: its planning was a
    /// third of PostgreSQL's work for a batch.
    private func conflicts(
        _ connection: PostgresConnection, domains: [String: IdentifierDomain], logger: Logger
    ) async throws -> [Review] {
        guard !uniquenessChecks.isEmpty else { return [] }
        let unique = domains.values.filter { $0.uniqueness == .unique }.map(\.code).sorted()
        var holders: [Int64: [Int64]] = [:]
        for row in try await connection.rows(
            """
            SELECT DISTINCT mine.record, empi_link.person FROM empi_identifier mine
            JOIN empi_identifier theirs ON theirs.domain = mine.domain AND theirs.value = mine.value
                AND theirs.record < mine.record
            JOIN empi_link ON empi_link.record = theirs.record
            WHERE mine.record = ANY(\(uniquenessChecks.map(\.record))::bigint[]) AND mine.domain = ANY(\(unique)::text[])
            ORDER BY mine.record, empi_link.person
            """, logger: logger)
        {
            let (record, person) = try row.decode((Int64, Int64).self)
            holders[record, default: []].append(person)
        }
        return try uniquenessChecks.compactMap { check in
            let others = (holders[check.record] ?? []).filter { $0 != check.person }
            guard !others.isEmpty else { return nil }
            return Review(
                position: check.position, record: check.record, person: check.person,
                candidates: try IndexJSON.candidates(others.map { ReviewItem.Candidate(person: EnterpriseID($0), probability: 0) }),
                reason: FeedPlan.identifierConflict, explanation: check.explanation, created: check.created)
        }
    }

    /// Queues `reviews` in feed order; returns each one's number by its feed's position.
    private func writeReviews(_ reviews: [Review], _ connection: PostgresConnection, logger: Logger) async throws -> [Int: Int64] {
        guard !reviews.isEmpty else { return [:] }
        let ordered = reviews.sorted { $0.position < $1.position }
        var numbers: [Int: Int64] = [:]
        let positionOfRecord = Dictionary(uniqueKeysWithValues: ordered.map { ($0.record, $0.position) })
        for row in try await connection.rows(
            """
            INSERT INTO empi_review (record, person, candidates, reason, status, explanation, created)
            SELECT record, person, candidates, reason, 'open', CASE WHEN has_explanation THEN explanation END, created
            FROM unnest(\(ordered.map(\.record))::bigint[], \(ordered.map(\.person))::bigint[],
                \(ordered.map(\.candidates))::text[], \(ordered.map(\.reason))::text[],
                \(ordered.map { $0.explanation != nil })::boolean[], \(ordered.map { $0.explanation ?? "" })::text[],
                \(ordered.map(\.created))::text[])
                WITH ORDINALITY AS review (record, person, candidates, reason, has_explanation, explanation, created, position)
            ORDER BY position
            RETURNING id, record
            """, logger: logger)
        {
            let (id, record) = try row.decode((Int64, Int64).self)
            guard let position = positionOfRecord[record] else { continue }
            numbers[position] = id
        }
        return numbers
    }

    /// The golden records of the persons feeds linked to, from all their records now
    /// (`PostgresPatientIndex.refreshGolden`, once per person for the batch); each source's trust
    /// is its domain's in `domains` (read in this transaction).
    private func refreshGolden(
        _ connection: PostgresConnection, domains: [String: IdentifierDomain], logger: Logger, survivorship: Survivorship
    ) async throws {
        var sources: [Int64: [Survivorship.Source]] = [:]
        for row in try await connection.rows(
            """
            SELECT empi_link.person, empi_record.domain, empi_record.data, empi_record.version FROM empi_link
            JOIN empi_record ON empi_record.id = empi_link.record
            WHERE empi_link.person = ANY(\(Array(goldenToRefresh))::bigint[]) ORDER BY empi_link.person, empi_record.id
            """, logger: logger)
        {
            let (person, domain, data, version) = try row.decode((Int64, String, String, Int64).self)
            guard let trust = domains[domain]?.trust else {
                throw HealthCardError(
                    code: .resourceMissing, reason: "a record of person \(person) names domain \(domain), which the index lacks")
            }
            sources[person, default: []].append(
                Survivorship.Source(record: try PatientIndex.decode(PersonRecord.self, data), trust: trust, version: version))
        }
        let persons = sources.keys.sorted()
        let goldens = persons.map { IndexJSON.golden(survivorship.golden(sources[$0]!)) }
        try await connection.query(
            """
            UPDATE empi_person SET golden = refreshed.golden
            FROM unnest(\(persons)::bigint[], \(goldens)::text[]) AS refreshed (id, golden)
            WHERE empi_person.id = refreshed.id
            """, logger: logger)
    }
}
