import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthQR

/// Issues signed health codes (制码, GB/T 38963 §6.6) with one issuer key, and renders them.
///
/// Reuses the e-health-card code machinery: any `PayloadSigner` (software `SM2Signer`, a SAM,
/// a signing server), `KeyID` derived from the public key, SM2/SM3 with the default
/// distinguishing ID, base45 text. What it signs is ``HealthCodeFormat``.
///
/// The issuer does not decide the colour: it signs what it is given. The colour comes from
/// ``ColourEngine`` over the person's events (``LocalHealthCodeService`` does both).
///
/// - SeeAlso: `Docs/health-code.md`; `SignedCodeIssuer` (the same pattern for HCK1).
public struct HealthCodeIssuer: Sendable {
    /// What signs the bytes.
    public let signer: any PayloadSigner
    /// The id of the signer's key, written into every code.
    public let keyID: KeyID
    /// The clock read when an operation is not given `now`.
    public var clock: any WallClock = SystemClock()

    /// The validity of a code when the caller does not choose one: 24 hours. [U] No source fixes a
    /// health code's lifetime; displayed codes were refreshed on every opening of the app, and a
    /// day matches the daily check-in rhythm of §5. A parameter everywhere.
    public static let defaultValidity: Duration = .seconds(24 * 3600)

    /// An issuer over any signer. `keyID` must be the id of the signer's public key.
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

    /// An issued code: its text and its fields.
    public struct Issued: Hashable, Sendable {
        /// `HCC1-…`, what goes into the symbol.
        public let text: String
        /// The signed fields.
        public let code: HealthCode
    }

    /// Issues a code.
    ///
    /// - Parameters:
    ///   - colour: one of ``HealthCodeFormat/colourTable``.
    ///   - region: the issuing region, a 6-digit GB/T 2260 code (checked for form only; a service
    ///     checks it against `RegionTable`).
    ///   - person: the holder; only ``HealthCode/Subject`` of it goes into the code.
    ///   - validity: from the issue time; whole seconds, at least 1.
    ///   - now: the issue time (truncated to whole seconds); the system clock if `nil`.
    /// - Throws: `HealthCardError/Code/invalidValue` for a colour without a code, a bad region,
    ///   validity or time, or a signer that does not return 64 bytes; whatever the signer throws.
    public func issue(
        colour: HealthColour, region: String, person: PersonID, validity: Duration = defaultValidity,
        now: Date? = nil
    ) async throws -> Issued {
        let now = now ?? clock.now()
        let seconds = validity.components.seconds
        guard seconds >= 1, validity.components.attoseconds == 0 else {
            throw HealthCardError.invalidValue("validity \(validity) must be a whole number of seconds, at least 1")
        }
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let code = try HealthCode(
            keyID: keyID, colour: colour, region: region, subject: HealthCode.Subject(person: person),
            issuedAt: issuedAt, expiresAt: issuedAt.addingTimeInterval(TimeInterval(seconds)))
        return try await sign(code)
    }

    /// Signs a code whose fields are already set (its ``HealthCode/keyID`` must be this issuer's).
    public func sign(_ code: HealthCode) async throws -> Issued {
        guard code.keyID == keyID else {
            throw HealthCardError.invalidValue("code names key \(code.keyID), but this issuer signs with \(keyID)")
        }
        let body = HealthCodeFormat.body(of: code)
        let signature = try await signer.signature(for: HealthCodeFormat.signedBytes(body: body))
        guard signature.count == HealthCodeFormat.signatureByteCount else {
            throw HealthCardError.invalidValue(
                "signer returned \(signature.count) bytes, expected a \(HealthCodeFormat.signatureByteCount)-byte "
                    + "SM2 signature r‖s")
        }
        return Issued(text: HealthCodeFormat.text(body: body, signature: signature), code: code)
    }

    /// The symbol for a code's text in `symbology`.
    ///
    /// The text is all in the QR alphanumeric set, so a QR symbol holds it as one alphanumeric
    /// segment. GB/T 38961 recommends Grid Matrix (GB/T 27766), hence the symbology parameter.
    ///
    /// - Parameters:
    ///   - text: the code's text.
    ///   - symbology: QR Code (the default, what scanners read) or Grid Matrix.
    ///   - encoder: the encoders (`SymbolEncoder` in HealthQRImaging).
    ///   - errorCorrection: the QR level, or the Grid Matrix level matching it.
    /// - Throws: the encoder's errors.
    public static func symbol(
        for text: String, symbology: Symbology = .qr, encoder: some SymbolEncoding,
        errorCorrection: QRErrorCorrection = .medium
    ) throws -> any ModuleMatrix {
        try encoder.encode(
            Array(text.utf8), symbology: symbology, mode: .alphanumeric, errorCorrection: errorCorrection)
    }
}
