import Foundation
import HealthCardFoundation

/// Checks scanned signed codes offline: text in, ``Verdict`` out.
///
/// The checks run in this order, and the first failure is the verdict:
///
/// 1. **malformed**: the text decodes as ``SignedCodeFormat`` (prefix, base45, body, 64-byte signature).
/// 2. **unknown key**: the key id is in the ``TrustList``.
/// 3. **key validity**: the key's validity period contains the verification time `now`.
/// 4. **signature**: SM2/SM3 with ID `1234567812345678` over `"HCK-QR1" ‖ body`.
/// 5. **revoked**: neither the key nor the card is on the ``RevocationList`` (key first: it is the
///    broader statement).
/// 6. **time**: the code is not issued in the future (beyond the skew), its issue time lies in the
///    key's validity period (± skew), and a dynamic code is within `issuedAt + window` (+ skew).
/// 7. **replay**: a dynamic code's (key id, nonce) has not been accepted before by this verifier's
///    ``SeenNonceCache``, if it has one. Only an otherwise valid code is recorded.
///
/// Why this order: nothing in a payload is true until its signature has been checked, so no
/// verdict before step 4 may report a fact from the payload as if it were established. Steps 1-3
/// need only what selecting a key requires: whether the text parses, which key it names, and the
/// verifier's own clock. Reporting "revoked card X" or "expired" for a forged code would let anyone
/// make a checkpoint display any card id or time they like; after step 4 the verdicts are
/// statements the issuer signed. Replay comes last because recording a nonce is a side effect,
/// which must only happen for a code that is otherwise valid, or forged and expired codes could
/// fill the cache and evict real entries.
///
/// Time is compared in whole Unix seconds (`now` rounded down). Issuer and checkpoint clocks
/// disagree, so ``clockSkew`` (default 30 s) widens each time limit by that much: a code is
/// accepted if `issuedAt ≤ now + skew` and, for a dynamic code, `now ≤ issuedAt + window + skew`.
///
/// Never throws and never traps: every input, however broken, becomes a verdict. A failure inside
/// the crypto library while checking the signature is reported as ``Verdict/badSignature``
/// (fail closed).
///
/// - SeeAlso: `Docs/qr-payload.md`, "Verification"; health-code.md §4.4 (online verification
///   of the platforms' plain payloads, which this replaces for signed codes), §4.5 (window).
public struct CodeVerifier: Sendable {
    /// The clock skew allowed when none is given: 30 seconds. [U] A judgement, not a sourced value:
    /// phones set their clocks from the network and are usually seconds apart.
    public static let defaultClockSkew: Duration = .seconds(30)

    /// The keys trusted to sign.
    public var trustList: TrustList
    /// Revoked cards and keys.
    public var revocations: RevocationList
    /// The tolerance for disagreeing clocks, in whole seconds (fractions dropped, negative = 0).
    public var clockSkew: Duration
    /// The clock read when an operation is not given `now`.
    public var clock: any WallClock = SystemClock()
    /// Accepted dynamic codes, for replay detection; `nil` turns it off.
    public let seenNonces: SeenNonceCache?

    public init(
        trustList: TrustList, revocations: RevocationList = RevocationList(),
        clockSkew: Duration = CodeVerifier.defaultClockSkew, seenNonces: SeenNonceCache? = nil
    ) {
        self.trustList = trustList
        self.revocations = revocations
        self.clockSkew = clockSkew
        self.seenNonces = seenNonces
    }

    /// The verdict on a scanned text at time `now` (the system clock if `nil`).
    public func verify(_ text: some StringProtocol, now: Date? = nil) -> Verdict {
        let (verdict, claim) = verifyDeferringReplay(text, now: now)
        // 7. Replay (dynamic codes only: a static code is shown again and again by design).
        if let seenNonces, let claim,
            !seenNonces.insert(keyID: claim.keyID, nonce: claim.nonce, until: claim.until, now: claim.now)
        {
            return claim.replayed
        }
        return verdict
    }

    /// Steps 1-6 of ``verify(_:now:)``, leaving step 7 to a replay store the caller shares with
    /// other verifiers (several server nodes on one database): the verdict without the replay
    /// check, and for an otherwise valid dynamic code the ``ReplayClaim`` the caller must make
    /// before acting on it. If the claim finds the code already accepted, the verdict is
    /// ``ReplayClaim/replayed``. This verifier's own ``seenNonces`` is not consulted.
    public func verifyDeferringReplay(_ text: some StringProtocol, now: Date? = nil) -> (Verdict, ReplayClaim?) {
        verifyDeferringReplay(decoded: Result { () throws(PayloadSyntaxError) in try SignedCodeFormat.decode(text) }, now: now)
    }

    /// ``verifyDeferringReplay(_:now:)`` on a text the caller has decoded already
    /// (``SignedCodeFormat/decode(_:)``, its result or its error), so that a caller that must read
    /// the code before verifying it (the card to look up in its accounts) decodes it once. The
    /// verdicts are the same: a decoding error is step 1's `malformed`.
    public func verifyDeferringReplay(
        decoded result: Result<SignedCodeFormat.Decoded, PayloadSyntaxError>, now: Date? = nil
    )
        -> (Verdict, ReplayClaim?)
    {
        let now = now ?? clock.now()
        // 1. Malformed.
        let decoded: SignedCodeFormat.Decoded
        switch result {
        case .success(let value): decoded = value
        case .failure(let error): return (.malformed(reason: error.reason, offset: error.offset), nil)
        }
        let code = decoded.code
        let check = SignedPayloadCheck(trustList: trustList, revocations: revocations, now: now, clockSkew: clockSkew)
        do throws(SignedPayloadCheck.Failure) {
            // 2-4 and the key half of 5.
            let entry = try check.authenticate(
                keyID: code.keyID, signature: decoded.signature, signedBytes: decoded.signedBytes, at: now)
            // 5. The card.
            if revocations.isRevoked(cardID: code.cardID) { return (.revokedCard(code.cardID), nil) }
            // 6. Time.
            let rememberUntil = try check.checkTimes(
                issuedAtSeconds: Int64(code.issuedAtSeconds),
                expiresAtSeconds: code.windowSeconds.map { Int64(code.issuedAtSeconds) + Int64($0) },
                keyID: code.keyID, entry: entry)
            let claim = rememberUntil.map {
                ReplayClaim(keyID: code.keyID, nonce: code.nonce, until: $0, now: check.nowSeconds)
            }
            return (.valid(DecodedCode(code: code, issuer: entry.issuer)), claim)
        } catch {
            return (Verdict(error), nil)
        }
    }
}
