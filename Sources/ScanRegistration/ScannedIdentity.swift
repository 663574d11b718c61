import HealthCardFoundation
import PersonalHealthCode

/// Who a scan established, and the identity facts it fills into a form (issue 20 §3).
///
/// Only authenticated facts are here: a code that did not verify never becomes a
/// `ScannedIdentity` (``ScanPrefiller`` throws instead), so a forged code's fields are never
/// prefilled.
public struct ScannedIdentity: Hashable, Sendable {
    /// An identity fact a form field may be filled with (`"prefill": "name"`).
    public enum Fact: String, Hashable, Sendable, Codable, CaseIterable {
        /// The holder's name, from the health-code platform's basic information.
        case name
        /// The citizen ID number (from the ID itself, or the platform's record of the code's holder).
        case idNumber
        /// The holder's phone, from the platform's basic information.
        case phone
        /// The holder's address, from the platform's basic information (editable on the form).
        case address
        /// Whole years on the registration day, from the citizen ID.
        case age
        /// `YYYY-MM-DD`, from the citizen ID.
        case birthDate
        /// GB/T 2261.1 code, from the citizen ID.
        case sex
    }

    /// What was shown.
    public let credential: Credential.Kind
    /// Who it is, as far as the scan establishes it (a person, an e-health card, a code's subject).
    public let holder: PassHolder
    /// The person, when the scan established one (an ID number, or a health code whose holder the
    /// platform's event store knows or whose presented ID it matched).
    public let person: PersonID?
    /// The colour of a verified health code; `nil` for an ID number or an e-health-card code.
    public let colour: HealthColour?
    /// The verified code's id (16 hex) or the e-health card's id.
    public let codeID: String?
    /// Who signed the code (the trust list's issuer name).
    public let issuer: String?
    /// The facts the form may be filled with.
    public let facts: [Fact: JSONValue]

    public init(
        credential: Credential.Kind, holder: PassHolder, person: PersonID?, colour: HealthColour?, codeID: String?,
        issuer: String?, facts: [Fact: JSONValue]
    ) {
        self.credential = credential
        self.holder = holder
        self.person = person
        self.colour = colour
        self.codeID = codeID
        self.issuer = issuer
        self.facts = facts
    }
}
