import Foundation
import GRDB
import HealthCardFoundation
import HealthCardSQLite
import HealthQR

/// A client the server knows: an API key's id, its name and roles (never its secret).
public struct Client: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var roles: Set<Role>
    public var created: String
    public var revoked: String?
}

/// One line of the audit log: who did what, when, and how it ended. No request body, no
/// identifier values, no key: the route is the template (`/v1/empi/persons/{id}`), never the path.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var sequence: Int64
    public var time: String
    /// The client's key name, or `-` when the request carried no valid key.
    public var client: String
    public var method: String
    public var route: String
    public var status: Int
    /// `ok`, `refused` (401/403), `rejected` (other 4xx) or `failed` (5xx).
    public var outcome: String

    /// The outcome recorded for an HTTP status.
    public static func outcome(status: Int) -> String {
        switch status {
        case 200..<400: "ok"
        case 401, 403: "refused"
        case 400..<500: "rejected"
        default: "failed"
        }
    }
}

/// The server's own SQLite file (`StoreKind.serverState`): API keys, stored hashed, and the
/// append-only audit log. Beside the index file (`ServerStorage`).
///
/// Append-only is the database's rule, not only the code's: triggers abort every `UPDATE` and
/// `DELETE` on `audit`, so no code path of this program (and no `sqlite3` session that does not
/// drop the triggers first) can change history.
public final class ServerStore: Sendable {
    public let path: String
    let pool: DatabasePool
    let clock: any WallClock
    /// The accepted dynamic codes (``claim(_:)``), shared with the node's checkpoint scans.
    let seenNonces: SeenNonceCache
    /// The steward's browser sessions: in this process's memory (one node; a restart signs out).
    let stewardSessions = StewardSessionTable()
    /// The key row ``authenticate(_:)`` reads for every request (its columns in this order).
    let keyReader: SingleStatementReader

