import HealthCardFoundation
import HealthQR

/// The checkpoint's answer for one passage: pass, or deny with every reason, plus what was
/// established on the way (who, which colour, which temperature), which the pass log records.
///
/// Why a value and not a thrown error: a denial is a normal outcome to show, log and count, like
/// `Verdict`. The decision is ``Outcome/pass`` exactly when ``reasons`` is empty; the initialiser
/// enforces it, so no decision can say "pass" and carry a reason, or "deny" and carry none.
public struct CheckpointDecision: Hashable, Sendable {
    /// Pass or deny.
    public enum Outcome: String, Hashable, Sendable, Codable, CaseIterable {
        case pass, deny
    }

    /// Why the passage was denied; empty for a pass.
    public let reasons: [DenialReason]
    /// What kind of credential was shown.
    public let credential: Credential.Kind
    /// Who, if it could be established (see ``PassHolder``).
    public let holder: PassHolder?
    /// The colour of a verified code (the issuer's signed colour), `nil` without one.
    public let colour: HealthColour?
    /// The temperature reading (°C), if one was taken.
    public let temperature: Double?
    /// The e-health-card code, when one verified (even if the passage was denied for another
    /// reason): for callers that keep replay state beyond the process (`ReplayCacheFile/record(_:clockSkew:)`).
    public let acceptedCard: DecodedCode?
    /// The health code, when one verified (even if the passage was denied for another reason):
    /// for the issuing platform, which looks it up in its register of issued codes
    /// (``LocalHealthCodeService/registerFinding(of:issuingKeys:)``) without verifying the signature
    /// a second time.
    public let acceptedHealthCode: VerifiedHealthCode?

    public init(
        reasons: [DenialReason], credential: Credential.Kind, holder: PassHolder?, colour: HealthColour?,
        temperature: Double?, acceptedCard: DecodedCode? = nil, acceptedHealthCode: VerifiedHealthCode? = nil
    ) {
        self.reasons = reasons
        self.credential = credential
        self.holder = holder
        self.colour = colour
        self.temperature = temperature
        self.acceptedCard = acceptedCard
        self.acceptedHealthCode = acceptedHealthCode
    }

    /// ``Outcome/pass`` if and only if there is no reason to deny.
    public var outcome: Outcome { reasons.isEmpty ? .pass : .deny }
    /// Whether the person may pass.
    public var passes: Bool { reasons.isEmpty }
}
