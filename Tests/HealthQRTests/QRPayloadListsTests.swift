import Foundation
import Testing
@testable import HealthCardCrypto
@testable import HealthCardFoundation
@testable import HealthQR
import HealthCardTestSupport


@Suite("QRPayload: trust and revocation list files")
struct QRPayloadListsTests {
    typealias F = QRPayloadFixture

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hck-qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a trust list saves and loads unchanged, and the loaded list verifies codes")
    func trustRoundTrip() async throws {
        let fixture = try F()
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("trust.json").path
        try fixture.trust.save(to: path)
        #expect(try AtomicFile.permissions(of: path) == 0o644)
        let loaded = try TrustList.load(from: path)
        #expect(loaded.entries == fixture.trust.entries)
        let text = String(decoding: try AtomicFile.read(path), as: UTF8.self)
        #expect(text.contains("\"version\" : 1"))
        #expect(text.contains("\"keyId\" : \"\(fixture.keyID.hex)\""))
        #expect(text.contains("\"validFrom\" : \"2026-01-01T00:00:00Z\""))
        #expect(text.contains("-----BEGIN PUBLIC KEY-----"))
        let code = try await fixture.issue()
        #expect(CodeVerifier(trustList: loaded).verify(code, now: F.now).isValid)
    }

    @Test("adding a key id twice fails unless replacing")
    func duplicates() throws {
        let fixture = try F()
        var list = fixture.trust
        let entry = try #require(list.entries.first)
        #expect(throws: HealthCardError.invalidValue("")) { try list.add(entry) }
        try list.add(entry, replacing: true)
        #expect(list.entries.count == 1)
        #expect(list.remove(keyID: entry.keyID) != nil)
        #expect(list.entries.isEmpty)
        #expect(throws: HealthCardError.invalidValue("")) {
            try TrustList.Entry(
                publicKey: fixture.key.publicKey, issuer: "X", validFrom: F.validTo, validTo: F.validFrom)
        }
    }

    static func trustJSON(_ keys: String, version: String = "1") -> [UInt8] {
        Array("{\"version\": \(version), \"keys\": [\(keys)]}".utf8)
    }

    static func entryJSON(
        keyID: String, pem: String, issuer: String = "\"X\"", from: String = "\"2026-01-01T00:00:00Z\"",
        to: String = "\"2027-01-01T00:00:00Z\""
    ) -> String {
        let escaped = pem.replacingOccurrences(of: "\n", with: "\\n")
        return "{\"keyId\": \"\(keyID)\", \"publicKey\": \"\(escaped)\", \"issuer\": \(issuer), "
            + "\"validFrom\": \(from), \"validTo\": \(to)}"
    }

    @Test("trust list errors name the file and the entry index")
    func trustErrors() throws {
        let fixture = try F()
        let pem = try fixture.key.publicKey.pemRepresentation
        let good = Self.entryJSON(keyID: fixture.keyID.hex, pem: pem)
        let other = try SM2PrivateKey().publicKey
        let otherGood = Self.entryJSON(keyID: try KeyID(publicKey: other).hex, pem: try other.pemRepresentation)
        #expect(try TrustList(json: Self.trustJSON(good + "," + otherGood), source: "t.json").entries.count == 2)

        let cases: [([UInt8], String)] = [
            (Array("not json".utf8), "t.json: not a trust list JSON object"),
            (Array("[]".utf8), "t.json: not a trust list JSON object"),
            (Array("{\"keys\": []}".utf8), "t.json: missing \"version\""),
            (Self.trustJSON("", version: "2"), "t.json: unsupported version 2"),
            (Array("{\"version\": 1}".utf8), "t.json: missing \"keys\" array"),
            (Self.trustJSON(good + "," + good), "t.json: keys[1]: key \(fixture.keyID) is already in the trust list"),
            (Self.trustJSON(otherGood + "," + Self.entryJSON(keyID: "00", pem: pem)), "t.json: keys[1]: key id '00'"),
            (
                Self.trustJSON(Self.entryJSON(keyID: "0011223344556677", pem: pem)),
                "t.json: keys[0]: keyId 0011223344556677 does not match the public key (its id is \(fixture.keyID))"
            ),
            (Self.trustJSON(Self.entryJSON(keyID: fixture.keyID.hex, pem: "junk")), "t.json: keys[0]: publicKey: "),
            (
                Self.trustJSON(Self.entryJSON(keyID: fixture.keyID.hex, pem: pem, issuer: "\"\"")),
                "t.json: keys[0]: missing \"issuer\""
            ),
            (
                Self.trustJSON(Self.entryJSON(keyID: fixture.keyID.hex, pem: pem, from: "\"2026-01-01\"")),
                "t.json: keys[0]: validFrom '2026-01-01' is not an ISO 8601 time with a zone"
            ),
            (
                Self.trustJSON(Self.entryJSON(keyID: fixture.keyID.hex, pem: pem, to: "\"2025-01-01T00:00:00Z\"")),
                "t.json: keys[0]: validity period of key"
            ),
            (Self.trustJSON("{\"keyId\": 5}"), "t.json: not a trust list JSON object"),
        ]
        for (json, prefix) in cases {
            #expect {
                try TrustList(json: json, source: "t.json")
            } throws: { error in
                let reason = (error as? HealthCardError)?.reason ?? "\(error)"
                guard reason.hasPrefix(prefix) else {
                    Issue.record("'\(reason)' does not start with '\(prefix)'")
                    return false
                }
                return true
            }
        }
    }

    @Test("a missing file is a FileAccessError naming the path")
    func missingFile() {
        #expect {
            try TrustList.load(from: "/nonexistent/trust.json")
        } throws: { error in
            guard let error = error as? FileAccessError else { return false }
            return error.notFound && error.description.contains("/nonexistent/trust.json")
        }
    }

    @Test("a revocation list saves sorted and loads; errors name the entry")
    func revocationRoundTrip() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("r.json").path
        var list = RevocationList()
        #expect(try list.revoke(cardID: "ZZZ"))
        #expect(try list.revoke(cardID: "AAA"))
        #expect(try !list.revoke(cardID: "AAA"))
        list.revoke(keyID: try KeyID(hex: "FFEEDDCCBBAA9988"))
        #expect(throws: PayloadSyntaxError.self) { try list.revoke(cardID: "A-B") }
        try list.save(to: path)
        let text = String(decoding: try AtomicFile.read(path), as: UTF8.self)
        #expect(text.range(of: "AAA")!.lowerBound < text.range(of: "ZZZ")!.lowerBound)
        #expect(try RevocationList.load(from: path) == list)

        // The issue's minimal format, without a version, loads.
        let minimal = try RevocationList(json: Array("{\"cardIds\":[\"X1\"],\"keyIds\":[]}".utf8))
        #expect(minimal.isRevoked(cardID: "X1") && minimal.keyIDs.isEmpty)
        // Both arrays are required: an empty object is not an empty list (a list fails open).
        #expect(throws: HealthCardError.self) { try RevocationList(json: Array("{}".utf8)) }
        #expect(try RevocationList(json: Array("{\"cardIds\":[],\"keyIds\":[]}".utf8)) == RevocationList())

        let cases: [(String, String)] = [
            ("{\"cardIds\": [\"OK\", \"B AD\"]}", "r.json: cardIds[1]: segment 1 at offset 1"),
            ("{\"keyIds\": [\"FFEEDDCCBBAA9988\", \"XYZ\"]}", "r.json: keyIds[1]: "),
            ("{\"version\": 3}", "r.json: unsupported version 3"),
            ("{\"cardIds\": \"X\"}", "r.json: not a revocation list JSON object (.cardIds must be Array"),
        ]
        for (json, prefix) in cases {
            #expect {
                try RevocationList(json: Array(json.utf8), source: "r.json")
            } throws: { error in
                let reason = (error as? HealthCardError)?.reason ?? "\(error)"
                guard reason.hasPrefix(prefix) else {
                    Issue.record("'\(reason)' does not start with '\(prefix)'")
                    return false
                }
                return true
            }
        }
    }
}

