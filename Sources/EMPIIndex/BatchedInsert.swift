import GRDB

/// Rows of one table inserted by multi-row `INSERT … VALUES (…), (…), …` statements,
/// ``rowsPerStatement`` rows each, in the order they were appended.
///
/// Why (issue 18 item 6): a bulk ingest writes ≈ 600,000 rows, and a statement per row paid, per
/// row, GRDB's argument handling and SQLite's per-statement work (binding, reset, and for an
/// `AUTOINCREMENT` table reading and writing `sqlite_sequence`). One statement per
/// ``rowsPerStatement`` rows pays these once for all of them; the rows and their order are the same
/// as with one `INSERT` each.
///
/// Rows are written when a statement's worth is pending and by ``flush()``; the caller flushes
/// before anything else reads or writes the table, and before the transaction ends.
struct BatchedInsert {
    /// Rows per full statement: 64 rows of up to 8 columns stay far below SQLite's limit of
    /// 32,766 bound values.
    static let rowsPerStatement = 64

    private let db: Database
    private let head: String
    private let row: String
    private let columns: Int
    /// The statement for a full batch (the last, shorter one is built when flushed).
    private let full: String
    /// The pending rows' values, as given: GRDB turns each into its `DatabaseValue` once, when
    /// the statement's arguments are built (a `[DatabaseValue]` would go through GRDB's generic
    /// initialiser, which projects a key path per value: a tenth of a bulk ingest's tail).
    private var pending: [(any DatabaseValueConvertible)?] = []

    /// `head` is the statement up to `VALUES` (`"INSERT INTO event (kind, person)"`); `row` one
    /// row's value list (`"(?, ?)"`), with `columns` placeholders.
    init(_ db: Database, _ head: String, row: String, columns: Int) {
        self.db = db
        self.head = head
        self.row = row
        self.columns = columns
        full = Self.sql(head, row: row, rows: Self.rowsPerStatement)
        pending.reserveCapacity(columns * Self.rowsPerStatement)
    }

    /// Adds one row (`columns` values); writes a statement's worth when it is full.
    mutating func append(_ values: [(any DatabaseValueConvertible)?]) throws {
        precondition(values.count == columns, "\(head): \(values.count) values for \(columns) columns")
        pending.append(contentsOf: values)
        if pending.count == columns * Self.rowsPerStatement { try flush() }
    }

    /// Writes the pending rows.
    mutating func flush() throws {
        let rows = pending.count / columns
        guard rows > 0 else { return }
        let sql = rows == Self.rowsPerStatement ? full : Self.sql(head, row: row, rows: rows)
        // The placeholders are this type's own (`rows` × `columns`), so GRDB's check that the
        // arguments fit the statement is skipped.
        let statement = try db.cachedStatement(sql: sql)
        statement.setUncheckedArguments(StatementArguments(pending))
        try statement.execute()
        pending.removeAll(keepingCapacity: true)
    }

    private static func sql(_ head: String, row: String, rows: Int) -> String {
        head + " VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
    }
}
