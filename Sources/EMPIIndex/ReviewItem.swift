import HealthCardFoundation

/// An entry of the review queue (empi.md §1.5): a record whose best candidates scored in the review
/// band, several persons at auto-link at once, a veto, or a unique identifier claimed by two persons.
/// A human resolves it by linking the record to one of the candidates or keeping it separate.
public struct ReviewItem: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable { case open, resolved }

    /// How a review was resolved.
    public enum Resolution: Sendable, Hashable, Codable {
        /// The record belongs to this person: a manual link.
        case link(EnterpriseID)
        /// The record is none of the candidates: "not the same person" assertions against each.
        case separate
    }

    public struct Candidate: Sendable, Hashable, Codable {
        public var person: EnterpriseID
        public var probability: Double

        package init(person: EnterpriseID, probability: Double) {
            self.person = person
            self.probability = probability
        }
    }

    public var id: Int64
    public var record: RecordReference
    /// The person the record is linked to while it waits.
    public var person: EnterpriseID
    public var candidates: [Candidate]
    /// `review-band`, `several-auto-links`, `identifier-conflict`, or `changed-record` (a re-fed record
    /// whose new data no longer supports its link: ``PatientIndex/feed(_:actor:now:)``).
    public var reason: String
    public var status: Status
    /// `link:<person>` or `separate` once resolved.
    public var resolution: String?
    public var explanation: String?
    public var created: String
    public var actor: String?

    package init(
        id: Int64, record: RecordReference, person: EnterpriseID, candidates: [Candidate], reason: String, status: Status,
        resolution: String?, explanation: String?, created: String, actor: String?
    ) {
        self.id = id
        self.record = record
        self.person = person
        self.candidates = candidates
        self.reason = reason
        self.status = status
        self.resolution = resolution
        self.explanation = explanation
        self.created = created
        self.actor = actor
    }
}
