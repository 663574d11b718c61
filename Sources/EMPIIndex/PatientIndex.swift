import Foundation
import GRDB
import Synchronization
import EMPI
import HealthCardFoundation
import HealthCardSQLite

/// The persistent enterprise master patient index and PIX cross-index (../shared/specs/empi.md
/// §1.7, §2): identifier domains, source records, persons with golden records, links with
/// provenance, "not the same person" assertions, reversible merges, a review queue and an
/// append-only event table, in one SQLite file.
///
/// Why this shape:
/// - **Matching is the scoring core's, unchanged.** ``feed(_:actor:now:)`` matches one record with
///   `RecordMatcher` (same `Scorer`, thresholds, vetoes and multi-candidate rule), and
///   ``ingest(_:actor:now:progress:)`` links a batch with `Deduplicator` (same clustering with
///   cannot-link constraints), so a file ingested into an empty index gets exactly the persons and
///   decisions of `hcard empi dedupe` on the same file with the same model.
/// - **Storage as `HealthEventStore`:** a GRDB `DatabasePool` (WAL, readers never block the
///   writer, 5 s busy timeout), migrations, and **one transaction per operation**: a rejected or
///   failing operation writes nothing, and the in-memory matcher is changed only after the commit.
/// - **The in-memory matcher** (records normalised, term frequencies, blocking index) is built
///   from the file on first use and grown on each feed; a revision counter in the file tells this
///   process when another one has written, and the matcher is then rebuilt.
///
/// Tables (migrations `empi-v1`, `empi-v2-record-versions`; see Docs/empi.md "Persistent index"):
/// ```
/// meta(key PK, value)                       model JSON, survivorship, revision
/// domain(code PK, name, oid, type, validator, uniqueness, issuer, trust)
/// person(id PK, status active|merged, mergedInto → person, golden JSON, created)
/// record(id PK, domain → domain, localId, data JSON PersonRecord, version, created, updated; UNIQUE(domain, localId))
/// identifier(domain → domain, value normalised, record → record; PK(domain, value, record))
/// recordVersion(record → record, version, data JSON PersonRecord; PK(record, version))   replaced data
/// link(record PK → record, person → person, provenance, probability, explanation JSON, time, actor)
/// assertion(record → record, person → person, time, actor; PK(record, person))   "not the same person"
/// review(id PK, record, person, candidates JSON, reason, status, resolution, explanation, created, actor, resolved)
/// mergeHistory(id PK, subsumed, survivor, snapshot JSON, actor, time, undone)
/// event(sequence PK, kind, person, recordDomain, recordId, payload JSON, actor, time)   append-only
/// ```
public final class PatientIndex: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// Whether the file was opened `.readOnly`: writes fail, and nothing was created or migrated.
    public let isReadOnly: Bool
    /// The scoring model, fixed when the file was created (`create(path:model:survivorship:)`).
    public let model: MatchModel
    public let survivorship: Survivorship
    public let normalizer: Normalizer
    /// The scorer of `model`: what builds stored explanations (`StoredEvidence`) when they are read.
    let scorer: Scorer
    /// The clock read by operations that are not given `now` (links, merges, events).
    public let clock: any WallClock
    package let blocker: Blocker
    let cache = Mutex<MatchState?>(nil)

    /// Opens the index at `path`, creating the file and its tables on first use. A new file stores
    /// `model` (default: `MatchModel/default`) and `survivorship`; an existing file keeps its own
    /// and these arguments are ignored, so every process scores with the same model.
    ///
    /// `mode: .readOnly` (queries, statistics, status checks) never creates, migrates or writes
    /// the file. Either way a file of another kind (a pass log, an event store, another
    /// application's database) is refused before anything is written (`StoreKind`).
    ///
    /// - Throws: `HealthCardError` naming the file if it is of another kind or (read-only) missing.
    public init(
        path: String, model: MatchModel? = nil, survivorship: Survivorship? = nil, normalizer: Normalizer = Normalizer(),
        blocker: Blocker = Blocker(), clock: any WallClock = SystemClock(), mode: StoreKind.AccessMode = .readWrite
    ) throws {
        self.path = path
        self.clock = clock
        self.isReadOnly = mode == .readOnly
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.foreignKeysEnabled = true
        pool = try StoreKind.patientIndex.openPool(path: path, mode: mode, configuration: configuration)
        try StoreKind.patientIndex.prepare(pool, path: path, mode: mode, migrator: Self.migrator)
        let stored: (String?, String?) = try pool.writeOrRead(mode) { db in
            if mode == .readWrite,
                try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'model'")) == nil
            {
                try db.cachedStatement(sql: "INSERT INTO meta (key, value) VALUES ('model', ?), ('survivorship', ?)").execute(
                    arguments: [
                        try Self.json(model ?? .default), try Self.json(survivorship ?? Survivorship()),
                    ])
            }
            return (
                try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'model'")),
                try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'survivorship'"))
            )
        }
        self.model = try Self.decode(MatchModel.self, stored.0 ?? "{}")
        self.survivorship = try Self.decode(Survivorship.self, stored.1 ?? "{}")
        self.scorer = Scorer(model: self.model)
        self.normalizer = normalizer
        self.blocker = blocker
    }

    /// The schema migrations, in order.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("empi-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    INSERT INTO meta (key, value) VALUES ('revision', '0');
                    CREATE TABLE domain (
                        code TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, oid TEXT, type TEXT NOT NULL,
                        validator TEXT, uniqueness TEXT NOT NULL, issuer TEXT, trust INTEGER NOT NULL);
                    CREATE TABLE person (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        status TEXT NOT NULL,
                        mergedInto INTEGER REFERENCES person(id),
                        golden TEXT NOT NULL,
                        created TEXT NOT NULL);
                    CREATE TABLE record (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        domain TEXT NOT NULL REFERENCES domain(code),
                        localId TEXT NOT NULL,
                        data TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        created TEXT NOT NULL,
                        updated TEXT NOT NULL,
                        UNIQUE (domain, localId));
                    CREATE TABLE identifier (
                        domain TEXT NOT NULL REFERENCES domain(code),
                        value TEXT NOT NULL,
                        record INTEGER NOT NULL REFERENCES record(id),
                        PRIMARY KEY (domain, value, record));
                    CREATE INDEX identifier_record ON identifier(record);
                    CREATE TABLE link (
                        record INTEGER PRIMARY KEY NOT NULL REFERENCES record(id),
                        person INTEGER NOT NULL REFERENCES person(id),
                        provenance TEXT NOT NULL,
                        probability REAL,
                        explanation TEXT,
                        time TEXT NOT NULL,
                        actor TEXT NOT NULL);
                    CREATE INDEX link_person ON link(person);
                    CREATE TABLE assertion (
                        record INTEGER NOT NULL REFERENCES record(id),
                        person INTEGER NOT NULL REFERENCES person(id),
                        time TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        PRIMARY KEY (record, person));
                    CREATE TABLE review (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        record INTEGER NOT NULL REFERENCES record(id),
                        person INTEGER NOT NULL REFERENCES person(id),
                        candidates TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        status TEXT NOT NULL,
                        resolution TEXT,
                        explanation TEXT,
                        created TEXT NOT NULL,
                        actor TEXT,
                        resolved TEXT);
                    CREATE INDEX review_status ON review(status, id);
                    CREATE TABLE mergeHistory (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        subsumed INTEGER NOT NULL REFERENCES person(id),
                        survivor INTEGER NOT NULL REFERENCES person(id),
                        snapshot TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        time TEXT NOT NULL,
                        undone TEXT);
                    CREATE TABLE event (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        person INTEGER,
                        recordDomain TEXT,
                        recordId TEXT,
                        payload TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        time TEXT NOT NULL);
                    CREATE TRIGGER event_no_update BEFORE UPDATE ON event
                        BEGIN SELECT RAISE(ABORT, 'index events are append-only'); END;
                    CREATE TRIGGER event_no_delete BEFORE DELETE ON event
                        BEGIN SELECT RAISE(ABORT, 'index events are append-only'); END;
                    """)
        }
        // Each record's data as it was before a feed replaced it: stored explanations (layout x3,
        // `StoredEvidence`) name the record versions they were scored on.
        migrator.registerMigration("empi-v2-record-versions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE recordVersion (
                        record INTEGER NOT NULL REFERENCES record(id),
                        version INTEGER NOT NULL,
                        data TEXT NOT NULL,
                        PRIMARY KEY (record, version)) WITHOUT ROWID;
                    """)
        }
        return migrator
    }

    // MARK: In-memory matcher

    /// The matcher over every stored record, in record-row order, and the rows behind it.
    package struct MatchState: Sendable {
        package var revision: Int64
        package var matcher: RecordMatcher
        var rowIDs: [Int64]
        package var positionOfRow: [Int64: Int]
        package var raw: [PersonRecord]
        var versions: [Int64]

        /// The matcher over stored records, in row order: each row's ID, data (JSON
        /// `PersonRecord`), version and linked person (also the PostgreSQL store's loader).
        package init(
            revision: Int64, rows: [(id: Int64, data: String, version: Int64, person: Int64)], model: MatchModel,
            blocker: Blocker, normalizer: Normalizer
        ) throws {
            var raw: [PersonRecord] = []
            raw.reserveCapacity(rows.count)
            let decoder = JSONDecoder()
            for row in rows { raw.append(try decoder.decode(PersonRecord.self, from: Data(row.data.utf8))) }
            let rowIDs = rows.map(\.id)
            self.init(
                revision: revision,
                matcher: RecordMatcher(
                    records: raw, persons: rows.map { Int($0.person) }, model: model, blocker: blocker, normalizer: normalizer),
                rowIDs: rowIDs, positionOfRow: Dictionary(uniqueKeysWithValues: rowIDs.enumerated().map { ($1, $0) }),
                raw: raw, versions: rows.map(\.version))
        }

        init(
            revision: Int64, matcher: RecordMatcher, rowIDs: [Int64], positionOfRow: [Int64: Int], raw: [PersonRecord],
            versions: [Int64]
        ) {
            self.revision = revision
            self.matcher = matcher
            self.rowIDs = rowIDs
            self.positionOfRow = positionOfRow
            self.raw = raw
            self.versions = versions
        }
    }

    /// A change to apply to the cached matcher once the transaction has committed.
    package enum CacheChange: Sendable {
        /// A new record; `normalized` is the record as the matcher's normaliser gives it, when the
        /// writer has it already (the matcher normalises it otherwise).
        case add(row: Int64, record: PersonRecord, person: Int64, version: Int64, normalized: NormalizedRecord? = nil)
        case assign(row: Int64, person: Int64)
        case replace(MatchState)
        case invalidate
    }

    /// Runs `body` in one write transaction with the current matcher state, bumps the revision,
    /// commits, then applies the body's cache changes. If anything throws, nothing is written
    /// and the cache is left as it was.
    func write<T: Sendable>(_ body: (Database, MatchState) throws -> (T, [CacheChange])) throws -> T {
        try cache.withLock { cached in
            var fresh: MatchState?
            let (result, changes, revision): (T, [CacheChange], Int64) = try pool.write { db in
                let revision = try Self.revision(db)
                let state: MatchState
                if let cached, cached.revision == revision {
                    state = cached
                } else {
                    state = try load(db, revision: revision)
                    fresh = state
                }
                let (result, changes) = try body(db, state)
                try db.cachedStatement(sql: "UPDATE meta SET value = ? WHERE key = 'revision'").execute( arguments: [revision + 1])
                return (result, changes, revision + 1)
            }
            if let fresh { cached = fresh }
            Self.apply(changes, to: &cached)
            if cached != nil { cached!.revision = revision }
            return result
        }
    }

    /// Applies a write's matcher changes to a state (the cache after a commit, or the working
    /// state of a ``Transaction``); `nil` after an invalidation.
    package static func apply(_ changes: [CacheChange], to cached: inout MatchState?) {
        for change in changes {
            switch change {
            case .add(let row, let record, let person, let version, let normalized):
                cached?.add(row: row, record: record, person: person, version: version, normalized: normalized)
            case .assign(let row, let person):
                cached?.assign(row: row, person: person)
            case .replace(let state):
                cached = state
            case .invalidate:
                cached = nil
            }
        }
    }

    /// Runs `body` in one read transaction with the current matcher state (loading it if stale).
    func read<T: Sendable>(_ body: (Database, MatchState) throws -> T) throws -> T {
        try cache.withLock { cached in
            try pool.read { db in
                let revision = try Self.revision(db)
                if cached == nil || cached!.revision != revision { cached = try load(db, revision: revision) }
                return try body(db, cached!)
            }
        }
    }

    /// A snapshot of the index for a long read in several transactions (the copy into PostgreSQL,
    /// `hcard serve copy-index`): every read through it sees the index as it was when it was made,
    /// whatever is written meanwhile.
    package func makeSnapshot() throws -> DatabaseSnapshot { try pool.makeSnapshot() }

    /// Builds the in-memory matcher from the file now, unless it is up to date, so that the first
    /// feed, match or PDQ query does not wait for it (at 2 M records that is about a minute of
    /// CPU: every record decoded and normalised). Returns the number of records it holds.
    /// Feeds and queries that arrive meanwhile wait for it, as they would have built it themselves.
    @discardableResult
    public func loadMatcher() throws -> Int {
        try read { _, state in state.matcher.records.count }
    }

    /// Runs `body` in one read transaction, without the matcher (queries that need no scoring).
    func plainRead<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    static func revision(_ db: Database) throws -> Int64 {
        Int64(try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'revision'")) ?? "0") ?? 0
    }

    /// Builds the matcher from every stored record and its link (a person per record).
    func load(_ db: Database, revision: Int64) throws -> MatchState {
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT record.id, record.data, record.version, link.person FROM record JOIN link ON link.record = record.id ORDER BY record.id"
        ).map { row in (id: row["id"] as Int64, data: row["data"] as String, version: row["version"] as Int64, person: row["person"] as Int64) }
        return try MatchState(revision: revision, rows: rows, model: model, blocker: blocker, normalizer: normalizer)
    }

    // MARK: JSON and rows

    package static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    package static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// `now` as stored in the time columns. An operation stamps every row it writes with one
    /// instant (a bulk ingest: a person, a link and an event per record), so the last instant's
    /// text is kept rather than formatted again for each row.
    static func stamp(_ now: Date) -> String {
        if let last = lastStamp.withLock({ $0 }), last.instant == now { return last.text }
        let text = ISO8601Instant.format(now)
        lastStamp.withLock { $0 = (now, text) }
        return text
    }

    private static let lastStamp = Mutex<(instant: Date, text: String)?>(nil)
}

