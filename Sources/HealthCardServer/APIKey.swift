import Foundation
import HealthCardCrypto
import HealthCardFoundation

/// An API key as the client presents it: `hcs_<id>_<secret>`, where `id` (16 hex digits) names
/// the stored key and `secret` (64 hex digits, 256 random bits) proves possession.
///
/// Why this shape: the server looks the key up by its id and compares one hash, instead of
/// hashing against every stored key; the secret is never stored, only `SM3(salt ‖ secret)` with a
/// per-key 16-byte random salt (``hash(secret:salt:)``). A salted fast hash suffices because the
/// secret is 256 random bits, not a password: no dictionary to guess from.
public struct APIKey: Sendable, Hashable, CustomStringConvertible {
    public static let prefix = "hcs_"
    public let id: String
    public let secret: String

    /// A fresh key from the system's cryptographic generator.
    public static func generate() -> APIKey {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<8).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return APIKey(id: Hex.encode(id).lowercased(), secret: Hex.encode(secret).lowercased())
    }

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// Parses a presented key; `nil` for anything not exactly `hcs_<16 hex>_<64 hex>`.
    public init?(presented text: some StringProtocol) {
        // Byte by byte: the shape is ASCII only, so a text with anything else is refused without
        // Unicode's character rules (every request's key passes here).
        let bytes = Array(text.utf8)
        let prefix = Self.prefix.utf8
        guard bytes.count == prefix.count + 16 + 1 + 64, bytes.starts(with: prefix), bytes[prefix.count + 16] == UInt8(ascii: "_")
        else { return nil }
        let id = bytes[prefix.count..<prefix.count + 16]
        let secret = bytes[(prefix.count + 17)...]
        func isLowercaseHex(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
        guard id.allSatisfy(isLowercaseHex), secret.allSatisfy(isLowercaseHex) else { return nil }
        self.init(id: String(decoding: id, as: UTF8.self), secret: String(decoding: secret, as: UTF8.self))
    }

    /// The text a client sends (`Authorization: Bearer …` or `X-API-Key: …`).
    public var description: String { "\(Self.prefix)\(id)_\(secret)" }

    /// `SM3(salt ‖ UTF-8 secret)`, as stored.
    public static func hash(secret: String, salt: [UInt8]) -> [UInt8] {
        SM3.hash(salt + Array(secret.utf8))
    }

    /// A fresh 16-byte salt.
    public static func salt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Checks a new key's name and roles (the same rule for every ``ServerStateStore``).
    ///
    /// - Throws: ``ServerError/apiKey(_:)`` naming what is wrong.
    public static func validate(name: String, roles: Set<Role>) throws {
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw ServerError.apiKey("name \"\(name)\" must be 1-64 letters, digits, '-', '_' or '.'")
        }
        guard !roles.isEmpty else { throw ServerError.apiKey("a key needs at least one role") }
    }

    /// Whether a stored key (its `salt`, `hash` and revocation) accepts this presented key.
    func accepts(salt: [UInt8], hash: [UInt8], revoked: String?) -> Bool {
        revoked == nil && Self.constantTimeEqual(Self.hash(secret: secret, salt: salt), hash)
    }

    /// The text stored for a role set: role names, sorted, comma-separated.
    static func rolesText(_ roles: Set<Role>) -> String {
        roles.sorted().map(\.rawValue).joined(separator: ",")
    }

    /// The role set of ``rolesText(_:)``.
    static func roles(_ text: String) -> Set<Role> {
        Set(text.split(separator: ",").compactMap { Role(rawValue: String($0)) })
    }

    /// Compares two digests in time independent of where they differ.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
