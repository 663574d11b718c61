internal import COpenSSL
import HealthCardFoundation
import Synchronization

/// What SM2 signing and verification with one key share, kept across calls: Z for the key and
/// distinguishing ID, and idle pairs of OpenSSL contexts (a digest context for e = SM3(Z ‖ M) and a
/// key context initialised for the operation).
///
/// An SM2 signature (GB/T 32918.2-2016 §6.1, §7.1) is made and checked over e = SM3(Z ‖ M), where
/// Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) depends only on the distinguishing ID and
/// the public key (pcsc-virtual-card.md §6). `EVP_DigestSign` and `EVP_DigestVerify` recompute Z,
/// create and initialise an `EVP_MD_CTX` and an `EVP_PKEY_CTX`, fetch SM3 from the provider and set
/// the ID on every call. Here each call hashes Z ‖ M with a kept digest context and hands e to a
/// kept key context (`EVP_PKEY_sign` or `EVP_PKEY_verify`, which run the same provider code as the
/// digest calls do after hashing): the elliptic-curve work, OpenSSL's own and most of the cost, is
/// the same; the set-up around it is gone. Nothing about a message or its verdict is kept.
///
/// Safe to use from several threads at once: a call takes an idle pair (or makes one) and gives it
/// back afterwards, so there are at most as many pairs as calls ever ran at once. A pair whose
/// operation failed inside OpenSSL is freed, never reused.
final class SM2KeptContexts: @unchecked Sendable {
    /// The operation the key contexts are initialised for.
    enum Operation {
        case sign, verify
    }

    /// A digest context and a key context initialised for ``operation``.
    struct Pair: @unchecked Sendable {
        let digest: OpaquePointer
        let key: OpaquePointer
    }

    private let key: EVPKey
    private let operation: Operation
    /// SM3, fetched once per process (`EVP_sm3()` is fetched again on every initialisation).
    private let sm3: OpaquePointer
    /// Z for this key and ID, 32 bytes.
    let z: [UInt8]
    private let idle = Mutex<[Pair]>([])

    /// The SM2 curve's a, b, x_G and y_G (GB/T 32918.5-2017 §2), 32 bytes each, as Z hashes them.
    private static let curveParameters: [UInt8] = try! Hex.decode(
        "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"
            + "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"
            + "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
            + "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0")

    /// - Parameter key: an SM2 key, private for ``Operation/sign``, public or private for
    ///   ``Operation/verify``.
    /// - Throws: ``OpenSSLError`` if OpenSSL cannot provide SM3 or read the public point.
    init(key: EVPKey, distinguishingID: SM2DistinguishingID, for operation: Operation) throws {
        self.key = key
        self.operation = operation
        sm3 = try openssl_nonNull(fetchedSM3, "EVP_MD_fetch(SM3)")
        z = Self.z(point: try SM2PublicKey.encodedPoint(of: key), distinguishingID: distinguishingID)
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
    }

    /// Runs `operation` with e = SM3(Z ‖ `message`) (32 bytes) and an idle key context, and returns
    /// what it returns (OpenSSL's result: 1 success, 0 failure or a wrong signature, < 0 an error).
    /// The pair is kept for the next call when the result is in `reusable`, else freed.
    ///
    /// - Throws: ``OpenSSLError`` if no pair could be made or hashing failed.
    func run(
        _ message: [UInt8], reusable: ClosedRange<Int32>,
        _ operation: (_ e: UnsafePointer<UInt8>, _ keyContext: OpaquePointer) -> Int32
    ) throws -> Int32 {
        let pair = try idle.withLock { $0.popLast() } ?? makePair()
        var e = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let result = withUnsafeMutableBytes(of: &e) { e -> Int32? in
            let e = e.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var length: UInt32 = 0
            let hashed = z.withUnsafeBytes { z in
                message.withUnsafeBytes { message in
                    EVP_DigestInit_ex2(pair.digest, sm3, nil) == 1
                        && EVP_DigestUpdate(pair.digest, z.baseAddress, z.count) == 1
                        && EVP_DigestUpdate(pair.digest, message.baseAddress, message.count) == 1
                        && EVP_DigestFinal_ex(pair.digest, e, &length) == 1
                }
            }
            guard hashed, length == 32 else { return nil }
            return operation(e, pair.key)
        }
        guard let result else {
            Self.free(pair)
            throw OpenSSLError.drain("EVP_Digest (SM3 of Z ‖ M)")
        }
        if reusable.contains(result) {
            idle.withLock { $0.append(pair) }
        } else {
            Self.free(pair)
        }
        return result
    }

    /// How many pairs wait for the next call: at most as many as calls ever ran at once.
    var idleCount: Int { idle.withLock { $0.count } }

    private func makePair() throws -> Pair {
        let digest = try openssl_nonNull(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
            EVP_MD_CTX_free(digest)
            throw OpenSSLError.drain("EVP_PKEY_CTX_new_from_pkey")
        }
        let (initialised, function) =
            switch operation {
            case .sign: (EVP_PKEY_sign_init(context), "EVP_PKEY_sign_init")
            case .verify: (EVP_PKEY_verify_init(context), "EVP_PKEY_verify_init")
            }
        guard initialised == 1 else {
            EVP_MD_CTX_free(digest)
            EVP_PKEY_CTX_free(context)
            throw OpenSSLError.drain(function)
        }
        return Pair(digest: digest, key: context)
    }

    private static func free(_ pair: Pair) {
        EVP_MD_CTX_free(pair.digest)
        EVP_PKEY_CTX_free(pair.key)
    }
}
