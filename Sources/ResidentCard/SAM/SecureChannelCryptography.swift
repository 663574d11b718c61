import HealthCardCrypto
import HealthCardFoundation

/// The key derivations and cryptograms of the card ↔ SAM protocol, health-card.md §7.3-§7.5, with
/// SM4 standing in for the secret SM1.
///
/// The *shape* is the trace's: 8-byte diversification factors, an 8-byte card challenge, a
/// 16-byte block encrypted by the SAM (`80 FA`) and XOR-folded to the 8-byte cryptogram A, a
/// 4-byte MAC. The *functions* inside the SAM are not public, so this project fixes them as
/// follows (PBOC-style diversification) and both the virtual SAM and the virtual card use them:
///
/// - diversify(K, f) = SM4_K(f ‖ ¬f) for an 8-byte factor f (¬ = bitwise complement);
/// - one-level key  (`80 DE 2x`): K_card = diversify(K_master, cardFactor);
/// - two-level key  (`80 DE 4x`): K_card = diversify(diversify(K_master, cardFactor), regionalFactor)  [U: order];
/// - session key: K_s = diversify(K_card, R) for the card's last challenge R;
/// - cryptogram: A = C[0..<8] XOR C[8..<16] with C = SM4_{K_s}(D ‖ 00×8);
/// - secure messaging: ECB encryption under K_s of `len ‖ TLV ‖ 80 00…`, and the PBOC MAC
///   (CBC, zero IV, first 4 bytes) under K_s of `04 DC P1 P2 Lc' ‖ ciphertext`.
///
/// A real card with a real SAM computes all of this inside the SAM with SM1; the terminal code
/// (``TerminalSession``) only moves bytes, so it is the same for both.
public enum SecureChannelCryptography {
    /// SM4_K(f ‖ ¬f).
    public static func diversify(_ key: [UInt8], factor: [UInt8]) throws -> [UInt8] {
        guard factor.count == 8 else {
            throw HealthCardError.invalidValue("diversification factor is \(factor.count) bytes, expected 8")
        }
        return try SM4(key: key).encryptECB(factor + factor.map { ~$0 })
    }

    /// The card key for a master key and its factors (one factor: one-level, two: two-level).
    public static func cardKey(master: [UInt8], factors: [[UInt8]]) throws -> [UInt8] {
        try factors.reduce(master) { key, factor in try diversify(key, factor: factor) }
    }

    /// The 8-byte cryptogram A of EXTERNAL AUTHENTICATE for session key `sessionKey` and data `d`.
    public static func cryptogram(sessionKey: [UInt8], data d: [UInt8]) throws -> [UInt8] {
        guard d.count == 8 else { throw HealthCardError.invalidValue("authentication data is \(d.count) bytes, expected 8") }
        let c = try SM4(key: sessionKey).encryptECB(d + [UInt8](repeating: 0, count: 8))
        return (0..<8).map { c[$0] ^ c[$0 + 8] }
    }

    /// The data the SDK authenticates RK keys with (§7.4): `11 22 33 44 55 66 77 88`.
    public static let readKeyAuthenticationData: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]

    /// The plaintext block of a secure-messaging record write: `len ‖ TLV ‖ 80 00…` to 16 bytes.
    public static func secureMessagingPlaintext(_ tlv: [UInt8]) -> [UInt8] {
        ISO9797Padding.method2([UInt8(tlv.count)] + tlv, blockByteCount: 16)
    }

    /// The TLV inside a decrypted secure-messaging block.
    public static func secureMessagingTLV(fromPlaintext plain: [UInt8]) throws -> [UInt8] {
        let unpadded = try ISO9797Padding.removeMethod2(plain, blockByteCount: 16)
        guard let length = unpadded.first, unpadded.count == Int(length) + 1 else {
            throw HealthCardError.malformed("secure-messaging data: length byte does not match the content")
        }
        return Array(unpadded.dropFirst())
    }

    /// Deterministic *test* master keys for the virtual SAM: SM3 of a label, first 16 bytes.
    /// Never use these for a real deployment; they are public by construction.
    public static func testMasterKey(_ name: String) -> [UInt8] {
        Array(SM3.hash(Array("HealthCardKit test master key \(name)".utf8)).prefix(16))
    }
}
