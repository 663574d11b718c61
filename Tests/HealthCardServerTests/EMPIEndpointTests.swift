import Foundation
import HealthCardFoundation
import Testing
@testable import HealthCardServer

/// The EMPI/PIX service over HTTP: a registrar feeds, queries PIX and reads persons; a steward
/// registers domains, links, merges and unmerges; a subscriber follows the events by cursor; the
/// auditor sees every write and lookup with its client and outcome, and no identifier value.
@Suite("EMPI over HTTP")
struct EMPIEndpointTests {
    static let citizenID = "110105198503120012"

    static func record(_ id: String, domain: String, name: String, citizenID: String = citizenID) -> [String: JSONValue] {
        [
            "id": .string(id), "domain": .string(domain), "fullName": .string(name), "birthDate": .string("1985-03-12"),
            "sex": .string("1"),
            "identifiers": .array([
                .object(["domain": .string("citizen-id"), "value": .string(citizenID), "kind": .string("citizenID")])
            ]),
        ]
    }

    /// A valid citizen ID of a man born 1985-03-12 in 110105, with the odd `sequence`.
    static func citizenID(sequence: Int) -> String {
        let body = "11010519850312" + String(format: "%03d", sequence)
        return body + String(CitizenID.checkCharacter(forBody: body)!)
    }

    @Test("feed two hospitals' records of one person, cross-reference, read the person, follow the events", arguments: Backend.all)
    func feedQueryFollow(_ backend: Backend) async throws {
        let live = try await LiveServer.start(backend: backend)
        let steward = try await live.key("steward", [.steward])
        let hospital = try await live.key("hospital-a", [.registrar])
        let auditor = try await live.key("auditor", [.auditor])
        for domain: [String: JSONValue] in [
            ["code": .string("citizen-id"), "type": .string("citizen-id")], ["code": .string("HOSP-A")],
            ["code": .string("HOSP-B")],
        ] {
            #expect(try await live.call("POST", "/v1/empi/domains", key: steward, json: domain).status == 200)
        }
        let first = try await live.call(
            "POST", "/v1/empi/records", key: hospital, json: Self.record("A-1", domain: "HOSP-A", name: "李明"))
        #expect(first.status == 200)
        #expect(first.json["decision"] == .string("new-person"))
        let second = try await live.call(
            "POST", "/v1/empi/records", key: hospital, json: Self.record("B-7", domain: "HOSP-B", name: "李明"))
        #expect(second.json["decision"] == .string("linked"), "\(second.json)")
        #expect(second.json["person"] == first.json["person"])

        let pix = try await live.call(
            "GET", "/v1/empi/pix", query: ["domain": "HOSP-A", "value": "A-1", "targets": "HOSP-B"], key: hospital)
        #expect(pix.status == 200)
        #expect(pix.json["identifiers"] == .array([.object(["domain": .string("HOSP-B"), "value": .string("B-7")])]))
        let unknown = try await live.call("GET", "/v1/empi/pix", query: ["domain": "HOSP-A", "value": "nobody"], key: hospital)
        #expect(unknown.status == 404)
        #expect(unknown.json["error"] == .string("unknownIdentifier"))
        let badDomain = try await live.call("GET", "/v1/empi/pix", query: ["domain": "NOPE", "value": "x"], key: hospital)
        #expect(badDomain.status == 400)

        let person = try #require(first.json["person"]?.numberValue)
        let summary = try await live.call("GET", "/v1/empi/persons/{id}", parameters: ["id": "\(Int(person))"], key: hospital)
        #expect(summary.json["links"]?.arrayValue?.count == 2)
        #expect(try await live.call("GET", "/v1/empi/persons/{id}", parameters: ["id": "999"], key: hospital).status == 404)
        #expect(try await live.call("GET", "/v1/empi/persons/{id}", parameters: ["id": "x"], key: hospital).status == 400)

        // Events by cursor, one page at a time, with the register actor being the key's name.
        let page1 = try await live.call("GET", "/v1/empi/events", query: ["limit": "1"], key: auditor)
        #expect(page1.json["events"]?.arrayValue?.count == 1)
        #expect(page1.json["events"]?.arrayValue?.first?["actor"] == .string("api:hospital-a"))
        let next = try #require(page1.json["next"]?.numberValue)
        let page2 = try await live.call("GET", "/v1/empi/events", query: ["since": "\(Int(next))"], key: auditor)
        #expect(page2.json["events"]?.arrayValue?.first?["sequence"]?.numberValue == next + 1)
        #expect(try await live.call("GET", "/v1/empi/events", query: ["limit": "0"], key: auditor).status == 400)

        // The audit log: writes and lookups with client and outcome, no identifier value, no key.
        let audit = try await live.call("GET", "/v1/audit", key: auditor)
        let entries = try #require(audit.json.arrayValue)
        #expect(entries.contains { $0["route"] == .string("/v1/empi/records") && $0["client"] == .string("hospital-a") && $0["outcome"] == .string("ok") })
        #expect(entries.contains { $0["route"] == .string("/v1/empi/pix") && $0["status"] == .number(404) && $0["outcome"] == .string("rejected") })
        let text = String(decoding: audit.body, as: UTF8.self)
        #expect(!text.contains(Self.citizenID) && !text.contains("A-1") && !text.contains("hcs_"))
        await live.stop()
    }

