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

extension SignedCodeReport {
    /// The report as `JSONEncoder` with `.sortedKeys` writes it, written directly (`JSONWriter`).
    package func write(to json: inout JSONWriter) {
        json.object { o in
            o.string("cardId", cardId)
            o.string("expiresAt", expiresAt)
            o.string("issuedAt", issuedAt)
            o.string("keyId", keyId)
            o.string("kind", kind)
            o.string("nonce", nonce)
            o.integer("windowSeconds", windowSeconds.map(Int64.init))
        }
    }
}

extension VerdictReport {
    /// The report as `JSONEncoder` with `.sortedKeys` writes it, written directly (`JSONWriter`):
    /// `hcard serve` answers every code verification with it (Docs/serve.md §9).
    package func write(to json: inout JSONWriter) {
        json.object { o in
            o.verdictReport(
                code: code.map { code in { code.write(to: &$0) } }, issuer: issuer, message: message, offset: offset,
                reason: reason, valid: valid)
        }
    }
}

extension JSONWriter.Members {
    /// The members every verdict report of a signed format has (this file's ``VerdictReport``,
    /// the health code's verification report), keys sorted: `code` (written by `code`), `issuer`,
    /// `message`, `offset`, `reason`, the members `afterReason` writes (keys sorted between
    /// `reason` and `valid`), and `valid`; absent values omitted.
    package mutating func verdictReport(
        code: ((inout JSONWriter) -> Void)?, issuer: String?, message: String, offset: Int?, reason: String,
        afterReason: (inout Self) -> Void = { _ in }, valid: Bool
    ) {
        if let code { value("code", code) }
        string("issuer", issuer)
        string("message", message)
        integer("offset", offset.map(Int64.init))
        string("reason", reason)
        afterReason(&self)
        bool("valid", valid)
    }
}
