import EMPIIndex
import Foundation
import HealthCardFoundation
import HealthCardTestSupport
import HealthQR
import Testing
@testable import HealthCardServer

/// `POST /v1/codes/verify`: the verdicts are the library verifiers', field for field, with the
/// server's trust list and the accounts' refused cards; dynamic codes are accepted once.
@Suite("code verification over HTTP")
struct VerificationEndpointTests {
    static let nowText = "2026-03-01T08:00:00Z"

    struct Started {
        let live: LiveServer
        let fixture: QRPayloadFixture
        let key: APIKey
    }

    static func start(_ backend: Backend = .sqlite) async throws -> Started {
        let fixture = try QRPayloadFixture()
        let directory = try CryptoTestSupport.temporaryDirectory()
        let trust = directory.appendingPathComponent("trust.json").path
        try fixture.trust.save(to: trust)
        let live = try await LiveServer.start(backend: backend) { $0.trust = trust }
        return Started(live: live, fixture: fixture, key: try await live.key("gate-1", [.verifier]))
    }

    func verify(_ started: Started, _ body: [String: String]) async throws -> LiveServer.Reply {
        try await started.live.call("POST", "/v1/codes/verify", key: started.key, json: body)
    }

    /// The library's report, as the server encodes it.
    func expected(_ verdict: Verdict) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(VerdictReport(verdict)))
    }

    @Test("HCK1: valid as the library says, then replayed; a forged code is a bad signature", arguments: Backend.all)
    func signedCodes(_ backend: Backend) async throws {
        let started = try await Self.start(backend)
        let code = try await started.fixture.issue(at: QRPayloadFixture.now)
        let first = try await verify(started, ["text": code, "now": Self.nowText])
        #expect(first.status == 200)
        #expect(first.json["kind"] == .string("e-health-card"))
        #expect(first.json["valid"] == .bool(true))
        #expect(first.json["eHealthCard"] == (try expected(started.fixture.verifier().verify(code, now: QRPayloadFixture.now))))
        let second = try await verify(started, ["text": code, "now": Self.nowText])
        #expect(second.json["valid"] == .bool(false))
        #expect(second.json["eHealthCard"]?["reason"] == .string("replayed"))

        let forged = try QRPayloadFixture.rewriting(try await started.fixture.issue(at: QRPayloadFixture.now, nonce: 7)) {
            $0[10] ^= 0x01
        }
        let reply = try await verify(started, ["text": forged, "now": Self.nowText])
        #expect(reply.json["valid"] == .bool(false))
        #expect(reply.json["eHealthCard"] == (try expected(started.fixture.verifier().verify(forged, now: QRPayloadFixture.now))))
        await started.live.stop()
    }

    @Test(
        "a card cancelled or blacklisted in the accounts is refused at once, for signed and plain codes alike (on PostgreSQL: by another node)",
        arguments: Backend.all)
    func accountsRevokeCards(_ backend: Backend) async throws {
        let started = try await Self.start(backend)
        // On PostgreSQL the accounts are changed through a second node of the same database.
        let other = backend == .postgres
            ? try await LiveServer.start(backend: .postgres, url: started.live.server.configuration.postgres) : started.live
        let registration = try await other.server.accounts.register(
            AccountService.Identity(name: "李明", citizenID: "110105198503120012"), channel: "app", physicalCard: nil,
            actor: "test", now: nil)
        let card = registration.account.electronicCardID.rawValue
        let plain = try await verify(started, ["text": "\(card):1"])
        #expect(plain.json["kind"] == .string("plain"))
        #expect(plain.json["valid"] == .bool(true), "\(plain.json)")

        let code = try await started.fixture.issue(card, .static, at: QRPayloadFixture.now)
        #expect(try await verify(started, ["text": code, "now": Self.nowText]).json["valid"] == .bool(true))
        _ = try await other.server.accounts.cancel(
            registration.account.electronicCardID, reason: .death, actor: "test", now: nil)
        let refused = try await verify(started, ["text": code, "now": Self.nowText])
        #expect(refused.json["eHealthCard"]?["reason"] == .string("revokedCard"), "\(refused.json)")
        let refusedPlain = try await verify(started, ["text": "\(card):1"])
        #expect(refusedPlain.json["valid"] == .bool(false))

        // A number only on the blacklist (no card here): its code verifies until it is added.
        let listed = try await started.fixture.issue("STOLEN0001", .static, at: QRPayloadFixture.now)
        #expect(try await verify(started, ["text": listed, "now": Self.nowText]).json["valid"] == .bool(true))
        try await other.server.accounts.addToBlacklist("STOLEN0001", reason: "stolen", actor: "test", now: nil)
        let blacklisted = try await verify(started, ["text": listed, "now": Self.nowText])
        #expect(blacklisted.json["eHealthCard"]?["reason"] == .string("revokedCard"), "\(blacklisted.json)")
        if other !== started.live { await other.stop() }
        await started.live.stop()
    }

    @Test("an unknown plain card, a broken HCC1 code and noise are invalid, each named; a bad body is 400", arguments: Backend.all)
    func invalidInputs(_ backend: Backend) async throws {
        let started = try await Self.start(backend)
        let unknown = try await verify(started, ["text": "ABC123:1"])
        #expect(unknown.json["kind"] == .string("plain"))
        #expect(unknown.json["valid"] == .bool(false))
        let health = try await verify(started, ["text": "HCC1-NOTBASE45"])
        #expect(health.json["kind"] == .string("health-code"))
        #expect(health.json["healthCode"]?["reason"] == .string("malformed"))
        let noise = try await verify(started, ["text": "https://example.invalid/?x"])
        #expect(noise.json["kind"] == .string("unrecognised"))
        let missing = try await verify(started, ["code": "x"])
        #expect(missing.status == 400)
        #expect(missing.json["message"]?.stringValue?.contains("text") == true)
        let badTime = try await verify(started, ["text": "ABC123:1", "now": "yesterday"])
        #expect(badTime.status == 400)
        await started.live.stop()
    }
}
