import Foundation
import HealthCardFoundation
import HealthCardCrypto

/// The checks every signed format shares (HCK1 e-health-card codes, HCC1 health codes): which key,
/// is it trusted and valid, does the signature hold, is the key revoked, and do the signed times
/// fit the key and the clock.
///
/// Why one type: ``CodeVerifier`` and ``HealthCodeVerifier`` must authenticate in exactly the same
/// way and order (nothing in a payload is a fact before the signature check; see ``CodeVerifier``
/// for why). Keeping that sequence here means a fix to it reaches both formats; each verifier adds
/// only its own checks (card or code revocation, colour, replay, subject) between the steps.
///
/// Time is compared in whole Unix seconds; `skew` widens each limit (`Docs/qr-payload.md` §3).
package struct SignedPayloadCheck {
    /// Why a payload did not authenticate. Each verdict type has a case of the same name.
    package enum Failure: Error, Hashable {
        case unknownKeyID(KeyID)
        case keyNotValidAt(KeyID, date: Date, validFrom: Date, validTo: Date)
        case badSignature
        case revokedKey(KeyID)
        case notYetValid(issued: Date, now: Date)
        case expired(expiry: Date, now: Date)
    }

    let trustList: TrustList
    let revocations: RevocationList
    /// The verification time, as given (reported in verdicts).
    let now: Date
    /// The verification time, in whole Unix seconds (compared).
    let nowSeconds: Int64
    /// The clock skew in whole seconds (never negative).
    let skew: Int64

    package init(trustList: TrustList, revocations: RevocationList, now: Date, clockSkew: Duration) {
        self.trustList = trustList
        self.revocations = revocations
        self.now = now
        self.nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        self.skew = max(0, clockSkew.components.seconds)
    }

    /// Steps "unknown key", "key validity" (at the verifier's own time), "signature" and "revoked
    /// key": the trust-list entry of a payload whose signature holds.
    ///
    /// A failure inside the crypto library counts as a bad signature (fail closed).
    package func authenticate(keyID: KeyID, signature: [UInt8], signedBytes: [UInt8], at date: Date)
        throws(Failure) -> TrustList.Entry
    {
        guard let entry = trustList[keyID] else { throw .unknownKeyID(keyID) }
        guard entry.isValid(at: date) else {
            throw .keyNotValidAt(keyID, date: date, validFrom: entry.validFrom, validTo: entry.validTo)
        }
        let signatureValid = (try? entry.verifier.isValidSignature(signature, for: signedBytes)) ?? false
        guard signatureValid else { throw .badSignature }
        if revocations.isRevoked(keyID: keyID) { throw .revokedKey(keyID) }
        return entry
    }

    /// Step "time" on signed fields: not issued in the future beyond the skew, issued inside the
    /// key's validity period (± skew), and, if the payload expires, `now ≤ expiry + skew`.
    ///
    /// - Returns: the last second the payload is accepted (`expiry + skew`), if it expires.
    @discardableResult
    package func checkTimes(issuedAtSeconds: Int64, expiresAtSeconds: Int64?, keyID: KeyID, entry: TrustList.Entry)
        throws(Failure) -> Int64?
    {
        let issued = Date(timeIntervalSince1970: Double(issuedAtSeconds))
        guard issuedAtSeconds <= nowSeconds + skew else { throw .notYetValid(issued: issued, now: now) }
        let keyFrom = entry.validFrom.timeIntervalSince1970.rounded(.down)
        let keyTo = entry.validTo.timeIntervalSince1970.rounded(.down)
        guard Double(issuedAtSeconds + skew) >= keyFrom, Double(issuedAtSeconds - skew) <= keyTo else {
            throw .keyNotValidAt(keyID, date: issued, validFrom: entry.validFrom, validTo: entry.validTo)
        }
        guard let expiresAtSeconds else { return nil }
        let limit = expiresAtSeconds + skew
        guard nowSeconds <= limit else {
            throw .expired(expiry: Date(timeIntervalSince1970: Double(expiresAtSeconds)), now: now)
        }
        return limit
    }
}

extension SignedPayloadCheck.Failure: CustomStringConvertible {
    /// The one-line text both verdict types show for these cases.
    package var description: String {
        switch self {
        case .unknownKeyID(let keyID):
            "unknown key id \(keyID) (not in the trust list)"
        case .keyNotValidAt(let keyID, let date, let from, let to):
            "key \(keyID) is not valid at \(ISO8601Instant.format(date)) "
                + "(valid \(ISO8601Instant.format(from)) to \(ISO8601Instant.format(to)))"
        case .badSignature:
            "bad signature"
        case .revokedKey(let keyID):
            "revoked key \(keyID)"
        case .notYetValid(let issued, let now):
            "not yet valid: issued \(ISO8601Instant.format(issued)) (now \(ISO8601Instant.format(now)))"
        case .expired(let expiry, let now):
            "expired at \(ISO8601Instant.format(expiry)) (now \(ISO8601Instant.format(now)))"
        }
    }
}