extension PatientIndex.MatchState {
    /// Adds a stored record of `person` at the end (its row comes after every known one).
    package mutating func add(row: Int64, record: PersonRecord, person: Int64, version: Int64, normalized: NormalizedRecord? = nil) {
        if let normalized {
            matcher.add(normalized: normalized, person: Int(person))
        } else {
            matcher.add(record, person: Int(person))
        }
        positionOfRow[row] = rowIDs.count
        rowIDs.append(row)
        raw.append(record)
        versions.append(version)
    }

    /// Moves a known record to `person` (nothing for a row the matcher does not hold).
    package mutating func assign(row: Int64, person: Int64) {
        if let position = positionOfRow[row] { matcher.assign(record: position, to: Int(person)) }
    }

    /// Brings this matcher forward to `revision` by the rows that changed after its own revision,
    /// for a store shared by several processes (`hcard serve --postgres`, whose other nodes write
    /// too): each row's ID, data, version and person, in row order. A new row is added (new rows
    /// come after every known one: row IDs grow in commit order); a known row whose version is the
    /// one held is moved to its (maybe new) person. In place, without copying the matcher (at a
    /// million records a copy costs more than the rows it applies). `false`, with this state
    /// unchanged, when a change cannot be followed in place — a known record's data changed, or a
    /// new row is not after the known ones — and the caller loads every record instead.
    package mutating func advance(
        to revision: Int64, changed rows: [(id: Int64, data: String, version: Int64, person: Int64)]
    ) throws -> Bool {
        // Checked before anything is applied, so a refusal leaves the state as it was.
        var last = rowIDs.last ?? 0
        var records: [Int64: PersonRecord] = [:]
        let decoder = JSONDecoder()
        for row in rows {
            if let position = positionOfRow[row.id] {
                guard row.version == versions[position] else { return false }
            } else {
                guard row.id > last else { return false }
                last = row.id
                records[row.id] = try decoder.decode(PersonRecord.self, from: Data(row.data.utf8))
            }
        }
        for row in rows {
            if let record = records[row.id] {
                add(row: row.id, record: record, person: row.person, version: row.version)
            } else {
                assign(row: row.id, person: row.person)
            }
        }
        self.revision = revision
        return true
    }
}
