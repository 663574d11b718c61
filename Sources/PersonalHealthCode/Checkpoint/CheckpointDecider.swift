import Foundation
import HealthCardFoundation
import HealthQR

/// Decides one passage at a checkpoint: verifies what was shown through the existing verifiers,
/// applies the ``CheckpointPolicy``, and denies on **any** doubt.
///
/// "Any doubt" means: every verdict other than `valid` denies, whatever its case (malformed,
/// unknown key, key not valid, bad signature, revoked key/code/card, unknown colour byte, expired,
/// not yet valid, replayed, another person's code); so do a colour the policy does not list, a
/// fever, a missing or implausible temperature, an invalid ID number, an ID number where a code is
/// required, a text that is no code this checkpoint can verify, and a scan that yielded nothing.
/// Nothing is guessed: a plain platform payload (`cardId:type`) can only be verified online
/// (health-code.md §4.4), so offline it denies as unrecognised.
///
/// All independent reasons are collected (code, then colour, then temperature), so a red code
/// with a fever reports both. A colour is only judged when the code verified: an unverified
/// code's colour is not a fact.
///
/// Replay detection is the e-health-card verifier's (`CodeVerifier/seenNonces`): give it a
/// `SeenNonceCache` (or a `ReplayCacheFile`'s cache across processes) to deny a dynamic code
/// shown twice. Health codes are valid for hours and shown repeatedly by design; they have no nonce.
///
/// Pure apart from that cache: no clock (``decide(_:temperature:now:)`` takes `now`), no I/O.
///
/// - SeeAlso: `Docs/checkpoint.md`; `HealthCodeVerifier`, `CodeVerifier`.
public struct CheckpointDecider: Sendable {
    /// What passes.
    public var policy: CheckpointPolicy
    /// Verifies `HCC1-` health codes.
    public var healthCodes: HealthCodeVerifier
    /// Verifies `HCK1-` e-health-card codes.
    public var eHealthCards: CodeVerifier

    public init(policy: CheckpointPolicy, healthCodes: HealthCodeVerifier, eHealthCards: CodeVerifier) {
        self.policy = policy
        self.healthCodes = healthCodes
        self.eHealthCards = eHealthCards
    }

    /// A decider whose two verifiers share one trust list, revocation list and clock skew, as a
    /// checkpoint configured with one `--trust` file has.
    public init(
        policy: CheckpointPolicy, trustList: TrustList, revocations: RevocationList = RevocationList(),
        clockSkew: Duration = CodeVerifier.defaultClockSkew, seenNonces: SeenNonceCache? = nil
    ) {
        self.init(
            policy: policy,
            healthCodes: HealthCodeVerifier(trustList: trustList, revocations: revocations, clockSkew: clockSkew),
            eHealthCards: CodeVerifier(
                trustList: trustList, revocations: revocations, clockSkew: clockSkew, seenNonces: seenNonces))
    }

