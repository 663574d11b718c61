import Foundation

/// An otherwise valid dynamic code's claim on its (key id, nonce): step 7 of ``CodeVerifier``,
/// made against a store shared by several verifiers instead of one process's ``SeenNonceCache``.
///
/// The store records the pair until ``until`` and answers whether it was new; a pair already
/// recorded and not expired at ``now`` makes the code a replay (``replayed``). The rule is the
/// cache's: remember a dynamic code until `issuedAt + window + skew`, after which step 6 rejects
/// it as expired anyway.
///
/// - SeeAlso: ``CodeVerifier/verifyDeferringReplay(_:now:)``; `hcard serve --postgres`, whose
///   nodes share one table of claims (Docs/serve.md).
public struct ReplayClaim: Sendable, Hashable {
    public let keyID: KeyID
    public let nonce: SignedCode.Nonce
    /// Remember the pair until this Unix second, inclusive.
    public let until: Int64
    /// The verification time, in whole Unix seconds.
    public let now: Int64

    public init(keyID: KeyID, nonce: SignedCode.Nonce, until: Int64, now: Int64) {
        self.keyID = keyID
        self.nonce = nonce
        self.until = until
        self.now = now
    }

    /// The verdict when the claim finds the code already accepted.
    public var replayed: Verdict { .replayed(nonce) }

    /// The claim for a code a verifier accepted at `now` (``Verdict/valid(_:)``), as
    /// ``CodeVerifier/verifyDeferringReplay(_:now:)`` would hand it back: remember the pair until
    /// the code's expiry plus the clock skew. `nil` for a static code (shown again by design).
    /// For a caller that has the accepted code but not the claim (a checkpoint's decision).
    public init?(accepted decoded: DecodedCode, clockSkew: Duration, now: Date) {
        guard let window = decoded.code.windowSeconds else { return nil }
        self.init(
            keyID: decoded.code.keyID, nonce: decoded.code.nonce,
            until: Int64(decoded.code.issuedAtSeconds) + Int64(window) + max(0, clockSkew.components.seconds),
            now: Int64(now.timeIntervalSince1970.rounded(.down)))
    }
}
