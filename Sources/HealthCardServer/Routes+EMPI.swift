import EMPI
import EMPIIndex
import Foundation
import Hummingbird

/// `POST /v1/empi/domains` body: an identifier domain; only `code` is required.
struct DomainBody: Decodable {
    var code: String
    var name: String?
    var oid: String?
    var type: IdentifierDomain.DomainType?
    var uniqueness: IdentifierDomain.Uniqueness?
    var issuer: String?
    var trust: Int?

    var domain: IdentifierDomain {
        IdentifierDomain(
            code: code, name: name, oid: oid, type: type ?? .other, uniqueness: uniqueness ?? .unique, issuer: issuer,
            trust: trust ?? 0)
    }
}

/// `POST /v1/empi/records` body: one source record (ITI-8 role); `id` and `domain` are required.
struct RecordBody: Decodable {
    struct Identifier: Decodable {
        var domain: String
        var value: String
        var kind: PatientIdentifier.Kind?
    }
    var id: String
    var domain: String
    var fullName: String?
    var familyName: String?
    var givenName: String?
    var birthDate: String?
    var sex: String?
    var identifiers: [Identifier]?
    var phone: String?
    var addressLines: [String]?
    var locality: String?
    var postcode: String?
    var regionCode: String?

    var record: PersonRecord {
        PersonRecord(
            id: id, domain: domain, fullName: fullName, familyName: familyName, givenName: givenName,
            birthDate: birthDate, sex: sex,
            identifiers: (identifiers ?? []).map { PatientIdentifier(domain: $0.domain, value: $0.value, kind: $0.kind ?? .other) },
            phone: phone, addressLines: addressLines ?? [], locality: locality, postcode: postcode, regionCode: regionCode)
    }
}

struct LinkBody: Decodable {
    var record: RecordReference
    var person: EnterpriseID
}

struct UnlinkBody: Decodable {
    var record: RecordReference
}

struct MergeBody: Decodable {
    var subsumed: EnterpriseID
    var survivor: EnterpriseID
}

struct UnmergeBody: Decodable {
    var subsumed: EnterpriseID
}

/// `POST /v1/empi/reviews/{id}/resolve`: exactly one of `link` (a person) or `separate: true`.
struct ResolveBody: Decodable {
    var link: EnterpriseID?
    var separate: Bool?

    var resolution: ReviewItem.Resolution {
        get throws {
            switch (link, separate) {
            case (let person?, nil), (let person?, false?): return .link(person)
            case (nil, true?): return .separate
            default: throw APIProblem.badRequest("give exactly one of \"link\": PERSON or \"separate\": true")
            }
        }
    }
}

struct EventsPage: Encodable {
    var events: [IndexEvent]
    /// The sequence to pass as `since` for the next page (the last event's, or `since` if none).
    var next: Int64
}

/// The EMPI/PIX service (empi.md §2.2): feed, cross-reference, persons, stewardship, events.
extension HealthCardServer {
    /// The actor written into the index's links and events: the API key's name.
    static func actor(_ client: Client?) -> String { "api:\(client?.name ?? "-")" }

