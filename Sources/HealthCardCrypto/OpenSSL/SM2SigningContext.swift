internal import COpenSSL
import HealthCardFoundation

/// SM2 signing with everything that does not depend on the message done once (``SM2KeptContexts``:
/// Z computed once per key and distinguishing ID, SM3 fetched once, OpenSSL's contexts kept for
/// reuse); e = SM3(Z ‖ M) is signed with `EVP_PKEY_sign` on a kept, sign-initialised key context
/// (issue 19: the wrapper against `openssl speed sm2`, whose loop reinitialises one context).
///
/// There is no other precomputation to take: OpenSSL 3.0 computes k·G for a secret k with its
/// Montgomery ladder and ignores a group's precomputed multiples there, by design.
///
/// Safe to use from several threads at once.
final class SM2SigningContext: Sendable {
    private let contexts: SM2KeptContexts

    /// - Throws: ``OpenSSLError`` if OpenSSL cannot fetch SM3 or read the public point.
    init(key: SM2PrivateKey, distinguishingID: SM2DistinguishingID) throws {
        contexts = try SM2KeptContexts(key: key.key, distinguishingID: distinguishingID, for: .sign)
    }

    /// The DER signature of `message`: of SM3(Z ‖ message), as `EVP_DigestSign` with the ID makes it.
    ///
    /// - Throws: ``OpenSSLError`` if OpenSSL fails.
    func signature(for message: [UInt8]) throws -> SM2Signature {
        var der = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var length = MemoryLayout.size(ofValue: der)  // DER r,s is at most 72 bytes
        // Only a signature made keeps the context: a failed one is not reused.
        let signed = try withUnsafeMutableBytes(of: &der) { output in
            try contexts.run(message, reusable: 1...1) { e, context in
                EVP_PKEY_sign(context, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length, e, 32)
            }
        }
        guard signed == 1 else { throw OpenSSLError.drain("EVP_PKEY_sign") }
        let bytes = withUnsafeBytes(of: &der) { Array($0.prefix(length)) }
        do {
            return try SM2Signature(derRepresentation: bytes)
        } catch {
            throw OpenSSLError(function: "EVP_PKEY_sign", queue: ["produced a signature that is not DER r,s: \(error)"])
        }
    }
}
