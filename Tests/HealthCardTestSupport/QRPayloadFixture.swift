import Foundation
import HealthCardFoundation
import HealthCardCrypto
import HealthQR

/// Shared keys, times and helpers for the signed-code tests.
public struct QRPayloadFixture {
    /// 2026-01-01T00:00:00Z and 2027-01-01T00:00:00Z: the trust-list validity period.
    public static let validFrom = Date(timeIntervalSince1970: 1_767_225_600)
    public static let validTo = Date(timeIntervalSince1970: 1_798_761_600)
    /// 2026-03-01T08:00:00Z: "now" unless a test says otherwise.
    public static let now = Date(timeIntervalSince1970: 1_772_352_000)
    /// health-code.md §4.2, the static sample's card id (64 upper-case hex).
    public static let tencentID = "E1D10AAC73D0B947060B099128732C969A6EF97A6014BF41B3D19EEF9A4FBB18"

    public let key: SM2PrivateKey
    public let keyID: KeyID
    public let issuer: SignedCodeIssuer
    public let trust: TrustList

    public init() throws {
        key = try SM2PrivateKey()
        keyID = try KeyID(publicKey: key.publicKey)
        var issuer = try SignedCodeIssuer(privateKey: key)
        issuer.clock = FixedClock(Self.now)  // as the verifier: the fixture's time unless a test passes its own
        self.issuer = issuer
        trust = try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test Health Commission", validFrom: Self.validFrom,
                validTo: Self.validTo)
        ])
    }

    /// The trust list with this key valid from a day before `date` to a day after. For tests that
    /// verify at the wall-clock time (a server deciding a scan, a station): ``trust``'s fixed
    /// period ends on 2027-01-01, and such a test would start failing that day.
    public func trust(around date: Date) throws -> TrustList {
        try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test Health Commission", validFrom: date.addingTimeInterval(-86_400),
                validTo: date.addingTimeInterval(86_400))
        ])
    }

    /// A verifier of ``trust`` whose clock reads ``now``: a `verify` without its own `now` checks at
    /// the fixture's time, inside ``trust``'s period, never at the wall-clock time.
    public func verifier(
        revocations: RevocationList = RevocationList(), skew: Duration = .seconds(30),
        cache: SeenNonceCache? = nil
    ) -> CodeVerifier {
        var verifier = CodeVerifier(trustList: trust, revocations: revocations, clockSkew: skew, seenNonces: cache)
        verifier.clock = FixedClock(Self.now)
        return verifier
    }

    public func issue(
        _ cardID: String = tencentID, _ kind: SignedCode.Kind = .dynamic(window: .seconds(300)),
        at time: Date = now, nonce: UInt64 = 0x0123_4567_89AB_CDEF
    ) async throws -> String {
        try await issuer.issue(cardID: cardID, kind: kind, now: time, nonce: SignedCode.Nonce(rawValue: nonce))
    }

    public func issue(_ kind: SignedCode.Kind, at time: Date = now, nonce: UInt64 = 0x0123_4567_89AB_CDEF) async throws
        -> String
    {
        try await issue(Self.tencentID, kind, at: time, nonce: nonce)
    }

    /// `text` with its decoded bytes changed by `change`, re-encoded (the signature is kept).
    public static func rewriting(_ text: String, _ change: (inout [UInt8]) -> Void) throws -> String {
        var bytes = try Base45.decode(text.dropFirst(SignedCodeFormat.prefix.count))
        change(&bytes)
        return SignedCodeFormat.prefix + Base45.encode(bytes)
    }
}
