import Foundation
import HealthCardFoundation

/// The outcome of checking a scanned signed code: valid with its fields, or the one reason it is not.
///
/// Why an enum and not a thrown error: at a checkpoint a rejected code is a normal, expected
/// outcome that must be shown and logged with its reason, not an exception. ``CodeVerifier`` never
/// throws; every input, however broken, ends as one of these cases.
///
/// Only ``valid(_:)`` and the cases after ``badSignature`` carry facts from the payload that the
/// signature has confirmed. ``malformed(reason:offset:)`` and ``unknownKeyID(_:)`` describe an
/// unauthenticated text and should be read as "this is not a code we can check", nothing more.
///
/// - SeeAlso: `Docs/qr-payload.md`, "Verdicts"; ``CodeVerifier`` for the order of the checks.
public enum Verdict: Hashable, Sendable {
    /// Every check passed.
    case valid(DecodedCode)
    /// The text is not a well-formed signed code. `offset` is the character offset in the text
    /// where it breaks (``PayloadSyntaxError/offset``).
    case malformed(reason: String, offset: Int?)
    /// The code names a key that is not in the trust list.
    case unknownKeyID(KeyID)
    /// The key is in the trust list but not valid at `date` (the verification time, or the code's
    /// issue time once the signature has confirmed it).
    case keyNotValidAt(KeyID, date: Date, validFrom: Date, validTo: Date)
    /// The signature does not verify under the trusted key: the code was altered, or signed by
    /// another key that claims this key's id.
    case badSignature
    /// The card has been revoked.
    case revokedCard(String)
    /// The issuer key has been revoked.
    case revokedKey(KeyID)
    /// A dynamic code past the end of its window (plus the allowed clock skew).
    case expired(expiry: Date, now: Date)
    /// A code issued in the future, beyond the allowed clock skew.
    case notYetValid(issued: Date, now: Date)
    /// A dynamic code this checkpoint has already accepted within its window.
    case replayed(SignedCode.Nonce)

    /// Whether the code was accepted.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    /// A stable, machine-readable name of the case: `valid`, `malformed`, `unknownKeyID`,
    /// `keyNotValid`, `badSignature`, `revokedCard`, `revokedKey`, `expired`, `notYetValid`, `replayed`.
    public var reasonCode: String {
        switch self {
        case .valid: "valid"
        case .malformed: "malformed"
        case .unknownKeyID: "unknownKeyID"
        case .keyNotValidAt: "keyNotValid"
        case .badSignature: "badSignature"
        case .revokedCard: "revokedCard"
        case .revokedKey: "revokedKey"
        case .expired: "expired"
        case .notYetValid: "notYetValid"
        case .replayed: "replayed"
        }
    }
}

extension Verdict: CustomStringConvertible {
    /// One line for people, naming the reason: `"unknown key id 0123456789ABCDEF"`.
    ///
    /// Control characters from the scanned text (a malformed code's reason quotes it) are escaped
    /// (`TerminalText/escaped(_:)`): the line can neither carry terminal escape sequences nor break.
    public var description: String { TerminalText.escaped(unescapedDescription) }

    private var unescapedDescription: String {
        switch self {
        case .valid(let decoded):
            return "valid: \(decoded)"
        case .malformed(let reason, _):
            return "malformed: \(reason)"
        case .unknownKeyID(let keyID):
            return SignedPayloadCheck.Failure.unknownKeyID(keyID).description
        case .keyNotValidAt(let keyID, let date, let from, let to):
            return SignedPayloadCheck.Failure.keyNotValidAt(keyID, date: date, validFrom: from, validTo: to).description
        case .badSignature:
            return SignedPayloadCheck.Failure.badSignature.description
        case .revokedCard(let cardID):
            return "revoked card \(cardID)"
        case .revokedKey(let keyID):
            return SignedPayloadCheck.Failure.revokedKey(keyID).description
        case .expired(let expiry, let now):
            return SignedPayloadCheck.Failure.expired(expiry: expiry, now: now).description
        case .notYetValid(let issued, let now):
            return SignedPayloadCheck.Failure.notYetValid(issued: issued, now: now).description
        case .replayed(let nonce):
            return "replayed: nonce \(nonce) was already seen within its window"
        }
    }
}

/// A verified code: its fields and the trust-list facts about its issuer.
public struct DecodedCode: Hashable, Sendable, CustomStringConvertible {
    /// The signed fields.
    public let code: SignedCode
    /// The issuer name from the trust list entry of ``SignedCode/keyID``.
    public let issuer: String

    public init(code: SignedCode, issuer: String) {
        self.code = code
        self.issuer = issuer
    }

    public var description: String {
        var text = "card \(code.cardID), "
        switch code.kind {
        case .static: text += "static"
        case .dynamic: text += "dynamic until \(code.expiresAt.map(ISO8601Instant.format) ?? "?")"
        }
        text += ", issued \(ISO8601Instant.format(code.issuedAt)) by \(issuer) (key \(code.keyID))"
        return text
    }
}

extension Verdict {
    /// The verdict for a failed shared check (``SignedPayloadCheck``): the case of the same name.
    init(_ failure: SignedPayloadCheck.Failure) {
        switch failure {
        case .unknownKeyID(let keyID): self = .unknownKeyID(keyID)
        case .keyNotValidAt(let keyID, let date, let from, let to):
            self = .keyNotValidAt(keyID, date: date, validFrom: from, validTo: to)
        case .badSignature: self = .badSignature
        case .revokedKey(let keyID): self = .revokedKey(keyID)
        case .notYetValid(let issued, let now): self = .notYetValid(issued: issued, now: now)
        case .expired(let expiry, let now): self = .expired(expiry: expiry, now: now)
        }
    }
}
