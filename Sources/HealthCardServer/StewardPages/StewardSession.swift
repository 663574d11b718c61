import Foundation
import HealthCardCrypto
import HealthCardFoundation
import Synchronization

/// A data steward's browser session as a store keeps it (``ServerStateStore``): the hash of the
/// session token (the token itself is only in the browser's cookie), the API key it was opened
/// with, the CSRF token its forms carry, and when it ends.
///
/// Why the hash: a copy of the table (a backup, a `psql` session, a log of a query) gives no
/// session to anyone; the token is 256 random bits, so a plain SM3 suffices (as for API keys).
public struct StewardSession: Sendable, Hashable {
    /// `SM3(token)`, lower-case hex (``tokenHash(_:)``).
    public var tokenHash: String
    /// The id of the API key the steward signed in with (re-checked on every request).
    public var keyID: String
    public var csrf: String
    public var expires: Date

    public init(tokenHash: String, keyID: String, csrf: String, expires: Date) {
        self.tokenHash = tokenHash
        self.keyID = keyID
        self.csrf = csrf
        self.expires = expires
    }

    /// What a store keeps of a session token.
    public static func tokenHash(_ token: String) -> String {
        Hex.encode(SM3.hash(Array(token.utf8))).lowercased()
    }
}

/// The sessions of one process, for the SQLite backend (one node): kept in memory, so a restart
/// signs stewards out (``ServerStore``; on PostgreSQL they are in the shared database).
final class StewardSessionTable: Sendable {
    private let sessions = Mutex<[String: StewardSession]>([:])

    /// Keeps `session`, dropping the expired ones.
    func open(_ session: StewardSession, now: Date) {
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expires > now }
            sessions[session.tokenHash] = session
        }
    }

    /// The unexpired session of `tokenHash` at `now`.
    func session(tokenHash: String, now: Date) -> StewardSession? {
        sessions.withLock { sessions in
            guard let session = sessions[tokenHash] else { return nil }
            guard session.expires > now else {
                sessions[tokenHash] = nil
                return nil
            }
            return session
        }
    }

    func close(tokenHash: String) {
        _ = sessions.withLock { $0.removeValue(forKey: tokenHash) }
    }
}
