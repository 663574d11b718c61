import Foundation
import HealthCardFoundation

/// The fields of a signed e-health-card code (``SignedCode``) as JSON: ids in hex, instants in
/// ISO 8601, `windowSeconds` and `expiresAt` only for a dynamic code.
public struct SignedCodeReport: Encodable, Hashable, Sendable {
    /// `static` or `dynamic`.
    public let kind: String
    public let keyId: String
    public let cardId: String
    public let issuedAt: String
    public let windowSeconds: Int?
    public let expiresAt: String?
    public let nonce: String

    public init(_ code: SignedCode) {
        kind = code.kind == .static ? "static" : "dynamic"
        keyId = code.keyID.hex
        cardId = code.cardID
        issuedAt = ISO8601Instant.format(code.issuedAt)
        windowSeconds = code.windowSeconds
        expiresAt = code.expiresAt.map(ISO8601Instant.format)
        nonce = code.nonce.hex
    }
}

/// A verification's ``Verdict`` as JSON: valid or the reason code (``Verdict/reasonCode``), the
/// message, where a malformed code broke, and the verified code with its issuer.
public struct VerdictReport: Encodable, Hashable, Sendable {
    public let valid: Bool
    public let reason: String
    public let message: String
    public let offset: Int?
    public let issuer: String?
    public let code: SignedCodeReport?

    public init(_ verdict: Verdict) {
        valid = verdict.isValid
        reason = verdict.reasonCode
        message = verdict.description
        if case .malformed(_, let offset) = verdict { self.offset = offset } else { offset = nil }
        if case .valid(let decoded) = verdict {
            issuer = decoded.issuer
            code = SignedCodeReport(decoded.code)
        } else {
            issuer = nil
            code = nil
        }
    }
}
