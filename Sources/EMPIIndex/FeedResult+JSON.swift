import EMPI
import HealthCardFoundation

/// A ``FeedResult`` as JSON, written directly: what `JSONEncoder` with `.sortedKeys` and
/// `.withoutEscapingSlashes` writes for it, byte for byte (a test compares them).
///
/// Why: the server answers every feed with its result, and encoding it with `JSONEncoder` (an
/// explanation of a dozen fields per candidate match) was about a tenth of a feed's CPU on a
/// server node (Docs/serve.md, "feeds at a million persons").
extension FeedResult {
    package func json() throws -> JSONWriter {
        var json = IndexJSON(capacity: 2_048)
        try json.object { o in
            try o.value("candidates") { json in
                try json.array(candidates) { json, candidate in
                    try json.object { o in
                        o.string("decision", candidate.decision.rawValue)
                        o.integer("person", candidate.person.rawValue)
                        try o.number("probability", candidate.probability)
                        o.value("record") { $0.reference(candidate.record) }
                    }
                }
            }
            o.string("decision", decision.rawValue)
            if let explanation {
                try o.value("explanation") { $0.raw(try IndexJSON.explanation(explanation)) }
            }
            o.value("issues") { json in
                json.array(issues) { json, issue in
                    json.object { o in
                        o.string("field", issue.field)
                        o.string("kind", issue.kind.rawValue)
                        o.integer("line", issue.line.map(Int64.init))
                        o.string("message", issue.message)
                        o.string("recordID", issue.recordID)
                    }
                }
            }
            o.integer("person", person?.rawValue)
            o.string("provenance", provenance?.rawValue)
            o.value("record") { $0.reference(record) }
            o.integer("reviewItem", reviewItem)
        }
        return json
    }
}

extension IndexJSON {
    mutating func reference(_ reference: RecordReference) {
        object { o in
            o.string("domain", reference.domain)
            o.string("id", reference.id)
        }
    }
}
