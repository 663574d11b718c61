import Foundation
import HealthCardFoundation
import Hummingbird

/// Browser sessions of the data steward's pages: an API key holding the `steward` role is
/// exchanged once (`POST /steward/login`) for a random session token in a cookie, and every form
/// that changes something carries the session's CSRF token.
///
/// Why this shape:
/// - the key never sits in the browser beyond the login form, and the cookie is `HttpOnly`,
///   `SameSite=Strict` and limited to `/steward`, so no script and no other site's form sends it;
/// - the CSRF token (random, per session, compared in constant time) is a second line for
///   browsers that ignore `SameSite`; requests that carry the key itself (`Authorization`)
///   need none, since a browser never adds that header on its own;
/// - a session is re-checked against the key store on every request: revoking the key, or
///   taking its steward role away, ends its sessions at once; sessions also expire after
///   ``lifetime``.
///
/// Where sessions are kept is the server state store's (``ServerStateStore``): on SQLite this
/// process's memory (a restart signs everyone out; one node), on PostgreSQL the shared
/// database's `steward_session` table, so a session opened on one node works on every other and a
/// sign-out on one ends it on all (no sticky sessions at the load balancer; Docs/serve.md §7).
/// Either way only the token's hash is kept (``StewardSession/tokenHash(_:)``).
final class StewardSessions: Sendable {
    static let cookieName = "hcard_steward"
    /// Eight hours: a working day.
    static let lifetime: TimeInterval = 8 * 3600

    let store: any ServerStateStore
    let clock: any WallClock

    init(store: any ServerStateStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// Opens a session for `client` and returns its token (for the cookie) and CSRF token.
    func open(for client: Client) async throws -> (token: String, csrf: String) {
        let token = Self.random()
        let csrf = Self.random()
        let now = clock.now()
        try await store.openStewardSession(
            StewardSession(
                tokenHash: StewardSession.tokenHash(token), keyID: client.id, csrf: csrf,
                expires: now.addingTimeInterval(Self.lifetime)),
            now: now)
        return (token, csrf)
    }

    /// The live session of the request's cookie, if any.
    func session(_ request: Request) async throws -> StewardSession? {
        guard let token = request.cookies[Self.cookieName]?.value, !token.isEmpty else { return nil }
        return try await store.stewardSession(tokenHash: StewardSession.tokenHash(token), now: clock.now())
    }

    /// Ends the request's session.
    func close(_ request: Request) async throws {
        guard let token = request.cookies[Self.cookieName]?.value, !token.isEmpty else { return }
        try await store.closeStewardSession(tokenHash: StewardSession.tokenHash(token))
    }

    /// The session cookie: HttpOnly, SameSite=Strict, path /steward; `nil` token clears it.
    static func cookie(_ token: String?) -> Cookie {
        Cookie(
            name: cookieName, value: token ?? "", maxAge: token == nil ? 0 : Int(lifetime), path: "/steward",
            httpOnly: true, sameSite: .strict)
    }

    /// 32 random bytes as lowercase hex.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).lowercased()
    }
}
