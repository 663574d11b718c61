internal import COpenSSL
import HealthCardFoundation

/// SM2 verification with everything that does not depend on the message done once
/// (``SM2KeptContexts``: Z computed once per key and distinguishing ID, SM3 fetched once,
/// OpenSSL's contexts kept for reuse); e = SM3(Z ‖ M) is checked with `EVP_PKEY_verify` on a
/// kept, verify-initialised key context, the provider function `EVP_DigestVerify` calls after
/// hashing. The verdicts are `EVP_DigestVerify`'s with the ID set; no verdict is kept.
///
/// Why: a server verifies codes of a few trusted keys many times a second, and the set-up per
/// call (`EVP_MD_CTX_new`, `EVP_DigestVerifyInit` with its provider fetch, `set1_id`, Z) was
/// about 3 % of a verification request's CPU (Docs/serve.md §9).
///
/// Safe to use from several threads at once.
final class SM2VerifyingContext: Sendable {
    private let contexts: SM2KeptContexts

    /// - Throws: ``OpenSSLError`` if OpenSSL cannot fetch SM3 or read the public point.
    init(key: SM2PublicKey, distinguishingID: SM2DistinguishingID) throws {
        contexts = try SM2KeptContexts(key: key.key, distinguishingID: distinguishingID, for: .verify)
    }

    /// How many context pairs wait for the next call.
    var idleCount: Int { contexts.idleCount }

    /// Whether `signature` is a valid signature of `message` under the key and ID.
    ///
    /// A wrong signature keeps the context (it is the ordinary outcome); an error inside OpenSSL
    /// (< 0, e.g. a signature it cannot parse) frees it. Either way OpenSSL may have queued a
    /// reason, which must not leak into the next operation on this thread.
    ///
    /// - Throws: ``OpenSSLError`` only if the check could not run.
    func isValidSignature(_ signature: SM2Signature, for message: [UInt8]) throws -> Bool {
        let result = try signature.withDERRepresentation { der in
            try contexts.run(message, reusable: 0...1) { e, context in
                EVP_PKEY_verify(
                    context, der.baseAddress?.assumingMemoryBound(to: UInt8.self), der.count, e, 32)
            }
        }
        guard result == 1 else {
            ERR_clear_error()
            return false
        }
        return true
    }
}
