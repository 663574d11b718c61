import EMPI
import EMPIIndex
import Foundation
import GRDB
import HealthCardFoundation
import PostgresNIO

/// Copies a one-node SQLite EMPI index (`hcard serve --db`, `hcard empi`) into the empty EMPI
/// tables of a PostgreSQL database (`hcard serve --postgres`), so that a deployment can move from
/// one node to several: `hcard serve copy-index` (Docs/serve.md §8, "Moving a SQLite index to
/// PostgreSQL").
///
/// What is copied, row for row with the same IDs: the identifier domains, persons (with their
/// merge redirects and golden records), records, the cross-index, links, "not the same person"
/// assertions, the review queue, the merge history and the events with their sequence numbers
/// (so a subscriber's cursor stays valid), and the index's revision, match model and
/// survivorship. The serial counters continue after the copied IDs. Links' and reviews'
/// explanations are copied in the object form the PostgreSQL store keeps, built by the SQLite
/// index from what it stores (evidence or a compact form).
///
/// How: one transaction, so a copy is whole or absent. It takes the revision lock (no node can
/// write the index meanwhile), refuses a database whose EMPI tables hold any row, and streams each
/// table with `COPY … FROM STDIN` in batches read from one SQLite snapshot (what the index was
/// when the copy began, whatever is written to it meanwhile). The tables' own triggers — event
/// numbering, link stamping, append-only guards — are switched off for the copy inside the
/// transaction (the numbers are the copied ones) and on again before the commit; foreign keys
/// and unique constraints stay on and check every row. At the end every table's row count must
/// equal the snapshot's, or the transaction is rolled back. Start the nodes after the copy: a
/// node reads the match model when it opens the index.
public enum PostgresIndexCopy {
    /// One table: the SQLite table and columns and the PostgreSQL ones, in the same order.
    struct Table: Sendable {
        let sqlite: String
        let columns: [String]
        let postgres: String
        let postgresColumns: [String]

        init(_ sqlite: String, _ columns: [String], _ postgres: String, _ postgresColumns: [String]? = nil) {
            self.sqlite = sqlite
            self.columns = columns
            self.postgres = postgres
            self.postgresColumns = postgresColumns ?? columns
        }
    }

    /// The tables in copy order (every row's references are copied before it, except a person's
    /// merge redirect, which one `COPY` statement checks at its end).
    static let tables: [Table] = [
        Table("domain", ["code", "name", "oid", "type", "validator", "uniqueness", "issuer", "trust"], "empi_domain"),
        Table(
            "person", ["id", "status", "mergedInto", "golden", "created"], "empi_person",
            ["id", "status", "merged_into", "golden", "created"]),
        Table(
            "record", ["id", "domain", "localId", "data", "version", "created", "updated"], "empi_record",
            ["id", "domain", "local_id", "data", "version", "created", "updated"]),
        Table("identifier", ["domain", "value", "record"], "empi_identifier"),
        Table("link", ["record", "person", "provenance", "probability", "explanation", "time", "actor"], "empi_link"),
        Table("assertion", ["record", "person", "time", "actor"], "empi_assertion"),
        Table(
            "review",
            ["id", "record", "person", "candidates", "reason", "status", "resolution", "explanation", "created", "actor", "resolved"],
            "empi_review"),
        Table("mergeHistory", ["id", "subsumed", "survivor", "snapshot", "actor", "time", "undone"], "empi_merge"),
        Table(
            "event", ["sequence", "kind", "person", "recordDomain", "recordId", "payload", "actor", "time"], "empi_event",
            ["sequence", "kind", "person", "record_domain", "record_id", "payload", "actor", "time"]),
    ]

    /// The tables whose triggers are off during the copy: event numbering and link stamping
    /// would renumber or restamp the copied rows.
    static let triggered = ["empi_event", "empi_link"]

    /// The serial columns, whose counters continue after the largest copied value.
    static let serials = [
        ("empi_person", "id"), ("empi_record", "id"), ("empi_review", "id"), ("empi_merge", "id"), ("empi_event", "sequence"),
    ]

