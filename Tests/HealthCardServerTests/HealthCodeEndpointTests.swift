import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthCardTestSupport
import HealthQR
import Testing
@testable import HealthCardServer

/// The GB/T 38963 interfaces over HTTP: declare, query, issue, verify (through /v1/codes/verify),
/// trip, correct, with the library's return codes in the body.
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

    @Test("declare, query, issue a code that /v1/codes/verify accepts, declare a trip, correct it; refusals by return code")
    func lifecycle() async throws {
        let live = try await Self.start()
        let issuer = try await live.key("province", [.issuer])
        let gate = try await live.key("gate", [.verifier])
        let auditor = try await live.key("auditor", [.auditor])

        var invalid = Self.record
        invalid["documentNumber"] = nil
        let rejected = try await live.call("POST", "/v1/health-code/declarations", key: issuer, json: ["record": JSONValue.object(invalid)])
        #expect(rejected.status == 200)
        #expect(rejected.json["returnCode"] == .string("1001"))
        #expect((rejected.json["violations"]?.arrayValue ?? []).contains { $0["element"] == .string("documentNumber") })
        #expect(try await live.call("GET", "/v1/health-code/persons/{person}", parameters: ["person": Self.person], key: issuer).status == 404)

        let declared = try await live.call("POST", "/v1/health-code/declarations", key: issuer, json: ["record": JSONValue.object(Self.record)])
        #expect(declared.json["returnCode"] == .string("0000"), "\(declared.json)")
        #expect(declared.json["person"] == .string(Self.person))
        #expect(declared.json["status"]?["colour"] == .string("green"))

        let information = try await live.call("GET", "/v1/health-code/persons/{person}", parameters: ["person": Self.person], key: auditor)
        #expect(information.status == 200)
        #expect(information.json["status"]?["colour"] == .string("green"))
        #expect(information.json["basicInfo"]?["name"] == .string("张三"))
        #expect(try await live.call("GET", "/v1/health-code/persons/{person}", parameters: ["person": "not-an-id"], key: issuer).status == 400)

        let issued = try await live.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": Self.person])
        #expect(issued.json["returnCode"] == .string("0000"), "\(issued.json)")
        let text = try #require(issued.json["text"]?.stringValue)
        #expect(text.hasPrefix("HCC1-"))
        let verdict = try await live.call("POST", "/v1/codes/verify", key: gate, json: ["text": text])
        #expect(verdict.json["kind"] == .string("health-code") && verdict.json["valid"] == .bool(true), "\(verdict.json)")
        #expect(try await live.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": "110105194912310038"]).json["returnCode"] == .string("2001"))

        let trip = try await live.call(
            "POST", "/v1/health-code/trips", key: issuer,
            json: ["person": JSONValue.string(Self.person), "stops": .array([.object(["region": .string("440300"), "arrival": .string(CalendarDate.today().description), "riskArea": .bool(true)])])])
        #expect(trip.json["returnCode"] == .string("0000"), "\(trip.json)")
        let event = try #require(trip.json["eventId"]?.numberValue)
        let corrected = try await live.call(
            "POST", "/v1/health-code/corrections", key: issuer,
            json: ["person": JSONValue.string(Self.person), "event": .number(event), "reason": .string("wrong person")])
        #expect(corrected.json["returnCode"] == .string("0000"), "\(corrected.json)")
        let unknownEvent = try await live.call(
            "POST", "/v1/health-code/corrections", key: issuer,
            json: ["person": JSONValue.string(Self.person), "event": .number(999), "reason": .string("x")])
        #expect(unknownEvent.json["returnCode"] == .string("2002"))

        let entries = try await live.server.store.auditEntries(since: 0, limit: 1000)
        #expect(entries.filter { $0.route == "/v1/health-code/declarations" }.map(\.client) == ["province", "province"])
        #expect(entries.contains { $0.route == "/v1/health-code/persons/{person}" && $0.client == "auditor" && $0.outcome == "ok" })
        await live.stop()
    }

    @Test("without an issuing key, issuing is 409 and nothing else changes")
    func noIssuingKey() async throws {
        let live = try await Self.start(issuing: false)
        let issuer = try await live.key("province", [.issuer])
        _ = try await live.call("POST", "/v1/health-code/declarations", key: issuer, json: ["record": JSONValue.object(Self.record)])
        let refused = try await live.call("POST", "/v1/health-code/codes", key: issuer, json: ["person": Self.person])
        #expect(refused.status == 409 && refused.json["error"] == .string("noIssuingKey"))
        await live.stop()
    }
}
