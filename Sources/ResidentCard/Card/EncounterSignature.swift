import HealthCardCrypto
import HealthCardFoundation

/// Checks the SM2 signature an encounter record carries (health-card.md §7.6): the 64-byte r‖s
/// after the data area, against the public key in the 190-byte SAM certificate that follows.
///
/// Which bytes a real SAM signs, and with which SM2 user ID, is not public [U]; this library
/// (and its virtual SAM) signs the data area with SM3 and the default ID `1234567812345678`.
public enum EncounterSignature {
    /// `true`/`false` when the certificate is in the HealthCardKit format; `nil` when it is not
    /// (a vendor certificate) or the record was never signed.
    public static func verify(_ record: [UInt8], dataLength: Int) -> Bool? {
        guard record.count >= dataLength + 64 + SAMCertificate.byteCount else { return nil }
        let data = Array(record.prefix(dataLength))
        let signature = Array(record[dataLength..<(dataLength + 64)])
        guard !signature.allSatisfy({ $0 == 0xFF }),
            let certificate = try? SAMCertificate.parse(record[(dataLength + 64)..<(dataLength + 64 + SAMCertificate.byteCount)]),
            let key = try? SM2PublicKey(rawRepresentation: certificate.publicKey),
            let parsed = try? SM2Signature(rawRepresentation: signature)
        else { return nil }
        return (try? key.isValidSignature(parsed, for: data)) ?? false
    }
}