    /// What was copied.
    public struct Summary: Sendable {
        /// Rows per PostgreSQL table, in copy order (each equal to the SQLite table's count).
        public let rows: [Count]
        /// The index revision, now the database's.
        public let revision: Int64

        public struct Count: Sendable {
            public let table: String
            public let rows: Int
        }
    }

    /// Copies the index file at `path` (opened read-only) into the database at `url`.
    public static func copy(
        indexFile path: String, into url: String, progress: @escaping @Sendable (Summary.Count) -> Void = { _ in }
    ) async throws -> Summary {
        let index = try PatientIndex(path: path, mode: .readOnly)
        let database = try SharedDatabase(url: url)
        do {
            try await database.checkReachable()
            let summary = try await copy(index, into: database, progress: progress)
            await database.shutdown()
            return summary
        } catch {
            await database.shutdown()
            throw error
        }
    }

    /// Copies `index` into `database` (migrated first), `batch` rows per read of the SQLite file;
    /// `progress` hears each table's count when it is done.
    ///
    /// - Throws: ``ServerError/invalidConfiguration(_:)`` naming the first non-empty EMPI table of
    ///   the target, or a table whose count differs after the copy (nothing is then written);
    ///   PostgreSQL's error naming the row it refused.
    public static func copy(
        _ index: PatientIndex, into database: SharedDatabase, batch: Int = 5_000,
        progress: @escaping @Sendable (Summary.Count) -> Void = { _ in }
    ) async throws -> Summary {
        try await PostgresSchema.migrate(database)
        let logger = database.logger
        // No deadline: a copy of a million persons takes minutes (SharedDatabase.transaction's
        // limit is for requests).
        let summary = try await database.retryingTransaction { connection in
            try await connection.query("SELECT value FROM empi_meta WHERE key = 'revision' FOR UPDATE", logger: logger)
            for table in tables {
                let used = try await connection.rows(
                    "SELECT EXISTS (SELECT 1 FROM \(unescaped: table.postgres))", logger: logger
                ).first?.decode(Bool.self) ?? false
                if used {
                    throw ServerError.invalidConfiguration(
                        "\(database.redactedURL): \(table.postgres) holds rows; an index is copied into a database whose EMPI tables are empty")
                }
            }
            let snapshot = try index.makeSnapshot()
            for table in triggered {
                try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE \(table) DISABLE TRIGGER USER"), logger: logger)
            }
            var counts: [Summary.Count] = []
            for table in tables {
                let copied = try await copyRows(table, from: snapshot, connection, batch: batch, index: index, logger: logger)
                let expected = try reading(snapshot) { db in
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.sqlite)") ?? 0
                }
                let stored = try await connection.rows(
                    "SELECT count(*) FROM \(unescaped: table.postgres)", logger: logger
                ).first?.decode(Int64.self) ?? 0
                guard copied == expected, stored == Int64(expected) else {
                    throw ServerError.invalidConfiguration(
                        "copying \(table.sqlite): the index has \(expected) rows, \(copied) were sent, \(table.postgres) holds \(stored)")
                }
                let count = Summary.Count(table: table.postgres, rows: expected)
                counts.append(count)
                progress(count)
            }
            for (table, column) in serials {
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), coalesce(max(\(column)), 0) + 1, false)
                            FROM \(table)
                            """), logger: logger)
            }
            let meta = try reading(snapshot) { db in
                try Row.fetchAll(db, sql: "SELECT key, value FROM meta WHERE key IN ('revision', 'model', 'survivorship')")
                    .map { (key: $0["key"] as String, value: $0["value"] as String) }
            }
            for (key, value) in meta {
                try await connection.query(
                    """
                    INSERT INTO empi_meta (key, value) VALUES (\(key), \(value))
                    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                    """, logger: logger)
            }
            for table in triggered {
                try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE \(table) ENABLE TRIGGER USER"), logger: logger)
            }
            let revision = Int64(meta.first { $0.key == "revision" }?.value ?? "0") ?? 0
            return Summary(rows: counts, revision: revision)
        }
        // Statistics for the planner at once, rather than when autovacuum gets to the new rows.
        try await database.client.withConnection { connection in
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: "ANALYZE " + tables.map(\.postgres).joined(separator: ", ")), logger: logger)
        }
        return summary
    }

    /// Streams one table into `COPY … FROM STDIN`, `batch` rows per read in row order; returns how
    /// many rows were sent.
    static func copyRows(
        _ table: Table, from snapshot: DatabaseSnapshot, _ connection: PostgresConnection, batch: Int, index: PatientIndex,
        logger: Logger
    ) async throws -> Int {
        var sent = 0
        try await connection.copyFrom(table: table.postgres, columns: table.postgresColumns, logger: logger) { writer in
            var after = Int64.min
            while true {
                let from = after
                let (text, count, last) = try reading(snapshot) { db in
                    try textRows(db, table, after: from, limit: batch, index: index)
                }
                guard count > 0 else { break }
                var buffer = ByteBuffer()
                buffer.writeString(text)
                try await writer.write(buffer)
                sent += count
                after = last
            }
        }
        return sent
    }

    /// `body` in one read of the snapshot. A synchronous function, so that the read is GRDB's
    /// synchronous one (in async code the compiler picks its async overload, which needs
    /// `Sendable` closures).
    static func reading<T>(_ snapshot: DatabaseSnapshot, _ body: (Database) throws -> T) throws -> T {
        try snapshot.read(body)
    }

    /// Up to `limit` rows after row ID `after`, in `COPY`'s text format: tab-separated, one line
    /// a row, `\N` for NULL; with their count and the last row ID. A link's or review's
    /// explanation is written in the object form the PostgreSQL store keeps: the SQLite index may
    /// store it as evidence (`x3`), which it builds into an explanation from its own record
    /// versions, or compact (`x1`, `x2`).
    static func textRows(_ db: Database, _ table: Table, after: Int64, limit: Int, index: PatientIndex) throws
        -> (text: String, count: Int, last: Int64)
    {
        let columns = table.columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let rows = try Row.fetchCursor(
            db, sql: "SELECT rowid, \(columns) FROM \(table.sqlite) WHERE rowid > ? ORDER BY rowid LIMIT ?",
            arguments: [after, limit])
        var text = ""
        var count = 0
        var last = after
        while let row = try rows.next() {
            last = row[0]
            for position in 1..<row.count {
                if position > 1 { text += "\t" }
                let value: DatabaseValue = row[position]
                switch value.storage {
                case .null: text += "\\N"
                case .int64(let number): text += String(number)
                case .double(let number): text += "\(number)"
                case .string(let string) where table.columns[position - 1] == "explanation":
                    text += copyText(try index.expandedExplanation(db, string) ?? string)
                case .string(let string): text += copyText(string)
                case .blob:
                    throw ServerError.invalidConfiguration(
                        "\(table.sqlite) row \(last), column \(table.columns[position - 1]): a blob where text or a number belongs")
                }
            }
            text += "\n"
            count += 1
        }
        return (text, count, last)
    }

    /// The characters `COPY`'s text format escapes, and how.
    static let copyEscapes: [Unicode.Scalar: String] = ["\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"]

    /// Whether each ASCII byte is a key of ``copyEscapes``, which are all ASCII: no byte of a
    /// multi-byte UTF-8 character is, so a value needs an escape exactly when one of its UTF-8
    /// bytes is marked here.
    static let escapedASCII: [Bool] = {
        precondition(copyEscapes.keys.allSatisfy(\.isASCII), "COPY's escaped characters are ASCII")
        return (0..<128).map { copyEscapes[Unicode.Scalar(UInt8($0))] != nil }
    }()

    /// A text value as `COPY`'s text format writes it (``copyEscapes``), scalar by scalar. Most
    /// values need no escape: that is checked on the UTF-8 bytes (``escapedASCII``), not by a
    /// dictionary lookup per scalar, which was a sixth of a million-person copy's CPU.
    static func copyText(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 < 0x80 && escapedASCII[Int($0)] }) else { return value }
        var escaped = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if let escape = copyEscapes[scalar] { escaped.append(contentsOf: escape.unicodeScalars) } else { escaped.append(scalar) }
        }
        return String(escaped)
    }
}
