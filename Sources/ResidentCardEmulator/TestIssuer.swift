import HealthCardCrypto
import HealthCardFoundation
import ResidentCard

/// The test certificate issuer of the virtual SAM: a fixed SM2 key pair, public by construction,
/// that certifies virtual SAMs (`SAMCertificate`) and signs its own 180-byte issuer certificate.
/// **Test keys only**: anyone can sign with them.
public struct TestIssuer: Sendable {
    public static let name = "HealthCardKit test issuer"

    /// SM2 private key of the test issuer (PKCS#8).
    static let issuerKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgW6nfmOzHbuOiD/DE
        YN3tWw+mYOFVatxSSH67iKYOyfKhRANCAAQZGFxe13B5mZrVRti7sxmpmj8BQCSw
        UZ77G+lhjmp7SNvymGLLOHKrtSgSpR6PoxqqK00nso5Cx7pEIflrWLGV
        -----END PRIVATE KEY-----
        """

    /// SM2 private key of the test SAM (PKCS#8).
    static let samKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgsSMigkkDdY6hE2xt
        lgKhuOH5Z75vFgixS6HRX1+7Q0uhRANCAATNOE3FFLRTtWUYVXAM2KTg+zJHyQlv
        7SWUw9ABo4JDL2L42S42OrqIdHOMjoVAHNJEtBK6mq+a5hCpl9BJrdWa
        -----END PRIVATE KEY-----
        """

    public let key: SM2PrivateKey
    /// The 180-byte issuer certificate: "HCI1" ‖ X‖Y (64) ‖ name (40) ‖ from (4) ‖ to (4) ‖ self-signature (64).
    public let certificate: [UInt8]

    public static func shared() throws -> TestIssuer {
        let key = try SM2PrivateKey(pemRepresentation: issuerKeyPEM)
        let body = Array("HCI1".utf8) + (try key.publicKey.rawRepresentation) + (try FieldEncoding.encodeText(name, length: 40))
            + FieldEncoding.encodeDate(validFrom) + FieldEncoding.encodeDate(validTo)
        return TestIssuer(key: key, certificate: body + (try key.signature(for: body).rawRepresentation))
    }

    static let validFrom = CalendarDate(year: 2020, month: 1, day: 1)!
    static let validTo = CalendarDate(year: 2099, month: 12, day: 31)!

    /// A 190-byte SAM certificate for `publicKey` (X‖Y).
    public func certify(samSerial: String, publicKey: [UInt8]) throws -> [UInt8] {
        var certificate = SAMCertificate(
            serial: samSerial, publicKey: publicKey, validFrom: Self.validFrom, validTo: Self.validTo, issuerName: Self.name)
        certificate.signature = try key.signature(for: certificate.signedBytes()).rawRepresentation
        return try certificate.encoded()
    }
}
