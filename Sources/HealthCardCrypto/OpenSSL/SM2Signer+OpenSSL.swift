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
    /// A signature made with a different ID does not verify, by design of SM2. Each call computes
    /// Z again: to verify many messages, keep an ``SM2Verifier``, which computes it once.
    ///
    /// - Throws: ``OpenSSLError`` only if the check could not run.
    public func isValidSignature(
        _ signature: SM2Signature, for message: [UInt8], distinguishingID: SM2DistinguishingID = .default
    ) throws -> Bool {
        try SM2VerifyingContext(key: self, distinguishingID: distinguishingID).isValidSignature(signature, for: message)
    }
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
///
/// Keep one per key to verify many messages: Z and OpenSSL's contexts are set up once and reused
/// (`SM2VerifyingContext`), as ``SM2Signer`` keeps its own; no verdict is kept.
public struct SM2Verifier: PayloadVerifier {
    public let publicKey: SM2PublicKey
    public let distinguishingID: SM2DistinguishingID
    /// Z for the key and ID, and OpenSSL's contexts, kept across calls; `nil` only if OpenSSL could
    /// not set them up, and then each call reports why.
    let context: SM2VerifyingContext?

    public init(publicKey: SM2PublicKey, distinguishingID: SM2DistinguishingID = .default) {
        self.publicKey = publicKey
        self.distinguishingID = distinguishingID
        context = try? SM2VerifyingContext(key: publicKey, distinguishingID: distinguishingID)
    }

    /// Whether `signature` (64 bytes r‖s) signs `payload`. Any other length is `false`.
    public func isValidSignature(_ signature: [UInt8], for payload: [UInt8]) throws -> Bool {
        guard let parsed = try? SM2Signature(rawRepresentation: signature) else { return false }
        guard let context else {
            // Set-up failed in init: try it again here, which throws OpenSSL's reason.
            return try publicKey.isValidSignature(parsed, for: payload, distinguishingID: distinguishingID)
        }
        return try context.isValidSignature(parsed, for: payload)
    }
}

extension SM2Verifier: Equatable {
    /// Two verifiers are equal when they check with the same key and ID.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.publicKey == rhs.publicKey && lhs.distinguishingID == rhs.distinguishingID
    }
}
