import EMPI
import EMPIIndex
import Foundation
import HealthCardFoundation
import Hummingbird

/// The data steward's web pages (issue 16 item 6, Docs/serve.md §7): the review queue with each
/// pair side by side, its match explanation and the buttons to link, keep apart or merge; a
/// person page with their identifiers in every domain, records and history; a PDQ search form.
/// Every page calls the same EMPI store (``EMPIStore``: SQLite or PostgreSQL) as the JSON API, under the same role
/// (`steward`), audit and error rules; only the answer is HTML.
extension HealthCardServer {
    var stewardEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/steward/login", roles: [], page: true) { request, _, _ in
                HTML.response(StewardPage.login(message: nil))
            },
            Endpoint(.post, "/steward/login", roles: [], page: true) { request, _, _ in
                try await self.login(request)
            },
            Endpoint(.post, "/steward/logout", roles: [.steward], page: true) { request, _, _ in
                _ = try await self.stewardForm(request)
                try await self.stewardSessions.close(request)
                var response = HTML.redirect("/steward/login")
                response.setCookie(StewardSessions.cookie(nil))
                return response
            },
            Endpoint(.get, "/steward/reviews", roles: [.steward], audit: .lookup, page: true) { request, _, client in
                let items = try await self.empi.reviews(all: false)
                var reviews: [StewardPage.Review] = []
                for item in items.prefix(StewardPage.reviewsPerPage) { reviews.append(try await self.reviewView(item)) }
                return HTML.response(
                    StewardPage.reviewQueue(
                        reviews, open: items.count, csrf: try await self.stewardSessions.session(request)?.csrf ?? "",
                        signedInAs: client?.name ?? "-"))
            },
            Endpoint(.post, "/steward/reviews/{id}/link", roles: [.steward], audit: .write, page: true) {
                request, context, client in
                let id = try Self.reviewID(context)
                let person = try Self.personField(try await self.stewardForm(request))
                _ = try await self.empi.resolveReview(id, .link(person), actor: Self.actor(client), now: nil)
                return HTML.redirect("/steward/reviews")
            },
            Endpoint(.post, "/steward/reviews/{id}/separate", roles: [.steward], audit: .write, page: true) {
                request, context, client in
                let id = try Self.reviewID(context)
                _ = try await self.stewardForm(request)
                _ = try await self.empi.resolveReview(id, .separate, actor: Self.actor(client), now: nil)
                return HTML.redirect("/steward/reviews")
            },
            Endpoint(.post, "/steward/reviews/{id}/merge", roles: [.steward], audit: .write, page: true) {
                request, context, client in
                let id = try Self.reviewID(context)
                let survivor = try Self.personField(try await self.stewardForm(request))
                _ = try await self.empi.mergeReview(id, into: survivor, actor: Self.actor(client), now: nil)
                return HTML.redirect("/steward/reviews")
            },
            Endpoint(.get, "/steward/persons/{id}", roles: [.steward], audit: .lookup, page: true) {
                _, context, client in
                let text = try RequestDecoding.path(context, "id")
                guard let raw = Int64(text), raw > 0 else {
                    throw APIProblem.badRequest("person id \"\(text)\" must be a positive whole number")
                }
                let summary = try await self.empi.person(EnterpriseID(raw))
                return HTML.response(
                    StewardPage.person(
                        summary, asked: EnterpriseID(raw), identifiers: try await self.identifiersByDomain(summary),
                        history: try await self.empi.history(of: summary.person, limit: 1000), signedInAs: client?.name ?? "-"))
            },
            Endpoint(.get, "/steward/search", roles: [.steward], audit: .lookup, page: true) { request, _, client in
                let asked = ["name", "birthDate", "sex", "identifier"].contains {
                    !(RequestDecoding.string(request, $0) ?? "").isEmpty
                }
                var page: DemographicsPage?
                if asked {
                    page = try await self.empi.demographics(try Self.demographicsQuery(request))
                }
                return HTML.response(StewardPage.search(request: request, page: page, signedInAs: client?.name ?? "-"))
            },
        ]
    }

    // MARK: Authentication

    /// The client of a request: by its API key when it presents one (any endpoint), else by the
    /// steward session cookie (pages only). `nil` when neither authenticates.
    func authenticate(_ request: Request, _ endpoint: Endpoint) async throws -> Client? {
        if let presented = Self.presentedKey(request) { return try await store.authenticate(presented) }
        guard endpoint.isPage, let session = try await stewardSessions.session(request) else { return nil }
        // Re-checked each time: a revoked key or a removed role ends the session.
        return try await store.clients().first { $0.id == session.keyID && $0.revoked == nil }
    }

    /// `POST /steward/login`: a steward's API key for a session cookie. The attempt is audited
    /// with the key's name (or `-`) and its outcome; the key itself is never logged or stored.
    func login(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        var client: Client?
        if let key = form["key"] { client = try await store.authenticate(key.trimmingCharacters(in: .whitespaces)) }
        guard let client, client.roles.contains(.steward) else {
            try await store.audit(client: client?.name ?? "-", method: "POST", route: "/steward/login", status: 401)
            return HTML.response(
                StewardPage.login(message: "That key is not an active key with the steward role."),
                status: .unauthorized)
        }
        try await store.audit(client: client.name, method: "POST", route: "/steward/login", status: 303)
        let session = try await stewardSessions.open(for: client)
        var response = HTML.redirect("/steward/reviews")
        response.setCookie(StewardSessions.cookie(session.token))
        return response
    }

    /// The form of a POST that changes something, with its CSRF check: a request signed in by the
    /// session cookie must carry the session's `csrf` field and, when the browser sends `Origin`,
    /// come from this server. A request that presents the API key itself needs neither.
    func stewardForm(_ request: Request) async throws -> [String: String] {
        let form = try await Self.form(request)
        guard Self.presentedKey(request) == nil else { return form }
        guard let session = try await stewardSessions.session(request),
            let token = form["csrf"], APIKey.constantTimeEqual(Array(token.utf8), Array(session.csrf.utf8))
        else {
            throw APIProblem(status: 403, error: "csrf", message: "the form is stale or not from this site; reload the page")
        }
        if let origin = request.headers[.origin], let host = request.head.authority,
            origin != "http://\(host)" && origin != "https://\(host)"
        {
            throw APIProblem(status: 403, error: "csrf", message: "the form was sent from another site (\(origin))")
        }
        return form
    }

    /// An `application/x-www-form-urlencoded` body (at most 64 KiB), `+` as space; repeated
    /// names keep the last value.
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 64 << 10)
        let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), let value = parts.count == 2 ? decode(parts[1]) : "" else {
                throw APIProblem.badRequest("the form does not decode (bad percent-encoding)")
            }
            fields[name] = value
        }
        return fields
    }

    static func reviewID(_ context: BasicRequestContext) throws -> Int64 {
        let text = try RequestDecoding.path(context, "id")
        guard let id = Int64(text) else { throw APIProblem.badRequest("review id \"\(text)\" is not a number") }
        return id
    }

    static func personField(_ form: [String: String]) throws -> EnterpriseID {
        guard let text = form["person"], let id = Int64(text), id > 0 else {
            throw APIProblem.badRequest("the form needs a person (a positive whole number)")
        }
        return EnterpriseID(id)
    }

    // MARK: What the pages show

    /// What the queue shows of one review item: the record, each candidate, the explanation.
    func reviewView(_ item: ReviewItem) async throws -> StewardPage.Review {
        let explanation = item.explanation.flatMap { try? JSONDecoder().decode(Explanation.self, from: Data($0.utf8)) }
        let compared = explanation.flatMap { RecordReference($0.recordB) }
        var candidates: [StewardPage.Review.Candidate] = []
        for candidate in item.candidates {
            let live = (try? await empi.resolve(candidate.person)) ?? candidate.person
            let summary = try? await empi.person(live)
            var record: PersonRecord?
            if let compared, summary?.links.contains(where: { $0.record == compared }) == true {
                record = try? await empi.record(compared)
            }
            candidates.append(
                .init(person: live, probability: candidate.probability, golden: summary?.golden, record: record,
                      reference: record == nil ? nil : compared))
        }
        return StewardPage.Review(
            item: item, current: try await empi.personOf(item.record), record: try await empi.record(item.record),
            candidates: candidates, explanation: explanation)
    }

    /// The person's identifiers grouped by every registered domain (empty where they hold none):
    /// each linked record's own ID in its source domain, and every identifier its records carry.
    func identifiersByDomain(_ summary: PersonSummary) async throws -> [(IdentifierDomain, [String])] {
        var values: [String: Set<String>] = [:]
        for link in summary.links { values[link.record.domain, default: []].insert(link.record.id) }
        for identifier in summary.golden.identifiers { values[identifier.domain, default: []].insert(identifier.value) }
        return try await empi.domains().map { ($0, (values[$0.code] ?? []).sorted()) }
    }

    /// An error as a page: a 401 shows the sign-in form, anything else the message.
    func stewardProblemPage(_ problem: APIProblem, _ request: Request) -> Response {
        if problem.status == 401 {
            return HTML.response(StewardPage.login(message: "Sign in with a steward's API key."), status: .unauthorized)
        }
        return HTML.response(StewardPage.problem(problem), status: HTTPResponse.Status(code: problem.status))
    }
}
