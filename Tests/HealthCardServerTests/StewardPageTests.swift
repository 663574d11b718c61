import EMPI
import EMPIIndex
import Foundation
import HealthCardFoundation
import PostgresNIO
import Testing
@testable import HealthCardServer

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The steward's pages over real HTTP: the session a key is exchanged for, the CSRF check on
/// every form, revocation ending sessions, and escaping of what the index holds. The click
/// through a review in a real browser is Tests/Browser/steward_review.py.
@Suite("steward pages")
struct StewardPageTests {
    /// A browser-like request: form body, cookie, Origin; no redirects followed; answer checked
    /// against the contract.
    static func send(
        _ live: LiveServer, _ method: String, _ template: String, path: String? = nil, form: [String: String]? = nil,
        cookie: String? = nil, origin: String? = nil
    ) async throws -> (status: Int, body: String, setCookie: String?) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(live.port)\(path ?? template)")!)
        request.httpMethod = method
        if let form {
            request.httpBody = Data(
                form.sorted { $0.key < $1.key }.map { key, value in
                    "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)"
                }.joined(separator: "&").utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        if let cookie { request.setValue("\(StewardSessions.cookieName)=\(cookie)", forHTTPHeaderField: "Cookie") }
        if let origin { request.setValue(origin, forHTTPHeaderField: "Origin") }
        let (data, response) = try await LiveServer.session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        try LiveServer.contract.check(
            method: method, path: template, status: http.statusCode,
            contentType: http.value(forHTTPHeaderField: "Content-Type"), body: data)
        return (http.statusCode, String(decoding: data, as: UTF8.self), http.value(forHTTPHeaderField: "Set-Cookie"))
    }

    /// Signs in with `key` on `live`; returns the session token and the CSRF token of the queue
    /// page, read from `reader` (another node) when given.
    static func signIn(_ live: LiveServer, _ key: APIKey, readingOn reader: LiveServer? = nil) async throws
        -> (token: String, csrf: String)
    {
        let login = try await send(live, "POST", "/steward/login", form: ["key": key.description])
        #expect(login.status == 303)
        let setCookie = try #require(login.setCookie)
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/steward"))
        let token = String(setCookie.split(separator: ";")[0].split(separator: "=")[1])
        let queue = try await send(reader ?? live, "GET", "/steward/reviews", cookie: token)
        #expect(queue.status == 200)
        let csrf = try #require(queue.body.firstMatch(of: /name="csrf" value="([0-9a-f]{64})"/)?.1)
        return (token, String(csrf))
    }

    @Test("a steward's key opens a session; other keys, no cookie, a forged cookie are refused with the sign-in form", arguments: Backend.all)
    func signIn(_ backend: Backend) async throws {
        let live = try await LiveServer.start(backend: backend)
        let steward = try await live.key("steward", [.steward])
        let registrar = try await live.key("registrar", [.registrar])
        for form in [["key": registrar.description], ["key": "hcs_nope"], [:]] {
            let refused = try await Self.send(live, "POST", "/steward/login", form: form)
            #expect(refused.status == 401 && refused.body.contains("id=\"login\"") && refused.setCookie == nil)
        }
        let anonymous = try await Self.send(live, "GET", "/steward/reviews")
        #expect(anonymous.status == 401 && anonymous.body.contains("id=\"login\""))
        let forged = try await Self.send(live, "GET", "/steward/reviews", cookie: String(repeating: "a", count: 64))
        #expect(forged.status == 401)
        let session = try await Self.signIn(live, steward)
        #expect(try await Self.send(live, "GET", "/steward/search", cookie: session.token).status == 200)
        // Login attempts are audited with the key's name (never the key).
        let entries = try await live.server.store.auditEntries(since: 0, limit: 1000)
        #expect(entries.filter { $0.route == "/steward/login" }.map(\.client) == ["registrar", "-", "-", "steward"])
        await live.stop()
    }

    @Test("a form without the session's CSRF token, or from another origin, changes nothing (403)", arguments: Backend.all)
    func csrf(_ backend: Backend) async throws {
        let live = try await LiveServer.start(backend: backend)
        let steward = try await live.key("steward", [.steward])
        let session = try await Self.signIn(live, steward)
        let path = "/steward/reviews/1/separate"
        let template = "/steward/reviews/{id}/separate"
        for (form, origin) in [
            ([:], nil), (["csrf": String(repeating: "0", count: 64)], nil),
            (["csrf": session.csrf], "http://evil.example"), (["csrf": session.csrf], "null"),
        ] as [([String: String], String?)] {
            let refused = try await Self.send(live, "POST", template, path: path, form: form, cookie: session.token, origin: origin)
            #expect(refused.status == 403, "\(form) \(origin ?? "-")")
            #expect(refused.body.contains("csrf"))
        }
        // With the token and this server's origin the request reaches the index (no review 1: 404).
        let accepted = try await Self.send(
            live, "POST", template, path: path, form: ["csrf": session.csrf], cookie: session.token,
            origin: "http://127.0.0.1:\(live.port)")
        #expect(accepted.status == 404)
        // Signing out ends the session.
        let out = try await Self.send(live, "POST", "/steward/logout", form: ["csrf": session.csrf], cookie: session.token)
        #expect(out.status == 303)
        #expect(try await Self.send(live, "GET", "/steward/reviews", cookie: session.token).status == 401)
        await live.stop()
    }

    @Test(
        "a session opened on one node works on the other, its CSRF token too; signing out on one ends it on both; only the token's hash is stored",
        arguments: Backend.all)
    func sessionsAcrossNodes(_ backend: Backend) async throws {
        let nodes = try await LiveServer.twoNodes(backend)
        let (a, b) = nodes
        let steward = try await a.key("steward", [.steward])
        // Signed in on A, the queue (and its CSRF token) read on B: no sticky sessions needed.
        let session = try await Self.signIn(a, steward, readingOn: b)
        #expect(try await Self.send(b, "GET", "/steward/search", cookie: session.token).status == 200)
        // B's form check knows A's session: with its CSRF token the request reaches the index (no review 1: 404).
        let path = "/steward/reviews/1/separate"
        let template = "/steward/reviews/{id}/separate"
        #expect(try await Self.send(b, "POST", template, path: path, form: ["csrf": session.csrf], cookie: session.token).status == 404)
        #expect(try await Self.send(b, "POST", template, path: path, form: [:], cookie: session.token).status == 403)
        if backend == .postgres, let database = a.server.postgres {
            let stored = try await database.rows("SELECT token_hash FROM steward_session").map { try $0.decode(String.self) }
            #expect(stored == [StewardSession.tokenHash(session.token)], "the hash, never the token")
        }
        // A second session of the same key, and sign-out of the first on B: the first ends on both, the second lives.
        let second = try await Self.signIn(b, steward, readingOn: a)
        let out = try await Self.send(b, "POST", "/steward/logout", form: ["csrf": session.csrf], cookie: session.token)
        #expect(out.status == 303)
        for node in [a, b] {
            #expect(try await Self.send(node, "GET", "/steward/reviews", cookie: session.token).status == 401)
            #expect(try await Self.send(node, "GET", "/steward/reviews", cookie: second.token).status == 200)
        }
        // Revoking the key (through either node's store) ends the other session on both.
        try await b.server.store.revokeKey(name: "steward")
        for node in [a, b] {
            #expect(try await Self.send(node, "GET", "/steward/reviews", cookie: second.token).status == 401)
        }
        await LiveServer.stop(nodes)
    }

    @Test("a session ends at its expiry on every node; expired sessions are dropped at the next sign-in", arguments: Backend.all)
    func sessionExpiry(_ backend: Backend) async throws {
        let nodes = try await LiveServer.twoNodes(backend)
        let (a, b) = nodes
        _ = try await a.key("steward", [.steward])
        let keyID = try #require(try await a.server.store.clients().first?.id)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let first = StewardSession(tokenHash: StewardSession.tokenHash("first"), keyID: keyID, csrf: "c1", expires: now + 60)
        try await a.server.store.openStewardSession(first, now: now)
        let seen = try await b.server.store.stewardSession(tokenHash: first.tokenHash, now: now + 59)
        #expect(seen?.keyID == keyID && seen?.csrf == "c1")
        #expect(try await b.server.store.stewardSession(tokenHash: first.tokenHash, now: now + 60) == nil)
        #expect(try await a.server.store.stewardSession(tokenHash: StewardSession.tokenHash("other"), now: now) == nil)
        let second = StewardSession(tokenHash: StewardSession.tokenHash("second"), keyID: keyID, csrf: "c2", expires: now + 3600)
        try await b.server.store.openStewardSession(second, now: now + 61)
        if backend == .postgres, let database = a.server.postgres {
            let stored = try await database.rows("SELECT token_hash FROM steward_session").map { try $0.decode(String.self) }
            #expect(stored == [second.tokenHash], "the expired session is gone")
        }
        #expect(try await a.server.store.stewardSession(tokenHash: second.tokenHash, now: now + 61)?.csrf == "c2")
        await LiveServer.stop(nodes)
    }

    @Test("revoking the key ends its sessions at once", arguments: Backend.all)
    func revocationEndsSessions(_ backend: Backend) async throws {
        let live = try await LiveServer.start(backend: backend)
        let steward = try await live.key("steward", [.steward])
        let session = try await Self.signIn(live, steward)
        try await live.server.store.revokeKey(name: "steward")
        #expect(try await Self.send(live, "GET", "/steward/reviews", cookie: session.token).status == 401)
        await live.stop()
    }

    @Test(
        "values from the index are escaped: a name with markup is shown as text (fed on the other node on PostgreSQL)",
        arguments: Backend.all)
    func escaping(_ backend: Backend) async throws {
        let nodes = try await LiveServer.twoNodes(backend)
        let (live, pages) = nodes
        let steward = try await live.key("steward", [.steward])
        let hospital = try await live.key("hospital", [.registrar])
        _ = try await live.call("POST", "/v1/empi/domains", key: steward, json: ["code": JSONValue.string("HOSP-A")])
        let fed = try await live.call(
            "POST", "/v1/empi/records", key: hospital,
            json: [
                "id": JSONValue.string("<b>1</b>"), "domain": .string("HOSP-A"),
                "fullName": .string("<script>alert('x')</script>"), "sex": .string("1"),
            ])
        let person = try #require(fed.json["person"]?.numberValue)
        let session = try await Self.signIn(pages, steward)
        let page = try await Self.send(
            pages, "GET", "/steward/persons/{id}", path: "/steward/persons/\(Int(person))", cookie: session.token)
        #expect(page.status == 200)
        #expect(!page.body.contains("<script>") && !page.body.contains("<b>1</b>"))
        #expect(page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") && page.body.contains("&lt;b&gt;1&lt;/b&gt;"))
        await LiveServer.stop(nodes)
    }
}

/// The buttons of the queue over HTTP with the key itself (no session, so no CSRF token needed):
/// "Merge" and "Keep apart" do to the index what they say. On PostgreSQL the pair is fed through
/// one node and the buttons are pressed on the other.
@Suite("steward review buttons")
struct StewardReviewButtonTests {
    /// 150 other people, then two records of one woman (a homophone given name, a new phone) that
    /// land in the review band, fed through `live`'s EMPI store; returns the review id, the
    /// candidate person and the record under review.
    static func reviewPair(_ live: LiveServer, suffix: String) async throws -> (Int64, EnterpriseID, RecordReference) {
        let index = live.server.empi
        for code in ["HOSP-A", "HOSP-B"] { try await index.registerDomain(IdentifierDomain(code: code)) }
        let family = Array("李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高")
        let given = Array("伟敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅")
        for n in 0..<150 {
            _ = try await index.feed(
                PersonRecord(
                    id: "Z-\(n)", domain: "HOSP-A",
                    fullName: String([family[n % family.count], given[(n * 7) % given.count], given[(n * 11 + 3) % given.count]]),
                    birthDate: "\(1940 + n % 70)-\(String(format: "%02d", 1 + n % 12))-\(String(format: "%02d", 1 + (n * 5) % 28))",
                    sex: n % 2 == 0 ? "1" : "2", phone: "139\(String(format: "%08d", n * 7919))"),
                actor: "test", now: nil)
        }
        let first = try await index.feed(
            PersonRecord(
                id: "A-\(suffix)", domain: "HOSP-A", fullName: "王晓芳", birthDate: "1990-07-0\(suffix)", sex: "2",
                phone: "1391234567\(suffix)"), actor: "test", now: nil)
        let reference = RecordReference(domain: "HOSP-B", id: "B-\(suffix)")
        let second = try await index.feed(
            PersonRecord(id: reference.id, domain: reference.domain, fullName: "王小芳", birthDate: "1990-07-0\(suffix)", sex: "2",
                phone: "1305550123\(suffix)"), actor: "test", now: nil)
        #expect(second.decision == .review, "\(second.decision)")
        return (try #require(second.reviewItem), try #require(first.person), reference)
    }

    @Test("Merge: the reviewed record's person is merged into the candidate and the review resolved as a link", arguments: Backend.all)
    func merge(_ backend: Backend) async throws {
        let nodes = try await LiveServer.twoNodes(backend)
        let (live, buttons) = nodes
        let index = buttons.server.empi
        let steward = try await live.key("steward", [.steward])
        let (review, candidate, record) = try await Self.reviewPair(live, suffix: "1")
        let waiting = try await index.personOf(record)
        #expect(waiting != candidate)
        let answer = try await buttons.call(
            "POST", "/steward/reviews/{id}/merge", parameters: ["id": "\(review)"], key: steward,
            body: Data("person=\(candidate)".utf8))
        #expect(answer.status == 303)
        #expect(try await index.personOf(record) == candidate)
        #expect(try await index.resolve(waiting) == candidate)  // the retired ID redirects
        #expect(try await live.server.empi.resolve(waiting) == candidate)
        #expect(try await index.reviews(all: false).isEmpty)
        #expect(try await index.reviews(all: true).first?.resolution == "link:\(candidate)")
        // A person that is not a candidate is refused.
        let (other, otherCandidate, otherRecord) = try await Self.reviewPair(live, suffix: "2")
        let refused = try await buttons.call(
            "POST", "/steward/reviews/{id}/merge", parameters: ["id": "\(other)"], key: steward,
            body: Data("person=999".utf8))
        #expect(refused.status == 409)
        // Merge and resolution are one transaction: a review resolved meanwhile merges nothing.
        let separated = try await index.personOf(otherRecord)
        _ = try await live.server.empi.resolveReview(other, .separate, actor: "test", now: nil)
        let late = try await buttons.call(
            "POST", "/steward/reviews/{id}/merge", parameters: ["id": "\(other)"], key: steward,
            body: Data("person=\(otherCandidate)".utf8))
        #expect(late.status == 409)
        #expect(try await index.personOf(otherRecord) == separated)
        #expect(try await index.resolve(separated) == separated, "the merge stood without its resolution")
        await LiveServer.stop(nodes)
    }

    @Test("Keep apart: the review is resolved as separate and the record stays in its own person", arguments: Backend.all)
    func separate(_ backend: Backend) async throws {
        let nodes = try await LiveServer.twoNodes(backend)
        let (live, buttons) = nodes
        let steward = try await live.key("steward", [.steward])
        let (review, candidate, record) = try await Self.reviewPair(live, suffix: "1")
        let answer = try await buttons.call(
            "POST", "/steward/reviews/{id}/separate", parameters: ["id": "\(review)"], key: steward, body: Data())
        #expect(answer.status == 303)
        #expect(try await buttons.server.empi.personOf(record) != candidate)
        #expect(try await buttons.server.empi.reviews(all: true).first?.resolution == "separate")
        await LiveServer.stop(nodes)
    }

    @Test(
        "the queue and the person page on the other node: both records side by side, identifiers in every domain, the history",
        arguments: Backend.all)
    func queueAndPersonPage(_ backend: Backend) async throws {
        let nodes = try await LiveServer.twoNodes(backend)
        let (live, pages) = nodes
        let steward = try await live.key("steward", [.steward])
        let (review, candidate, record) = try await Self.reviewPair(live, suffix: "1")
        // Signed in on the node that was fed; the pages and the button used on the other.
        let session = try await StewardPageTests.signIn(live, steward, readingOn: pages)
        let queue = try await StewardPageTests.send(pages, "GET", "/steward/reviews", cookie: session.token)
        #expect(queue.status == 200)
        #expect(queue.body.contains("id=\"review-\(review)\"") && queue.body.contains("HOSP-A:A-1") && queue.body.contains("HOSP-B:B-1"))
        #expect(queue.body.contains("data-person=\"\(candidate)\""))
        let linked = try await StewardPageTests.send(
            pages, "POST", "/steward/reviews/{id}/link", path: "/steward/reviews/\(review)/link",
            form: ["csrf": session.csrf, "person": "\(candidate)"], cookie: session.token)
        #expect(linked.status == 303)
        #expect(try await live.server.empi.personOf(record) == candidate)
        let person = try await StewardPageTests.send(
            pages, "GET", "/steward/persons/{id}", path: "/steward/persons/\(candidate)", cookie: session.token)
        #expect(person.status == 200)
        #expect(person.body.contains("A-1") && person.body.contains("B-1"))
        #expect(person.body.contains("api:steward"), "the history shows the steward's link")
        let search = try await StewardPageTests.send(
            pages, "GET", "/steward/search", path: "/steward/search?name=%E7%8E%8B%E6%99%93%E8%8A%B3", cookie: session.token)
        #expect(search.status == 200 && search.body.contains("/steward/persons/\(candidate)"))
        await LiveServer.stop(nodes)
    }
}
