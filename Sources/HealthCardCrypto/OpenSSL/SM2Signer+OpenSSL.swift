internal import COpenSSL
import HealthCardFoundation

extension SM2PrivateKey {
    /// Signs `message` with SM2 over SM3: the signature of `SM3(Z ‖ message)`, where Z hashes
    /// `distinguishingID` and this key's public point.
    ///
    /// The ID is always explicit: OpenSSL 3 has no default ID and would otherwise sign, without
    /// complaint, with an empty one (pcsc-virtual-card.md §6, "No default ID"). SM2 signing is
    /// randomized: two signatures of the same message differ, and both verify.
    ///
    /// Safe to call from several threads at once on the same key. Each call computes Z again: to
    /// sign many messages, keep an ``SM2Signer``, which computes it once.
    ///
    /// - Throws: ``OpenSSLError`` if OpenSSL fails.
    public func signature(
        for message: [UInt8], distinguishingID: SM2DistinguishingID = .default
    ) throws -> SM2Signature {
        try SM2SigningContext(key: self, distinguishingID: distinguishingID).signature(for: message)
    }
}

extension SM2PublicKey {
    /// Whether `signature` is a valid SM2/SM3 signature of `message` under this key and
    /// `distinguishingID`.
    ///
    /// A signature made with a different ID does not verify, by design of SM2.
    ///
    /// - Throws: ``OpenSSLError`` only if the check could not run.
    public func isValidSignature(
        _ signature: SM2Signature, for message: [UInt8], distinguishingID: SM2DistinguishingID = .default
    ) throws -> Bool {
        let context = try openssl_nonNull(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        try openssl_check(
            EVP_DigestVerifyInit(context, &keyContext, fetchedSM3 ?? EVP_sm3(), nil, key.pointer), "EVP_DigestVerifyInit")
        try openssl_setDistinguishingID(keyContext, distinguishingID)

        let der = signature.derRepresentation
        let result = message.withUnsafeBufferPointer { input in
            der.withUnsafeBufferPointer { sig in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, input.baseAddress, input.count)
            }
        }
        guard result == 1 else {
            // 0 = wrong signature, < 0 = e.g. r or s out of range; either way OpenSSL may have
            // queued a reason that must not leak into the next operation on this thread.
            ERR_clear_error()
            return false
        }
        return true
    }
}

/// Sets the SM2 distinguishing ID on the key context of a digest-sign or -verify operation.
private func openssl_setDistinguishingID(_ keyContext: OpaquePointer?, _ id: SM2DistinguishingID) throws {
    let keyContext = try openssl_nonNull(keyContext, "EVP_DigestVerifyInit (no EVP_PKEY_CTX)")
    let result = id.bytes.withUnsafeBytes { bytes in
        EVP_PKEY_CTX_set1_id(keyContext, bytes.baseAddress, Int32(bytes.count))
    }
    try openssl_check(result, "EVP_PKEY_CTX_set1_id")
}

/// A ``PayloadSigner`` that signs with an SM2 key over SM3, producing the 64-byte r‖s form.
///
/// The distinguishing ID is fixed per signer, because a verifier must know it in advance;
/// use ``SM2DistinguishingID/default`` unless the counterpart says otherwise.
public struct SM2Signer: PayloadSigner {
    public let privateKey: SM2PrivateKey
    public let distinguishingID: SM2DistinguishingID
    /// Z for the key and ID, and OpenSSL's contexts, kept across calls (`SM2SigningContext`);
    /// `nil` only if OpenSSL could not set them up, and then each call reports why.
    private let context: SM2SigningContext?

    public init(privateKey: SM2PrivateKey, distinguishingID: SM2DistinguishingID = .default) {
        self.privateKey = privateKey
        self.distinguishingID = distinguishingID
        context = try? SM2SigningContext(key: privateKey, distinguishingID: distinguishingID)
    }

    /// The 64-byte signature r‖s of `payload`. Synchronous; callable without `await` on this type.
    public func signature(for payload: [UInt8]) throws -> [UInt8] {
        guard let context else {
            // Set-up failed in init: try it again here, which throws OpenSSL's reason.
            return try privateKey.signature(for: payload, distinguishingID: distinguishingID).rawRepresentation
        }
        return try context.signature(for: payload).rawRepresentation
    }

    /// A verifier for this signer's signatures.
    public var verifier: SM2Verifier {
        SM2Verifier(publicKey: privateKey.publicKey, distinguishingID: distinguishingID)
    }
}

/// A ``PayloadVerifier`` for SM2/SM3 signatures in the 64-byte r‖s form.
public struct SM2Verifier: PayloadVerifier {
    public let publicKey: SM2PublicKey
    public let distinguishingID: SM2DistinguishingID

    public init(publicKey: SM2PublicKey, distinguishingID: SM2DistinguishingID = .default) {
        self.publicKey = publicKey
        self.distinguishingID = distinguishingID
    }

    /// Whether `signature` (64 bytes r‖s) signs `payload`. Any other length is `false`.
    public func isValidSignature(_ signature: [UInt8], for payload: [UInt8]) throws -> Bool {
        guard let parsed = try? SM2Signature(rawRepresentation: signature) else { return false }
        return try publicKey.isValidSignature(parsed, for: payload, distinguishingID: distinguishingID)
    }
}
