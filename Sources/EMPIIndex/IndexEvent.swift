import HealthCardFoundation

/// One entry of the index's append-only event table (empi.md §1.7, §2.2 notifications): every
/// change to a person's records or identifier set, numbered by a sequence subscribers read from
/// (``PatientIndex/events(since:limit:)``). Triggers forbid `UPDATE` and `DELETE` on the table.
public struct IndexEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A new source record entered the index and was linked (to a new or an existing person).
        case register
        /// A known source record's data changed; its link did not.
        case update
        /// A record was linked to a person by hand (a link or a review resolution).
        case link
        /// A record was taken out of its person into a new one, with a "not the same person" assertion.
        case unlink
        /// A person was merged into a survivor.
        case merge
        /// A merge was reversed.
        case unmerge
        /// An e-health-card account operation (`AccountService`, Docs/accounts.md): registration,
        /// update, cancellation, a card lost, replaced or found, a bank card bound or unbound. The
        /// payload names the `operation` and the card `status`; the records stay resolvable
        /// (empi.md §2.2 card lifecycle).
        case account
    }

    /// The sequence number, increasing from 1.
    public var sequence: Int64
    public var kind: Kind
    /// The person whose identifier set changed (for a merge: the survivor). Always a live ID at the
    /// time of the event.
    public var person: EnterpriseID?
    /// The record concerned, if one.
    public var record: RecordReference?
    /// Details as JSON: provenance, probability, the persons involved (`from`, `to`, `subsumed`, …).
    public var payload: [String: JSONValue]
    public var actor: String
    /// ISO 8601 UTC.
    public var time: String

    package init(
        sequence: Int64, kind: Kind, person: EnterpriseID?, record: RecordReference?, payload: [String: JSONValue],
        actor: String, time: String
    ) {
        self.sequence = sequence
        self.kind = kind
        self.person = person
        self.record = record
        self.payload = payload
        self.actor = actor
        self.time = time
    }
}
