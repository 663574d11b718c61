internal import COpenSSL
import HealthCardFoundation

extension SM2PrivateKey {
    /// Signs `message` with SM2 over SM3: the signature of `SM3(Z ‖ message)`, where Z hashes
    /// `distinguishingID` and this key's public point.
    ///
    /// The ID is handed to OpenSSL on every call. OpenSSL 3 has no default ID and would otherwise
    /// sign, without complaint, with an empty one (pcsc-virtual-card.md §6, "No default ID").
    /// SM2 signing is randomized: two signatures of the same message differ, and both verify.
    ///
    /// Safe to call from several threads at once on the same key.
    ///
    /// - Throws: ``OpenSSLError`` if OpenSSL fails.
    public func signature(
        for message: [UInt8], distinguishingID: SM2DistinguishingID = .default
    ) throws -> SM2Signature {
        let context = try openssl_nonNull(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        defer { EVP_MD_CTX_free(context) }
        // The EVP_PKEY_CTX belongs to `context`; set the ID after init and before any data.
        var keyContext: OpaquePointer?
        try openssl_check(EVP_DigestSignInit(context, &keyContext, EVP_sm3(), nil, key.pointer), "EVP_DigestSignInit")
        try openssl_setDistinguishingID(keyContext, distinguishingID)

        var der = [UInt8](repeating: 0, count: 80)  // DER r,s is at most 72 bytes
        var length = der.count
        let signed = message.withUnsafeBufferPointer { input in
            der.withUnsafeMutableBufferPointer { output in
                EVP_DigestSign(context, output.baseAddress, &length, input.baseAddress, input.count)
            }
        }
        try openssl_check(signed, "EVP_DigestSign")
        do {
            return try SM2Signature(derRepresentation: der[..<length])
        } catch {
            throw OpenSSLError(
                function: "EVP_DigestSign", queue: ["produced a signature that is not DER r,s: \(error)"])
        }
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
            EVP_DigestVerifyInit(context, &keyContext, EVP_sm3(), nil, key.pointer), "EVP_DigestVerifyInit")
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
    let keyContext = try openssl_nonNull(keyContext, "EVP_DigestSignInit (no EVP_PKEY_CTX)")
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

    public init(privateKey: SM2PrivateKey, distinguishingID: SM2DistinguishingID = .default) {
        self.privateKey = privateKey
        self.distinguishingID = distinguishingID
    }

    /// The 64-byte signature r‖s of `payload`. Synchronous; callable without `await` on this type.
    public func signature(for payload: [UInt8]) throws -> [UInt8] {
        try privateKey.signature(for: payload, distinguishingID: distinguishingID).rawRepresentation
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