    /// The decision on `credential` with a temperature reading (°C, `nil` if none was taken) at `now`.
    public func decide(_ credential: Credential, temperature: Double?, now: Date) -> CheckpointDecision {
        var reasons: [DenialReason] = []
        var holder: PassHolder?
        var colour: HealthColour?
        var acceptedCard: DecodedCode?
        var acceptedHealthCode: VerifiedHealthCode?

        switch credential {
        case .healthCode(let text, let presented):
            var person: PersonID?
            if let presented {
                do {
                    person = try PersonID(presented)
                    holder = person.map(PassHolder.person)
                } catch {
                    reasons.append(.invalidIDNumber(reason: Self.idNumberFinding(presented)))
                }
            }
            switch healthCodes.verify(text, now: now, presentedBy: person) {
            case .valid(let verified):
                colour = verified.colour
                acceptedHealthCode = verified
                holder = holder ?? .healthCodeSubject(verified.code.subject)
            case let verdict:
                reasons.append(.healthCode(verdict))
                if holder == nil, Self.isAuthenticated(verdict), let decoded = try? HealthCodeFormat.decode(text) {
                    holder = .healthCodeSubject(decoded.code.subject)
                }
            }
        case .eHealthCard(let text):
            let verdict = eHealthCards.verify(text, now: now)
            if case .valid(let decoded) = verdict {
                holder = .eHealthCard(cardID: decoded.code.cardID)
                acceptedCard = decoded
            } else {
                reasons.append(.eHealthCard(verdict))
                if Self.isAuthenticated(verdict), let decoded = try? SignedCodeFormat.decode(text) {
                    holder = .eHealthCard(cardID: decoded.code.cardID)
                }
            }
        case .idNumber(let text):
            do {
                holder = .person(try PersonID(text))
            } catch {
                reasons.append(.invalidIDNumber(reason: Self.idNumberFinding(text)))
            }
            if policy.identification == .validCode { reasons.append(.codeRequired) }
        case .residentCard(let cardNumber, let idNumber, let code):
            // The card's status first: a revoked or blacklisted card denies whatever else holds.
            if eHealthCards.revocations.isRevoked(cardID: cardNumber) { reasons.append(.residentCardRevoked) }
            var person: PersonID?
            do {
                person = try PersonID(idNumber)
                holder = person.map(PassHolder.person)
            } catch {
                reasons.append(.invalidIDNumber(reason: Self.idNumberFinding(idNumber)))
            }
            if let code {
                // The code must be the card holder's: checked against the ID number the card holds.
                switch healthCodes.verify(code, now: now, presentedBy: person) {
                case .valid(let verified):
                    colour = verified.colour
                    acceptedHealthCode = verified
                case let verdict: reasons.append(.healthCode(verdict))
                }
            } else if policy.identification == .validCode {
                reasons.append(.codeRequired)
            }
        case .unrecognised:
            reasons.append(.unrecognisedCredential)
        case .unreadable(let reason):
            reasons.append(.unreadable(reason: reason))
        }

        if let colour, !policy.allowedColours.contains(colour) {
            reasons.append(.colourNotAllowed(colour))
        }

        if let temperature {
            if !CheckpointPolicy.plausibleTemperatures.contains(temperature) {
                reasons.append(.temperatureImplausible(celsius: temperature))
            } else if temperature >= policy.temperatureLimit {
                reasons.append(.fever(celsius: temperature, limit: policy.temperatureLimit))
            }
        } else if policy.temperatureRequired {
            reasons.append(.temperatureMissing)
        }

        return CheckpointDecision(
            reasons: reasons, credential: credential.kind, holder: holder, colour: colour, temperature: temperature,
            acceptedCard: acceptedCard, acceptedHealthCode: acceptedHealthCode)
    }

    /// Whether a failed health-code verdict comes after the signature check, so that the code's
    /// subject is the issuer's statement (``HealthCodeVerifier``'s order, steps 5-8).
    /// `keyNotValid` is left out: it is also reported before the signature is checked.
    static func isAuthenticated(_ verdict: HealthCodeVerdict) -> Bool {
        switch verdict {
        case .revokedKey, .revokedCode, .unknownColour, .expired, .notYetValid, .subjectMismatch: true
        case .valid, .malformed, .unknownKeyID, .keyNotValidAt, .badSignature: false
        }
    }

    /// The same for e-health-card verdicts (``CodeVerifier``'s steps 5-7).
    static func isAuthenticated(_ verdict: Verdict) -> Bool {
        switch verdict {
        case .revokedCard, .revokedKey, .expired, .notYetValid, .replayed: true
        case .valid, .malformed, .unknownKeyID, .keyNotValidAt, .badSignature: false
        }
    }

    /// Why `text` is not an ID number, without repeating the number (the log masks numbers).
    static func idNumberFinding(_ text: String) -> String {
        if text.contains(":") {
            return
                "not a citizen ID nor TT:NUMBER with a CV02.01.101 document type and 1...32 characters of 0-9, A-Z, -"
        }
        return CitizenIDValidator(regions: nil).validate(text).firstError ?? "not a valid citizen ID"
    }
}