    @Test(
        "every feed has exactly one audit line, with the status its client got: written ones (on PostgreSQL in the batch's transaction), re-fed, refused, unauthenticated",
        arguments: Backend.all)
    func feedAuditLines(_ backend: Backend) async throws {
        let live = try await LiveServer.start(backend: backend)
        let steward = try await live.key("steward", [.steward])
        let auditor = try await live.key("auditor", [.auditor])
        let hospitals = [try await live.key("hospital-a", [.registrar]), try await live.key("hospital-b", [.registrar])]
        for code in ["citizen-id", "HOSP-A"] {
            let type: JSONValue = code == "citizen-id" ? .string("citizen-id") : .string("other")
            _ = try await live.call("POST", "/v1/empi/domains", key: steward, json: ["code": JSONValue.string(code), "type": type])
        }
        let before = try await live.server.store.auditEntries(since: 0, limit: 1000).count
        // 24 feeds at once, so that PostgreSQL writes them in batches of several.
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for number in 0..<24 {
                let record = Self.record(
                    "A-\(number)", domain: "HOSP-A", name: "李明\(number)",
                    citizenID: Self.citizenID(sequence: 2 * number + 1))
                group.addTask { try await live.call("POST", "/v1/empi/records", key: hospitals[number % 2], json: record).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 24))
        let refed = try await live.call(
            "POST", "/v1/empi/records", key: hospitals[0],
            json: Self.record("A-0", domain: "HOSP-A", name: "李明", citizenID: Self.citizenID(sequence: 1)))
        #expect(refed.status == 200)
        let refused = try await live.call("POST", "/v1/empi/records", key: hospitals[1], json: Self.record("X-1", domain: "NOPE", name: "李明"))
        #expect(refused.status == 400, "\(refused.json)")
        #expect(try await live.call("POST", "/v1/empi/records", json: Self.record("A-99", domain: "HOSP-A", name: "李明")).status == 401)

        let lines = try await live.server.store.auditEntries(since: 0, limit: 1000).dropFirst(before)
        let feeds = lines.filter { $0.route == "/v1/empi/records" }
        #expect(feeds.count == 27, "one line per call")
        #expect(feeds.filter { $0.status == 200 && $0.outcome == "ok" }.count == 25)
        #expect(feeds.filter { $0.client == "hospital-a" && $0.status == 200 }.count == 13)
        #expect(feeds.filter { $0.client == "hospital-b" && $0.status == 200 }.count == 12)
        #expect(feeds.contains { $0.client == "hospital-b" && $0.status == 400 && $0.outcome == "rejected" })
        #expect(feeds.contains { $0.client == "-" && $0.status == 401 && $0.outcome == "refused" })
        #expect(feeds.allSatisfy { $0.method == "POST" && !$0.time.isEmpty })
        _ = auditor
        await live.stop()
    }

