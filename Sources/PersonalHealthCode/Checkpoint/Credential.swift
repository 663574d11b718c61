import HealthCardFoundation
import HealthQR

/// What a person shows at a checkpoint: a scanned code (health code or e-health-card code, from an
/// image or typed text), an identity number, or a scan that yielded nothing usable.
///
/// Why the kinds are told apart here, before verification: each goes to its own verifier
/// (`HealthCodeVerifier` for `HCC1-`, `CodeVerifier` for `HCK1-`), and the pass log records
/// which kind was shown (``Kind``), so that a query can tell "passed on an ID number" from "passed
/// on a code". The prefix test is the dispatch of `Docs/qr-payload.md` §2.5 and
/// `Docs/health-code.md`; nothing is authenticated by it.
///
/// - SeeAlso: ``CheckpointDecider``.
public enum Credential: Hashable, Sendable {
    /// An `HCC1-` health-code text; `presentedBy` is the ID number shown with it, if any, as read
    /// (not yet validated): the code must then belong to it (``HealthCodeVerdict/subjectMismatch(_:)``),
    /// and an invalid number denies, since the code can then not be matched to anyone.
    case healthCode(String, presentedBy: String?)
    /// An `HCK1-` signed e-health-card code.
    case eHealthCard(String)
    /// An identity number typed or read from an ID card, not yet validated.
    case idNumber(String)
    /// A scanned text that is neither: a plain platform payload (which only the platform can
    /// verify online, health-code.md §4.4), a URL, noise.
    case unrecognised(String)
    /// The scan gave no text at all (no symbol in the image, an unreadable file); the reason says why.
    case unreadable(reason: String)
    /// A resident health card read at a PC/SC reader (`CheckpointGate`): its card number
    /// (DDF1/EF05 item 8, health-card.md §4.1) and its holder's ID number (DDF1/EF06 item 15,
    /// §4.2), as read (not yet validated), and the `HCC1-` health code shown with it, if any.
    /// The card number is checked against the revocation list (which holds the platform's
    /// blacklist); the health code must belong to the card's holder.
    case residentCard(cardNumber: String, idNumber: String, healthCode: String?)

    /// The kind of credential, as the pass log stores it.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case healthCode, eHealthCard, idNumber, unrecognised, unreadable, residentCard
    }

    /// A scanned text, classified by its prefix. `presentedBy` is kept only for a health code: an
    /// e-health-card code names a card, not a person, so there is nothing to match it against.
    public init(scanned text: String, presentedBy: String? = nil) {
        if text.hasPrefix(HealthCodeFormat.prefix) {
            self = .healthCode(text, presentedBy: presentedBy)
        } else if text.hasPrefix(SignedCodeFormat.prefix) {
            self = .eHealthCard(text)
        } else {
            self = .unrecognised(text)
        }
    }

    /// What a terminal reports: a scanned text with the ID number shown beside it (if any), or
    /// an ID number alone. Neither is an ID-number passage with no number, which denies: a
    /// terminal that sent nothing has shown nothing. The one rule for the CLI, the server and
    /// the gate station.
    public init(presented text: String?, idNumber: String?) {
        self = text.map { Credential(scanned: $0, presentedBy: idNumber) } ?? .idNumber(idNumber ?? "")
    }

    public var kind: Kind {
        switch self {
        case .healthCode: .healthCode
        case .eHealthCard: .eHealthCard
        case .idNumber: .idNumber
        case .unrecognised: .unrecognised
        case .unreadable: .unreadable
        case .residentCard: .residentCard
        }
    }

    /// The numbers a verifier looks up in its revocation list for this credential, and no others:
    /// an `HCK1-` code's card ID (`CodeVerifier` step 5), an `HCC1-` code's ID in hex
    /// (`HealthCodeVerifier` step 5), a resident card's number and its code's ID. A text that
    /// does not decode has none (it is refused as malformed before any list is read).
    ///
    /// Why: a platform whose refused cards are rows in a database (the server's accounts) looks up
    /// these few instead of loading the whole list for every scan, and gives the same verdicts.
    public var revocationCandidates: [String] {
        func healthCodeID(_ text: String) -> [String] {
            (try? HealthCodeFormat.decode(text)).map(Self.revocationCandidates(of:)) ?? []
        }
        switch self {
        case .healthCode(let text, _): return healthCodeID(text)
        case .eHealthCard(let text): return (try? SignedCodeFormat.decode(text)).map(Self.revocationCandidates(of:)) ?? []
        case .residentCard(let cardNumber, _, let code): return [cardNumber] + (code.map(healthCodeID) ?? [])
        case .idNumber, .unrecognised, .unreadable: return []
        }
    }

    /// ``revocationCandidates`` of an `HCK1-` code the caller has decoded already, so that it
    /// decodes the code once for the lookup and the verifier
    /// (`CodeVerifier.verifyDeferringReplay(decoded:now:)`): its card ID.
    public static func revocationCandidates(of code: SignedCodeFormat.Decoded) -> [String] {
        [code.code.cardID]
    }

    /// ``revocationCandidates`` of an `HCC1-` code the caller has decoded already, so that it
    /// decodes the code once for the lookup and the verifier
    /// (`HealthCodeVerifier.verify(decoded:now:presentedBy:)`): its ID in hex.
    public static func revocationCandidates(of code: HealthCodeFormat.Decoded) -> [String] {
        [code.code.id.hex]
    }
}
