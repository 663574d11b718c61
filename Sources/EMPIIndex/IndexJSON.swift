import EMPI
import HealthCardFoundation

/// The JSON the index stores in its text columns (`record.data`, `link.explanation`,
/// `person.golden`, `event.payload`, `review.candidates`), written directly rather than through
/// `JSONEncoder`.
///
/// Why: a bulk ingest writes a record, an event, a golden record and, for most records, an
/// explanation, and `JSONEncoder` (keyed containers, a dictionary per object, key sorting) cost
/// more than everything else of an ingest together (profiled in Docs/empi.md, "Persistent ingest").
/// The writer is `JSONWriter` (what `JSONEncoder` with `.sortedKeys` writes in substance); the
/// stored JSON decodes with the types' own `Decodable` conformances, and the tests check that every
/// written value decodes back to itself (so a field added to a type and not written here fails them).
package typealias IndexJSON = JSONWriter

// MARK: The stored types

extension IndexJSON {
    /// `record.data`: a ``PersonRecord`` as its `Codable` form.
    package static func record(_ record: PersonRecord) -> String {
        var json = IndexJSON(capacity: 512)
        json.object { o in
            o.strings("addressLines", record.addressLines)
            o.string("birthDate", record.birthDate)
            o.string("domain", record.domain)
            o.string("familyName", record.familyName)
            o.string("fullName", record.fullName)
            o.string("givenName", record.givenName)
            o.string("id", record.id)
            o.value("identifiers") { $0.identifiers(record.identifiers) }
            o.integer("line", record.line.map(Int64.init))
            o.string("locality", record.locality)
            o.string("phone", record.phone)
            o.string("postcode", record.postcode)
            o.string("regionCode", record.regionCode)
            o.string("sex", record.sex)
        }
        return json.text
    }

    mutating func identifiers(_ identifiers: [PatientIdentifier]) {
        array(identifiers) { json, identifier in
            json.object { o in
                o.string("domain", identifier.domain)
                o.string("kind", identifier.kind.rawValue)
                o.string("value", identifier.value)
            }
        }
    }

    /// `person.golden`: a ``GoldenRecord``.
    package static func golden(_ golden: GoldenRecord) -> String {
        var json = IndexJSON()
        json.object { o in
            o.strings("addressLines", golden.addressLines)
            o.string("birthDate", golden.birthDate)
            o.string("familyName", golden.familyName)
            o.string("fullName", golden.fullName)
            o.string("givenName", golden.givenName)
            o.value("identifiers") { $0.identifiers(golden.identifiers) }
            o.string("locality", golden.locality)
            o.string("phone", golden.phone)
            o.string("postcode", golden.postcode)
            o.string("regionCode", golden.regionCode)
            o.string("sex", golden.sex)
        }
        return json.text
    }

    /// An `Explanation` as the API and `JSONEncoder` give it: an object with sorted keys.
    package static func explanation(_ explanation: Explanation) throws -> String {
        try StoredExplanation(explanation).object()
    }

    /// `link.explanation` and `review.explanation` as the index stored them before layout `x3`
    /// (`StoredEvidence`): ``StoredExplanation/compact()``, layout `x2` (what older files hold).
    static func storedExplanation(_ explanation: Explanation) throws -> String {
        try StoredExplanation(explanation).compact()
    }

    /// A stored explanation as readers get it (``explanation(_:)``'s object): the compact form
    /// expanded, an object (a file written before the compact form) as it is.
    static func expandedExplanation(_ stored: String) throws -> String {
        guard stored.utf8.first == UInt8(ascii: "[") else { return stored }
        return try StoredExplanation(compact: stored).object()
    }
    /// `event.payload`: an object of ``JSONValue``s, keys sorted.
    package static func payload(_ payload: [String: JSONValue]) throws -> String {
        var json = IndexJSON()
        try json.value(.object(payload))
        return json.text
    }

    /// `review.candidates`.
    package static func candidates(_ candidates: [ReviewItem.Candidate]) throws -> String {
        var json = IndexJSON()
        try json.array(candidates) { json, candidate in
            try json.object { o in
                o.integer("person", candidate.person.rawValue)
                try o.number("probability", candidate.probability)
            }
        }
        return json.text
    }
}
