import EMPI
import EMPIIndex
import Foundation
import HealthCardFoundation
import Logging
import Metrics
import PostgresNIO
import Synchronization

/// The EMPI in the shared PostgreSQL database (``EMPIStore``): identifier domains, the feed
/// (ITI-8 role), the PIX cross-reference query, persons and the event cursor, for several
/// `hcard serve --postgres` nodes at once. The tables mirror the SQLite index's (`empi_` prefix,
/// Docs/serve.md "Schema").
///
/// **One implementation of the rules.** Matching is `RecordMatcher`'s with the model stored in
/// the database (every node scores alike), the decision is `FeedPlan`'s, record checks,
/// cross-index normalisation, the PIX result rules (`PIXQuery`) and survivorship are the
/// library's. This type reads and writes rows.
///
/// **No duplicate person under concurrent feeds from several nodes.** Every write transaction
/// first locks the one `empi_meta` row `revision` (`SELECT … FOR UPDATE`): EMPI writes are
/// serialised across all nodes, as SQLite's single writer serialises them on one machine. Inside
/// the lock the node compares the revision with its in-memory matcher's and, if another node has
/// written since, brings the matcher up to date by the rows changed after its revision
/// (``matchState(_:revision:)``, migration 9); so each feed is matched against every
/// record committed before it, and two nodes feeding the same person at once give one person
/// (the second feed links to the first's). The revision is bumped in the same transaction, and
/// the in-memory matcher is changed only after the commit. `UNIQUE (domain, local_id)` on
/// records is the database's own guard behind that rule.
///
/// **Events in commit order.** Event sequence numbers are taken inside the lock, so a subscriber
/// following the cursor (`since`) never sees a lower number committed after a higher one.
///
/// The steward's operations (reviews, link, unlink, merge, unmerge) are in
/// `PatientIndex+Postgres+Stewardship.swift`.
public final class PostgresPatientIndex: EMPIStore {
    let database: SharedDatabase
    public let model: MatchModel
    public let survivorship: Survivorship
    let normalizer: Normalizer
    let blocker: Blocker
    let clock: any WallClock
    /// This node's matcher over every committed record, as of its revision; empty while a writer
    /// has taken it out (``takeMatchState(_:revision:)``).
    private let cache = Mutex<PatientIndex.MatchState?>(nil)
    /// This node's writers, one at a time, so the next finds the matcher up to date.
    let writers = LocalWriteLock()
    /// Feeds waiting for this node's writer, written together (``feedBatch(_:first:)``).
    let feeds = GroupCommitQueue<PendingFeed, FeedResult>(limit: PostgresPatientIndex.feedBatchLimit)

    /// Opens the index in `database` (migrated first) and loads this node's matcher: the model
    /// and survivorship stored by the first node are used by every node; `model`/`survivorship`
    /// only seed an empty database.
    public static func open(
        _ database: SharedDatabase, model: MatchModel = .default, survivorship: Survivorship = Survivorship(),
        clock: any WallClock = SystemClock()
    ) async throws -> PostgresPatientIndex {
        try await PostgresSchema.migrate(database)
        let (modelText, survivorshipText) = try await database.transaction { connection in
            let logger = database.logger
            try await connection.query(
                """
                INSERT INTO empi_meta (key, value) VALUES ('model', \(try PatientIndex.json(model))),
                    ('survivorship', \(try PatientIndex.json(survivorship)))
                ON CONFLICT (key) DO NOTHING
                """, logger: logger)
            var values: [String: String] = [:]
            for row in try await connection.rows(
                "SELECT key, value FROM empi_meta WHERE key IN ('model', 'survivorship')", logger: logger)
            {
                let (key, value) = try row.decode((String, String).self)
                values[key] = value
            }
            return (values["model"] ?? "{}", values["survivorship"] ?? "{}")
        }
        let index = PostgresPatientIndex(
            database: database, model: try PatientIndex.decode(MatchModel.self, modelText),
            survivorship: try PatientIndex.decode(Survivorship.self, survivorshipText), clock: clock)
        try await index.loadMatcher()
        return index
    }

