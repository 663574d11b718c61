import HealthCardFoundation
import HealthQR

/// Why a checkpoint turned someone away. A decision may carry several (a red code *and* a fever):
/// every independent reason is reported, so that the staff and the log see the whole picture.
///
/// The verifier's own verdict is kept whole (``healthCode(_:)``, ``eHealthCard(_:)``), not
/// flattened to a string, so a caller can still ask which check failed; ``code`` gives the stable
/// name the pass log stores and queries filter on.
///
/// - SeeAlso: `Docs/checkpoint.md`, "Decisions".
public enum DenialReason: Hashable, Sendable, CustomStringConvertible {
    /// The health code did not verify: malformed, unknown key, bad signature, revoked, expired, not
    /// yet valid, an unknown colour byte, or the code of someone other than the presented ID.
    case healthCode(HealthCodeVerdict)
    /// The e-health-card code did not verify: malformed, unknown key, bad signature, revoked,
    /// expired, not yet valid, or replayed.
    case eHealthCard(Verdict)
    /// A health code that verified, refused by the issuing platform's register of issued codes:
    /// superseded by a newer code of the same person, or signed with the platform's key but never
    /// issued (``RegisterFinding``; only where the register is at hand, as in `hcard serve`).
    case healthCodeRegister(RegisterFinding)
    /// A verified code whose colour the policy does not let through.
    case colourNotAllowed(HealthColour)
    /// A body temperature at or above the policy's limit (°C).
    case fever(celsius: Double, limit: Double)
    /// The policy requires a temperature reading and there was none.
    case temperatureMissing
    /// A reading outside ``CheckpointPolicy/plausibleTemperatures``: a measuring fault.
    case temperatureImplausible(celsius: Double)
    /// The identity number is not a valid citizen ID (or `TT:NUMBER`); `reason` is the validator's
    /// first finding, without the number itself.
    case invalidIDNumber(reason: String)
    /// Only an ID number was shown, and the policy requires a code.
    case codeRequired
    /// A scanned text that is not a code this checkpoint can verify offline.
    case unrecognisedCredential
    /// The scan yielded nothing (no symbol, unreadable image).
    case unreadable(reason: String)
    /// A resident health card whose card number is on the revocation list (a cancelled, lost or
    /// replaced card, or a number on the platform's blacklist, `Docs/accounts.md`).
    case residentCardRevoked
    /// The station could not decide safely and refused without deciding: a trust, revocation,
    /// blacklist or policy file that was reloaded and is invalid (`CheckpointGate`).
    case stationFault(reason: String)

    /// A stable, machine-readable name, as stored in the log: `healthCode.expired`,
    /// `healthCode.superseded`, `eHealthCard.replayed`, `colourNotAllowed`, `fever`, `temperatureMissing`,
    /// `temperatureImplausible`, `invalidIDNumber`, `codeRequired`, `unrecognisedCredential`,
    /// `unreadable`, `residentCard.revoked`, `stationFault`.
    public var code: String {
        switch self {
        case .healthCode(let verdict): "healthCode." + verdict.reasonCode
        case .eHealthCard(let verdict): "eHealthCard." + verdict.reasonCode
        case .healthCodeRegister(let finding): "healthCode." + finding.reasonCode
        case .colourNotAllowed: "colourNotAllowed"
        case .fever: "fever"
        case .temperatureMissing: "temperatureMissing"
        case .temperatureImplausible: "temperatureImplausible"
        case .invalidIDNumber: "invalidIDNumber"
        case .codeRequired: "codeRequired"
        case .unrecognisedCredential: "unrecognisedCredential"
        case .unreadable: "unreadable"
        case .residentCardRevoked: "residentCard.revoked"
        case .stationFault: "stationFault"
        }
    }

    /// One line for people.
    public var description: String {
        switch self {
        case .healthCode(let verdict): "health code: \(verdict)"
        case .eHealthCard(let verdict): "e-health-card code: \(verdict)"
        case .healthCodeRegister(let finding): "health code: \(finding.description)"
        case .colourNotAllowed(let colour): "\(colour) code is not allowed here"
        case .fever(let celsius, let limit): "fever: \(celsius) °C (limit \(limit) °C)"
        case .temperatureMissing: "no temperature reading"
        case .temperatureImplausible(let celsius):
            "implausible temperature \(celsius) °C (outside \(CheckpointPolicy.plausibleTemperatures) °C): re-measure"
        case .invalidIDNumber(let reason): "invalid ID number: \(reason)"
        case .codeRequired: "an ID number alone is not enough here: show a health code"
        case .unrecognisedCredential:
            "not a code this checkpoint can verify (neither an HCC1- health code nor an HCK1- e-health-card code)"
        case .unreadable(let reason): "unreadable: \(reason)"
        case .residentCardRevoked: "resident health card: the card number is revoked or blacklisted"
        case .stationFault(let reason): "station fault, refused without deciding: \(reason)"
        }
    }
}
