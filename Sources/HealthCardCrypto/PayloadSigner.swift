import HealthCardFoundation

/// Something that signs bytes: a software SM2 key, a SAM behind a card reader, an HSM or a remote
/// signing service.
///
/// The QR and record layers depend on this protocol, not on OpenSSL. This keeps them pure Swift
/// and lets a deployment plug in whatever holds its key. The requirement is `async` because the
/// interesting signers (a SAM, a 密码机 signing server) sit behind I/O. A software signer such as
/// ``SM2Signer`` satisfies it with a synchronous method, which callers of the concrete type can
/// use without `await`.
///
/// There is deliberately no key identifier here. Which key id a payload names, and how it is
/// derived, is the QR layer's concern; a signer only turns bytes into a signature.
///
/// Conforming types must be safe to call from several tasks at once, so batch signing can run
/// in parallel.
///
/// Signing is abstract here so that a key can live in software, a SAM or a signing server.
public protocol PayloadSigner: Sendable {
    /// Signs `payload` and returns the signature in the algorithm's fixed wire form
    /// (for SM2: 64 bytes r‖s, see ``SM2Signature``).
    func signature(for payload: [UInt8]) async throws -> [UInt8]
}

/// Something that checks signatures made by a ``PayloadSigner``.
///
/// Verification is local and synchronous: it needs only a public key.
public protocol PayloadVerifier: Sendable {
    /// Whether `signature` is a valid signature of `payload`.
    ///
    /// A signature that is wrong, or has the wrong length or form, gives `false`. Errors are
    /// thrown only when the check itself could not run (for example the crypto library failed).
    func isValidSignature(_ signature: [UInt8], for payload: [UInt8]) throws -> Bool
}

extension PayloadSigner {
    /// Signs a slice of a larger buffer.
    public func signature(for payload: ArraySlice<UInt8>) async throws -> [UInt8] {
        try await signature(for: Array(payload))
    }
}

extension PayloadVerifier {
    /// Checks a signature over a slice of a larger buffer.
    public func isValidSignature(_ signature: [UInt8], for payload: ArraySlice<UInt8>) throws -> Bool {
        try isValidSignature(signature, for: Array(payload))
    }
}
