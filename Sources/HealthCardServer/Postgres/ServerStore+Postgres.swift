import Foundation
import HealthCardFoundation
import HealthQR
import PostgresNIO
import Synchronization

/// The server's own state in the shared PostgreSQL database (``ServerStateStore``): API keys,
/// the audit log and the replay claims, seen alike by every node.
///
/// How each rule holds across nodes:
/// - **A key name is used once**: `api_key.name` is `UNIQUE`; of two nodes adding the same name
///   at once, one gets the unique violation, reported as ``ServerError/apiKey(_:)``.
/// - **The audit log is append-only**: triggers raise on `UPDATE`, `DELETE` and `TRUNCATE`.
/// - **A dynamic code is accepted once, on any node**: ``claim(_:)`` is one
///   `INSERT … ON CONFLICT (key_id, nonce) DO UPDATE … WHERE until < now RETURNING` statement. The
///   primary key makes a concurrent second insert wait for the first to commit and then see its
///   row; a row comes back only for a new pair (or one whose claim had expired), so exactly one
///   verification of a code is told "first".
public final class PostgresServerStore: ServerStateStore {
    let database: SharedDatabase
    let clock: any WallClock
    /// When this node last removed expired replay claims (Unix seconds).
    private let lastPurge = Mutex<Int64>(0)

    /// The store over `database`, whose schema must be migrated (``PostgresSchema/migrate(_:)``).
    init(database: SharedDatabase, clock: any WallClock = SystemClock()) {
        self.database = database
        self.clock = clock
    }

    /// The store over `database`, its tables created or migrated first.
    public static func open(_ database: SharedDatabase, clock: any WallClock = SystemClock()) async throws
        -> PostgresServerStore
    {
        try await PostgresSchema.migrate(database)
        return PostgresServerStore(database: database, clock: clock)
    }

    public func addKey(name: String, roles: Set<Role>) async throws -> APIKey {
        try APIKey.validate(name: name, roles: roles)
        let key = APIKey.generate()
        let salt = APIKey.salt()
        let hash = Hex.encode(APIKey.hash(secret: key.secret, salt: salt))
        let created = ISO8601Instant.format(clock.now())
        do {
            _ = try await database.rows(
                """
                INSERT INTO api_key (id, name, roles, salt, hash, created)
                VALUES (\(key.id), \(name), \(APIKey.rolesText(roles)), \(Hex.encode(salt)), \(hash), \(created))
                """)
        } catch where SharedDatabase.sqlState(error) == "23505" {
            throw ServerError.apiKey("a key named \"\(name)\" exists already (revoke it first, or pick another name)")
        }
        return key
    }

    public func revokeKey(name: String) async throws {
        let revoked = try await database.rows(
            "UPDATE api_key SET revoked = \(ISO8601Instant.format(clock.now())) WHERE name = \(name) AND revoked IS NULL RETURNING id")
        guard revoked.count == 1 else { throw ServerError.apiKey("no active key named \"\(name)\"") }
    }

    public func clients() async throws -> [Client] {
        try await database.rows("SELECT id, name, roles, created, revoked FROM api_key ORDER BY name").map { row in
            let (id, name, roles, created, revoked) = try row.decode((String, String, String, String, String?).self)
            return Client(id: id, name: name, roles: APIKey.roles(roles), created: created, revoked: revoked)
        }
    }

    public func authenticate(_ presented: String) async throws -> Client? {
        guard let key = APIKey(presented: presented) else { return nil }
        let rows = try await database.rows(
            "SELECT id, name, roles, created, revoked, salt, hash FROM api_key WHERE id = \(key.id)::text",
            preparedAs: KeyLookup.self)
        guard let row = rows.first else { return nil }
        let (id, name, roles, created, revoked, salt, hash) = try row.decode(
            (String, String, String, String, String?, String, String).self)
        guard key.accepts(salt: try Hex.decode(salt), hash: try Hex.decode(hash), revoked: revoked) else { return nil }
        return Client(id: id, name: name, roles: APIKey.roles(roles), created: created, revoked: revoked)
    }

    @discardableResult
    public func audit(client: String, method: String, route: String, status: Int) async throws -> Int64 {
        let line = RequestAudit(client: client, method: method, route: route)
        let rows = try await database.rows(
            Self.appendAudit([(line, ISO8601Instant.format(clock.now()))], status: status), preparedAs: AuditAppend.self)
        return try rows.first!.decode(Int64.self)
    }

