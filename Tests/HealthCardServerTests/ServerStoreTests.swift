import Foundation
import EMPIIndex
import GRDB
import HealthCardFoundation
import HealthCardTestSupport
import Logging
import PostgresNIO
import Testing
@testable import HealthCardServer

@Suite("API keys, the audit log and configuration")
struct ServerStoreTests {
    static func store() throws -> (ServerStore, URL) {
        let directory = try CryptoTestSupport.temporaryDirectory()
        return (try ServerStore(path: directory.appendingPathComponent("s-server.sqlite").path), directory)
    }

    @Test("a key is stored as a salted hash: the secret is nowhere in the file; wrong, revoked and malformed keys fail")
    func keysAreHashed() throws {
        let (store, _) = try Self.store()
        let key = try store.addKey(name: "gate-1", roles: [.verifier])
        #expect(try store.authenticate(key.description)?.roles == [.verifier])
        let bytes = try AtomicFile.read(store.path)
        #expect(String(decoding: bytes, as: UTF8.self).range(of: key.secret) == nil)
        let wrong = APIKey(id: key.id, secret: String(repeating: "0", count: 64))
        #expect(try store.authenticate(wrong.description) == nil)
        #expect(try store.authenticate("hcs_\(key.id)_") == nil)
        #expect(try store.authenticate(key.description.uppercased()) == nil)
        #expect(throws: ServerError.self) { try store.addKey(name: "gate-1", roles: [.issuer]) }
        #expect(throws: ServerError.self) { try store.addKey(name: "no roles", roles: []) }
        try store.revokeKey(name: "gate-1")
        #expect(try store.authenticate(key.description) == nil)
        #expect(throws: ServerError.self) { try store.revokeKey(name: "gate-1") }
    }

