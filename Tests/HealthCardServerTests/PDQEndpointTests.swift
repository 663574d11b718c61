import Foundation
import HealthCardFoundation
import Testing
@testable import HealthCardServer

/// The PDQ demographic query over HTTP (issue 16): criteria from the URL, pages by cursor, the
/// lookup audited without the criteria's values.
@Suite("PDQ over HTTP")
struct PDQEndpointTests {
    @Test(
        "a registrar pages through persons by sex, finds one by name and identifier; every lookup is audited; on PostgreSQL fed on one node, asked on the other",
        arguments: Backend.all)
    func queryAndPage(_ backend: Backend) async throws {
        let nodes = try await LiveServer.twoNodes(backend)
        let (live, asked) = nodes
        let steward = try await live.key("steward", [.steward])
        let hospital = try await live.key("hospital", [.registrar])
        let auditor = try await live.key("auditor", [.auditor])
        for domain: [String: JSONValue] in [["code": .string("citizen-id"), "type": .string("citizen-id")], ["code": .string("HOSP-A")]] {
            #expect(try await live.call("POST", "/v1/empi/domains", key: steward, json: domain).status == 200)
        }
        // Five distinct women (distinct IDs, names and dates), and one man.
        let people: [(String, String, String, String)] = [
            ("A-1", "王芳", "1990-07-01", "31011519900701002X"), ("A-2", "李娜", "1985-01-02", "110105198501020026"),
            ("A-3", "张敏", "1979-11-30", "44052419791130004X"), ("A-4", "刘洋", "2001-05-05", "110105200105050047"),
            ("A-5", "陈静", "1966-09-09", "110105196609090027"),
        ]
        var persons: [Double] = []
        for (id, name, birth, citizenID) in people {
            var record = EMPIEndpointTests.record(id, domain: "HOSP-A", name: name, citizenID: citizenID)
            record["birthDate"] = .string(birth)
            record["sex"] = .string("2")
            let fed = try await live.call("POST", "/v1/empi/records", key: hospital, json: record)
            #expect(fed.json["decision"] == .string("new-person"), "\(fed.json)")
            persons.append(try #require(fed.json["person"]?.numberValue))
        }
        _ = try await live.call("POST", "/v1/empi/records", key: hospital, json: EMPIEndpointTests.record("A-9", domain: "HOSP-A", name: "李明"))

        var seen: [Double] = []
        var query = ["sex": "female", "limit": "2"]
        for _ in 0..<5 {
            let page = try await asked.call("GET", "/v1/empi/persons", query: query, key: hospital)
            #expect(page.status == 200, "\(page.json)")
            #expect(page.json["total"] == .number(5))
            seen += (page.json["matches"]?.arrayValue ?? []).compactMap { $0["person"]?.numberValue }
            guard let next = page.json["next"]?.numberValue else { break }
            query["after"] = "\(Int(next))"
        }
        #expect(seen == persons.sorted())

        let byName = try await live.call(
            "GET", "/v1/empi/persons", query: ["name": "Zhang Min", "birthDate": "19791130"], key: steward)
        #expect(byName.json["matches"]?.arrayValue?.map { $0["person"] } == [.number(persons[2])])
        #expect(byName.json["matches"]?.arrayValue?.first?["golden"]?["fullName"] == .string("张敏"))
        // As a form sends it: a space as `+`.
        let formStyle = try await asked.call("GET", "/v1/empi/persons", query: ["name": "Zhang+Min"], key: steward)
        #expect(formStyle.json["matches"]?.arrayValue?.map { $0["person"] } == [.number(persons[2])])
        let byID = try await live.call(
            "GET", "/v1/empi/persons", query: ["identifier": "citizen-id:31011519900701002x"], key: hospital)
        #expect(byID.json["matches"]?.arrayValue?.first?["records"] == .array([.object(["domain": .string("HOSP-A"), "id": .string("A-1")])]))

        for bad in [[:], ["sex": "?"], ["identifier": "no-colon"], ["identifier": "NOPE:1"], ["sex": "1", "after": "-1"]] {
            let refused = try await asked.call("GET", "/v1/empi/persons", query: bad, key: hospital)
            #expect(refused.status == 400, "\(bad): \(refused.json)")
        }
        let audit = try await asked.call("GET", "/v1/audit", key: auditor)
        let lookups = (audit.json.arrayValue ?? []).filter { $0["route"] == .string("/v1/empi/persons") }
        #expect(lookups.count == 3 + 3 + 5)  // three pages, the three searches, the refused ones
        #expect(lookups.filter { $0["outcome"] == .string("rejected") }.count == 5)
        let text = String(decoding: audit.body, as: UTF8.self)
        #expect(!text.contains("31011519900701002") && !text.contains("Zhang"))

        // A merge (on the feeding node) shows at once where the query is asked: the merged
        // person's records and identifiers answer as the survivor's.
        let merged = try await live.call(
            "POST", "/v1/empi/merges", key: steward,
            json: ["subsumed": JSONValue.number(persons[0]), "survivor": JSONValue.number(persons[1])])
        #expect(merged.status == 200, "\(merged.json)")
        let afterMerge = try await asked.call(
            "GET", "/v1/empi/persons", query: ["identifier": "citizen-id:31011519900701002X"], key: hospital)
        #expect(afterMerge.json["matches"]?.arrayValue?.map { $0["person"] } == [.number(persons[1])], "\(afterMerge.json)")
        let women = try await asked.call("GET", "/v1/empi/persons", query: ["sex": "2"], key: hospital)
        #expect(women.json["total"] == .number(4))
        #expect(
            women.json["matches"]?.arrayValue?.first { $0["person"] == .number(persons[1]) }?["records"]?.arrayValue?.count == 2)
        await LiveServer.stop(nodes)
    }
}
