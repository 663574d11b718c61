import Foundation
import HealthCardFoundation
import HealthQR

/// The storage seam for the server's own state: API keys, the append-only audit log, the
/// replay claims of accepted dynamic codes and the data steward's browser sessions. Two
/// implementations: ``ServerStore`` (an SQLite file beside the index, one node; replay claims and
/// sessions in the process's memory) and ``PostgresServerStore`` (tables in the PostgreSQL
/// database that several `hcard serve --postgres` nodes share).
///
/// The rules are not the stores': key names and roles are checked by ``APIKey/validate(name:roles:)``,
/// a presented key by ``APIKey/accepts(presented:salt:hash:revoked:)``, an audit outcome by
/// ``AuditEntry/outcome(status:)``, and which codes need a replay claim by `CodeVerifier`
/// (`verifyDeferringReplay`). A store only keeps rows, atomically.
public protocol ServerStateStore: Sendable {
    /// Creates a key for `name` with `roles` and returns it: the only time the secret exists
    /// outside the client. A name already used (revoked keys included) is refused.
    func addKey(name: String, roles: Set<Role>) async throws -> APIKey
    /// Revokes the active key named `name`; its requests are refused from then on.
    func revokeKey(name: String) async throws
    /// Every key, revoked ones too, by name.
    func clients() async throws -> [Client]
    /// The client a presented key text belongs to; `nil` for a malformed, unknown, revoked or
    /// wrong key (the caller cannot tell which: all are 401).
    func authenticate(_ presented: String) async throws -> Client?
    /// Appends one audit entry and returns its sequence number.
    @discardableResult
    func audit(client: String, method: String, route: String, status: Int) async throws -> Int64
    /// Audit entries after `since`, oldest first, at most `limit`.
    func auditEntries(since: Int64, limit: Int) async throws -> [AuditEntry]
    /// Records `claim` (an accepted dynamic code) and answers whether it was the first: `false`
    /// when the same (key id, nonce) was claimed before and has not expired at `claim.now`, on
    /// this node or (PostgreSQL) any other.
    func claim(_ claim: ReplayClaim) async throws -> Bool
    /// Whether the store answers a query: the readiness check.
    func isReady() async -> Bool
    /// Keeps a steward's session (its token's hash, never the token), dropping expired ones;
    /// from then on every node of this store knows it.
    func openStewardSession(_ session: StewardSession, now: Date) async throws
    /// The session whose token hashes to `tokenHash`, if it has not ended or expired at `now`.
    func stewardSession(tokenHash: String, now: Date) async throws -> StewardSession?
    /// Ends the session whose token hashes to `tokenHash`, on every node of this store.
    func closeStewardSession(tokenHash: String) async throws
}
