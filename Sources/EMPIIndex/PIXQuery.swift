import Foundation
import HealthCardFoundation

/// The rules of the PIX cross-reference query (empi.md §2.2 `crossReference`, §2.3), apart from
/// the reads: every index store (SQLite ``PatientIndex``, the server's PostgreSQL store) reads
/// the rows and lets this decide the answer, in three steps:
/// 1. ``init(domain:value:targetDomains:domains:)``: unknown source or target domains are refused,
///    the value is normalised as its domain says;
/// 2. ``person(among:)``: of the live persons holding (domain, normalised value), there must be
///    exactly one (none: `unknownIdentifier`; several: `ambiguousIdentifier`);
/// 3. ``answer(person:identifiers:)``: that person's identifiers except the queried one, only
///    those in the target domains if any were named.
package struct PIXQuery: Sendable {
    package let domain: String
    package let normalized: String
    let targets: Set<String>?

    package init(domain: String, value: String, targetDomains: [String]?, domains: [String: IdentifierDomain]) throws {
        guard let source = domains[domain] else {
            throw HealthCardError(code: .unknownSourceDomain, reason: "unknown source domain \"\(domain)\"")
        }
        for target in targetDomains ?? [] where domains[target] == nil {
            throw HealthCardError(code: .unknownTargetDomain, reason: "unknown target domain \"\(target)\"")
        }
        self.domain = domain
        normalized = source.normalize(value)
        targets = targetDomains.map(Set.init)
    }

    /// The one live person among those holding the identifier (merged persons already resolved).
    package func person(among live: Set<Int64>) throws -> Int64 {
        guard let person = live.first else {
            throw HealthCardError(code: .unknownIdentifier, reason: "\(domain) \"\(normalized)\" is not in the index")
        }
        guard live.count == 1 else {
            throw HealthCardError(
                code: .ambiguousIdentifier,
                reason: "\(domain) \"\(normalized)\" belongs to persons \(live.sorted().map(String.init).joined(separator: ", "))")
        }
        return person
    }

    /// The answer from the person's distinct (domain, value) pairs, sorted by domain and value.
    package func answer(person: Int64, identifiers: [(domain: String, value: String)]) -> CrossReference {
        CrossReference(
            person: EnterpriseID(person),
            identifiers: identifiers.compactMap { entry in
                if entry.domain == domain && entry.value == normalized { return nil }
                if let targets, !targets.contains(entry.domain) { return nil }
                return CrossReference.Identifier(domain: entry.domain, value: entry.value)
            })
    }
}
