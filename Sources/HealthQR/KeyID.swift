import HealthCardCrypto
import HealthCardFoundation

/// The 8-byte identifier of an issuer's signing key, carried in every signed code.
///
/// Derivation: the first 8 bytes of `SM3(04 ‖ X ‖ Y)`, the hash of the key's 65-byte uncompressed
/// public point. Why derived and not assigned: anyone holding the public key computes the same id,
/// so a trust list cannot pair an id with the wrong key by a typing mistake (the loader checks it),
/// and no registry of ids is needed. Why 8 bytes: it only has to *select* a key among the few
/// dozen in a trust list; the signature, not the id, is what authenticates. 64 bits make an
/// accidental collision negligible (about 2⁻⁶⁴ per pair) at 12 base45 characters. The EU DCC
/// uses the same size for the same job (its `kid`).
///
/// Text form: 16 upper-case hex digits; parsing accepts either case.
///
/// - SeeAlso: `Docs/qr-payload.md`, "Key id".
public struct KeyID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The length in bytes.
    public static let byteCount = 8

    /// The 8 bytes.
    public let bytes: [UInt8]

    /// A key id from its 8 bytes.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for any other length.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == Self.byteCount else {
            throw HealthCardError.invalidValue("key id is \(bytes.count) bytes, expected \(Self.byteCount)")
        }
        self.bytes = bytes
    }

    /// A key id from 16 hex digits, as trust lists and the command line write it.
    ///
    /// - Throws: `HealthCardError/Code/invalidEncoding` for a non-hex character,
    ///   `HealthCardError/Code/invalidValue` for another length.
    public init(hex: String) throws {
        let bytes = try Hex.decode(hex)
        guard bytes.count == Self.byteCount, hex.count == 2 * Self.byteCount else {
            throw HealthCardError.invalidValue("key id '\(hex)' must be \(2 * Self.byteCount) hex digits")
        }
        self.bytes = bytes
    }

    /// The id of the key with uncompressed public point `point` (65 bytes `04‖X‖Y`).
    public init(publicKeyPoint point: [UInt8]) {
        self.bytes = Array(SM3.hash(point).prefix(Self.byteCount))
    }

    /// The id of `publicKey`.
    ///
    /// - Throws: `OpenSSLError` only if OpenSSL cannot export the point.
    public init(publicKey: SM2PublicKey) throws {
        self.init(publicKeyPoint: try publicKey.x963Representation)
    }

    /// 16 upper-case hex digits.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}
