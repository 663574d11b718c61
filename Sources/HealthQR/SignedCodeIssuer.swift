import Foundation
import HealthCardCrypto
import HealthCardFoundation

/// Issues signed codes (``SignedCode``) with one issuer key.
///
/// The issuer depends on `PayloadSigner`, not on OpenSSL, so the key can live in software
/// (`SM2Signer`), in a SAM or in a signing server. The signer must produce SM2/SM3
/// signatures with the default distinguishing ID `1234567812345678` in the 64-byte r‖s form, because
/// that is what ``CodeVerifier`` checks; the convenience initializer with an `SM2PrivateKey` sets
/// that up, explicitly, since OpenSSL 3 has no default ID (`SM2DistinguishingID`).
///
/// - SeeAlso: `Docs/qr-payload.md`; health-code.md §4.5 (dynamic window, [U]).
public struct SignedCodeIssuer: Sendable {
    /// What signs the bytes.
    public let signer: any PayloadSigner
    /// The id of the signer's key, written into every code.
    public let keyID: KeyID
    /// The clock read when an operation is not given `now`.
    public var clock: any WallClock = SystemClock()

    /// An issuer over any signer. `keyID` must be the id of the signer's public key
    /// (``KeyID/init(publicKey:)``), or verifiers will not find the key.
    public init(signer: any PayloadSigner, keyID: KeyID) {
        self.signer = signer
        self.keyID = keyID
    }

    /// An issuer with a software SM2 key, signing with the default distinguishing ID.
    ///
    /// - Throws: `OpenSSLError` only if the key's public point cannot be exported.
    public init(privateKey: SM2PrivateKey) throws {
        self.init(
            signer: SM2Signer(privateKey: privateKey, distinguishingID: .default),
            keyID: try KeyID(publicKey: privateKey.publicKey))
    }

    /// Issues a code for `cardID` and returns its QR text.
    ///
    /// - Parameters:
    ///   - kind: `.static`, or `.dynamic(window:)`; ``SignedCode/defaultDynamicWindow`` (5 minutes,
    ///     an assumption) is the usual window.
    ///   - now: the issue time written into the code (truncated to whole seconds); the system clock
    ///   - cardID: the e-health-card ID to encode.
    ///     if `nil`.
    /// - Throws: ``PayloadSyntaxError`` for a card id outside `[0-9A-Za-z]{1,64}`;
    ///   `HealthCardError/Code/invalidValue` for a bad window or time, or a signer that does not
    ///   return 64 bytes; whatever the signer throws.
    public func issue(cardID: String, kind: SignedCode.Kind, now: Date? = nil) async throws -> String {
        let now = now ?? clock.now()
        return try await issue(cardID: cardID, kind: kind, now: now, nonce: .random())
    }

    /// Issues a code with a given nonce. Internal: a predictable nonce defeats replay detection,
    /// so only tests choose one.
    package func issue(cardID: String, kind: SignedCode.Kind, now: Date, nonce: SignedCode.Nonce) async throws -> String {
        try await text(of: SignedCode(kind: kind, keyID: keyID, cardID: cardID, issuedAt: now, nonce: nonce))
    }

    /// Signs `code` (whose key id must be ``keyID``) and returns its QR text; the batch engine
    /// builds the code once and keeps it for its manifest.
    package func text(of code: SignedCode) async throws -> String {
        let body = SignedCodeFormat.body(of: code)
        let signature = try await signer.signature(for: SignedCodeFormat.signedBytes(body: body))
        guard signature.count == SignedCodeFormat.signatureByteCount else {
            throw HealthCardError.invalidValue(
                "signer returned \(signature.count) bytes, expected a \(SignedCodeFormat.signatureByteCount)-byte "
                    + "SM2 signature r‖s")
        }
        return SignedCodeFormat.text(body: body, signature: signature)
    }
}
