import EMPI
import EMPIIndex
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

    /// The persons the batch starts (their golden records are decided with the others').
    struct Persons {
        var id: [Int64] = [], created: [String] = []

        mutating func append(id: Int64, created: String) {
            self.id.append(id)
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

    /// A feed's identifiers in unique domains (empi.md §2.1 uniqueness policy): held by its person
    /// from this feed on, and, when `checked`, compared with the holders before it, as
    /// ``PostgresPatientIndex/checkUniqueness(_:row:person:explanation:stamp:)`` does.
    struct UniqueHolding {
        let position: Int
        let record: Int64
        let person: Int64
        let entries: [PatientIndex.IdentifierEntry]
        let checked: Bool
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
    var uniqueHoldings: [UniqueHolding] = []
    /// Each feed's record as a survivorship source of its person, in feed order.
    var sources: [(person: Int64, source: Survivorship.Source)] = []
    var events = Events()

    /// Writes every row in the caller's transaction: two reads (the earlier holders of the batch's
    /// unique identifiers, the records of the existing persons it links to), then one statement
    /// for all tables. Persons from `firstPerson` up to `nextPerson` are the batch's new ones.
    /// Returns the review item queued for each feed that queued one, by the feed's position.
    func write(
        _ connection: PostgresConnection, nextPerson: Int64, firstPerson: Int64, logger: Logger, survivorship: Survivorship
    ) async throws -> [Int: Int64] {
        let allReviews = (reviews + (try await conflicts(connection, logger: logger))).sorted { $0.position < $1.position }
        let goldens = try await goldenRecords(connection, firstPerson: firstPerson, logger: logger, survivorship: survivorship)
        let newGolden = persons.id.map { goldens[$0]! }
        let refreshed = goldens.keys.filter { $0 < firstPerson }.sorted()
        let positionOfRecord = Dictionary(uniqueKeysWithValues: allReviews.map { ($0.record, $0.position) })
        var numbers: [Int: Int64] = [:]
        // One statement: data-modifying `WITH` parts all run, and the foreign keys between them
        // are checked at its end. Reviews and events are inserted in feed order (the event trigger
        // numbers them in commit order, §8); the person sequence is set past the batch's persons.
        for row in try await connection.rows(
            """
            WITH new_record AS (
                INSERT INTO empi_record (id, domain, local_id, data, version, created, updated)
                SELECT * FROM unnest(\(records.id)::bigint[], \(records.domain)::text[], \(records.localID)::text[],
                    \(records.data)::text[], \(records.version)::bigint[], \(records.stamp)::text[], \(records.stamp)::text[])),
            new_identifier AS (
                INSERT INTO empi_identifier (domain, value, record)
                SELECT * FROM unnest(\(identifiers.domain)::text[], \(identifiers.value)::text[], \(identifiers.record)::bigint[])
                ON CONFLICT DO NOTHING),
            new_person AS (
                INSERT INTO empi_person (id, status, golden, created)
                SELECT id, 'active', golden, created
                FROM unnest(\(persons.id)::bigint[], \(newGolden)::text[], \(persons.created)::text[]) AS person (id, golden, created)),
            new_link AS (
                INSERT INTO empi_link (record, person, provenance, probability, explanation, time, actor)
                SELECT record, person, provenance, CASE WHEN has_probability THEN probability END,
                    CASE WHEN has_explanation THEN explanation END, time, actor
                FROM unnest(\(links.record)::bigint[], \(links.person)::bigint[], \(links.provenance)::text[],
                    \(links.hasProbability)::boolean[], \(links.probability)::float8[], \(links.hasExplanation)::boolean[],
                    \(links.explanation)::text[], \(links.time)::text[], \(links.actor)::text[])
                    AS link (record, person, provenance, has_probability, probability, has_explanation, explanation, time, actor)),
            new_review AS (
                INSERT INTO empi_review (record, person, candidates, reason, status, explanation, created)
                SELECT record, person, candidates, reason, 'open', CASE WHEN has_explanation THEN explanation END, created
                FROM unnest(\(allReviews.map(\.record))::bigint[], \(allReviews.map(\.person))::bigint[],
                    \(allReviews.map(\.candidates))::text[], \(allReviews.map(\.reason))::text[],
                    \(allReviews.map { $0.explanation != nil })::boolean[], \(allReviews.map { $0.explanation ?? "" })::text[],
                    \(allReviews.map(\.created))::text[])
                    WITH ORDINALITY AS review (record, person, candidates, reason, has_explanation, explanation, created, position)
                ORDER BY position
                RETURNING id, record),
            new_event AS (
                INSERT INTO empi_event (kind, person, record_domain, record_id, payload, actor, time)
                SELECT kind, person, domain, id, payload, actor, time
                FROM unnest(\(events.kind)::text[], \(events.person)::bigint[], \(events.domain)::text[], \(events.id)::text[],
                    \(events.payload)::text[], \(events.actor)::text[], \(events.time)::text[])
                    WITH ORDINALITY AS event (kind, person, domain, id, payload, actor, time, position)
                ORDER BY position),
            refreshed_golden AS (
                UPDATE empi_person SET golden = refreshed.golden
                FROM unnest(\(refreshed)::bigint[], \(refreshed.map { goldens[$0]! })::text[]) AS refreshed (id, golden)
                WHERE empi_person.id = refreshed.id)
            -- The sequence is set in a row of its own: a part joined with the reviews would not
            -- run when there are none.
            SELECT id, record FROM new_review
            UNION ALL SELECT setval('empi_person_id_seq', \(nextPerson)::bigint, false), NULL
            """, preparedAs: PostgresPatientIndex.NewRecordRowsWrite.self, logger: logger)
        {
            let (id, record) = try row.decode((Int64, Int64?).self)
            guard let record else { continue }
            guard let position = positionOfRecord[record] else { continue }
            numbers[position] = id
        }
        return numbers
    }

    /// The review items of unique-domain identifiers already held by another person, for the feeds
    /// that are checked: holders before the batch from the index, holders in the batch from the
    /// feeds before, as each feed fed alone would see them.
    private func conflicts(_ connection: PostgresConnection, logger: Logger) async throws -> [Review] {
        guard uniqueHoldings.contains(where: \.checked) else { return [] }
        let wanted = Set(uniqueHoldings.filter(\.checked).flatMap(\.entries))
        // Keyed by [domain, value].
        var holders: [[String]: Set<Int64>] = [:]
        for row in try await connection.rows(
            """
            SELECT DISTINCT held.domain, held.value, empi_link.person FROM empi_identifier held
            JOIN empi_link ON empi_link.record = held.record
            WHERE (held.domain, held.value) IN (
                SELECT * FROM unnest(\(wanted.map(\.domain))::text[], \(wanted.map(\.value))::text[]))
            """, preparedAs: PostgresPatientIndex.IdentifierHolders.self, logger: logger)
        {
            let (domain, value, person) = try row.decode((String, String, Int64).self)
            holders[[domain, value], default: []].insert(person)
        }
        var found: [Review] = []
        for holding in uniqueHoldings {
            if holding.checked {
                let others = Set(holding.entries.flatMap { holders[[$0.domain, $0.value]] ?? [] }).subtracting([holding.person]).sorted()
                if !others.isEmpty {
                    found.append(
                        Review(
                            position: holding.position, record: holding.record, person: holding.person,
                            candidates: try IndexJSON.candidates(others.map { ReviewItem.Candidate(person: EnterpriseID($0), probability: 0) }),
                            reason: FeedPlan.identifierConflict, explanation: holding.explanation, created: holding.created))
                }
            }
            for entry in holding.entries { holders[[entry.domain, entry.value], default: []].insert(holding.person) }
        }
        return found
    }

    /// The golden record of every person the batch starts or links to (empi.md §1.7
    /// survivorship): its records before the batch, read from the index for persons older than
    /// `firstPerson`, then the batch's, in record order — what the one-by-one feed's refresh reads.
    private func goldenRecords(
        _ connection: PostgresConnection, firstPerson: Int64, logger: Logger, survivorship: Survivorship
    ) async throws -> [Int64: String] {
        let existing = Set(sources.map(\.person).filter { $0 < firstPerson })
        var sourcesOf =
            existing.isEmpty
            ? [:] : try await PostgresPatientIndex.goldenSources(connection, persons: Array(existing), logger: logger)
        for (person, source) in sources { sourcesOf[person, default: []].append(source) }
        return sourcesOf.mapValues { IndexJSON.golden(survivorship.golden($0)) }
    }
}
