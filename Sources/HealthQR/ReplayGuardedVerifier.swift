import Foundation
import HealthCardFoundation

/// A ``CodeVerifier`` whose seen dynamic codes outlive the process, through a ``ReplayCacheFile``,
/// in the one order that makes a verdict safe to act on: verify → record the nonce → write the
/// file → return the verdict.
///
/// Why the order matters: a verifier that shows "valid" (or opens a gate) before the nonce is on
/// disk, and is then killed, has accepted a code the next process does not know; the same
/// screenshot passes again. So ``verify(_:at:)`` writes the file (keeping its lock) after every
/// accepted dynamic code, before returning; ``finish()`` writes it a last time and releases the
/// lock. Rejected and static codes write nothing (static codes are never replays).
///
/// Without a cache file it is the plain ``CodeVerifier`` (stateless: a new process forgets every code).
///
/// - SeeAlso: `hcard qr verify --replay-cache FILE`; `CheckpointStation`, which keeps the same
///   order with the pass log in between.
public final class ReplayGuardedVerifier {
    /// Verifies; its seen nonces are the cache file's, when there is one.
    public let verifier: CodeVerifier
    /// The file of seen codes, locked from ``init(trustList:revocations:clockSkew:replayCache:)`` to ``finish()``.
    public let replayCache: ReplayCacheFile?

    public init(
        trustList: TrustList, revocations: RevocationList, clockSkew: Duration, replayCache: ReplayCacheFile?
    ) {
        verifier = CodeVerifier(
            trustList: trustList, revocations: revocations, clockSkew: clockSkew, seenNonces: replayCache?.cache)
        self.replayCache = replayCache
    }

    /// The verdict on `text` at `now`; an accepted dynamic code is in the cache file when this returns.
    ///
    /// - Throws: `FileAccessError` if the cache file cannot be written; then the verdict must not
    ///   be acted on (the code would not be remembered).
    public func verify(_ text: some StringProtocol, at now: Date) throws -> Verdict {
        let verdict = verifier.verify(text, now: now)
        if let replayCache, case .valid(let decoded) = verdict, decoded.code.windowSeconds != nil {
            replayCache.record(verdict, clockSkew: verifier.clockSkew)
            try replayCache.flush()
        }
        return verdict
    }

    /// Writes the cache file a last time and releases its lock. Call it once, after the last code.
    public func finish() throws {
        try replayCache?.save()
    }
}
