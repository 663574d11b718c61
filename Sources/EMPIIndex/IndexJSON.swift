import EMPI
import HealthCardFoundation

/// The JSON the index stores in its text columns (`record.data`, `link.explanation`,
/// `person.golden`, `event.payload`, `review.candidates`), written directly rather than through
/// `JSONEncoder`.
///
/// Why: a bulk ingest writes a record, an event, a golden record and, for most records, an
/// explanation, and `JSONEncoder` (keyed containers, a dictionary per object, key sorting) cost
/// more than everything else of an ingest together (profiled in Docs/empi.md, "Persistent ingest").
/// The output is what `JSONEncoder` with `.sortedKeys` writes in substance: compact, keys sorted,
/// absent optionals omitted, strings escaped per RFC 8259 §7, numbers in Swift's shortest
/// round-trip form; it decodes with the types' own `Decodable` conformances, and the tests check
/// that every written value decodes back to itself (so a field added to a type and not written
/// here fails them).
package struct IndexJSON {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Scalars

    mutating func string(_ value: String) { JSONStringLiteral.append(value, to: &bytes) }

    /// A finite number (JSON has no NaN or infinity: those are an error, as with `JSONEncoder`).
    mutating func number(_ value: Double) throws {
        guard value.isFinite else { throw HealthCardError.invalidValue("\(value) cannot be written as JSON") }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            raw(String(Int64(value)))
        } else {
            raw(value.description)
        }
    }

    /// A string, or `null` when absent.
    mutating func optional(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    mutating func integer(_ value: some BinaryInteger) { raw(String(value)) }

    mutating func bool(_ value: Bool) { raw(value ? "true" : "false") }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    // MARK: Containers

    /// An object; `body` writes its members with ``Members``, in sorted key order.
    mutating func object(_ body: (inout Members) throws -> Void) rethrows {
        var members = Members(json: self)
        self = IndexJSON()
        members.json.bytes.append(UInt8(ascii: "{"))
        try body(&members)
        members.json.bytes.append(UInt8(ascii: "}"))
        self = members.json
    }

    mutating func array<Element>(_ elements: [Element], _ write: (inout IndexJSON, Element) throws -> Void) rethrows {
        bytes.append(UInt8(ascii: "["))
        for (position, element) in elements.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            try write(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// The members of an object being written; the caller keeps the keys sorted.
    struct Members {
        var json: IndexJSON
        var count = 0

        mutating func key(_ name: StaticString) {
            if count > 0 { json.bytes.append(UInt8(ascii: ",")) }
            count += 1
            json.bytes.append(UInt8(ascii: "\""))
            json.bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            json.bytes += [UInt8(ascii: "\""), UInt8(ascii: ":")]
        }

        mutating func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            json.string(value)
        }

        mutating func number(_ name: StaticString, _ value: Double?) throws {
            guard let value else { return }
            key(name)
            try json.number(value)
        }

        mutating func integer(_ name: StaticString, _ value: Int64?) {
            guard let value else { return }
            key(name)
            json.integer(value)
        }

        mutating func bool(_ name: StaticString, _ value: Bool) {
            key(name)
            json.bool(value)
        }

        mutating func strings(_ name: StaticString, _ values: [String]) {
            key(name)
            json.array(values) { $0.string($1) }
        }

        mutating func value(_ name: StaticString, _ write: (inout IndexJSON) throws -> Void) rethrows {
            key(name)
            try write(&json)
        }
    }
}

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

    mutating func value(_ value: JSONValue) throws {
        switch value {
        case .null: raw("null")
        case .bool(let flag): bool(flag)
        case .number(let number): try self.number(number)
        case .string(let text): string(text)
        case .array(let elements): try array(elements) { try $0.value($1) }
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (position, key) in members.keys.sorted().enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                string(key)
                bytes.append(UInt8(ascii: ":"))
                try self.value(members[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
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