    var empiEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/empi/domains", roles: [.registrar, .steward, .auditor]) { _, _, _ in
                JSONResponse.make(try await self.empi.domains())
            },
            Endpoint(.post, "/v1/empi/domains", roles: [.steward], audit: .write) { request, _, _ in
                let domain = try await RequestDecoding.body(DomainBody.self, request).domain
                try await self.empi.registerDomain(domain)
                return JSONResponse.make(domain)
            },
            Endpoint(.post, "/v1/empi/records", roles: [.registrar], audit: .write) { request, _, client in
                let record = try await RequestDecoding.body(RecordBody.self, request).record
                return JSONResponse.make(written: try await self.empi.feed(record, actor: Self.actor(client), now: nil).json())
            },
            Endpoint(.get, "/v1/empi/pix", roles: [.registrar, .steward], audit: .lookup) { request, _, _ in
                let targets = RequestDecoding.string(request, "targets").map {
                    $0.split(separator: ",").map(String.init)
                }
                return JSONResponse.make(
                    try await self.empi.crossReference(
                        domain: try RequestDecoding.required(request, "domain"),
                        value: try RequestDecoding.required(request, "value"), targetDomains: targets))
            },
            Endpoint(.get, "/v1/empi/persons/{id}", roles: [.registrar, .steward], audit: .lookup) { _, context, _ in
                let text = try RequestDecoding.path(context, "id")
                guard let id = Int64(text), id > 0 else {
                    throw APIProblem.badRequest("person id \"\(text)\" must be a positive whole number")
                }
                return JSONResponse.make(try await self.empi.person(EnterpriseID(id)))
            },
            Endpoint(.get, "/v1/empi/events", roles: [.registrar, .steward, .auditor], audit: .lookup) { request, _, _ in
                let since = Int64(try RequestDecoding.integer(request, "since", default: 0, in: 0...Int.max))
                let limit = try RequestDecoding.integer(request, "limit", default: 100, in: 1...1000)
                let events = try await self.empi.events(since: since, limit: limit)
                return JSONResponse.make(EventsPage(events: events, next: events.last?.sequence ?? since))
            },
            Endpoint(.get, "/v1/empi/reviews", roles: [.steward], audit: .lookup) { request, _, _ in
                let all = try RequestDecoding.string(request, "status").map { status -> Bool in
                    guard ["open", "all"].contains(status) else {
                        throw APIProblem.badRequest("status must be open or all")
                    }
                    return status == "all"
                } ?? false
                return JSONResponse.make(try await self.empi.reviews(all: all))
            },
            Endpoint(.post, "/v1/empi/reviews/{id}/resolve", roles: [.steward], audit: .write) { request, context, client in
                let text = try RequestDecoding.path(context, "id")
                guard let id = Int64(text) else { throw APIProblem.badRequest("review id \"\(text)\" is not a number") }
                let resolution = try await RequestDecoding.body(ResolveBody.self, request).resolution
                return JSONResponse.make(try await self.empi.resolveReview(id, resolution, actor: Self.actor(client), now: nil))
            },
            Endpoint(.post, "/v1/empi/links", roles: [.steward], audit: .write) { request, _, client in
                let body = try await RequestDecoding.body(LinkBody.self, request)
                return JSONResponse.make(try await self.empi.link(body.record, to: body.person, actor: Self.actor(client), now: nil))
            },
            Endpoint(.post, "/v1/empi/unlinks", roles: [.steward], audit: .write) { request, _, client in
                let body = try await RequestDecoding.body(UnlinkBody.self, request)
                return JSONResponse.make(try await self.empi.unlink(body.record, actor: Self.actor(client), now: nil))
            },
            Endpoint(.post, "/v1/empi/merges", roles: [.steward], audit: .write) { request, _, client in
                let body = try await RequestDecoding.body(MergeBody.self, request)
                return JSONResponse.make(
                    try await self.empi.merge(body.subsumed, into: body.survivor, actor: Self.actor(client), now: nil))
            },
            Endpoint(.post, "/v1/empi/unmerges", roles: [.steward], audit: .write) { request, _, client in
                let body = try await RequestDecoding.body(UnmergeBody.self, request)
                return JSONResponse.make(try await self.empi.unmerge(body.subsumed, actor: Self.actor(client), now: nil))
            },
        ]
    }

    var auditEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/audit", roles: [.auditor]) { request, _, _ in
                let since = Int64(try RequestDecoding.integer(request, "since", default: 0, in: 0...Int.max))
                let limit = try RequestDecoding.integer(request, "limit", default: 100, in: 1...1000)
                return JSONResponse.make(try await self.store.auditEntries(since: since, limit: limit))
            }
        ]
    }
}
