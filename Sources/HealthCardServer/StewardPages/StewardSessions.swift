import Foundation
import HealthCardFoundation
import Hummingbird
import Synchronization

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
/// Sessions live in this process's memory: a restart signs everyone out, and several server
/// processes need sticky sessions at the load balancer (Docs/serve.md §7).
final class StewardSessions: Sendable {
    struct Session: Sendable {
        var keyID: String
        var csrf: String
        var expires: Date
    }

    static let cookieName = "hcard_steward"
    /// Eight hours: a working day.
    static let lifetime: TimeInterval = 8 * 3600

    private let sessions = Mutex<[String: Session]>([:])
    let clock: any WallClock

    init(clock: any WallClock) { self.clock = clock }

    /// Opens a session for `client` and returns its token.
    func open(for client: Client) -> (token: String, csrf: String) {
        let token = Self.random()
        let csrf = Self.random()
        let now = clock.now()
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expires > now }
            sessions[token] = Session(keyID: client.id, csrf: csrf, expires: now.addingTimeInterval(Self.lifetime))
        }
        return (token, csrf)
    }

    /// The live session of the request's cookie, if any.
    func session(_ request: Request) -> Session? {
        guard let token = request.cookies[Self.cookieName]?.value else { return nil }
        let now = clock.now()
        return sessions.withLock { sessions in
            guard let session = sessions[token] else { return nil }
            guard session.expires > now else {
                sessions[token] = nil
                return nil
            }
            return session
        }
    }

    /// Ends the request's session.
    func close(_ request: Request) {
        guard let token = request.cookies[Self.cookieName]?.value else { return }
        _ = sessions.withLock { $0.removeValue(forKey: token) }
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