    public init(path: String, clock: any WallClock = SystemClock(), seenNonces: SeenNonceCache = SeenNonceCache()) throws {
        self.path = path
        self.clock = clock
        self.seenNonces = seenNonces
        keyReader = SingleStatementReader(
            path: path, sql: "SELECT salt, hash, revoked, id, name, roles, created FROM apiKey WHERE id = ?",
            busyTimeout: .seconds(5))
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        pool = try StoreKind.serverState.openPool(path: path, mode: .readWrite, configuration: configuration)
        try StoreKind.serverState.prepare(pool, path: path, mode: .readWrite, migrator: Self.migrator)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("server-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE apiKey (
                        id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL UNIQUE, roles TEXT NOT NULL,
                        salt BLOB NOT NULL, hash BLOB NOT NULL, created TEXT NOT NULL, revoked TEXT);
                    CREATE TABLE audit (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, client TEXT NOT NULL,
                        method TEXT NOT NULL, route TEXT NOT NULL, status INTEGER NOT NULL, outcome TEXT NOT NULL);
                    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    """)
        }
        return migrator
    }

    // MARK: Keys

    /// Creates a key for `name` with `roles` and returns it: the only time the secret exists
    /// outside the client.
    public func addKey(name: String, roles: Set<Role>) throws -> APIKey {
        try APIKey.validate(name: name, roles: roles)
        let key = APIKey.generate()
        let salt = APIKey.salt()
        try pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM apiKey WHERE name = ?", arguments: [name]) == true {
                throw ServerError.apiKey("a key named \"\(name)\" exists already (revoke it first, or pick another name)")
            }
            try db.execute(
                sql: "INSERT INTO apiKey (id, name, roles, salt, hash, created) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    key.id, name, APIKey.rolesText(roles), Data(salt),
                    Data(APIKey.hash(secret: key.secret, salt: salt)), ISO8601Instant.format(clock.now()),
                ])
        }
        return key
    }

    /// Revokes the key named `name`; its requests are refused from then on.
    public func revokeKey(name: String) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE apiKey SET revoked = ? WHERE name = ? AND revoked IS NULL",
                arguments: [ISO8601Instant.format(clock.now()), name])
            guard db.changesCount == 1 else { throw ServerError.apiKey("no active key named \"\(name)\"") }
        }
    }

    /// Every key, revoked ones too, by name.
    public func clients() throws -> [Client] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM apiKey ORDER BY name").map(Self.client)
        }
    }

    /// The client a presented key text belongs to; `nil` for a malformed, unknown, revoked or
    /// wrong key (the caller cannot tell which: all are 401).
    ///
    /// Read from the file on every request, so that a key revoked by `hcard serve key revoke` (another
    /// process) is refused from its next request on. The read is one statement on a connection of
    /// ``keyReader`` (a plain SQLite read in a snapshot of its own, without GRDB's pool around it:
    /// the key check runs for every request).
    public func authenticate(_ presented: String) throws -> Client? {
        guard let key = APIKey(presented: presented) else { return nil }
        let stored = try keyReader.firstRow([.text(key.id)]) { columns in
            (
                salt: columns.blob(0) ?? [], hash: columns.blob(1) ?? [], revoked: columns.text(2),
                client: Client(
                    id: columns.text(3) ?? "", name: columns.text(4) ?? "", roles: APIKey.roles(columns.text(5) ?? ""),
                    created: columns.text(6) ?? "", revoked: columns.text(2))
            )
        }
        guard let stored, key.accepts(salt: stored.salt, hash: stored.hash, revoked: stored.revoked) else { return nil }
        return stored.client
    }

    static func client(_ row: Row) -> Client {
        Client(id: row["id"], name: row["name"], roles: APIKey.roles(row["roles"]), created: row["created"], revoked: row["revoked"])
    }

    // MARK: Audit

    /// Appends one entry and returns its sequence number, once the entry is durable.
    ///
    /// One `INSERT`, prepared once, in SQLite's own transaction for a single statement: it commits
    /// (and with `synchronous = FULL`, SQLite's default here, syncs the WAL) before this returns,
    /// as the explicit `BEGIN … COMMIT` of `write` did, without their two statements per request.
    @discardableResult
    public func audit(client: String, method: String, route: String, status: Int) throws -> Int64 {
        let outcome = AuditEntry.outcome(status: status)
        return try pool.writeWithoutTransaction { db in
            try db.cachedStatement(
                sql: "INSERT INTO audit (time, client, method, route, status, outcome) VALUES (?, ?, ?, ?, ?, ?)"
            ).execute(arguments: [ISO8601Instant.format(clock.now()), client, method, route, status, outcome])
            return db.lastInsertedRowID
        }
    }

    /// Entries after `since`, oldest first, at most `limit`.
    public func auditEntries(since: Int64 = 0, limit: Int = 1000) throws -> [AuditEntry] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM audit WHERE sequence > ? ORDER BY sequence LIMIT ?", arguments: [since, limit]
            ).map { row in
                AuditEntry(
                    sequence: row["sequence"], time: row["time"], client: row["client"], method: row["method"],
                    route: row["route"], status: row["status"], outcome: row["outcome"])
            }
        }
    }

    /// Whether the file answers a query: the readiness check.
    public func isReady() -> Bool {
        (try? pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    // MARK: Replay

    /// One node, one process: the accepted dynamic codes are kept in this process's memory, as a
    /// checkpoint keeps them (`SeenNonceCache`); a restart within a code's window forgets them [U].
    public func claim(_ claim: ReplayClaim) -> Bool {
        seenNonces.insert(keyID: claim.keyID, nonce: claim.nonce, until: claim.until, now: claim.now)
    }
}

extension ServerStore: ServerStateStore {
    // One node: the sessions are this process's (Docs/serve.md §7).
    public func openStewardSession(_ session: StewardSession, now: Date) { stewardSessions.open(session, now: now) }
    public func stewardSession(tokenHash: String, now: Date) -> StewardSession? {
        stewardSessions.session(tokenHash: tokenHash, now: now)
    }
    public func closeStewardSession(tokenHash: String) { stewardSessions.close(tokenHash: tokenHash) }
}
