import EMPI
import Foundation
import HealthCardFoundation

/// What a feed of a new record writes, decided from the matcher's outcome (empi.md §1.5, §2.2
/// `feed`): the one rule every index store applies, the SQLite ``PatientIndex`` and the server's
/// PostgreSQL store alike. A store turns the plan into rows; it decides nothing itself.
package struct FeedPlan: Sendable {
    package enum Target: Sendable {
        /// Link to this existing person.
        case person(Int64)
        /// Start a new person.
        case newPerson
    }

    package var target: Target
    package var decision: FeedDecision
    package var provenance: LinkProvenance
    /// The link's probability: the best candidate's, for a link to an existing person.
    package var probability: Double?
    /// Whether the link row carries the best candidate's explanation (links to existing persons).
    package var linkExplained: Bool
    /// The review item to queue for the new person, if any: its candidates and reason.
    package var review: (candidates: [ReviewItem.Candidate], reason: String)?

    /// The plan for `outcome`: link to the one auto-link person (deterministic provenance when the
    /// pre-pass decided), or a new person — with a review item when candidates reached the review
    /// band (`several-auto-links` when more than one reached auto-link).
    package init(_ outcome: RecordMatcher.Outcome) {
        switch outcome.decision {
        case .link(let person):
            target = .person(Int64(person))
            decision = .linked
            provenance = outcome.candidates.first?.score.deterministicRule != nil ? .deterministic : .auto
            probability = outcome.candidates.first?.score.probability
            linkExplained = true
            review = nil
        case .review(let persons):
            target = .newPerson
            decision = .review
            provenance = .auto
            probability = nil
            linkExplained = false
            let candidates = outcome.candidates.filter { persons.contains($0.person) }.map {
                ReviewItem.Candidate(person: EnterpriseID(Int64($0.person)), probability: $0.score.probability)
            }
            review = (
                candidates,
                outcome.candidates.filter({ $0.decision == .autoLink }).count > 1 ? "several-auto-links" : "review-band"
            )
        case .newPerson:
            target = .newPerson
            decision = .newPerson
            provenance = .auto
            probability = nil
            linkExplained = false
            review = nil
        }
    }

    /// The review reason of a unique-domain identifier already held by another person (empi.md
    /// §2.1 uniqueness policy).
    package static let identifierConflict = "identifier-conflict"

    /// Writes the plan's outcome into the feed's result: the decision, provenance and person.
    package func complete(_ result: inout FeedResult, person: Int64) {
        result.decision = decision
        result.provenance = provenance
        result.person = EnterpriseID(person)
    }

    /// The payload of a feed's `register` event.
    package var eventPayload: [String: JSONValue] {
        ["decision": .string(decision.rawValue), "provenance": .string(provenance.rawValue)]
    }
}
