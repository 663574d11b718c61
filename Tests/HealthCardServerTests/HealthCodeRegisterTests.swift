import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthCardTestSupport
import HealthQR
import PersonalHealthCode
import PostgresNIO
import Testing
@testable import HealthCardServer

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// HCC1 verification over HTTP consults the register of issued codes (`RegisterFinding`,
/// Docs/serve.md "Health codes"), and code applications (GB/T 38963 §6.5) gate issuing; on SQLite
/// and on two PostgreSQL nodes of one database (issued through one, verified through the other).
@Suite("health-code register and applications over HTTP")
struct HealthCodeRegisterTests {
    typealias Endpoints = HealthCodeEndpointTests

    /// The server's issuing key, another platform's key, and a trust list holding both.
    struct Keys: Sendable {
        let own: SM2PrivateKey
        let other: SM2PrivateKey
        let files: HealthCodeEndpointTests.IssuerFiles
    }

    static func keys() throws -> Keys {
        let directory = try CryptoTestSupport.temporaryDirectory()
        let own = try SM2PrivateKey()
        let other = try SM2PrivateKey()
        let keyPath = directory.appendingPathComponent("issuer.key").path
        try KeyFiles.writePrivateKey(own, to: keyPath)
        let trustPath = directory.appendingPathComponent("trust.json").path
        let now = Date()
        try TrustList(
            entries: try [(own, "This Province"), (other, "Neighbouring Province")].map { key, name in
                try TrustList.Entry(
                    publicKey: key.publicKey, issuer: name, validFrom: now.addingTimeInterval(-86_400),
                    validTo: now.addingTimeInterval(365 * 86_400))
            }
        ).save(to: trustPath)
        return Keys(own: own, other: other, files: .init(key: keyPath, trust: trustPath))
    }

    static func nodes(_ backend: Backend, _ keys: Keys, configure: @escaping @Sendable (inout ServerConfiguration) -> Void = { _ in })
        async throws -> (a: LiveServer, b: LiveServer)
    {
        let setUp: @Sendable (inout ServerConfiguration) throws -> Void = { configuration in
            configuration.trust = keys.files.trust
            configuration.issuerKey = keys.files.key
            configure(&configuration)
        }
        let a = try await LiveServer.start(backend: backend, configure: setUp)
        guard backend == .postgres else { return (a, a) }
        return (a, try await LiveServer.start(backend: .postgres, url: a.server.configuration.postgres, configure: setUp))
    }

