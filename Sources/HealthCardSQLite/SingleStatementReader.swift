import GRDB
import GRDBSQLite
import HealthCardFoundation
import Synchronization

/// One read-only SQL statement, run on plain SQLite connections of its own, each with the
/// statement prepared once: for the one-row reads `hcard serve` makes on every request (the API
/// key, the card check of a verification, the register of issued codes).
///
/// Why not GRDB's `DatabasePool`: around the caller's statement a pool read takes a connection
/// from its reader pool (a semaphore and a lock), runs on that connection's dispatch queue, asks
/// `PRAGMA schema_version` for its schema cache and hands the row over as a `Row` of named
/// columns. For a one-row read that machinery costs more than the row: profiled at about half of
/// the API key check, itself a tenth of a verification request's CPU (Docs/serve.md §9). A single
/// SQLite statement needs none of it: it runs in a read transaction of its own, from its first
/// step to its reset, so it sees the file as last committed, by this process or any other (a key
/// revoked by `hcard serve key revoke` is refused from the next request on). Nothing is cached
/// but the compiled statement.
///
/// The connections are opened read-only (the statement cannot write), lazily, one for each caller
/// reading at the same time, and are kept for the next caller. Each is used by one thread at a
/// time (taken from and given back to the idle list under a lock), so SQLite's own mutex per
/// connection is off (`SQLITE_OPEN_NOMUTEX`). Writes, and reads of more than one statement, stay
/// with GRDB.
package final class SingleStatementReader: Sendable {
    /// A value bound to the statement's next `?`.
    package enum Argument: Sendable {
        case text(String)
        case integer(Int64)
    }

    /// The current row's columns, by their position in the statement's result (0 first). Valid
    /// only inside the closure it is given to.
    package struct Columns {
        fileprivate let statement: OpaquePointer

        /// The column as text; `nil` for NULL.
        package func text(_ column: Int32) -> String? {
            guard sqlite3_column_type(statement, column) != SQLITE_NULL,
                let pointer = sqlite3_column_text(statement, column)
            else { return nil }
            // `sqlite3_column_bytes` after `sqlite3_column_text`: the length of that UTF-8 text.
            let count = Int(sqlite3_column_bytes(statement, column))
            return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
        }

        /// The column's bytes; `nil` for NULL.
        package func blob(_ column: Int32) -> [UInt8]? {
            guard sqlite3_column_type(statement, column) != SQLITE_NULL else { return nil }
            let pointer = sqlite3_column_blob(statement, column)
            let count = Int(sqlite3_column_bytes(statement, column))
            guard let pointer, count > 0 else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: count))
        }

        /// The column as an integer; `nil` for NULL.
        package func integer(_ column: Int32) -> Int64? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
        }
    }

    /// One connection and its prepared statement. Used by one thread at a time: the reader hands it
    /// out from ``idle`` and takes it back.
    private final class Connection: @unchecked Sendable {
        let database: OpaquePointer
        let statement: OpaquePointer

        init(path: String, sql: String, busyTimeout: Duration) throws {
            var database: OpaquePointer?
            let opened = sqlite3_open_v2(path, &database, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
            guard opened == SQLITE_OK, let database else {
                let error = SingleStatementReader.error(database, opened, sql: sql)
                sqlite3_close_v2(database)
                throw error
            }
            sqlite3_extended_result_codes(database, 1)
            let milliseconds = busyTimeout.components.seconds * 1000
                + busyTimeout.components.attoseconds / 1_000_000_000_000_000
            sqlite3_busy_timeout(database, Int32(clamping: milliseconds))
            var statement: OpaquePointer?
            let prepared = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
            guard prepared == SQLITE_OK, let statement else {
                let error = SingleStatementReader.error(database, prepared, sql: sql)
                sqlite3_finalize(statement)
                sqlite3_close_v2(database)
                throw error
            }
            guard sqlite3_stmt_readonly(statement) != 0 else {
                sqlite3_finalize(statement)
                sqlite3_close_v2(database)
                throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "not a read-only statement", sql: sql)
            }
            self.database = database
            self.statement = statement
        }

        deinit {
            sqlite3_finalize(statement)
            sqlite3_close_v2(database)
        }
    }

    package let path: String
    package let sql: String
    private let busyTimeout: Duration
    /// Connections no caller is using now, the most recently used last.
    private let idle = Mutex<[Connection]>([])
    /// At most this many idle connections are kept; one more is closed after its read.
    private static let idleLimit = 16

    /// A reader of `sql` (one statement, read-only) on the SQLite file at `path`, which must exist
    /// in WAL mode (a store opened by GRDB's `DatabasePool`). Nothing is opened until the first read;
    /// a read waits up to `busyTimeout` for a lock, as the store's own connections do.
    package init(path: String, sql: String, busyTimeout: Duration = .seconds(5)) {
        self.path = path
        self.sql = sql
        self.busyTimeout = busyTimeout
    }

    /// Runs the statement with `arguments` and gives its first row to `read`; `nil` when there is
    /// no row. The row is read in one snapshot of the file, the last committed state at the first
    /// step; the read transaction ends before this returns.
    ///
    /// - Throws: GRDB's `DatabaseError` with SQLite's code and message (`SQLITE_BUSY` after the busy
    ///   timeout, as from a GRDB read); what `read` throws.
    package func firstRow<T>(_ arguments: [Argument], _ read: (Columns) throws -> T) throws -> T? {
        let connection = try idle.withLock { $0.popLast() } ?? Connection(path: path, sql: sql, busyTimeout: busyTimeout)
        let statement = connection.statement
        var reusable = false
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            if reusable {
                // Outside the lock: the connection over the limit is closed by its deinit, here.
                let surplus: Connection? = idle.withLock { connections in
                    guard connections.count < Self.idleLimit else { return connection }
                    connections.append(connection)
                    return nil
                }
                _ = surplus
            }
        }
        for (offset, argument) in arguments.enumerated() {
            let position = Int32(offset + 1)
            let bound =
                switch argument {
                case .text(let text): sqlite3_bind_text(statement, position, text, -1, Self.transient)
                case .integer(let value): sqlite3_bind_int64(statement, position, value)
                }
            guard bound == SQLITE_OK else { throw Self.error(connection.database, bound, sql: sql) }
        }
        let stepped = sqlite3_step(statement)
        switch stepped {
        case SQLITE_ROW:
            reusable = true
            return try read(Columns(statement: statement))
        case SQLITE_DONE:
            reusable = true
            return nil
        default:
            // A connection that failed (busy past the timeout, an I/O error) is closed, not reused.
            throw Self.error(connection.database, stepped, sql: sql)
        }
    }

    /// `SQLITE_TRANSIENT`: SQLite copies a bound text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func error(_ database: OpaquePointer?, _ code: Int32, sql: String) -> DatabaseError {
        let message = database.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}
