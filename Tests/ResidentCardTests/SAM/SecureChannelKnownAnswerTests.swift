import HealthCardCrypto
import HealthCardFoundation
import ResidentCard
import Testing

/// The card ↔ SAM cryptography (health-card.md §7.3-§7.5, SM4 standing in for SM1) against known
/// answers computed with a second, independent implementation: the pure-Python SM4 and SM3 of
/// PyPI's `gmssl` 3.2, with the constructions of `SecureChannelCryptography` written out by hand
/// (diversify(K, f) = SM4_K(f ‖ ¬f); A = C[0..<8] ⊕ C[8..<16] with C = SM4_Ks(D ‖ 0⁸); the PBOC
/// MAC: method-2 padding, CBC with a zero IV, the first 4 bytes). Checked there first: SM4 of
/// GB/T 32907's example key and block gives 681EDF34D206965E86B3E94F536E4246.
@Suite("SAM secure channel: known answers")
struct SecureChannelKnownAnswerTests {
    static let master = SecureChannelCryptography.testMasterKey("RK_DDF1")
    static let cardFactor = try! Hex.decode("0102030405060708")
    static let regionFactor = try! Hex.decode("1122334455667788")
    static let challenge = try! Hex.decode("A1A2A3A4A5A6A7A8")

    @Test("the test master key, one- and two-level card keys, the session key")
    func keys() throws {
        #expect(Hex.encode(Self.master) == "A16221D8718C2CB6CF4A4B643FE1E847")
        let card = try SecureChannelCryptography.cardKey(master: Self.master, factors: [Self.cardFactor])
        #expect(Hex.encode(card) == "4DFE13D4CDCD2BF5658BEC13EEE21D91")
        let regional = try SecureChannelCryptography.cardKey(
            master: Self.master, factors: [Self.cardFactor, Self.regionFactor])
        #expect(Hex.encode(regional) == "1C06C3B2582B454E65DE1540FA24C408")
        let session = try SecureChannelCryptography.diversify(card, factor: Self.challenge)
        #expect(Hex.encode(session) == "354FA6C5C91F862A7D134E3520D8E5FB")
    }

    @Test("the EXTERNAL AUTHENTICATE cryptogram for the read-key data 1122334455667788")
    func cryptogram() throws {
        let session = try Hex.decode("354FA6C5C91F862A7D134E3520D8E5FB")
        let a = try SecureChannelCryptography.cryptogram(
            sessionKey: session, data: SecureChannelCryptography.readKeyAuthenticationData)
        #expect(Hex.encode(a) == "2C8999B8CB9F6824")
    }

    @Test("a secure-messaging record write: plaintext, ciphertext and the 4-byte MAC over the header")
    func secureMessaging() throws {
        let session = try Hex.decode("354FA6C5C91F862A7D134E3520D8E5FB")
        let plain = SecureChannelCryptography.secureMessagingPlaintext(try Hex.decode("0C0131"))
        #expect(Hex.encode(plain) == "030C0131800000000000000000000000")
        let cipher = try SM4(key: session).encryptECB(plain)
        #expect(Hex.encode(cipher) == "3093E465BF9420A87FA5AAE517BD7959")
        let mac = try SM4(key: session).pbocMAC(for: try Hex.decode("04DC010414") + cipher)
        #expect(Hex.encode(mac) == "08CB87BE")
        #expect(try SecureChannelCryptography.secureMessagingTLV(fromPlaintext: plain) == [0x0C, 0x01, 0x31])
    }
}