    /// The statement that appends `lines`, each at its time and all with `status`, in order,
    /// returning their sequence numbers: the one writer of audit rows on PostgreSQL, run alone by
    /// ``audit(client:method:route:status:)`` or inside the transaction whose writes the lines
    /// record (``RequestAudit``).
    static func appendAudit(_ lines: [(line: RequestAudit, time: String)], status: Int) -> PostgresQuery {
        """
        INSERT INTO audit (time, client, method, route, status, outcome)
        SELECT line.time, line.client, line.method, line.route, \(Int64(status))::bigint, \(AuditEntry.outcome(status: status))::text
        FROM unnest(
            \(lines.map(\.time))::text[], \(lines.map(\.line.client))::text[], \(lines.map(\.line.method))::text[],
            \(lines.map(\.line.route))::text[]) WITH ORDINALITY AS line (time, client, method, route, position)
        ORDER BY line.position
        RETURNING sequence
        """
    }

    public func auditEntries(since: Int64 = 0, limit: Int = 1000) async throws -> [AuditEntry] {
        try await database.rows(
            """
            SELECT sequence, time, client, method, route, status, outcome FROM audit
            WHERE sequence > \(since) ORDER BY sequence LIMIT \(Int64(limit))
            """
        ).map { row in
            let (sequence, time, client, method, route, status, outcome) = try row.decode(
                (Int64, String, String, String, String, Int64, String).self)
            return AuditEntry(
                sequence: sequence, time: time, client: client, method: method, route: route, status: Int(status),
                outcome: outcome)
        }
    }

    public func claim(_ claim: ReplayClaim) async throws -> Bool {
        try await purgeExpiredClaims(now: claim.now)
        let rows = try await database.rows(
            """
            INSERT INTO replay_claim (key_id, nonce, until) VALUES (\(claim.keyID.description), \(claim.nonce.hex), \(claim.until))
            ON CONFLICT (key_id, nonce) DO UPDATE SET until = EXCLUDED.until WHERE replay_claim.until < \(claim.now)
            RETURNING 1
            """)
        return rows.count == 1
    }

    /// Removes claims that expired over a minute ago, at most once a minute per node: they can
    /// no longer tell a replay (the code is rejected as expired first).
    func purgeExpiredClaims(now: Int64) async throws {
        let due = lastPurge.withLock { last in
            guard now >= last + 60 else { return false }
            last = now
            return true
        }
        if due { _ = try await database.rows("DELETE FROM replay_claim WHERE until < \(now - 60)") }
    }

    /// Whether PostgreSQL answers within 3 s (a readiness probe must answer, not wait).
    public func isReady() async -> Bool {
        (try? await database.checkReachable(within: .seconds(3))) != nil
    }

    // MARK: Steward sessions (migration 11): one table for every node, so no sticky sessions.

    public func openStewardSession(_ session: StewardSession, now: Date) async throws {
        _ = try await database.rows("DELETE FROM steward_session WHERE expires <= \(Self.milliseconds(now))")
        _ = try await database.rows(
            """
            INSERT INTO steward_session (token_hash, key_id, csrf, expires)
            VALUES (\(session.tokenHash), \(session.keyID), \(session.csrf), \(Self.milliseconds(session.expires)))
            """)
    }

    public func stewardSession(tokenHash: String, now: Date) async throws -> StewardSession? {
        try await database.rows(
            """
            SELECT key_id, csrf, expires FROM steward_session
            WHERE token_hash = \(tokenHash) AND expires > \(Self.milliseconds(now))
            """
        ).first.map { row in
            let (keyID, csrf, expires) = try row.decode((String, String, Int64).self)
            return StewardSession(
                tokenHash: tokenHash, keyID: keyID, csrf: csrf,
                expires: Date(timeIntervalSince1970: Double(expires) / 1000))
        }
    }

    public func closeStewardSession(tokenHash: String) async throws {
        _ = try await database.rows("DELETE FROM steward_session WHERE token_hash = \(tokenHash)")
    }

    /// A session's end as stored: Unix milliseconds.
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
}

/// The server's statements that run on every request, as prepared statements (``PreparedSite``).
extension PostgresServerStore {
    enum KeyLookup: PreparedSite {}
    enum AuditAppend: PreparedSite {}
}
