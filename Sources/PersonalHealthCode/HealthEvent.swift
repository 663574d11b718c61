import HealthCardFoundation

/// Something that happened to a person and bears on their health-code colour (health-code.md
/// §5.3 "State"): a declaration, a daily check-in, a test result, a clinic visit, a case
/// status set by the health authority, or a manual conversion by an authorised actor.
///
/// Events are the only stored state: the colour is always recomputed from them (``ColourEngine``).
public struct HealthEvent: Hashable, Sendable, Codable {
    /// When it happened, China time (dates drive every rule).
    public var time: CalendarDateTime
    public var kind: Kind

    public enum Kind: Hashable, Sendable, Codable {
        /// Daily health check-in (健康打卡); `normal` = no symptoms and a normal temperature.
        case checkIn(normal: Bool)
        /// Self-declaration: symptoms, a stay in a medium/high-risk area, an overseas trip.
        case declaration(symptoms: [String], riskAreaStay: Bool, overseas: Bool)
        /// A nucleic-acid (NAT) result.
        case testResult(positive: Bool)
        /// A fever-clinic visit; `excludesCOVID` on a re-visit that ruled it out.
        case feverClinicVisit(excludesCOVID: Bool)
        /// A purchase of fever or cough medicine registered at a pharmacy; bears on the colour
        /// only under a rule set with `RuleSet/feverMedicinePurchaseYellowDays` [U].
        case feverMedicinePurchase
        /// The health authority placed the person under isolation or treatment as `status`.
        case caseOpened(CaseStatus)
        /// Discharge or release from isolation for `status` (or exclusion of a suspected case).
        case caseClosed(CaseStatus)
        /// Stayed near a case for `minutes` in the 4 days before its onset (v2021-08).
        case exposure(minutes: Int)
        /// Manual conversion by an authorised actor (county HQ, checkpoint staff, self-review).
        case manualConversion(to: HealthColour, actor: String, reason: String)
    }

    public enum CaseStatus: String, Hashable, Sendable, Codable, CaseIterable {
        case confirmed, asymptomatic, suspected, closeContact, inbound
    }

    public init(_ time: CalendarDateTime, _ kind: Kind) {
        self.time = time
        self.kind = kind
    }
}
