import Foundation
import HealthCardFoundation
import PersonalHealthCode
import Testing
@testable import HealthCardServer

/// Checkpoint scans and pass-log queries over HTTP: the library's station decides and logs, the
/// answer is the acknowledgement, the auditor queries the log.
@Suite("checkpoints over HTTP")
struct CheckpointEndpointTests {
    @Test("a gate scans a health code (pass), a fever (deny), noise (deny); the auditor finds them in the log")
    func scanAndQuery() async throws {
        let live = try await HealthCodeEndpointTests.start()
        let issuer = try await live.key("province", [.issuer])
        let gate = try await live.key("gate-7", [.verifier])
        let auditor = try await live.key("auditor", [.auditor])
        _ = try await live.call(
            "POST", "/v1/health-code/declarations", key: issuer, json: ["record": JSONValue.object(HealthCodeEndpointTests.record)])
        let issued = try await live.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": HealthCodeEndpointTests.person])
        let text = try #require(issued.json["text"]?.stringValue)

        func scan(_ body: [String: JSONValue]) async throws -> LiveServer.Reply {
            try await live.call("POST", "/v1/checkpoints/{checkpoint}/scans", parameters: ["checkpoint": "G1"], key: gate, json: body)
        }
        let passed = try await scan(["text": .string(text), "temperature": .number(36.5), "name": .string("East gate")])
        #expect(passed.status == 200)
        #expect(passed.json["decision"] == .string("pass"), "\(passed.json)")
        #expect(passed.json["colour"] == .string("green") && passed.json["checkpoint"] == .string("G1"))
        // The holder of a health code is its pseudonymous subject, never the ID number.
        let holder = try #require(passed.json["person"]?.stringValue)
        #expect(!holder.contains(HealthCodeEndpointTests.person) && !holder.isEmpty)
        let fever = try await scan(["text": .string(text), "temperature": .number(38.6), "direction": .string("out")])
        #expect(fever.json["decision"] == .string("deny"))
        #expect((fever.json["reasons"]?.arrayValue ?? []).contains { $0["code"] == .string("fever") }, "\(fever.json)")
        let noise = try await scan(["text": .string("https://example.com/x"), "temperature": .number(36.5)])
        #expect(noise.json["decision"] == .string("deny") && noise.json["credential"] == .string("unrecognised"))
        #expect(try await scan(["text": .string(text), "temperature": .number(99)]).status == 400)
        let badSite = try await live.call(
            "POST", "/v1/checkpoints/{checkpoint}/scans", parameters: ["checkpoint": "G 1"], key: gate, json: ["text": "x"])
        #expect(badSite.status == 400)
        // Durable before the answer: the file holds the three passages.
        #expect(try live.server.checkpoints.passLog.count() == 3)

        let all = try await live.call("GET", "/v1/checkpoints/passes", key: auditor)
        #expect(all.json.arrayValue?.count == 3)
        #expect(all.json.arrayValue?.first?["checkpointName"] == .string("East gate"))
        let denied = try await live.call("GET", "/v1/checkpoints/passes", query: ["decision": "deny"], key: auditor)
        #expect(denied.json.arrayValue?.count == 2)
        let theirs = try await live.call(
            "GET", "/v1/checkpoints/passes", query: ["holder": holder, "direction": "out"], key: auditor)
        #expect(theirs.json.arrayValue?.map { $0["id"] } == [fever.json["id"]])
        let later = try await live.call("GET", "/v1/checkpoints/passes", query: ["from": "2099-01-01T00:00:00Z"], key: auditor)
        #expect(later.json.arrayValue?.isEmpty == true)
        #expect(try await live.call("GET", "/v1/checkpoints/passes", query: ["from": "yesterday"], key: auditor).status == 400)
        #expect(try await live.call("GET", "/v1/checkpoints/passes", query: ["holder": "nobody"], key: auditor).status == 400)

        let entries = try await live.server.store.auditEntries(since: 0, limit: 1000)
        #expect(entries.filter { $0.route == "/v1/checkpoints/{checkpoint}/scans" && $0.client == "gate-7" }.count == 5)
        #expect(entries.contains { $0.route == "/v1/checkpoints/passes" && $0.client == "auditor" })
        await live.stop()
    }
}
