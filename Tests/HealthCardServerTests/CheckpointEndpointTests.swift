import Foundation
import HealthCardFoundation
import HealthCardTestSupport
import HealthQR
import PersonalHealthCode
import Testing
@testable import HealthCardServer

/// Checkpoint scans and pass-log queries over HTTP: the library's decider decides, the passage is
/// logged before the answer, the auditor queries the log. On PostgreSQL two nodes share the log:
/// gates scan on both, the auditor reads on either.
@Suite("checkpoints over HTTP")
struct CheckpointEndpointTests {
    @Test(
        "a gate scans a health code (pass), a fever (deny), noise (deny); the auditor finds them in the log",
        arguments: Backend.all)
    func scanAndQuery(_ backend: Backend) async throws {
        let files = try HealthCodeEndpointTests.issuerFiles()
        // The province's platform issues the code (an SQLite node with the issuing key); the
        // gates' server verifies it with the trust list alone.
        let province = try await HealthCodeEndpointTests.start(files: files)
        let live = backend == .sqlite ? province : try await HealthCodeEndpointTests.start(issuing: false, files: files, backend: backend)
        let other = backend == .sqlite
            ? live : try await HealthCodeEndpointTests.start(issuing: false, files: files, backend: backend, url: live.server.configuration.postgres)
        let issuer = try await province.key("province", [.issuer])
        let gate = try await live.key("gate-7", [.verifier])
        let auditor = try await live.key("auditor", [.auditor])
        _ = try await province.call(
            "POST", "/v1/health-code/declarations", key: issuer, json: ["record": JSONValue.object(HealthCodeEndpointTests.record)])
        let issued = try await province.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": HealthCodeEndpointTests.person])
        let text = try #require(issued.json["text"]?.stringValue)

        func scan(_ node: LiveServer, _ body: [String: JSONValue]) async throws -> LiveServer.Reply {
            try await node.call("POST", "/v1/checkpoints/{checkpoint}/scans", parameters: ["checkpoint": "G1"], key: gate, json: body)
        }
        let passed = try await scan(live, ["text": .string(text), "temperature": .number(36.5), "name": .string("East gate")])
        #expect(passed.status == 200)
        #expect(passed.json["decision"] == .string("pass"), "\(passed.json)")
        #expect(passed.json["colour"] == .string("green") && passed.json["checkpoint"] == .string("G1"))
        // The holder of a health code is its pseudonymous subject, never the ID number.
        let holder = try #require(passed.json["person"]?.stringValue)
        #expect(!holder.contains(HealthCodeEndpointTests.person) && !holder.isEmpty)
        let fever = try await scan(other, ["text": .string(text), "temperature": .number(38.6), "direction": .string("out")])
        #expect(fever.json["decision"] == .string("deny"))
        #expect((fever.json["reasons"]?.arrayValue ?? []).contains { $0["code"] == .string("fever") }, "\(fever.json)")
        let noise = try await scan(live, ["text": .string("https://example.com/x"), "temperature": .number(36.5)])
        #expect(noise.json["decision"] == .string("deny") && noise.json["credential"] == .string("unrecognised"))
        #expect(try await scan(other, ["text": .string(text), "temperature": .number(99)]).status == 400)
        let badSite = try await live.call(
            "POST", "/v1/checkpoints/{checkpoint}/scans", parameters: ["checkpoint": "G 1"], key: gate, json: ["text": "x"])
        #expect(badSite.status == 400)
        // Durable before the answer: the log holds the three passages.
        #expect(try await live.server.checkpoints.passLog.count() == 3)

        let all = try await other.call("GET", "/v1/checkpoints/passes", key: auditor)
        #expect(all.json.arrayValue?.count == 3)
        #expect(all.json.arrayValue?.first?["checkpointName"] == .string("East gate"))
        let denied = try await live.call("GET", "/v1/checkpoints/passes", query: ["decision": "deny"], key: auditor)
        #expect(denied.json.arrayValue?.count == 2)
        let theirs = try await other.call(
            "GET", "/v1/checkpoints/passes", query: ["holder": holder, "direction": "out"], key: auditor)
        #expect(theirs.json.arrayValue?.map { $0["id"] } == [fever.json["id"]])
        let later = try await live.call("GET", "/v1/checkpoints/passes", query: ["from": "2099-01-01T00:00:00Z"], key: auditor)
        #expect(later.json.arrayValue?.isEmpty == true)
        #expect(try await live.call("GET", "/v1/checkpoints/passes", query: ["from": "yesterday"], key: auditor).status == 400)
        #expect(try await live.call("GET", "/v1/checkpoints/passes", query: ["holder": "nobody"], key: auditor).status == 400)

        let entries = try await live.server.store.auditEntries(since: 0, limit: 1000)
        #expect(entries.filter { $0.route == "/v1/checkpoints/{checkpoint}/scans" && $0.client == "gate-7" }.count == 5)
        #expect(entries.contains { $0.route == "/v1/checkpoints/passes" && $0.client == "auditor" })
        await province.stop()
        if live !== province { await live.stop() }
        if other !== live { await other.stop() }
    }

    @Test(
        "one dynamic e-health-card code shown at two gates at once passes exactly once (on PostgreSQL: at two nodes); both passages are logged",
        arguments: Backend.all)
    func replayAcrossGates(_ backend: Backend) async throws {
        let fixture = try QRPayloadFixture()
        let trust = try CryptoTestSupport.temporaryDirectory().appendingPathComponent("trust.json").path
        // The server decides scans at the wall-clock time: a trust list valid now, not the fixture's fixed period.
        try fixture.trust(around: Date()).save(to: trust)
        let live = try await LiveServer.start(backend: backend) { $0.trust = trust }
        let other = backend == .sqlite
            ? live : try await LiveServer.start(backend: backend, url: live.server.configuration.postgres) { $0.trust = trust }
        let gate = try await live.key("gate", [.verifier])
        let auditor = try await live.key("auditor", [.auditor])
        for round in 0..<5 {
            let code = try await fixture.issue(at: Date(), nonce: UInt64(round + 1))
            async let first = live.call(
                "POST", "/v1/checkpoints/{checkpoint}/scans", parameters: ["checkpoint": "G1"], key: gate,
                json: ["text": JSONValue.string(code), "temperature": .number(36.5)])
            async let second = other.call(
                "POST", "/v1/checkpoints/{checkpoint}/scans", parameters: ["checkpoint": "G2"], key: gate,
                json: ["text": JSONValue.string(code), "temperature": .number(36.5)])
            let answers = try await [first, second]
            #expect(answers.map(\.status) == [200, 200])
            #expect(answers.map { $0.json["decision"] }.filter { $0 == .string("pass") }.count == 1, "\(answers.map(\.json))")
            let refused = try #require(answers.first { $0.json["decision"] == .string("deny") })
            #expect(refused.json["reasons"]?.arrayValue?.map { $0["code"] } == [.string("eHealthCard.replayed")], "\(refused.json)")
            // The refused one names the card as its holder, as the library's replayed verdict does.
            #expect(refused.json["person"] != nil && refused.json["person"] != .null)
        }
        let passes = try await other.call("GET", "/v1/checkpoints/passes", query: ["limit": "100"], key: auditor)
        #expect(passes.json.arrayValue?.count == 10)
        #expect(passes.json.arrayValue?.filter { $0["decision"] == .string("pass") }.count == 5)
        if other !== live { await other.stop() }
        await live.stop()
    }
}