    /// ``nodes(_:_:configure:)`` with an issuer's API key (`issuerName`) and a gate's, and
    /// ``HealthCodeEndpointTests/person`` declared through node A.
    static func declared(
        _ backend: Backend, _ keys: Keys, issuerName: String = "province",
        configure: @escaping @Sendable (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> (nodes: (a: LiveServer, b: LiveServer), issuer: APIKey, gate: APIKey) {
        let nodes = try await Self.nodes(backend, keys, configure: configure)
        let issuer = try await nodes.a.key(issuerName, [.issuer])
        let gate = try await nodes.a.key("gate", [.verifier])
        let declared = try await nodes.a.call(
            "POST", "/v1/health-code/declarations", key: issuer, json: Endpoints.declaration(Endpoints.person))
        #expect(declared.json["returnCode"] == .string("0000"), "\(declared.json)")
        return (nodes, issuer, gate)
    }

    static func verify(_ node: LiveServer, _ text: String, key: APIKey) async throws -> JSONValue {
        let reply = try await node.call("POST", "/v1/codes/verify", key: key, json: ["text": text])
        #expect(reply.status == 200)
        #expect(reply.json["kind"] == .string("health-code"))
        return reply.json
    }

    @Test(
        "the newest code is current, an older one superseded, one of the server's key never registered refused, another platform's judged on its verdict",
        arguments: Backend.all)
    func registerFindings(_ backend: Backend) async throws {
        let keys = try Self.keys()
        let (nodes, issuer, gate) = try await Self.declared(backend, keys)
        let person = Endpoints.person

        // Issued through node B, verified through node A: the register is the shared one.
        let first = try #require(
            try await nodes.b.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": person]).json["text"]?.stringValue)
        let current = try await Self.verify(nodes.a, first, key: gate)
        #expect(current["valid"] == .bool(true), "\(current)")
        #expect(current["healthCode"]?["register"] == .string("current"))
        #expect(current["healthCode"]?["reason"] == .string("valid"))

        // A newer code to the same person: the first is refused as superseded, naming the newer.
        let secondReply = try await nodes.a.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": person])
        let second = try #require(secondReply.json["text"]?.stringValue)
        let secondID = try #require(secondReply.json["code"]?["codeId"]?.stringValue)
        let superseded = try await Self.verify(nodes.b, first, key: gate)
        #expect(superseded["valid"] == .bool(false), "\(superseded)")
        #expect(superseded["healthCode"]?["reason"] == .string("superseded"))
        #expect(superseded["healthCode"]?["register"] == .string("superseded"))
        #expect(superseded["healthCode"]?["supersededBy"] == .string(secondID))
        #expect(superseded["message"]?.stringValue?.contains("superseded") == true)
        #expect(try await Self.verify(nodes.b, second, key: gate)["valid"] == .bool(true))

        // The same rule at a gate: the superseded code is denied with the register's reason and
        // the passage logged; the newest code passes.
        func scan(_ node: LiveServer, _ text: String) async throws -> JSONValue {
            try await node.call(
                "POST", "/v1/checkpoints/{checkpoint}/scans", parameters: ["checkpoint": "G1"], key: gate,
                json: ["text": JSONValue.string(text), "temperature": .number(36.5)]
            ).json
        }
        let staleScan = try await scan(nodes.a, first)
        #expect(staleScan["decision"] == .string("deny"), "\(staleScan)")
        #expect(staleScan["reasons"]?.arrayValue?.map { $0["code"] } == [.string("healthCode.superseded")], "\(staleScan)")
        #expect(try await scan(nodes.b, second)["decision"] == .string("pass"))

        // Signed with the server's own key outside the server (a valid signature, never
        // registered): refused as not issued, on both nodes.
        let forged = try await HealthCodeIssuer(privateKey: keys.own).issue(
            colour: .green, region: "460100", person: try PersonID(person), validity: .seconds(3600))
        for node in [nodes.a, nodes.b] {
            let notIssued = try await Self.verify(node, forged.text, key: gate)
            #expect(notIssued["valid"] == .bool(false), "\(notIssued)")
            #expect(notIssued["healthCode"]?["reason"] == .string("notIssued"))
            let forgedScan = try await scan(node, forged.text)
            #expect(forgedScan["reasons"]?.arrayValue?.map { $0["code"] } == [.string("healthCode.notIssued")], "\(forgedScan)")
        }

        // Another platform's code (its key in the trust list) cannot be in this register: the
        // offline verdict stands, and the answer says the register did not apply.
        let neighbour = try await HealthCodeIssuer(privateKey: keys.other).issue(
            colour: .green, region: "440300", person: try PersonID(person), validity: .seconds(3600))
        let other = try await Self.verify(nodes.b, neighbour.text, key: gate)
        #expect(other["valid"] == .bool(true), "\(other)")
        #expect(other["healthCode"]?["register"] == .string("otherIssuer"))

        // The offline verdict still comes first: a broken code is malformed, with no register finding.
        let broken = try await Self.verify(nodes.a, "HCC1-NOTBASE45", key: gate)
        #expect(broken["healthCode"]?["reason"] == .string("malformed") && broken["healthCode"]?["register"] == nil)
        await Endpoints.stop(nodes)
    }

    @Test("a register that cannot be read fails closed: an error, never a valid answer", arguments: Backend.all)
    func unreadableRegister(_ backend: Backend) async throws {
        let keys = try Self.keys()
        let (nodes, issuer, gate) = try await Self.declared(backend, keys)
        let text = try #require(
            try await nodes.a.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": Endpoints.person]).json["text"]?
                .stringValue)
        #expect(try await Self.verify(nodes.b, text, key: gate)["valid"] == .bool(true))

        // The register's table goes away under the running server (a broken or restored store).
        if backend == .postgres {
            let session = try SharedDatabase(url: try #require(nodes.a.server.configuration.postgres))
            try await session.transaction { connection in
                try await connection.query("ALTER TABLE health_issued_code RENAME TO health_issued_code_gone", logger: session.logger)
            }
            await session.shutdown()
        } else {
            let file = nodes.a.server.configuration.healthCodeDb ?? ServerStorage(db: nodes.a.server.configuration.db).healthCode
            let renamed = try await ChildProcess.run(
                URL(fileURLWithPath: "/usr/bin/sqlite3"), [file, "ALTER TABLE issuedCode RENAME TO issuedCodeGone"])
            #expect(renamed.status == 0, "\(renamed.stderr)")
        }
        // Outside the contract on purpose: the answer is a 5xx problem, not a verdict.
        func post(_ path: String, _ body: [String: JSONValue]) async throws -> (status: Int, body: String) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(nodes.b.port)\(path)")!)
            request.httpMethod = "POST"
            request.setValue("Bearer \(gate)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONEncoder().encode(body)
            let (data, response) = try await LiveServer.session.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        let verified = try await post("/v1/codes/verify", ["text": .string(text)])
        #expect(verified.status >= 500, "\(verified)")
        #expect(!verified.body.contains("\"valid\":true"))

        // At a gate the same: the scan is an error, no decision is answered and no passage logged.
        let passages = try await nodes.b.server.checkpoints.passLog.count()
        let scanned = try await post(
            "/v1/checkpoints/G1/scans", ["text": .string(text), "temperature": .number(36.5)])
        #expect(scanned.status >= 500, "\(scanned)")
        #expect(!scanned.body.contains("\"decision\""))
        #expect(try await nodes.b.server.checkpoints.passLog.count() == passages)
        await Endpoints.stop(nodes)
    }

    @Test(
        "a scan verifies the code once: the register check starts from the code the decider verified, not from the text",
        arguments: Backend.all)
    func scanVerifiesOnce(_ backend: Backend) async throws {
        // The server issues with its own key but does not trust it: its own verifier refuses its
        // codes (unknown key), so a register check that verified the text again would find nothing.
        let keys = try Self.keys()
        let untrusting = try CryptoTestSupport.temporaryDirectory().appendingPathComponent("trust.json").path
        try TrustList(entries: [try #require(try TrustList.load(from: keys.files.trust).entries.last)]).save(to: untrusting)
        let (nodes, issuer, gate) = try await Self.declared(backend, keys) { $0.trust = untrusting }
        let person = Endpoints.person
        func issue() async throws -> (text: String, id: String) {
            let reply = try await nodes.a.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": person])
            return (
                try #require(reply.json["text"]?.stringValue, "\(reply.json)"),
                try #require(reply.json["code"]?["codeId"]?.stringValue)
            )
        }
        let first = try await issue()
        let second = try await issue()

        // Over HTTP the server's decider cannot verify the code: the premise holds.
        let scan = try await nodes.b.call(
            "POST", "/v1/checkpoints/{checkpoint}/scans", parameters: ["checkpoint": "G1"], key: gate,
            json: ["text": JSONValue.string(first.text), "temperature": .number(36.5)])
        #expect(scan.json["reasons"]?.arrayValue?.map { $0["code"] } == [.string("healthCode.unknownKeyID")], "\(scan.json)")

        // A decision by a decider that trusts the key: the register check refuses the superseded
        // code from that verified code alone, and lets the newest pass.
        let trusting = CheckpointDecider(policy: CheckpointPolicy(), trustList: try TrustList.load(from: keys.files.trust))
        let now = Date()
        let stale = trusting.decide(.healthCode(first.text, presentedBy: nil), temperature: 36.5, now: now)
        #expect(stale.passes && stale.acceptedHealthCode != nil)
        let checked = try await nodes.b.server.checkedAgainstRegister(stale)
        #expect(checked.reasons == [.healthCodeRegister(.superseded(by: try HealthCode.ID(hex: second.id)))], "\(checked.reasons)")
        #expect(checked.acceptedHealthCode == stale.acceptedHealthCode && checked.colour == .green)
        let newest = trusting.decide(.healthCode(second.text, presentedBy: nil), temperature: 36.5, now: now)
        #expect(try await nodes.b.server.checkedAgainstRegister(newest).passes)
        await Endpoints.stop(nodes)
    }

    @Test(
        "§6.5: an application grants issuing to the applicant's key for its validity; with requireCodeApplication no grant, no code",
        arguments: Backend.all)
    func codeApplications(_ backend: Backend) async throws {
        let keys = try Self.keys()
        let (nodes, issuer, gate) = try await Self.declared(backend, keys, issuerName: "venue-app") {
            $0.requireCodeApplication = true
        }
        let person = Endpoints.person

        // No grant: refused by the interface (2003), nothing issued.
        let refused = try await nodes.b.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": person])
        #expect(refused.status == 200 && refused.json["returnCode"] == .string("2003"), "\(refused.json)")
        #expect(refused.json["text"] == nil)

        // An application through node A; the applicant is the key's name, not anything in the body.
        let applied = try await nodes.a.call(
            "POST", "/v1/health-code/applications", key: issuer,
            json: ["person": JSONValue.string(person), "purpose": .string("venue entry"), "validitySeconds": .number(600)])
        #expect(applied.status == 200 && applied.json["returnCode"] == .string("0000"), "\(applied.json)")
        #expect(applied.json["applicant"] == .string("api:venue-app"))
        let grant = try #require(applied.json["applicationId"]?.stringValue)
        let expires = try #require(applied.json["expiresAt"]?.stringValue.flatMap(ISO8601Instant.parse))
        #expect(expires > Date().addingTimeInterval(60) && expires <= Date().addingTimeInterval(601))

        // With the grant, through node B: a code, which verifies and is current.
        let issued = try await nodes.b.call(
            "POST", "/v1/health-code/codes", key: issuer, json: ["person": person, "applicationId": grant])
        #expect(issued.json["returnCode"] == .string("0000"), "\(issued.json)")
        let text = try #require(issued.json["text"]?.stringValue)
        #expect(try await Self.verify(nodes.a, text, key: gate)["valid"] == .bool(true))
        // A grant that was never made is refused.
        let unknown = try await nodes.a.call(
            "POST", "/v1/health-code/codes", key: issuer, json: ["person": person, "applicationId": "0123456789ABCDEF"])
        #expect(unknown.json["returnCode"] == .string("2003"))

        // The interface's refusals: an unknown person (2001), a blank purpose (1001); bad input is 400.
        let stranger = try await nodes.a.call(
            "POST", "/v1/health-code/applications", key: issuer,
            json: ["person": "110105194912310038", "purpose": "venue entry"])
        #expect(stranger.json["returnCode"] == .string("2001"), "\(stranger.json)")
        let blank = try await nodes.a.call(
            "POST", "/v1/health-code/applications", key: issuer, json: ["person": person, "purpose": " "])
        #expect(blank.json["returnCode"] == .string("1001"), "\(blank.json)")
        #expect(
            try await nodes.a.call(
                "POST", "/v1/health-code/applications", key: issuer,
                json: ["person": JSONValue.string(person), "purpose": .string("x"), "validitySeconds": .number(5)]).status == 400)
        #expect(
            try await nodes.a.call("POST", "/v1/health-code/applications", key: issuer, json: ["person": "nope", "purpose": "x"])
                .status == 400)

        // The grant is an event of the person's record, and each application is audited with its client.
        let auditor = try await nodes.a.key("auditor", [.auditor])
        let record = try await nodes.b.call(
            "GET", "/v1/health-code/persons/{person}", parameters: ["person": person], key: auditor)
        let applications = (record.json["events"]?.arrayValue ?? []).filter { $0["kind"] == .string("codeApplication") }
        #expect(applications.count == 1)
        #expect(applications.first?["payload"]?["applicationId"] == .string(grant))
        #expect(applications.first?["actor"] == .string("api:venue-app"))
        let entries = try await nodes.a.server.store.auditEntries(since: 0, limit: 1000)
        #expect(entries.filter { $0.route == "/v1/health-code/applications" }.map(\.client).count == 5)
        #expect(entries.filter { $0.route == "/v1/health-code/applications" }.allSatisfy { $0.client == "venue-app" })
        await Endpoints.stop(nodes)
    }
}
