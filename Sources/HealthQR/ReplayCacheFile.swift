import Foundation
import HealthCardCrypto
import HealthCardFoundation

/// A ``SeenNonceCache`` kept in a JSON file between runs, for checkpoints that verify with one
/// process per scan (`hcard qr verify --replay-cache FILE`).
///
/// Why: ``SeenNonceCache`` lives in memory, so a command-line verifier forgets every code when it
/// exits and would accept the same screenshot twice. The file holds the same entries, (key id,
/// nonce) → the Unix second until which the code must be remembered:
///
/// ```json
/// {"version": 1, "entries": [{"keyId": "245CE12D6CBF569F", "nonce": "0123456789ABCDEF", "until": 1772352330}]}
/// ```
///
/// Opening takes an exclusive `flock` on `FILE.lock`, so processes that share the file take turns
/// (two scanners at one gate); ``save()`` replaces the file atomically and releases the lock.
/// Expired entries are dropped on load, so the file stays about as large as the codes seen within
/// one window. A missing file is an empty cache. [U] Sharing the file between checkpoints over a
/// network file system is not supported (`flock` is local).
public final class ReplayCacheFile {
    /// The cache to give ``CodeVerifier``, filled from the file.
    public let cache: SeenNonceCache
    /// The file.
    public let path: String

    private struct Entry: Codable, Hashable {
        let keyId: String
        let nonce: String
        let until: Int64
    }

    private struct Contents: Codable {
        var version = 1
        var entries: [Entry]
    }

    /// The keys and types the file must hold (`JSONShape`): an unknown key or a wrong type is an
    /// error naming the file and the key, never a cache that silently forgets what it has seen.
    static let shape = JSONShape.object(
        [
            "version": .integer,
            "entries": .array(
                .object(["keyId": .string, "nonce": .string, "until": .integer], required: ["keyId", "nonce", "until"])),
        ], required: ["version", "entries"])

    private var entries: [Entry]
    /// The file's exclusive lock, from `init` until ``save()``.
    private var lock: AtomicFile.ExclusiveLock?

    /// Locks and loads `path`, dropping entries that expired before `now` (Unix seconds).
    ///
    /// - Throws: `FileAccessError` if the lock file cannot be opened or locked;
    ///   `HealthCardError/Code/malformed` naming the file if it is not a replay cache.
    public init(path: String, now: Int64) throws {
        self.path = path
        lock = try AtomicFile.ExclusiveLock(path)
        cache = SeenNonceCache()
        entries = []
        guard FileManager.default.fileExists(atPath: path) else { return }
        let loaded: Contents
        do {
            let bytes = try AtomicFile.read(path)
            try Self.shape.check(json: bytes, source: path)
            loaded = try JSONDecoder().decode(Contents.self, from: Data(bytes))
        } catch let error as HealthCardError {
            unlock()
            throw error
        } catch {
            unlock()
            throw HealthCardError.malformed("\(path): not a replay cache file (\(error))")
        }
        guard loaded.version == 1 else {
            unlock()
            throw HealthCardError.malformed(
                "\(path): replay cache version \(loaded.version), this reader knows version 1")
        }
        for entry in loaded.entries where entry.until >= now {
            guard let keyID = try? KeyID(hex: entry.keyId), let nonce = UInt64(entry.nonce, radix: 16) else {
                unlock()
                throw HealthCardError.malformed("\(path): bad entry \(entry.keyId)/\(entry.nonce)")
            }
            _ = cache.insert(keyID: keyID, nonce: SignedCode.Nonce(rawValue: nonce), until: entry.until, now: now)
            entries.append(entry)
        }
    }

    /// Remembers a code that `verdict` accepted, if it is dynamic (static codes are never replays),
    /// until the end of its window plus `clockSkew`, the same limit ``CodeVerifier`` uses.
    public func record(_ verdict: Verdict, clockSkew: Duration) {
        guard case .valid(let decoded) = verdict, let window = decoded.code.windowSeconds else { return }
        let until = Int64(decoded.code.issuedAtSeconds) + Int64(window) + max(0, clockSkew.components.seconds)
        entries.append(Entry(keyId: decoded.code.keyID.hex, nonce: decoded.code.nonce.hex, until: until))
    }

    /// Writes the entries (loaded and recorded) atomically and releases the lock.
    ///
    /// - Throws: `FileAccessError` if the file cannot be written.
    public func save() throws {
        defer { unlock() }
        try flush()
    }

    /// Writes the entries atomically and keeps the lock: a long-running scanner (`hcard checkpoint
    /// scan --batch`) calls it after each accepted code, so a kill loses no acknowledged nonce.
    ///
    /// - Throws: `FileAccessError` if the file cannot be written.
    public func flush() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Contents(entries: entries))
        try AtomicFile.write(Array(data) + [0x0A], to: path)
    }

    private func unlock() { lock = nil }
}
