internal import COpenSSL
import HealthCardFoundation
import Synchronization

/// SM2 signing with everything that does not depend on the message done once: Z computed once per
/// key and distinguishing ID, SM3 fetched once, and OpenSSL's signing contexts kept for reuse.
///
/// An SM2 signature (GB/T 32918.2-2016 §6.1) signs e = SM3(Z ‖ M), where
/// Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) depends only on the distinguishing ID and
/// the public key (pcsc-virtual-card.md §6). `EVP_DigestSign` recomputes Z, creates and
/// initialises an `EVP_MD_CTX` and an `EVP_PKEY_CTX`, and fetches SM3 from the provider on
/// every call. Here each call hashes Z ‖ M with a kept digest context and signs e with
/// `EVP_PKEY_sign` on a kept, sign-initialised key context: the elliptic-curve work, which is
/// OpenSSL's own constant-time code and most of the cost, is the same; the set-up around it is
/// gone (issue 19: the wrapper against `openssl speed sm2`, whose loop reinitialises one context).
///
/// There is no other precomputation to take: OpenSSL 3.0 computes k·G for a secret k with its
/// Montgomery ladder and ignores a group's precomputed multiples there, by design.
///
/// Safe to use from several threads at once: a call takes an idle context pair (or makes one) and
/// gives it back afterwards, so there are at most as many pairs as calls ever ran at once.
final class SM2SigningContext: @unchecked Sendable {
    private let key: EVPKey
    /// Z for this key and ID, 32 bytes.
    let z: [UInt8]
    /// SM3, fetched once (`EVP_sm3()` is fetched again on every initialisation).
    private let sm3: OpaquePointer
    /// Idle pairs of a digest context and a sign-initialised key context.
    private let idle = Mutex<[Pair]>([])

    private struct Pair: @unchecked Sendable {
        let digest: OpaquePointer
        let sign: OpaquePointer
    }

    /// The SM2 curve's a, b, x_G and y_G (GB/T 32918.5-2017 §2), 32 bytes each, as Z hashes them.
    private static let curveParameters: [UInt8] = try! Hex.decode(
        "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"
            + "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"
            + "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
            + "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0")

    /// - Throws: ``OpenSSLError`` if OpenSSL cannot fetch SM3 or read the public point.
    init(key: SM2PrivateKey, distinguishingID: SM2DistinguishingID) throws {
        self.key = key.key
        sm3 = try openssl_nonNull(EVP_MD_fetch(nil, "SM3", nil), "EVP_MD_fetch(SM3)")
        z = Self.z(point: try SM2PublicKey.encodedPoint(of: key.key), distinguishingID: distinguishingID)
    }

    /// Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) for the public point `04‖x_A‖y_A`
    /// (GB/T 32918.2-2016 §5.5).
    static func z(point: [UInt8], distinguishingID: SM2DistinguishingID) -> [UInt8] {
        let bits = distinguishingID.bytes.count * 8  // at most 8190 bytes: fits ENTL's 16 bits
        return SM3.hash(
            [UInt8(bits >> 8), UInt8(truncatingIfNeeded: bits)] + distinguishingID.bytes + curveParameters
                + point.dropFirst())
    }

    deinit {
        for pair in idle.withLock({ $0 }) { Self.free(pair) }
        EVP_MD_free(sm3)
    }

    /// The DER signature of `message`: of SM3(Z ‖ message), as `EVP_DigestSign` with the ID makes it.
    ///
    /// - Throws: ``OpenSSLError`` if OpenSSL fails.
    func signature(for message: [UInt8]) throws -> SM2Signature {
        let pair = try idle.withLock { $0.popLast() } ?? makePair()
        var digest = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var der = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var length = MemoryLayout.size(ofValue: der)  // DER r,s is at most 72 bytes
        let signed = withUnsafeMutableBytes(of: &digest) { digest in
            withUnsafeMutableBytes(of: &der) { output -> Int32 in
                var digestLength: UInt32 = 0
                let hashed = z.withUnsafeBytes { z in
                    message.withUnsafeBytes { message in
                        EVP_DigestInit_ex2(pair.digest, sm3, nil) == 1
                            && EVP_DigestUpdate(pair.digest, z.baseAddress, z.count) == 1
                            && EVP_DigestUpdate(pair.digest, message.baseAddress, message.count) == 1
                            && EVP_DigestFinal_ex(
                                pair.digest, digest.baseAddress?.assumingMemoryBound(to: UInt8.self), &digestLength)
                                == 1
                    }
                }
                guard hashed, digestLength == 32 else { return -1 }
                return EVP_PKEY_sign(
                    pair.sign, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length,
                    digest.baseAddress?.assumingMemoryBound(to: UInt8.self), 32)
            }
        }
        guard signed == 1 else {
            // A context that failed is not reused.
            Self.free(pair)
            throw OpenSSLError.drain(signed == -1 ? "EVP_Digest (SM3 of Z ‖ M)" : "EVP_PKEY_sign")
        }
        idle.withLock { $0.append(pair) }
        let bytes = withUnsafeBytes(of: &der) { Array($0.prefix(length)) }
        do {
            return try SM2Signature(derRepresentation: bytes)
        } catch {
            throw OpenSSLError(function: "EVP_PKEY_sign", queue: ["produced a signature that is not DER r,s: \(error)"])
        }
    }

    private func makePair() throws -> Pair {
        let digest = try openssl_nonNull(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        guard let sign = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
            EVP_MD_CTX_free(digest)
            throw OpenSSLError.drain("EVP_PKEY_CTX_new_from_pkey")
        }
        guard EVP_PKEY_sign_init(sign) == 1 else {
            EVP_MD_CTX_free(digest)
            EVP_PKEY_CTX_free(sign)
            throw OpenSSLError.drain("EVP_PKEY_sign_init")
        }
        return Pair(digest: digest, sign: sign)
    }

    private static func free(_ pair: Pair) {
        EVP_MD_CTX_free(pair.digest)
        EVP_PKEY_CTX_free(pair.sign)
    }
}
