import Foundation
import HealthCardFoundation
import HealthQR

/// The outcome of checking a scanned health code (验码): valid with its fields, or the one reason
/// it is not.
///
/// An enum, not an error, as `Verdict` is for e-health-card codes: a rejected code at a
/// checkpoint is a normal outcome to show and log. Only ``valid(_:)`` and the cases after
/// ``badSignature`` state facts from the payload that the signature has confirmed.
///
/// - SeeAlso: ``HealthCodeVerifier`` for the order of the checks; `Docs/health-code.md`.
public enum HealthCodeVerdict: Hashable, Sendable {
    /// Every check passed: the code's colour, region, times and id are the issuer's statement.
    case valid(VerifiedHealthCode)
    /// Not a well-formed `HCC1-` code; `offset` is the character offset where it breaks.
    case malformed(reason: String, offset: Int?)
    /// The code names a key that is not in the trust list.
    case unknownKeyID(KeyID)
    /// The key is trusted but not valid at `date` (the verification time, or the signed issue time).
    case keyNotValidAt(KeyID, date: Date, validFrom: Date, validTo: Date)
    /// The signature does not verify under the trusted key.
    case badSignature
    /// The issuer key has been revoked.
    case revokedKey(KeyID)
    /// This code has been revoked (its id is in the revocation list's `cardIds`).
    case revokedCode(HealthCode.ID)
    /// A correctly signed code with a colour byte this reader's table does not have: a newer
    /// issuer's colour. Shown as such, never guessed.
    case unknownColour(UInt8)
    /// Past its expiry (plus the allowed clock skew).
    case expired(expiry: Date, now: Date)
    /// Issued in the future, beyond the allowed clock skew.
    case notYetValid(issued: Date, now: Date)
    /// Valid, but not the code of the identity document presented with it.
    case subjectMismatch(HealthCode.ID)

    /// Whether the code was accepted.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    /// A stable machine-readable name: `valid`, `malformed`, `unknownKeyID`, `keyNotValid`,
    /// `badSignature`, `revokedKey`, `revokedCode`, `unknownColour`, `expired`, `notYetValid`,
    /// `subjectMismatch`.
    public var reasonCode: String {
        switch self {
        case .valid: "valid"
        case .malformed: "malformed"
        case .unknownKeyID: "unknownKeyID"
        case .keyNotValidAt: "keyNotValid"
        case .badSignature: "badSignature"
        case .revokedKey: "revokedKey"
        case .revokedCode: "revokedCode"
        case .unknownColour: "unknownColour"
        case .expired: "expired"
        case .notYetValid: "notYetValid"
        case .subjectMismatch: "subjectMismatch"
        }
    }
}

extension HealthCodeVerdict: CustomStringConvertible {
    /// One line for people: `"valid: red code 0011…, region 460100, issued … until … by Hainan HC"`.
    ///
    /// Control characters from the scanned text (a malformed code's reason quotes it) are escaped
    /// (`TerminalText/escaped(_:)`): the line can neither carry terminal escape sequences nor break.
    public var description: String { TerminalText.escaped(unescapedDescription) }

    private var unescapedDescription: String {
        switch self {
        case .valid(let verified):
            return "valid: \(verified)"
        case .malformed(let reason, _):
            return "malformed: \(reason)"
        case .unknownKeyID(let keyID):
            return SignedPayloadCheck.Failure.unknownKeyID(keyID).description
        case .keyNotValidAt(let keyID, let date, let from, let to):
            return SignedPayloadCheck.Failure.keyNotValidAt(keyID, date: date, validFrom: from, validTo: to).description
        case .badSignature:
            return SignedPayloadCheck.Failure.badSignature.description
        case .revokedKey(let keyID):
            return SignedPayloadCheck.Failure.revokedKey(keyID).description
        case .revokedCode(let id):
            return "revoked code \(id)"
        case .unknownColour(let byte):
            return "unknown colour code 0x\(Hex.encode([byte])) (signed, but not in this reader's colour table)"
        case .expired(let expiry, let now):
            return SignedPayloadCheck.Failure.expired(expiry: expiry, now: now).description
        case .notYetValid(let issued, let now):
            return SignedPayloadCheck.Failure.notYetValid(issued: issued, now: now).description
        case .subjectMismatch(let id):
            return "code \(id) does not belong to the presented identity document"
        }
    }
}

/// A verified health code: its signed fields and the trust-list facts about its issuer.
public struct VerifiedHealthCode: Hashable, Sendable, CustomStringConvertible {
    /// The signed fields.
    public let code: HealthCode
    /// The colour (always in the table: an unknown byte is ``HealthCodeVerdict/unknownColour(_:)``).
    public let colour: HealthColour
    /// The issuer name from the trust list.
    public let issuer: String

    public init(code: HealthCode, colour: HealthColour, issuer: String) {
        self.code = code
        self.colour = colour
        self.issuer = issuer
    }

    public var description: String {
        "\(colour) code \(code.id), region \(code.region), issued \(ISO8601Instant.format(code.issuedAt)) "
            + "until \(ISO8601Instant.format(code.expiresAt)) by \(issuer) (key \(code.keyID))"
    }
}

extension HealthCodeVerdict {
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