@Suite("QRPayload: seen-nonce cache")
struct QRPayloadNonceCacheTests {
    static let keyID = try! KeyID(hex: "0011223344556677")

    static func nonce(_ value: UInt64) -> SignedCode.Nonce { SignedCode.Nonce(rawValue: value) }

    @Test("an entry is a replay until its expiry (inclusive), then forgotten")
    func expiry() {
        let cache = SeenNonceCache()
        #expect(cache.insert(keyID: Self.keyID, nonce: Self.nonce(1), until: 100, now: 0))
        #expect(!cache.insert(keyID: Self.keyID, nonce: Self.nonce(1), until: 100, now: 100))
        #expect(cache.contains(keyID: Self.keyID, nonce: Self.nonce(1), now: 100))
        #expect(!cache.contains(keyID: Self.keyID, nonce: Self.nonce(1), now: 101))
        #expect(cache.insert(keyID: Self.keyID, nonce: Self.nonce(1), until: 200, now: 101))
        let otherKey = try! KeyID(hex: "0011223344556678")
        #expect(cache.insert(keyID: otherKey, nonce: Self.nonce(1), until: 200, now: 101))
    }

    @Test("bounded: at capacity, expired entries go first, then the one expiring soonest")
    func bounded() {
        let cache = SeenNonceCache(capacity: 3)
        #expect(cache.insert(keyID: Self.keyID, nonce: Self.nonce(1), until: 50, now: 0))
        #expect(cache.insert(keyID: Self.keyID, nonce: Self.nonce(2), until: 300, now: 0))
        #expect(cache.insert(keyID: Self.keyID, nonce: Self.nonce(3), until: 200, now: 0))
        #expect(cache.insert(keyID: Self.keyID, nonce: Self.nonce(4), until: 400, now: 0))
        #expect(cache.count == 3)
        #expect(!cache.contains(keyID: Self.keyID, nonce: Self.nonce(1), now: 0))
        #expect(cache.insert(keyID: Self.keyID, nonce: Self.nonce(5), until: 400, now: 0))
        #expect(!cache.contains(keyID: Self.keyID, nonce: Self.nonce(3), now: 0))
        #expect(cache.contains(keyID: Self.keyID, nonce: Self.nonce(2), now: 0))
        // Time passes: everything before 301 is purged on the next insert.
        #expect(cache.insert(keyID: Self.keyID, nonce: Self.nonce(6), until: 900, now: 301))
        #expect(cache.count == 3)
        #expect(cache.insert(keyID: Self.keyID, nonce: Self.nonce(7), until: 900, now: 401))
        #expect(cache.count == 2)
    }

    @Test("thread-safe: concurrent inserts of the same nonce accept exactly one")
    func concurrent() async {
        let cache = SeenNonceCache()
        let accepted = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var count = 0
                    for value in 0..<500 {
                        if cache.insert(keyID: Self.keyID, nonce: Self.nonce(UInt64(value)), until: 10, now: 0) {
                            count += 1
                        }
                    }
                    _ = task
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(accepted == 500)
        #expect(cache.count == 500)
    }
}