    @Test(
        "stewardship: unlink, link back, merge, unmerge; reviews; errors are 404/409 with the library's reason; two nodes on PostgreSQL",
        arguments: Backend.all)
    func stewardship(_ backend: Backend) async throws {
        let live = try await LiveServer.start(backend: backend)
        // On PostgreSQL a second node of the same database takes every other call.
        let other = backend == .postgres ? try await LiveServer.start(backend: .postgres, url: live.server.configuration.postgres) : live
        let steward = try await live.key("steward", [.steward])
        let hospital = try await live.key("hospital", [.registrar])
        for code in ["citizen-id", "HOSP-A", "HOSP-B"] {
            let type: JSONValue = code == "citizen-id" ? .string("citizen-id") : .string("other")
            _ = try await live.call("POST", "/v1/empi/domains", key: steward, json: ["code": JSONValue.string(code), "type": type])
        }
        let a = try await live.call("POST", "/v1/empi/records", key: hospital, json: Self.record("A-1", domain: "HOSP-A", name: "李明"))
        let b = try await live.call(
            "POST", "/v1/empi/records", key: hospital,
            json: Self.record("B-1", domain: "HOSP-B", name: "王芳", citizenID: "31011519900701002X"))
        let personA = try #require(a.json["person"]?.numberValue)
        let personB = try #require(b.json["person"]?.numberValue)
        #expect(personA != personB)

        // Two stewards merge the pair at the same moment, in opposite directions, on the two
        // nodes: one merge is done, the other is refused (they are one person by then).
        async let forward = live.call(
            "POST", "/v1/empi/merges", key: steward,
            json: ["subsumed": JSONValue.number(personB), "survivor": JSONValue.number(personA)])
        async let backward = other.call(
            "POST", "/v1/empi/merges", key: steward,
            json: ["subsumed": JSONValue.number(personA), "survivor": JSONValue.number(personB)])
        let (first, second) = try await (forward, backward)
        #expect([first.status, second.status].sorted() == [200, 409], "\(first.json) \(second.json)")
        let subsumed = first.status == 200 ? personB : personA
        let survivor = first.status == 200 ? personA : personB
        let redirected = try await other.call("GET", "/v1/empi/persons/{id}", parameters: ["id": "\(Int(subsumed))"], key: hospital)
        #expect(redirected.json["person"] == .number(survivor), "\(redirected.json)")
        #expect(redirected.json["links"]?.arrayValue?.count == 2)
        let again = try await other.call(
            "POST", "/v1/empi/merges", key: steward,
            json: ["subsumed": JSONValue.number(personA), "survivor": JSONValue.number(personA)])
        #expect(again.status == 409)
        let unmerged = try await other.call("POST", "/v1/empi/unmerges", key: steward, json: ["subsumed": JSONValue.number(subsumed)])
        #expect(unmerged.status == 200, "\(unmerged.json)")
        let restored = try await live.call("GET", "/v1/empi/persons/{id}", parameters: ["id": "\(Int(subsumed))"], key: hospital)
        #expect(restored.json["person"] == .number(subsumed), "\(restored.json)")
        let twice = try await live.call("POST", "/v1/empi/unmerges", key: steward, json: ["subsumed": JSONValue.number(subsumed)])
        #expect(twice.status == 409)

        let record: JSONValue = .object(["domain": .string("HOSP-B"), "id": .string("B-1")])
        let linked = try await live.call(
            "POST", "/v1/empi/links", key: steward, json: ["record": record, "person": JSONValue.number(personA)])
        #expect(linked.status == 200, "\(linked.json)")
        let unlinked = try await other.call("POST", "/v1/empi/unlinks", key: steward, json: ["record": record])
        #expect(unlinked.status == 200, "\(unlinked.json)")
        // A re-feed of the record leaves it with its new person, whose only record it is.
        let refed = try await live.call(
            "POST", "/v1/empi/records", key: hospital,
            json: Self.record("B-1", domain: "HOSP-B", name: "王芳", citizenID: "31011519900701002X"))
        #expect(refed.json["person"] == unlinked.json["person"], "\(refed.json)")
        let only = try await live.call("POST", "/v1/empi/unlinks", key: steward, json: ["record": record])
        #expect(only.status == 409)
        let missing = try await live.call(
            "POST", "/v1/empi/unlinks", key: steward,
            json: ["record": JSONValue.object(["domain": .string("HOSP-B"), "id": .string("nope")])])
        #expect(missing.status == 404)

        let reviews = try await live.call("GET", "/v1/empi/reviews", query: ["status": "all"], key: steward)
        #expect(reviews.status == 200)
        let noReview = try await live.call(
            "POST", "/v1/empi/reviews/{id}/resolve", parameters: ["id": "42"], key: steward, json: ["separate": true])
        #expect(noReview.status == 404)
        let both = try await live.call(
            "POST", "/v1/empi/reviews/{id}/resolve", parameters: ["id": "42"], key: steward,
            json: ["separate": JSONValue.bool(true), "link": JSONValue.number(1)])
        #expect(both.status == 400)
        if other !== live { await other.stop() }
        await live.stop()
    }
}

