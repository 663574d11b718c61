import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthCardTestSupport
import HealthQR
import PersonalHealthCode
import Testing
@testable import HealthCardServer

/// The GB/T 38963 interfaces over HTTP: declare, query, issue, verify (through /v1/codes/verify),
/// trip, correct, with the library's return codes in the body; on SQLite and on two PostgreSQL
/// nodes of one database (written through one, read and corrected through the other).
@Suite("health codes over HTTP")
struct HealthCodeEndpointTests {
    static let person = "11010519491231002X"
    static let record: [String: JSONValue] = [
        "name": .string("张三"), "sex": .string("1"), "documentType": .string("01"),
        "documentNumber": .string(person), "householdRegion": .string("460105"),
        "temperature": .number(36.6), "symptoms": .array([]), "riskAreaStay": .bool(false), "overseas": .bool(false),
    ]

    /// An issuing key and a trust list holding its public key, as files.
    struct IssuerFiles: Sendable {
        let key: String
        let trust: String
    }

    static func issuerFiles() throws -> IssuerFiles {
        let directory = try CryptoTestSupport.temporaryDirectory()
        let key = try SM2PrivateKey()
        let keyPath = directory.appendingPathComponent("issuer.key").path
        try KeyFiles.writePrivateKey(key, to: keyPath)
        let trustPath = directory.appendingPathComponent("trust.json").path
        let now = Date()
        try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test Health Commission", validFrom: now.addingTimeInterval(-86_400),
                validTo: now.addingTimeInterval(365 * 86_400))
        ]).save(to: trustPath)
        return IssuerFiles(key: keyPath, trust: trustPath)
    }

    /// A server with the trust list of `files` (new ones if none) and, when `issuing`, its key;
    /// on `backend` (with `url`: another node of that PostgreSQL database).
    static func start(
        issuing: Bool = true, files: IssuerFiles? = nil, backend: Backend = .sqlite, url: String? = nil
    ) async throws -> LiveServer {
        let files = try files ?? issuerFiles()
        return try await LiveServer.start(backend: backend, url: url) { configuration in
            configuration.trust = files.trust
            if issuing { configuration.issuerKey = files.key }
        }
    }

    /// Two nodes with one issuing key and trust list: on PostgreSQL two servers of one fresh
    /// database (as two `hcard serve --postgres` processes), on SQLite the same server twice.
    static func twoNodes(_ backend: Backend) async throws -> (a: LiveServer, b: LiveServer) {
        let files = try issuerFiles()
        let a = try await start(files: files, backend: backend)
        guard backend == .postgres else { return (a, a) }
        return (a, try await start(files: files, backend: .postgres, url: a.server.configuration.postgres))
    }

    static func stop(_ nodes: (a: LiveServer, b: LiveServer)) async {
        if nodes.b !== nodes.a { await nodes.b.stop() }
        await nodes.a.stop()
    }

    static func declaration(_ person: String, name: String = "张三", riskAreaStay: Bool = false) -> [String: JSONValue] {
        var record = Self.record
        record["documentNumber"] = .string(person)
        record["name"] = .string(name)
        record["riskAreaStay"] = .bool(riskAreaStay)
        return ["record": .object(record)]
    }

    @Test(
        "declare, query, issue a code that /v1/codes/verify accepts, declare a trip, correct it; refusals by return code",
        arguments: Backend.all)
    func lifecycle(_ backend: Backend) async throws {
        let nodes = try await Self.twoNodes(backend)
        // Declarations and trips through node A; queries, issuing and corrections through node B.
        let live = nodes.a, other = nodes.b
        let issuer = try await live.key("province", [.issuer])
        let gate = try await live.key("gate", [.verifier])
        let auditor = try await live.key("auditor", [.auditor])

        var invalid = Self.record
        invalid["documentNumber"] = nil
        let rejected = try await live.call("POST", "/v1/health-code/declarations", key: issuer, json: ["record": JSONValue.object(invalid)])
        #expect(rejected.status == 200)
        #expect(rejected.json["returnCode"] == .string("1001"))
        #expect((rejected.json["violations"]?.arrayValue ?? []).contains { $0["element"] == .string("documentNumber") })
        #expect(try await other.call("GET", "/v1/health-code/persons/{person}", parameters: ["person": Self.person], key: issuer).status == 404)

        let declared = try await live.call("POST", "/v1/health-code/declarations", key: issuer, json: ["record": JSONValue.object(Self.record)])
        #expect(declared.json["returnCode"] == .string("0000"), "\(declared.json)")
        #expect(declared.json["person"] == .string(Self.person))
        #expect(declared.json["status"]?["colour"] == .string("green"))

        let information = try await other.call("GET", "/v1/health-code/persons/{person}", parameters: ["person": Self.person], key: auditor)
        #expect(information.status == 200)
        #expect(information.json["status"]?["colour"] == .string("green"))
        #expect(information.json["basicInfo"]?["name"] == .string("张三"))
        #expect(try await other.call("GET", "/v1/health-code/persons/{person}", parameters: ["person": "not-an-id"], key: issuer).status == 400)

        let issued = try await other.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": Self.person])
        #expect(issued.json["returnCode"] == .string("0000"), "\(issued.json)")
        let text = try #require(issued.json["text"]?.stringValue)
        #expect(text.hasPrefix("HCC1-"))
        let verdict = try await live.call("POST", "/v1/codes/verify", key: gate, json: ["text": text])
        #expect(verdict.json["kind"] == .string("health-code") && verdict.json["valid"] == .bool(true), "\(verdict.json)")
        #expect(try await other.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": "110105194912310038"]).json["returnCode"] == .string("2001"))
        // The register of issued codes is the one both nodes read.
        let registered = try await live.call("GET", "/v1/health-code/persons/{person}", parameters: ["person": Self.person], key: auditor)
        #expect(registered.json["issuedCodes"]?.arrayValue?.count == 1, "\(registered.json)")

        let trip = try await live.call(
            "POST", "/v1/health-code/trips", key: issuer,
            json: ["person": JSONValue.string(Self.person), "stops": .array([.object(["region": .string("440300"), "arrival": .string(CalendarDate.today().description), "riskArea": .bool(true)])])])
        #expect(trip.json["returnCode"] == .string("0000"), "\(trip.json)")
        let event = try #require(trip.json["eventId"]?.numberValue)
        let corrected = try await other.call(
            "POST", "/v1/health-code/corrections", key: issuer,
            json: ["person": JSONValue.string(Self.person), "event": .number(event), "reason": .string("wrong person")])
        #expect(corrected.json["returnCode"] == .string("0000"), "\(corrected.json)")
        let unknownEvent = try await live.call(
            "POST", "/v1/health-code/corrections", key: issuer,
            json: ["person": JSONValue.string(Self.person), "event": .number(999), "reason": .string("x")])
        #expect(unknownEvent.json["returnCode"] == .string("2002"))
        // A retracted event cannot be retracted again, through either node.
        let again = try await live.call(
            "POST", "/v1/health-code/corrections", key: issuer,
            json: ["person": JSONValue.string(Self.person), "event": .number(event), "reason": .string("twice")])
        #expect(again.json["returnCode"] == .string("2002"))
        let afterCorrection = try await live.call("GET", "/v1/health-code/persons/{person}", parameters: ["person": Self.person], key: auditor)
        #expect(afterCorrection.json["events"]?.arrayValue?.map { $0["kind"] } == [.string("declaration"), .string("tripDeclaration"), .string("correction")])
        #expect(afterCorrection.json["status"]?["colour"] == .string("green"), "the retracted risk-area trip no longer counts")

        let entries = try await live.server.store.auditEntries(since: 0, limit: 1000)
        #expect(entries.filter { $0.route == "/v1/health-code/declarations" }.map(\.client) == ["province", "province"])
        #expect(entries.contains { $0.route == "/v1/health-code/persons/{person}" && $0.client == "auditor" && $0.outcome == "ok" })
        await Self.stop(nodes)
    }

    /// `requests` sent at once, the even ones through node A and the odd ones through node B;
    /// the answers' bodies in request order.
    static func atOnce(
        _ nodes: (a: LiveServer, b: LiveServer), _ requests: [(path: String, body: [String: JSONValue])], key: APIKey
    ) async throws -> [JSONValue] {
        try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            for (index, request) in requests.enumerated() {
                let node = index % 2 == 0 ? nodes.a : nodes.b
                group.addTask {
                    let reply = try await node.call("POST", request.path, key: key, json: request.body)
                    return (index, reply.status == 200 ? reply.json : .string("HTTP \(reply.status)"))
                }
            }
            var answers = [JSONValue](repeating: .null, count: requests.count)
            for try await (index, answer) in group { answers[index] = answer }
            return answers
        }
    }

    @Test(
        "two nodes at once: first declarations of one person, then corrections of one event — nothing lost, one retraction, one status on both nodes",
        arguments: Backend.all)
    func concurrentUpdates(_ backend: Backend) async throws {
        let nodes = try await Self.twoNodes(backend)
        let issuer = try await nodes.a.key("province", [.issuer])
        let auditor = try await nodes.a.key("auditor", [.auditor])
        let person = "110105194912310038"

        // 12 first declarations of a person not yet known, 6 through each node, all at once: one
        // person with 12 declarations, each answer's event among them.
        let declarations = (0..<12).map { index in
            (path: "/v1/health-code/declarations", body: Self.declaration(person, name: "申报\(index)", riskAreaStay: index == 5))
        }
        let declared = try await Self.atOnce(nodes, declarations, key: issuer)
        #expect(declared.allSatisfy { $0["returnCode"] == .string("0000") }, "\(declared)")
        let declaredIDs = Set(declared.compactMap { $0["eventId"]?.numberValue })
        #expect(declaredIDs.count == 12)
        // The answer of the one risk-area declaration counts it; every answer counts its own.
        #expect(declared[5]["status"]?["colour"] != .string("green"), "\(declared[5])")

        let onA = try await nodes.a.call("GET", "/v1/health-code/persons/{person}", parameters: ["person": person], key: auditor)
        let onB = try await nodes.b.call("GET", "/v1/health-code/persons/{person}", parameters: ["person": person], key: auditor)
        let events = try #require(onA.json["events"]?.arrayValue)
        #expect(Set(events.compactMap { $0["id"]?.numberValue }) == declaredIDs)
        #expect(onA.json["events"] == onB.json["events"] && onA.json["status"] == onB.json["status"])
        let names = Set((0..<12).map { JSONValue.string("申报\($0)") })
        #expect(onA.json["basicInfo"]?["name"].map(names.contains) == true)
        #expect(onA.json["status"]?["colour"] == declared[5]["status"]?["colour"])

        // The risk-area declaration corrected 10 times at once, 5 through each node: exactly one
        // retraction; the others find it retracted already (2002).
        let target = try #require(declared[5]["eventId"]?.numberValue)
        let corrections = (0..<10).map { index in
            (path: "/v1/health-code/corrections",
             body: ["person": JSONValue.string(person), "event": .number(target), "reason": .string("race \(index)")])
        }
        let corrected = try await Self.atOnce(nodes, corrections, key: issuer)
        #expect(corrected.filter { $0["returnCode"] == .string("0000") }.count == 1, "\(corrected)")
        #expect(corrected.filter { $0["returnCode"] == .string("2002") }.count == 9, "\(corrected)")
        #expect(corrected.first { $0["returnCode"] == .string("0000") }?["status"]?["colour"] == .string("green"))

        let afterA = try await nodes.a.call("GET", "/v1/health-code/persons/{person}", parameters: ["person": person], key: auditor)
        let afterB = try await nodes.b.call("GET", "/v1/health-code/persons/{person}", parameters: ["person": person], key: auditor)
        let stored = try #require(afterB.json["events"]?.arrayValue)
        #expect(stored.filter { $0["kind"] == .string("correction") }.map { $0["payload"]?["retracts"] } == [.number(target)])
        #expect(afterA.json["events"] == afterB.json["events"] && afterA.json["status"] == afterB.json["status"])
        #expect(afterA.json["status"]?["colour"] == .string("green"))
        let counts = try await nodes.b.server.healthCode.store.counts()
        #expect(counts.persons == 1 && counts.events == 13 && counts.issuedCodes == 0, "\(counts)")
        await Self.stop(nodes)
    }

    @Test("without an issuing key, issuing is 409 and nothing else changes", arguments: Backend.all)
    func noIssuingKey(_ backend: Backend) async throws {
        let live = try await Self.start(issuing: false, backend: backend)
        let issuer = try await live.key("province", [.issuer])
        _ = try await live.call("POST", "/v1/health-code/declarations", key: issuer, json: ["record": JSONValue.object(Self.record)])
        let refused = try await live.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": Self.person])
        #expect(refused.status == 409 && refused.json["error"] == .string("noIssuingKey"))
        await live.stop()
    }
}