    @Test("a key revoked or added by another process is refused or accepted from the very next check on")
    func otherProcessesChangesApplyAtOnce() async throws {
        let (store, _) = try Self.store()
        let key = try store.addKey(name: "gate-1", roles: [.verifier])
        // Several checks first, so the reader's connection is open and has read the row before.
        for _ in 0..<3 { #expect(try store.authenticate(key.description)?.name == "gate-1") }
        let file = URL(fileURLWithPath: store.path)
        _ = try await SQLiteCommand.run(file, "UPDATE apiKey SET revoked = '2026-12-07T12:00:00Z' WHERE name = 'gate-1';")
        #expect(try store.authenticate(key.description) == nil)

        // A second store on the file (another `hcard serve key add`): its key works at once here,
        // and its revocation applies at once too.
        let other = try ServerStore(path: store.path)
        let added = try other.addKey(name: "gate-2", roles: [.verifier, .auditor])
        #expect(try store.authenticate(added.description)?.roles == [.verifier, .auditor])
        try other.revokeKey(name: "gate-2")
        #expect(try store.authenticate(added.description) == nil)
    }

    @Test("a log line: one JSON object, keys sorted; the event's metadata wins over the handler's, neither over the fixed fields")
    func logLine() throws {
        var handler = JSONLogHandler(label: "hcard.serve")
        handler[metadataKey: "hb.request.id"] = "r1"
        handler[metadataKey: "route"] = "handler's"
        let event = LogEvent(
            level: .info, message: "request", metadata: ["route": "/v1/codes/verify", "level": "debug", "ms": "3"],
            source: nil, file: #fileID, function: #function, line: #line)
        let line = handler.line(event, at: Date(timeIntervalSince1970: 0))
        #expect(line.last == 0x0A)
        let text = String(decoding: line.dropLast(), as: UTF8.self)
        #expect(
            text == #"{"hb.request.id":"r1","label":"hcard.serve","level":"info","message":"request","ms":"3","#
                + #""route":"/v1/codes/verify","time":"1970-01-01T00:00:00Z"}"#, "\(text)")
    }

    @Test("a presented key parses only in the exact shape hcs_<16 lowercase hex>_<64 lowercase hex>")
    func presentedKeyShape() {
        let id = "0123456789abcdef"
        let secret = String(repeating: "a1", count: 32)
        #expect(APIKey(presented: "hcs_\(id)_\(secret)") == APIKey(id: id, secret: secret))
        for text in [
            "", "hcs_", "hcs_\(id)_", "hcs_\(id)\(secret)", "hcs_\(id)_\(secret)0", "hcs_\(id)_\(secret.dropLast())",
            "HCS_\(id)_\(secret)", "hcs_\(id.uppercased())_\(secret)", "hcs_\(id)-\(secret)", " hcs_\(id)_\(secret)",
            "hcs_\(id)_\(secret) ", "hcs_\(id.dropLast())g_\(secret)", "hcs_\(id)_\(secret.dropLast())\u{FF10}",
            "hcs_\(id)_\(secret.dropLast(2))é", "hcs_\(id)__\(secret.dropLast())",
        ] {
            #expect(APIKey(presented: text) == nil, "\(text.debugDescription)")
        }
    }

    @Test("the audit log refuses UPDATE and DELETE in the database itself")
    func auditIsAppendOnly() throws {
        let (store, _) = try Self.store()
        try store.audit(client: "c", method: "POST", route: "/v1/empi/records", status: 200)
        #expect(throws: DatabaseError.self) { try store.pool.write { try $0.execute(sql: "UPDATE audit SET status = 500") } }
        #expect(throws: DatabaseError.self) { try store.pool.write { try $0.execute(sql: "DELETE FROM audit") } }
        #expect(try store.auditEntries().map(\.outcome) == ["ok"])
    }

    @Test("the server store and the index refuse each other's files, naming what the file is")
    func otherStoreKindsRefused() throws {
        let (store, directory) = try Self.store()
        let index = directory.appendingPathComponent("index.sqlite").path
        _ = try PatientIndex(path: index)
        #expect(errorReason { _ = try ServerStore(path: index) }.contains("is an EMPI index"))
        #expect(errorReason { _ = try PatientIndex(path: store.path) }.contains("is a server state store"))
    }

    @Test("configuration: defaults, then the file, then the environment; unknown keys and bad values are named")
    func configurationSources() throws {
        let directory = try CryptoTestSupport.temporaryDirectory()
        let file = directory.appendingPathComponent("serve.json").path
        try AtomicFile.write(Array(#"{"listen": "127.0.0.1:9000", "db": "a.sqlite", "skew": 10}"#.utf8), to: file)
        let loaded = try ServerConfiguration.load(file: file, environment: ["HCARD_SERVE_DB": "b.sqlite"])
        #expect(loaded.listen == "127.0.0.1:9000")
        #expect(loaded.db == "b.sqlite")
        #expect(loaded.skew == 10)
        #expect(loaded.logLevel == "info")
        #expect(ServerStorage(db: "b.sqlite").server == "b-server.sqlite")
        #expect(ServerStorage(db: "/x/index").server == "/x/index-server.sqlite")

        try AtomicFile.write(Array(#"{"listne": "x"}"#.utf8), to: file)
        #expect(errorReason { _ = try ServerConfiguration.load(file: file, environment: [:]) }.contains("unknown key \"listne\""))
        #expect(
            errorReason { _ = try ServerConfiguration.load(file: nil, environment: ["HCARD_SERVE_SKEW": "ten"]) }
                .contains("HCARD_SERVE_SKEW"))
        for listen in ["8080", "host:", ":80", "h:99999", "[::1]80"] {
            var configuration = ServerConfiguration()
            configuration.listen = listen
            #expect(throws: ServerError.self, "\(listen)") { try configuration.validated() }
        }
        let shared = try ServerConfiguration.load(
            file: nil, environment: ["HCARD_SERVE_POSTGRES": "postgres://hcard@db.internal/hcard"])
        #expect(shared.postgres == "postgres://hcard@db.internal/hcard")
        for url in ["mysql://a@b/c", "postgres://db.internal/hcard", "postgres:///x", "postgres://a@b/c?sslmode=require"] {
            #expect(throws: ServerError.self, "\(url)") { _ = try SharedDatabase.configuration(url) }
        }
        #expect(try SharedDatabase.configuration("postgresql://u:p@h:6543/d").port == 6543)
        var ipv6 = ServerConfiguration()
        ipv6.listen = "[::1]:8443"
        #expect(try ipv6.address() == ("::1", 8443))
    }
}
