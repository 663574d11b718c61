import Foundation
import HealthCardFoundation
import HealthQR

/// Checks scanned health codes offline (验码, GB/T 38963 §6.7): text in, ``HealthCodeVerdict`` out.
///
/// The checks run in this order, and the first failure is the verdict:
///
/// 1. **malformed**: the text decodes as ``HealthCodeFormat``.
/// 2. **unknown key**: the key id is in the `TrustList`.
/// 3. **key validity** at the verification time `now`.
/// 4. **signature**: SM2/SM3 with ID `1234567812345678` over `"HCK-HC1" ‖ body`.
/// 5. **revoked**: the key (`RevocationList/keyIDs`), then the code (its id, 16 upper-case hex
///    digits, in `RevocationList/cardIDs`).
/// 6. **colour**: the byte is in ``HealthCodeFormat/colourTable``.
/// 7. **time**: not issued in the future (beyond the skew), issued inside the key's validity period
///    (± skew), and `now ≤ expiresAt + skew`.
/// 8. **subject**: when an identity document is presented, the code's subject is its hash.
///
/// Why this order: as in `CodeVerifier`, nothing in a payload is true before step 4, so no
/// earlier verdict reports a payload field as a fact. Revocation precedes expiry because it is the
/// stronger statement; the colour check follows revocation so that a revoked code reads "revoked".
///
/// Why revoked codes go into `cardIds`: `RevocationList` is the one revocation file a checkpoint
/// already loads, and its card-id set is a set of revoked *credential* ids in the grammar
/// `[0-9A-Za-z]{1,64}`, which a code id's 16 hex digits satisfy; `hcard keys revoke --card-id`
/// writes it unchanged. A code id and an e-health-card id could only collide if a card id were the
/// same 16 hex digits as a random code id. [U] A separate `codeIds` field would need version 2 of
/// the file; see `Docs/health-code.md`.
///
/// Never throws and never traps.
public struct HealthCodeVerifier: Sendable {
    /// The keys trusted to sign.
    public var trustList: TrustList
    /// Revoked keys and codes.
    public var revocations: RevocationList
    /// The tolerance for disagreeing clocks, in whole seconds (default 30 s, as `CodeVerifier`).
    public var clockSkew: Duration
    /// The clock read when an operation is not given `now`.
    public var clock: any WallClock = SystemClock()

    public init(
        trustList: TrustList, revocations: RevocationList = RevocationList(),
        clockSkew: Duration = CodeVerifier.defaultClockSkew
    ) {
        self.trustList = trustList
        self.revocations = revocations
        self.clockSkew = clockSkew
    }

    /// The verdict on a scanned text at `now` (the system clock if `nil`).
    ///
    /// - Parameter text: the scanned code text.
    /// - Parameter now: the verification time.
    /// - Parameter person: the identity document shown with the code, if any; a valid code of
    ///   someone else is then ``HealthCodeVerdict/subjectMismatch(_:)``.
    public func verify(_ text: some StringProtocol, now: Date? = nil, presentedBy person: PersonID? = nil)
        -> HealthCodeVerdict
    {
        verify(
            decoded: Result { () throws(PayloadSyntaxError) in try HealthCodeFormat.decode(text) }, now: now,
            presentedBy: person)
    }

    /// ``verify(_:now:presentedBy:)`` on a text the caller has decoded already
    /// (``HealthCodeFormat/decode(_:)``, its result or its error), so that a caller that must read
    /// the code before verifying it (the code's ID to look up in its accounts' refused list)
    /// decodes it once. The verdicts are the same: a decoding error is step 1's `malformed`.
    public func verify(
        decoded result: Result<HealthCodeFormat.Decoded, PayloadSyntaxError>, now: Date? = nil,
        presentedBy person: PersonID? = nil
    ) -> HealthCodeVerdict {
        let now = now ?? clock.now()
        // 1. Malformed.
        let decoded: HealthCodeFormat.Decoded
        switch result {
        case .success(let value): decoded = value
        case .failure(let error): return .malformed(reason: error.reason, offset: error.offset)
        }
        let code = decoded.code
        let check = SignedPayloadCheck(trustList: trustList, revocations: revocations, now: now, clockSkew: clockSkew)
        do throws(SignedPayloadCheck.Failure) {
            // 2-4 and the key half of 5.
            let entry = try check.authenticate(
                keyID: code.keyID, signature: decoded.signature, signedBytes: decoded.signedBytes, at: now)
            // 5. The code; 6. the colour.
            if revocations.isRevoked(cardID: code.id.hex) { return .revokedCode(code.id) }
            guard let colour = code.colour else { return .unknownColour(code.colourCode) }
            // 7. Time.
            try check.checkTimes(
                issuedAtSeconds: Int64(code.issuedAtSeconds), expiresAtSeconds: Int64(code.expiresAtSeconds),
                keyID: code.keyID, entry: entry)
            // 8. Subject.
            if let person, HealthCode.Subject(person: person) != code.subject { return .subjectMismatch(code.id) }
            return .valid(VerifiedHealthCode(code: code, colour: colour, issuer: entry.issuer))
        } catch {
            return HealthCodeVerdict(error)
        }
    }
}
