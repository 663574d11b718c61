import Foundation
import HealthCardFoundation
import HealthCardTestSupport
import HealthQR
import PostgresNIO
import Testing
@testable import HealthCardServer

/// The server's own state on PostgreSQL with two nodes (two connection pools, as two
/// `hcard serve --postgres` processes have): keys, the audit log and replay claims are shared, and
/// the rules hold when both nodes act at the same moment.
@Suite("server state on PostgreSQL, shared by two nodes")
struct PostgresStateTests {
    /// Two stores over one fresh database, opened at the same time (the migration lock lets one
    /// of them create the tables and the other find them).
    static func twoNodes() async throws -> (PostgresServerStore, PostgresServerStore, [SharedDatabase]) {
        let url = try await PostgresTestDatabase.fresh()
        let databases = [try SharedDatabase(url: url), try SharedDatabase(url: url)]
        async let a = PostgresServerStore.open(databases[0])
        async let b = PostgresServerStore.open(databases[1])
        return (try await a, try await b, databases)
    }

    static func close(_ databases: [SharedDatabase]) async {
        for database in databases { await database.shutdown() }
    }

    @Test("an unreachable database stops the node within the start limit, naming the URL without its password")
    func unreachableDatabase() async throws {
        var configuration = ServerConfiguration()
        configuration.listen = "127.0.0.1:0"
        configuration.postgres = "postgres://hcard:s3cret@127.0.0.1:1/hcard"
        let started = ContinuousClock.now
        do {
            _ = try await HealthCardServer.open(configuration: configuration)
            Issue.record("a server opened on a database nobody serves")
        } catch {
            #expect("\(error)".contains("postgres://hcard:***@127.0.0.1:1/hcard did not answer"), "\(error)")
            #expect(!"\(error)".contains("s3cret"))
        }
        // It answers instead of waiting for the database: 10 s alone (`hcard serve` measured 10.3 s);
        // the bound is wide because the whole parallel test run can keep the 2-core machine's
        // cooperative threads busy for a minute (timers then fire late).
        #expect(ContinuousClock.now - started < SharedDatabase.startLimit + .seconds(110))
    }

    @Test("a key added on one node works on the other; revoked there, it is refused on both; a name is taken once", arguments: Backend.postgresOnly)
    func sharedKeys(_: Backend) async throws {
        let (a, b, databases) = try await Self.twoNodes()
        let key = try await a.addKey(name: "gate-1", roles: [.verifier])
        #expect(try await b.authenticate(key.description)?.roles == [Role.verifier])
        let stored = try await databases[1].rows("SELECT id, name, roles, salt, hash, created FROM api_key")
        let text = try stored.map { "\(try $0.decode((String, String, String, String, String, String).self))" }.joined()
        #expect(text.contains(key.id) && !text.contains(key.secret))
        #expect(try await b.authenticate(APIKey(id: key.id, secret: String(repeating: "0", count: 64)).description) == nil)
        #expect(try await b.authenticate("hcs_\(key.id)_") == nil)

        // The same new name from both nodes at once: exactly one key.
        /// `nil` when the key was added, else the error's text.
        @Sendable func addTwin(_ store: PostgresServerStore) async -> String? {
            do {
                _ = try await store.addKey(name: "twin", roles: [Role.registrar])
                return nil
            } catch { return "\(error)" }
        }
        async let first = addTwin(a)
        async let second = addTwin(b)
        let outcomes = await [first, second]
        #expect(outcomes.filter { $0 == nil }.count == 1)
        for case let message? in outcomes { #expect(message.contains("exists already"), "\(message)") }
        #expect(try await a.clients().map { $0.name } == ["gate-1", "twin"])

        try await b.revokeKey(name: "gate-1")
        #expect(try await a.authenticate(key.description) == nil)
        #expect(try await b.authenticate(key.description) == nil)
        await #expect(throws: ServerError.self) { try await a.revokeKey(name: "gate-1") }
        await #expect(throws: ServerError.self) { try await a.addKey(name: "bad name", roles: [Role.issuer]) }
        await Self.close(databases)
    }

    @Test("the audit log is shared, in order, and PostgreSQL refuses UPDATE, DELETE and TRUNCATE", arguments: Backend.postgresOnly)
    func auditAppendOnly(_: Backend) async throws {
        let (a, b, databases) = try await Self.twoNodes()
        let one = try await a.audit(client: "c", method: "POST", route: "/v1/empi/records", status: 200)
        let two = try await b.audit(client: "d", method: "GET", route: "/v1/empi/pix", status: 403)
        #expect(two > one)
        #expect(try await a.auditEntries(since: 0, limit: 10).map { $0.outcome } == ["ok", "refused"])
        #expect(try await b.auditEntries(since: one, limit: 10).map { $0.client } == ["d"])
        for statement in ["UPDATE audit SET status = 500", "DELETE FROM audit", "TRUNCATE audit"] {
            await #expect(throws: PSQLError.self, "\(statement)") {
                _ = try await databases[0].rows(PostgresQuery(unsafeSQL: statement))
            }
        }
        #expect(try await b.auditEntries(since: 0, limit: 10).count == 2)
        await Self.close(databases)
    }

    @Test("a dynamic code claimed by 40 verifications on two nodes at once is first exactly once; after expiry it may be claimed again", arguments: Backend.postgresOnly)
    func replayClaims(_: Backend) async throws {
        let (a, b, databases) = try await Self.twoNodes()
        let keyID = try KeyID(hex: "0102030405060708")
        let claim = ReplayClaim(keyID: keyID, nonce: .init(rawValue: 42), until: 1_000, now: 900)
        let firsts = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 { group.addTask { try await (index % 2 == 0 ? a : b).claim(claim) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(firsts == 1)
        // Another nonce, or the same key and nonce once the first claim has expired, is new.
        #expect(try await a.claim(ReplayClaim(keyID: keyID, nonce: .init(rawValue: 43), until: 1_000, now: 900)))
        #expect(try await b.claim(ReplayClaim(keyID: keyID, nonce: .init(rawValue: 42), until: 2_000, now: 1_001)))
        #expect(try await a.claim(ReplayClaim(keyID: keyID, nonce: .init(rawValue: 42), until: 2_000, now: 1_002)) == false)
        await Self.close(databases)
    }

    @Test("a dynamic code verified on node A is a replay on node B (HTTP, two servers on one database)", arguments: Backend.postgresOnly)
    func replayAcrossServers(_: Backend) async throws {
        let fixture = try QRPayloadFixture()
        let directory = try CryptoTestSupport.temporaryDirectory()
        let trust = directory.appendingPathComponent("trust.json").path
        try fixture.trust.save(to: trust)
        let url = try await PostgresTestDatabase.fresh()
        let nodeA = try await LiveServer.start(backend: .postgres, url: url) { $0.trust = trust }
        let nodeB = try await LiveServer.start(backend: .postgres, url: url) { $0.trust = trust }
        let key = try await nodeA.key("gate-1", [.verifier])
        let code = try await fixture.issue(at: QRPayloadFixture.now)
        let body = ["text": code, "now": VerificationEndpointTests.nowText]
        let first = try await nodeA.call("POST", "/v1/codes/verify", key: key, json: body)
        #expect(first.json["valid"] == .bool(true), "\(first.json)")
        let second = try await nodeB.call("POST", "/v1/codes/verify", key: key, json: body)
        #expect(second.json["eHealthCard"]?["reason"] == .string("replayed"), "\(second.json)")
        await nodeA.stop()
        await nodeB.stop()
    }
}
