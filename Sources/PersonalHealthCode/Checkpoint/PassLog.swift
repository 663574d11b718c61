import Foundation
import GRDB
import HealthCardFoundation
import HealthCardSQLite

/// The pass log of one or more checkpoints: every passage, passed or denied, in one SQLite file,
/// append-only.
///
/// Storage, after ``HealthEventStore``:
/// - **GRDB `DatabasePool`, WAL.** Queries and exports read a snapshot while scanners keep
///   appending; several `hcard checkpoint scan` processes may share the file (writers wait up to
///   5 s for each other).
/// - **One transaction per passage** (``append(_:)``) with `synchronous = FULL`: when `append`
///   returns, the passage is in the WAL on disk. A killed process loses nothing it acknowledged,
///   and neither does a power cut (with `NORMAL`, WAL mode may lose the last commits on power
///   loss, though not on a process kill). ``append(contentsOf:)`` writes many in one transaction,
///   for imports and the benchmark's load.
/// - **Append-only.** There is no update or delete API, and triggers abort any `UPDATE` or
///   `DELETE` on `passage`, so not even a hand-written SQL statement rewrites history.
/// - **Migrations** through GRDB's `DatabaseMigrator`.
///
/// Table (version 1), one row per passage:
/// ```
/// passage(id INTEGER PK (the acknowledgement number), time INTEGER Unix seconds,
///         checkpoint TEXT, checkpointName TEXT, area TEXT, department TEXT,
///         direction TEXT 'in'|'out', credential TEXT (Credential.Kind),
///         person TEXT NULL (PassHolder.storedValue, in full), colour TEXT NULL, temperature REAL NULL,
///         decision TEXT 'pass'|'deny', reasons TEXT (DenialReason codes, space-separated),
///         detail TEXT (their descriptions, '; '-separated), plate TEXT NULL)
/// ```
///
/// Indexes, chosen for the two queries that must stay interactive on 10 million rows, and the
/// daily report:
/// - `passage_checkpoint_time (checkpoint, time)`: "one checkpoint, one day" is an equality on
///   `checkpoint` and a range on `time`, so it is one contiguous index range already in time order
///   (entries are ordered by checkpoint, time, rowid, which is the output order `time, id`). The
///   cost is proportional to the rows returned, not to the table. Companion search uses the same
///   index for "this checkpoint within ± M minutes".
/// - `passage_person_time (person, time)`: a 14-day trajectory is an equality on `person` and a
///   range on `time`: again one contiguous range, a few dozen entries per person.
/// - `passage_time (time)`: queries by time range alone (counts per hour, exports of a day, a
///   department's or an area's day, which filter the day's rows). Department and area get no index
///   of their own: each extra index slows every append, and a day's rows are few enough to filter.
///
/// "Who is inside now" (``inside(matching:)`` without a time, checkpoint, area or holder) must not
/// read the whole log: on 10 million passages, grouping every person's passages costs seconds. So
/// the log keeps the answer as it is appended (migration `v2-inside`): the table
/// `inside(scope, person, id, time, checkpoint, department)` holds, for the whole log (`scope = '*'`) and for each department's
/// gates (`'D:<department>'`), every person whose last passed passage there is an entry, with that
/// entry's id, time and gate. A trigger on `passage` maintains it in the appending transaction (a passed entry
/// inserts or replaces, a passed exit deletes; denials change nothing), so it is never behind the
/// log, and it is derived: it could be rebuilt from `passage` at any time. It holds only the
/// people inside, so it stays small however long the log grows.
///
/// `ANALYZE` is not needed for these plans; `PassLogTests` checks them with `EXPLAIN QUERY PLAN`.
///
/// - SeeAlso: `Docs/checkpoint.md`, "Pass log".
public final class PassLog: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// Opens the log at `path`, creating the file and its table on first use; with
    /// `mode: .readOnly` (queries, exports, analyses) the file must exist and nothing is created,
    /// migrated or written. A file of another kind (an EMPI index, an event store) is refused
    /// before anything is written to it (`StoreKind`).
    ///
    /// - Throws: `HealthCardError` naming the file if it is of another kind, missing (read-only),
    ///   or cannot be opened or migrated.
    public init(path: String, mode: StoreKind.AccessMode = .readWrite) throws {
        self.path = path
        // An acknowledged passage must survive a power cut too: synchronous = FULL.
        var configuration = StoreKind.durableConfiguration()
        configuration.prepareDatabase { db in
            // A checkpoint's day is a few thousand rows scattered over a day of the file, one table
            // page each: read through a memory map, a page is a pointer instead of a `pread` and a
            // copy (system time of a 2 900-row day: 7-9 ms → about 1 ms, `Docs/station.md`).
            // Readers only: the writer, which makes passages durable, keeps ordinary I/O, and an
            // I/O error in a query process is a crash (SIGBUS) rather than a door left in doubt.
            if db.configuration.readonly { try db.execute(sql: "PRAGMA mmap_size = \(Self.mappedBytes)") }
        }
        pool = try StoreKind.passLog.openStore(
            path: path, mode: mode, configuration: configuration, migrator: Self.migrator, what: "pass log")
    }

    /// How much of the file query connections map: SQLite's default ceiling (`SQLITE_MAX_MMAP_SIZE`,
    /// just under 2 GiB), about 11 million passages.
    static let mappedBytes = 0x7FFF_0000

    /// The columns of `passage` in the order ``PassRecord`` reads them.
    static let recordColumns =
        "id, time, checkpoint, checkpointName, area, department, direction, credential, person, colour, temperature, "
        + "decision, reasons, detail, plate"

    /// The schema migrations, in order.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE passage (
                        id INTEGER PRIMARY KEY,
                        time INTEGER NOT NULL,
                        checkpoint TEXT NOT NULL,
                        checkpointName TEXT NOT NULL,
                        area TEXT NOT NULL,
                        department TEXT NOT NULL,
                        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                        credential TEXT NOT NULL,
                        person TEXT,
                        colour TEXT,
                        temperature REAL,
                        decision TEXT NOT NULL CHECK (decision IN ('pass', 'deny')),
                        reasons TEXT NOT NULL,
                        detail TEXT NOT NULL,
                        plate TEXT,
                        CHECK ((decision = 'pass') = (reasons = '')));
                    CREATE INDEX passage_checkpoint_time ON passage(checkpoint, time);
                    CREATE INDEX passage_person_time ON passage(person, time);
                    CREATE INDEX passage_time ON passage(time);
                    CREATE TRIGGER passage_no_update BEFORE UPDATE ON passage
                        BEGIN SELECT RAISE(ABORT, 'the pass log is append-only'); END;
                    CREATE TRIGGER passage_no_delete BEFORE DELETE ON passage
                        BEGIN SELECT RAISE(ABORT, 'the pass log is append-only'); END;
                    """)
        }
        migrator.registerMigration("v2-inside") { db in
            // Who is inside now, kept as passages are appended (the table `inside`, see the type's
            // discussion): one row per scope ('*' the whole log, 'D:<department>' one department's
            // gates) and person whose last passed passage there is an entry, with that entry's id,
            // time and gate. The backfill of an existing log scans the table once (NOT INDEXED):
            // through the (person, time) index each entry would fetch its row at random, which on 10
            // million passages took minutes instead of seconds.
            try db.execute(
                sql: """
                    CREATE TABLE inside (
                        scope TEXT NOT NULL,
                        person TEXT NOT NULL,
                        id INTEGER NOT NULL,
                        time INTEGER NOT NULL,
                        checkpoint TEXT NOT NULL,
                        department TEXT NOT NULL,
                        PRIMARY KEY (scope, person)) WITHOUT ROWID;
                    CREATE TRIGGER passage_inside AFTER INSERT ON passage
                        WHEN NEW.decision = 'pass' AND NEW.person IS NOT NULL
                    BEGIN
                        DELETE FROM inside WHERE NEW.direction = 'out'
                            AND scope IN ('*', 'D:' || NEW.department) AND person = NEW.person;
                        INSERT OR REPLACE INTO inside
                            SELECT '*', NEW.person, NEW.id, NEW.time, NEW.checkpoint, NEW.department
                            WHERE NEW.direction = 'in';
                        INSERT OR REPLACE INTO inside
                            SELECT 'D:' || NEW.department, NEW.person, NEW.id, NEW.time, NEW.checkpoint, NEW.department
                            WHERE NEW.direction = 'in';
                    END;
                    INSERT INTO inside
                        SELECT '*', p.person, p.id, p.time, p.checkpoint, p.department FROM passage p
                        JOIN (SELECT MAX(id) AS last FROM passage NOT INDEXED
                              WHERE person IS NOT NULL AND decision = 'pass' GROUP BY person) l ON p.id = l.last
                        WHERE p.direction = 'in';
                    INSERT INTO inside
                        SELECT 'D:' || p.department, p.person, p.id, p.time, p.checkpoint, p.department FROM passage p
                        JOIN (SELECT MAX(id) AS last FROM passage NOT INDEXED
                              WHERE person IS NOT NULL AND decision = 'pass' GROUP BY person, department) l
                            ON p.id = l.last
                        WHERE p.direction = 'in';
                    """)
        }
        migrator.registerMigration("v3-upload") { db in
            // The passages gate stations uploaded (``append(upload:)``): which
            // passage of which station's log each is, so that a resent batch records nothing twice.
            try db.execute(
                sql: """
                    CREATE TABLE upload (
                        checkpoint TEXT NOT NULL,
                        origin INTEGER NOT NULL,
                        passage INTEGER NOT NULL REFERENCES passage(id),
                        PRIMARY KEY (checkpoint, origin)) WITHOUT ROWID;
                    """)
        }
        return migrator
    }

    // MARK: Appending

    /// Records one passage in its own transaction and returns its id (the acknowledgement number).
    /// When this returns, the passage is durable.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` naming the file and the SQLite error; then
    ///   nothing was written.
    @discardableResult
    public func append(_ passage: Passage) throws -> Int64 {
        // Force-unwrap: one passage gives one id.
        try append(contentsOf: CollectionOfOne(passage)).first!
    }

    /// Records passages in one transaction (all or none) and returns their ids in order.
    ///
    /// - Throws: as ``append(_:)``; then none of them was written.
    @discardableResult
    public func append(contentsOf passages: some Collection<Passage>) throws -> [Int64] {
        do {
            return try pool.write { db in
                var ids: [Int64] = []
                ids.reserveCapacity(passages.count)
                for passage in passages {
                    ids.append(try Self.insert(StoredPassage(passage), db))
                }
                return ids
            }
        } catch {
            throw HealthCardError.invalidValue("pass log \(path): \(error)")
        }
    }

    /// Records the passages a gate station uploaded, in one transaction (all or none), each once:
    /// a passage this log already holds from the same station (same checkpoint and origin id: a
    /// batch resent after a lost answer) is counted as a duplicate and not written again.
    ///
    /// - Throws: as ``append(_:)``; then none of them was written.
    public func append(upload: PassageUpload) throws -> PassageUpload.Outcome {
        do {
            return try pool.write { db in
                var outcome = PassageUpload.Outcome(received: upload.items.count, recorded: 0, duplicates: 0)
                let known = try db.cachedStatement(sql: "SELECT 1 FROM upload WHERE checkpoint = ? AND origin = ?")
                let claim = try db.cachedStatement(sql: "INSERT INTO upload (checkpoint, origin, passage) VALUES (?, ?, ?)")
                for item in upload.items {
                    if try Bool.fetchOne(known, arguments: [upload.checkpoint, item.origin]) == true {
                        outcome.duplicates += 1
                        continue
                    }
                    let id = try Self.insert(item.stored, db)
                    try claim.execute(arguments: [upload.checkpoint, item.origin, id])
                    outcome.recorded += 1
                }
                return outcome
            }
        } catch {
            throw HealthCardError.invalidValue("pass log \(path): \(error)")
        }
    }

    /// Inserts one passage's stored columns and returns its id.
    private static func insert(_ row: StoredPassage, _ db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO passage (time, checkpoint, checkpointName, area, department, direction,
                    credential, person, colour, temperature, decision, reasons, detail, plate)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            row.time, row.checkpoint, row.checkpointName, row.area, row.department, row.direction,
            row.credential, row.person, row.colour, row.temperature, row.decision, row.reasons, row.detail,
            row.plate,
        ])
        return db.lastInsertedRowID
    }

    /// The number of passages.
    public func count() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM passage") ?? 0 }
    }

    /// SQLite's `PRAGMA integrity_check`: `["ok"]` for a sound file, else the problems found.
    public func integrityCheck() throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}
