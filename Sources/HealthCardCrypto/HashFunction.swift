import HealthCardFoundation

/// A one-shot cryptographic hash, used as `SM3.hash(bytes)`.
///
/// The protocol is pure Swift so layers above can be generic over the hash; the implementations
/// are OpenSSL's (`OpenSSL/Digest+OpenSSL.swift`).
public protocol HashFunction: Sendable {
    /// The length of a digest in bytes.
    static var digestByteCount: Int { get }
    /// The digest of `bytes`, exactly ``digestByteCount`` bytes long.
    static func hash(_ bytes: [UInt8]) -> [UInt8]
}

extension HashFunction {
    /// The digest of a slice of a larger buffer.
    public static func hash(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        hash(Array(bytes))
    }
}

/// SM3, the Chinese national hash function (256-bit digest).
///
/// Used for SM2 signatures and for hashing card records before the SAM signs them.
///
/// - SeeAlso: GB/T 32905-2016 (SM3); health-card.md §7.6.
public enum SM3 {}

extension SM3: HashFunction {
    public static var digestByteCount: Int { 32 }
}

/// SHA-256 (FIPS 180-4), for the protocols of others that use it: the Tencent health-card open
/// platform's request signature (health-code.md §4.9).
public enum SHA256 {}

extension SHA256: HashFunction {
    public static var digestByteCount: Int { 32 }
}