/// One implementation of the rules: the same feeds through a server on SQLite and one on
/// PostgreSQL give the same answers, field for field (decisions, candidates, probabilities,
/// explanations, review items, persons, golden records, PIX, PDQ and events; only times differ).
@Suite("EMPI on SQLite and PostgreSQL alike")
struct EMPIBackendParityTests {
    /// The feeds of a run: links, a new person, an update of a known record, an unknown domain.
    static let feeds: [[String: JSONValue]] = [
        EMPIEndpointTests.record("A-1", domain: "HOSP-A", name: "李明"),
        EMPIEndpointTests.record("B-1", domain: "HOSP-B", name: "李明"),
        EMPIEndpointTests.record("B-2", domain: "HOSP-B", name: "李敏", citizenID: "31011519900701002X"),
        EMPIEndpointTests.record("A-2", domain: "HOSP-A", name: "王芳", citizenID: "31011519900701002X"),
        EMPIEndpointTests.record("A-3", domain: "HOSP-A", name: "李明"),
        EMPIEndpointTests.record("A-1", domain: "HOSP-A", name: "李明明"),
        ["id": .string("B-3"), "domain": .string("HOSP-B"), "fullName": .string("张伟"), "birthDate": .string("1970-01-01")],
        ["id": .string("A-4"), "domain": .string("HOSP-A"), "fullName": .string("张伟"), "birthDate": .string("1970-01-02")],
        ["id": .string("A-5"), "domain": .string("NOPE"), "fullName": .string("x")],
    ]

    /// The answers of one run of the same calls, with every `time` field removed.
    static func run(_ backend: Backend) async throws -> [JSONValue] {
        let live = try await LiveServer.start(backend: backend)
        let steward = try await live.key("steward", [.steward])
        let hospital = try await live.key("hospital", [.registrar])
        var answers: [JSONValue] = []
        for domain: [String: JSONValue] in [
            ["code": .string("citizen-id"), "type": .string("citizen-id")], ["code": .string("HOSP-A")],
            ["code": .string("HOSP-B")],
        ] {
            answers.append(try await live.call("POST", "/v1/empi/domains", key: steward, json: domain).json)
        }
        for record in Self.feeds {
            let reply = try await live.call("POST", "/v1/empi/records", key: hospital, json: record)
            answers.append(.object(["status": .number(Double(reply.status)), "body": reply.json]))
        }
        for (domain, value) in [("HOSP-A", "A-1"), ("HOSP-B", "B-2"), ("citizen-id", EMPIEndpointTests.citizenID)] {
            let reply = try await live.call("GET", "/v1/empi/pix", query: ["domain": domain, "value": value], key: hospital)
            answers.append(.object(["status": .number(Double(reply.status)), "body": reply.json]))
        }
        for person in 1...6 {
            let reply = try await live.call("GET", "/v1/empi/persons/{id}", parameters: ["id": "\(person)"], key: hospital)
            answers.append(.object(["status": .number(Double(reply.status)), "body": reply.json]))
        }
        // PDQ: the same matches, order, pages, scores and refusals.
        for query in [
            ["name": "Li Ming"], ["sex": "1", "limit": "1"], ["sex": "1", "limit": "1", "after": "1"],
            ["identifier": "citizen-id:\(EMPIEndpointTests.citizenID)", "birthDate": "19850312"], ["name": "张伟"],
            ["identifier": "NOPE:1"], ["sex": "?"],
        ] {
            let reply = try await live.call("GET", "/v1/empi/persons", query: query, key: steward)
            answers.append(.object(["status": .number(Double(reply.status)), "body": reply.json]))
        }
        answers.append(try await live.call("GET", "/v1/empi/events", query: ["limit": "1000"], key: steward).json)
        await live.stop()
        return answers.map(Self.withoutTimes)
    }

    static func withoutTimes(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let fields):
            .object(fields.filter { $0.key != "time" }.mapValues(withoutTimes))
        case .array(let items): .array(items.map(withoutTimes))
        default: value
        }
    }

    @Test("the same feeds, PIX queries, persons, PDQ answers and events on both backends", arguments: Backend.postgresOnly)
    func sameAnswers(_: Backend) async throws {
        let sqlite = try await Self.run(.sqlite)
        let postgres = try await Self.run(.postgres)
        #expect(sqlite.count == postgres.count)
        for (index, (a, b)) in zip(sqlite, postgres).enumerated() {
            #expect(a == b, "answer \(index): SQLite \(a) vs PostgreSQL \(b)")
        }
        // The run did reach the interesting cases: a link, a review or new person, an unchanged.
        let decisions = sqlite.compactMap { $0["body"]?["decision"]?.stringValue }
        #expect(decisions.contains("linked") && decisions.contains("unchanged") && decisions.contains("new-person"), "\(decisions)")
    }
}