    init(database: SharedDatabase, model: MatchModel, survivorship: Survivorship, clock: any WallClock) {
        self.database = database
        self.model = model
        self.survivorship = survivorship
        self.normalizer = Normalizer()
        self.blocker = Blocker()
        self.clock = clock
    }

    var logger: Logger { database.logger }

    // MARK: Writes

    /// Runs `body` as one EMPI write: in a transaction holding the revision lock, with the
    /// matcher as of the current revision; bumps the revision if the body changed the matcher's
    /// input; after the commit the node's cache holds the body's matcher changes. This node's
    /// writes take turns (``LocalWriteLock``), so only a write of another node makes the next one
    /// catch up.
    func write<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection, PatientIndex.MatchState) async throws -> (T, [PatientIndex.CacheChange])
    ) async throws -> T {
        try await writeTransaction(stamp: ISO8601Instant.format(clock.now())) { transaction in
            let (result, changes) = try await body(transaction.connection, try await transaction.currentState())
            transaction.apply(changes)
            return result
        }
    }

    /// Runs `body` as one EMPI write transaction (the revision lock, one commit), holding this
    /// node's write lock.
    ///
    /// **The matcher is changed in place, never copied.** The write takes the node's matcher out
    /// of the cache (``takeMatchState(_:revision:)``), the transaction changes it as it writes,
    /// and it goes back into the cache only after the commit. A copy of a matcher over a
    /// million records costs far more than a feed, and a changed copy shared with the cache
    /// would be copied whole. If the transaction fails after changing the matcher, the changed
    /// matcher is dropped (it holds rows that were never committed) and the next user loads the
    /// committed rows; a body that failed without changing it gives it back as it was.
    func writeTransaction<T: Sendable>(
        stamp: String, _ body: @escaping @Sendable (PostgresIndexTransaction) async throws -> T
    ) async throws -> T {
        try await writers.withLock { try await self.writeHoldingLocalLock(stamp: stamp, body) }
    }

    /// ``writeTransaction(stamp:_:)`` for a caller that holds this node's write lock already.
    func writeHoldingLocalLock<T: Sendable>(
        stamp: String, _ body: @escaping @Sendable (PostgresIndexTransaction) async throws -> T
    ) async throws -> T {
        let (result, committed) = try await database.transaction { connection -> (T, PatientIndex.MatchState?) in
            let logger = self.logger
            let revisionRows = try await connection.rows(
                "SELECT value FROM empi_meta WHERE key = 'revision' FOR UPDATE", preparedAs: RevisionLock.self, logger: logger)
            let revision = Int64(try revisionRows.first?.decode(String.self) ?? "0") ?? 0
            let transaction = PostgresIndexTransaction(
                connection: connection, index: self, state: try await self.takeMatchState(connection, revision: revision),
                stamp: stamp)
            let result: T
            do {
                result = try await body(transaction)
            } catch {
                // Nothing of the body is in the matcher: it is still the committed state.
                if !transaction.changed, let state = transaction.release() { self.keep(state) }
                throw error
            }
            // The revision counts changes of the matcher's input (records and their persons): a
            // write that changed none (an account's status, a review's resolution) leaves every
            // node's matcher valid.
            guard transaction.changed else { return (result, transaction.release()) }
            let committed = transaction.committedRevision
            _ = try await connection.rows(
                "UPDATE empi_meta SET value = \(String(committed))::text WHERE key = 'revision'", preparedAs: RevisionUpdate.self,
                logger: logger)
            var next = transaction.release()
            next?.revision = committed
            return (result, next)
        }
        // After the commit only: a write that failed after changing the matcher never gets here.
        if let committed { keep(committed) }
        return result
    }

    /// Puts a matcher of committed rows into this node's cache, unless the cache holds a newer one.
    func keep(_ state: PatientIndex.MatchState) {
        cache.withLock { cached in
            if cached == nil || cached!.revision < state.revision { cached = state }
        }
    }

    /// The matcher as of `revision` (the one `connection`'s transaction sees), taken out of this
    /// node's cache so that the caller holds the only reference and can change it in place:
    /// the cache's matcher brought forward by the changed rows (``changedRows(_:since:)``), or
    /// every record loaded when it is missing or cannot be brought forward. The caller gives it
    /// back with ``keep(_:)``; a matcher newer than `revision` (a reader's older snapshot) stays in
    /// the cache and the caller gets a loaded one.
    func takeMatchState(_ connection: PostgresConnection, revision wanted: Int64) async throws -> PatientIndex.MatchState {
        let taken = cache.withLock { cached -> PatientIndex.MatchState? in
            guard let state = cached, state.revision <= wanted else { return nil }
            cached = nil
            return state
        }
        if var state = consume taken {
            if state.revision == wanted { return state }
            do {
                // `advance` changes nothing when it refuses or throws.
                if try state.advance(to: wanted, changed: try await changedRows(connection, since: state.revision)) {
                    Self.countRefresh("incremental")
                    return state
                }
            } catch {
                keep(state)
                throw error
            }
        }
        Self.countRefresh("full")
        let loaded = try await load(connection, revision: wanted)
        // Kept at once (committed rows: the caller has written nothing yet), so that a load is
        // not lost with a write that fails or outlives its deadline; the caller's first change
        // then copies it once.
        keep(loaded)
        return loaded
    }

    /// Loads this node's matcher before it serves (``open(_:model:survivorship:clock:)``): a
    /// load of every record takes minutes at a million records, longer than a request may
    /// wait (``SharedDatabase/operationLimit``), so it is not left to the first write. Later
    /// writes of other nodes are caught up on by the changed rows.
    func loadMatcher() async throws {
        try await database.retryingTransaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: self.logger)
            _ = try await self.matchState(connection)
        }
    }

    /// The matcher as of the revision `connection`'s transaction sees, for a reader
    /// (``takeMatchState(_:revision:)``, given back to the cache before it is returned: the
    /// reader must not change it). Readers that scan the matcher hold this node's write lock
    /// (``withMatcher(_:)``), so a writer never finds the cache empty because of them.
    func matchState(_ connection: PostgresConnection) async throws -> PatientIndex.MatchState {
        let rows = try await connection.rows("SELECT value FROM empi_meta WHERE key = 'revision'", logger: logger)
        let state = try await takeMatchState(connection, revision: Int64(try rows.first?.decode(String.self) ?? "0") ?? 0)
        keep(state)
        return state
    }

    /// Runs a read that scans the matcher (the PDQ query) between this node's writes, so that
    /// the matcher a writer has taken out is back in the cache when the read looks for it.
    func withMatcher<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await writers.withLock { try await body() }
    }

    /// The records whose data or link changed after `revision` (migration 9: `version`, and the
    /// link's `changed`), in row order: what a matcher at `revision` lacks.
    func changedRows(_ connection: PostgresConnection, since revision: Int64) async throws
        -> [(id: Int64, data: String, version: Int64, person: Int64)]
    {
        try await connection.rows(Self.changedRowsQuery(since: revision), preparedAs: ChangedRows.self, logger: logger).map { row in
            let (id, data, version, person) = try row.decode((Int64, String, Int64, Int64).self)
            return (id: id, data: data, version: version, person: person)
        }
    }

    /// The query of ``changedRows(_:since:)``. The changed rows' IDs are found through the two
    /// indexes, `empi_record_version` and `empi_link_changed`, each side on its own, and only
    /// those rows are read, by primary key: one condition `version > r OR changed > r` across
    /// the join can use neither index, and at a million records every catch-up read and joined
    /// every row (5 s, with two nodes taking turns at every batch). `MatcherRefreshTests`
    /// counts the rows the plan reads.
    static func changedRowsQuery(since revision: Int64) -> PostgresQuery {
        """
        SELECT empi_record.id, empi_record.data, empi_record.version, empi_link.person
        FROM empi_record JOIN empi_link ON empi_link.record = empi_record.id
        WHERE empi_record.id = ANY (ARRAY(
            SELECT id FROM empi_record WHERE version > \(revision)::bigint
            UNION SELECT record FROM empi_link WHERE changed > \(revision)::bigint))
        ORDER BY empi_record.id
        """
    }

    /// Counts a matcher that caught up by the changed rows (`incremental`) or loaded every record
    /// (`full`): `/metrics`, `hcard_empi_matcher_refreshes_total{kind}`. The counter is looked up
    /// at each use, not kept: a node's first load can come before the metrics backend is
    /// installed (while the stores open), and a kept counter would then count nowhere.
    static func countRefresh(_ kind: String) {
        Counter(label: "hcard_empi_matcher_refreshes_total", dimensions: [("kind", kind)]).increment()
    }

    /// The matcher over every stored record and its person, in row order.
    func load(_ connection: PostgresConnection, revision: Int64) async throws -> PatientIndex.MatchState {
        let rows = try await connection.rows(
            """
            SELECT empi_record.id, empi_record.data, empi_record.version, empi_link.person
            FROM empi_record JOIN empi_link ON empi_link.record = empi_record.id ORDER BY empi_record.id
            """, logger: logger
        ).map { row in
            let (id, data, version, person) = try row.decode((Int64, String, Int64, Int64).self)
            return (id: id, data: data, version: version, person: person)
        }
        return try PatientIndex.MatchState(
            revision: revision, rows: rows, model: model, blocker: blocker, normalizer: normalizer)
    }

    public func registerDomain(_ domain: IdentifierDomain) async throws {
        try PatientIndex.checkDomainCode(domain)
        _ = try await write { connection, _ in
            try await connection.query(
                """
                INSERT INTO empi_domain (code, name, oid, type, validator, uniqueness, issuer, trust)
                VALUES (\(domain.code), \(domain.name), \(domain.oid), \(domain.type.rawValue), \(domain.validator?.rawValue),
                        \(domain.uniqueness.rawValue), \(domain.issuer), \(Int64(domain.trust)))
                ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, oid = EXCLUDED.oid, type = EXCLUDED.type,
                    validator = EXCLUDED.validator, uniqueness = EXCLUDED.uniqueness, issuer = EXCLUDED.issuer,
                    trust = EXCLUDED.trust
                """, logger: self.logger)
            return (true, [])
        }
    }

    /// ``PatientIndex/feed(_:actor:now:)`` on the shared tables: the same checks, match, plan and
    /// rows, inside the revision lock. Feeds that arrive while this node's writer is busy are
    /// written together, in one transaction (``feedBatch(_:first:)``, group commit), with the
    /// audit line of each request that has one (``RequestAudit/current``).
    public func feed(_ record: PersonRecord, actor: String, now: Date?) async throws -> FeedResult {
        let item = PendingFeed(
            record: record, actor: actor, stamp: ISO8601Instant.format(now ?? clock.now()), audit: RequestAudit.current,
            normalizer: normalizer)
        return try await feeds.submit(item, lock: writers) { batch in await self.feedBatch(batch, first: item) }
    }

    /// The record checks of a feed (`PatientIndex.check`): its issues, or the rejection that
    /// refuses it before anything is written.
    func checked(_ record: PersonRecord, domains: [String: IdentifierDomain]) throws -> [RecordIssue] {
        var issues: [RecordIssue] = []
        if PatientIndex.check(record, domains: domains, today: normalizer.today, issues: &issues) {
            throw PatientIndex.rejection(issues)
        }
        return issues
    }

    /// One feed inside the caller's write transaction, matched against `state`; returns the
    /// result and the matcher changes.
    func feed(
        _ record: PersonRecord, actor: String, stamp: String, _ connection: PostgresConnection, _ state: PatientIndex.MatchState
    ) async throws -> (FeedResult, [PatientIndex.CacheChange]) {
        let domains = try await self.domains(connection)
        return try await feed(
            record, issues: try checked(record, domains: domains), domains: domains, actor: actor, stamp: stamp, connection,
            state)
    }

    /// One feed that passed its checks (`issues`, from ``checked(_:domains:)``), inside the
    /// caller's write transaction; `domains` are the ones the transaction sees.
    func feed(
        _ record: PersonRecord, issues: [RecordIssue], domains: [String: IdentifierDomain], actor: String, stamp: String,
        _ connection: PostgresConnection, _ state: PatientIndex.MatchState
    ) async throws -> (FeedResult, [PatientIndex.CacheChange]) {
        let logger = self.logger
        let reference = RecordReference(domain: record.domain, id: record.id)
        let version = state.revision + 1
        let data = try PatientIndex.json(record)
        let existing = try await connection.rows(
            "SELECT id, data FROM empi_record WHERE domain = \(record.domain) AND local_id = \(record.id)", logger: logger)
        if let found = existing.first {
            // Known record: update its data, keep its link (links change only by stewardship).
            let (row, old) = try found.decode((Int64, String).self)
            let (person, provenance) = try await self.link(ofRecord: row, connection)
            var changes: [PatientIndex.CacheChange] = []
            // Compared as records, not as text: a row copied from a SQLite index
            // (`PostgresIndexCopy`) holds the same record in that index's JSON spelling.
            let changed = try PatientIndex.decode(PersonRecord.self, old) != record
            if changed {
                try await connection.query(
                    "UPDATE empi_record SET data = \(data), version = \(version), updated = \(stamp) WHERE id = \(row)",
                    logger: logger)
                try await self.writeIdentifiers(connection, row: row, record: record, domains: domains)
                try await self.refreshGolden(connection, person: person)
                try await self.appendEvent(
                    connection, .update, person: person, record: reference, payload: [:], actor: actor, stamp: stamp)
                changes = [.invalidate]
            }
            let notSame = try await self.notSamePersons(connection, row: row)
            let outcome = state.matcher.match(record, notSamePersons: notSame, excluding: state.positionOfRow[row])
            var result = PatientIndex.describe(outcome, record: record, state: state, notSame: notSame)
            // As the SQLite index: an automatic link a match made, which the new data still
            // supports, takes the new match's probability and explanation.
            if changed, provenance != LinkProvenance.manual.rawValue,
                case .link(let linked) = outcome.decision, Int64(linked) == person,
                let best = outcome.candidates.first(where: { Int64($0.person) == person })
            {
                let explanation = try PatientIndex.json(
                    state.matcher.scorer.explain(
                        record, outcome.normalized, state.raw[best.record], state.matcher.records[best.record],
                        levels: best.score.levels, blockingRules: best.blockingRules,
                        notSamePerson: notSame.contains(best.person)))
                try await connection.query(
                    """
                    UPDATE empi_link SET probability = \(best.score.probability), explanation = \(explanation)
                    WHERE record = \(row) AND explanation IS NOT NULL
                    """, logger: logger)
            }
            result.decision = .unchanged
            result.person = EnterpriseID(person)
            result.provenance = LinkProvenance(rawValue: provenance)
            result.issues = issues + result.issues
            return (result, changes)
        }

        let row = try await connection.rows(
            """
            INSERT INTO empi_record (domain, local_id, data, version, created, updated)
            VALUES (\(record.domain), \(record.id), \(data), \(version), \(stamp), \(stamp)) RETURNING id
            """, logger: logger
        ).first!.decode(Int64.self)
        let entries = PatientIndex.identifierEntries(record, domains: domains, today: normalizer.today)
        try await self.insertIdentifiers(connection, row: row, entries)
        let outcome = state.matcher.match(record)
        var result = PatientIndex.describe(outcome, record: record, state: state, notSame: [])
        result.issues = issues + result.issues
        let explanation = try result.explanation.map { try PatientIndex.json($0) }
        let plan = FeedPlan(outcome)
        let person: Int64
        switch plan.target {
        case .person(let existing): person = existing
        case .newPerson:
            // A new person's golden record is its one record's (what refreshGolden would read back).
            let golden = try PatientIndex.json(
                survivorship.golden([
                    Survivorship.Source(record: record, trust: domains[record.domain]?.trust ?? 0, version: version)
                ]))
            person = try await connection.rows(
                "INSERT INTO empi_person (status, golden, created) VALUES ('active', \(golden), \(stamp)) RETURNING id",
                logger: logger
            ).first!.decode(Int64.self)
        }
        try await connection.query(
            """
            INSERT INTO empi_link (record, person, provenance, probability, explanation, time, actor)
            VALUES (\(row), \(person), \(plan.provenance.rawValue), \(plan.probability),
                    \(plan.linkExplained ? explanation : nil), \(stamp), \(actor))
            """, logger: logger)
        if let review = plan.review {
            result.reviewItem = try await self.queueReview(
                connection, record: row, person: person, candidates: review.candidates, reason: review.reason,
                explanation: explanation, stamp: stamp)
        }
        plan.complete(&result, person: person)
        // Only an identifier of a unique domain can conflict (the query's own condition).
        if result.reviewItem == nil, entries.contains(where: { domains[$0.domain]?.uniqueness == .unique }) {
            result.reviewItem = try await self.checkUniqueness(
                connection, row: row, person: person, explanation: explanation, stamp: stamp)
        }
        if case .person = plan.target { try await self.refreshGolden(connection, person: person) }
        try await self.appendEvent(
            connection, .register, person: person, record: reference, payload: plan.eventPayload, actor: actor,
            stamp: stamp)
        return (result, [.add(row: row, record: record, person: person, version: version)])
    }

    // MARK: Rows (inside the caller's transaction)

    func domains(_ connection: PostgresConnection) async throws -> [String: IdentifierDomain] {
        var result: [String: IdentifierDomain] = [:]
        for row in try await connection.rows(
            "SELECT code, name, oid, type, validator, uniqueness, issuer, trust FROM empi_domain", preparedAs: Domains.self,
            logger: logger)
        {
            let domain = try Self.domain(row)
            result[domain.code] = domain
        }
        return result
    }

    static func domain(_ row: PostgresRow) throws -> IdentifierDomain {
        let (code, name, oid, type, validator, uniqueness, issuer, trust) = try row.decode(
            (String, String, String?, String, String?, String, String?, Int64).self)
        return IdentifierDomain(
            code: code, name: name, oid: oid, type: IdentifierDomain.DomainType(rawValue: type) ?? .other,
            validator: validator.flatMap(IdentifierDomain.Validator.init(rawValue:)),
            uniqueness: IdentifierDomain.Uniqueness(rawValue: uniqueness) ?? .unique, issuer: issuer, trust: Int(trust))
    }

    func link(ofRecord row: Int64, _ connection: PostgresConnection) async throws -> (person: Int64, provenance: String) {
        guard let found = try await connection.rows(
            "SELECT person, provenance FROM empi_link WHERE record = \(row)", logger: logger
        ).first else { throw HealthCardError(code: .unknownRecord, reason: "record row \(row) has no link") }
        return try found.decode((Int64, String).self)
    }

    /// Replaces the cross-index entries of a record (`PatientIndex.identifierEntries`).
    func writeIdentifiers(
        _ connection: PostgresConnection, row: Int64, record: PersonRecord, domains: [String: IdentifierDomain]
    ) async throws {
        try await connection.query("DELETE FROM empi_identifier WHERE record = \(row)", logger: logger)
        try await insertIdentifiers(
            connection, row: row, PatientIndex.identifierEntries(record, domains: domains, today: normalizer.today))
    }

    /// Adds cross-index entries of record `row`, all in one statement.
    func insertIdentifiers(
        _ connection: PostgresConnection, row: Int64, _ entries: [PatientIndex.IdentifierEntry]
    ) async throws {
        guard !entries.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO empi_identifier (domain, value, record)
            SELECT entry.domain, entry.value, \(row) FROM unnest(\(entries.map(\.domain))::text[], \(entries.map(\.value))::text[])
                AS entry (domain, value)
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    func queueReview(
        _ connection: PostgresConnection, record: Int64, person: Int64, candidates: [ReviewItem.Candidate],
        reason: String, explanation: String?, stamp: String
    ) async throws -> Int64 {
        try await connection.rows(
            """
            INSERT INTO empi_review (record, person, candidates, reason, status, explanation, created)
            VALUES (\(record), \(person), \(try PatientIndex.json(candidates)), \(reason), 'open', \(explanation), \(stamp))
            RETURNING id
            """, logger: logger
        ).first!.decode(Int64.self)
    }

    /// A unique-domain identifier of record `row` already held by another person goes to review
    /// (empi.md §2.1 uniqueness policy), as in the SQLite index.
    func checkUniqueness(
        _ connection: PostgresConnection, row: Int64, person: Int64, explanation: String?, stamp: String
    ) async throws -> Int64? {
        let others = try await connection.rows(
            """
            SELECT DISTINCT empi_link.person FROM empi_identifier mine
            JOIN empi_identifier theirs ON theirs.domain = mine.domain AND theirs.value = mine.value
                AND theirs.record != mine.record
            JOIN empi_link ON empi_link.record = theirs.record
            JOIN empi_domain ON empi_domain.code = mine.domain
            WHERE mine.record = \(row) AND empi_domain.uniqueness = 'unique' AND empi_link.person != \(person)
            ORDER BY empi_link.person
            """, logger: logger
        ).map { try $0.decode(Int64.self) }
        guard !others.isEmpty else { return nil }
        return try await queueReview(
            connection, record: row, person: person,
            candidates: others.map { ReviewItem.Candidate(person: EnterpriseID($0), probability: 0) },
            reason: FeedPlan.identifierConflict, explanation: explanation, stamp: stamp)
    }

    /// Recomputes a person's golden record from its linked records (empi.md §1.7 survivorship).
    func refreshGolden(_ connection: PostgresConnection, person: Int64) async throws {
        let sources = try await Self.goldenSources(connection, persons: [person], logger: logger)[person] ?? []
        try await connection.query(
            "UPDATE empi_person SET golden = \(try PatientIndex.json(survivorship.golden(sources))) WHERE id = \(person)",
            logger: logger)
    }

    /// The survivorship sources of `persons`: each one's linked records, in record order, with
    /// their versions and their domains' trust. A person without a record is absent.
    static func goldenSources(
        _ connection: PostgresConnection, persons: [Int64], logger: Logger
    ) async throws -> [Int64: [Survivorship.Source]] {
        var sources: [Int64: [Survivorship.Source]] = [:]
        for row in try await connection.rows(
            """
            SELECT empi_link.person, empi_record.data, empi_record.version, empi_domain.trust FROM empi_link
            JOIN empi_record ON empi_record.id = empi_link.record JOIN empi_domain ON empi_domain.code = empi_record.domain
            WHERE empi_link.person = ANY(\(persons)::bigint[]) ORDER BY empi_link.person, empi_record.id
            """, preparedAs: GoldenSources.self, logger: logger)
        {
            let (person, data, version, trust) = try row.decode((Int64, String, Int64, Int64).self)
            sources[person, default: []].append(
                Survivorship.Source(record: try PatientIndex.decode(PersonRecord.self, data), trust: Int(trust), version: version))
        }
        return sources
    }

    /// Appends an event; returns its sequence number.
    @discardableResult
    func appendEvent(
        _ connection: PostgresConnection, _ kind: IndexEvent.Kind, person: Int64?, record: RecordReference?,
        payload: [String: JSONValue], actor: String, stamp: String
    ) async throws -> Int64 {
        try await connection.rows(
            """
            INSERT INTO empi_event (kind, person, record_domain, record_id, payload, actor, time)
            VALUES (\(kind.rawValue), \(person), \(record?.domain), \(record?.id), \(try PatientIndex.json(payload)),
                    \(actor), \(stamp))
            RETURNING sequence
            """, logger: logger
        ).first!.decode(Int64.self)
    }

    // MARK: Reads

    public func domains() async throws -> [IdentifierDomain] {
        try await database.rows(
            "SELECT code, name, oid, type, validator, uniqueness, issuer, trust FROM empi_domain ORDER BY code"
        ).map(Self.domain)
    }

    /// The live person of a (possibly retired) person ID, following merge redirects.
    func resolve(_ connection: PostgresConnection, _ person: Int64) async throws -> Int64? {
        var current = person
        for _ in 0..<64 {
            guard let row = try await connection.rows(
                "SELECT merged_into FROM empi_person WHERE id = \(current)", logger: logger
            ).first else { return nil }
            guard let next = try row.decode(Int64?.self) else { return current }
            current = next
        }
        return current
    }

    /// ``PatientIndex/crossReference(domain:value:targetDomains:)``: the reads here, the rules
    /// `PIXQuery`'s. One read-only transaction, so the answer is one consistent snapshot.
    public func crossReference(domain: String, value: String, targetDomains: [String]?) async throws -> CrossReference {
        try await database.transaction { connection in
            let logger = self.logger
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            let query = try PIXQuery(
                domain: domain, value: value, targetDomains: targetDomains, domains: try await self.domains(connection))
            let holders = try await connection.rows(
                """
                SELECT DISTINCT empi_link.person FROM empi_identifier
                JOIN empi_link ON empi_link.record = empi_identifier.record
                WHERE empi_identifier.domain = \(domain) AND empi_identifier.value = \(query.normalized)
                """, logger: logger
            ).map { try $0.decode(Int64.self) }
            var live = Set<Int64>()
            for holder in holders { if let person = try await self.resolve(connection, holder) { live.insert(person) } }
            let person = try query.person(among: live)
            let identifiers = try await connection.rows(
                """
                SELECT DISTINCT empi_identifier.domain, empi_identifier.value FROM empi_link
                JOIN empi_identifier ON empi_identifier.record = empi_link.record
                WHERE empi_link.person = \(person) ORDER BY empi_identifier.domain, empi_identifier.value
                """, logger: logger
            ).map { row in
                let (domain, value) = try row.decode((String, String).self)
                return (domain: domain, value: value)
            }
            return query.answer(person: person, identifiers: identifiers)
        }
    }

    /// A person's golden record and linked records.
    public func person(_ id: EnterpriseID) async throws -> PersonSummary {
        try await database.transaction { connection in
            let logger = self.logger
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            guard let live = try await self.resolve(connection, id.rawValue) else {
                throw HealthCardError(code: .unknownPerson, reason: "no person \(id) in the index")
            }
            let golden = try await connection.rows("SELECT golden FROM empi_person WHERE id = \(live)", logger: logger)
                .first?.decode(String.self) ?? "{}"
            let links = try await connection.rows(
                """
                SELECT empi_record.domain, empi_record.local_id, empi_link.provenance, empi_link.probability,
                    empi_link.explanation, empi_link.time, empi_link.actor
                FROM empi_link JOIN empi_record ON empi_record.id = empi_link.record
                WHERE empi_link.person = \(live) ORDER BY empi_record.id
                """, logger: logger
            ).map { row in
                let (domain, localID, provenance, probability, explanation, time, actor) = try row.decode(
                    (String, String, String, Double?, String?, String, String).self)
                return PersonLink(
                    record: RecordReference(domain: domain, id: localID), person: EnterpriseID(live),
                    provenance: LinkProvenance(rawValue: provenance) ?? .auto, probability: probability,
                    explanation: try PatientIndex.expandedExplanation(explanation), time: time, actor: actor)
            }
            return PersonSummary(
                person: EnterpriseID(live), golden: try PatientIndex.decode(GoldenRecord.self, golden), links: links)
        }
    }

    /// Events after sequence number `since`, in order (at most `limit`).
    public func events(since: Int64, limit: Int) async throws -> [IndexEvent] {
        try await database.rows(
            """
            SELECT sequence, kind, person, record_domain, record_id, payload, actor, time FROM empi_event
            WHERE sequence > \(since) ORDER BY sequence LIMIT \(Int64(limit))
            """
        ).map(Self.indexEvent)
    }
}

/// The statements of the EMPI write path that run as prepared statements (``PreparedSite``).
extension PostgresPatientIndex {
    enum RevisionLock: PreparedSite {}
    enum RevisionUpdate: PreparedSite {}
    enum ChangedRows: PreparedSite {}
    enum Domains: PreparedSite {}
    enum GoldenSources: PreparedSite {}
    enum NewRecordNumbers: PreparedSite {}
    enum IdentifierHolders: PreparedSite {}
    enum NewRecordRowsWrite: PreparedSite {}
    enum FeedAudit: PreparedSite {}
}
