import Foundation
import Testing
@testable import HealthCardCrypto
@testable import HealthCardFoundation
@testable import HealthQR
import HealthCardTestSupport

/// Trust lists, revocation lists and replay caches refuse keys they do not know and values of the
/// wrong type, naming the file and the key: a misspelt key must never read as an empty default.
@Suite("QRPayload: strict list files (unknown keys, wrong types, missing keys)")
struct StrictListFileTests {
    typealias F = QRPayloadFixture

    @Test("a misspelt revocation list key is an error, and the revoked card does not verify as valid")
    func misspeltRevocationList() async throws {
        let misspelt = Array(#"{"version":1,"cardIDs":["26B5A1FE56681"]}"#.utf8)
        #expect(
            errorReason { _ = try RevocationList(json: misspelt, source: "r.json") }
                == #"r.json: unknown key "cardIDs" (closest known key: "cardIds")"#)
        #expect(
            errorReason { _ = try RevocationList(json: Array(#"{"version":1,"cardIds":["26B5A1FE56681"]}"#.utf8), source: "r.json") }
                == #"r.json: missing required key "keyIds" (a list without revocations has "keyIds": [])"#)
        #expect(
            errorReason { _ = try RevocationList(json: Array(#"{"cardIds":["A"],"keyIds":[],"version":"1"}"#.utf8), source: "r.json") }
                .hasPrefix("r.json: not a revocation list JSON object"))

        let fixture = try F()
        let code = try await fixture.issue("26B5A1FE56681", .static)
        let list = try RevocationList(json: Array(#"{"version":1,"cardIds":["26B5A1FE56681"],"keyIds":[]}"#.utf8))
        #expect(fixture.verifier(revocations: list).verify(code, now: F.now).reasonCode == "revokedCard")
    }

    @Test("a trust list entry with an unknown key is an error naming the entry and the key")
    func trustListUnknownKey() throws {
        let fixture = try F()
        let pem = try fixture.key.publicKey.pemRepresentation.replacingOccurrences(of: "\n", with: "\\n")
        let entry = #"{"keyId": "\#(fixture.keyID.hex)", "publicKey": "\#(pem)", "issuer": "X", "#
            + #""validFrom": "2026-01-01T00:00:00Z", "validTo": "2027-01-01T00:00:00Z""#
        #expect(errorReason { _ = try TrustList(json: Array(#"{"version": 1, "keys": [\#(entry)}]}"#.utf8), source: "t.json") } == "no error")
        #expect(
            errorReason { _ = try TrustList(json: Array(#"{"version": 1, "keys": [\#(entry), "validUntil": "2030-01-01T00:00:00Z"}]}"#.utf8), source: "t.json") }
                == #"t.json: keys[0]: unknown key "validUntil" (closest known key: "validTo")"#)
        #expect(
            errorReason { _ = try TrustList(json: Array(#"{"version": 1, "keys": [], "revoked": []}"#.utf8), source: "t.json") }
                .hasPrefix(#"t.json: unknown key "revoked""#))
    }

    @Test("a replay cache with an unknown key, a wrong type or a missing key is an error naming the file")
    func replayCacheShape() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("seen.json").path
        let entry = #"{"keyId": "0011223344556677", "nonce": "0123456789ABCDEF", "until": 2000000000}"#
        let cases = [
            (#"{"version": 1, "entries": [\#(entry)], "extra": 1}"#, #"\#(path): unknown key "extra""#),
            (#"{"version": 1, "entry": [\#(entry)]}"#, #"\#(path): unknown key "entry" (closest known key: "entries")"#),
            (#"{"version": 1, "entries": [{"keyId": "0011223344556677", "nonce": "01", "until": "2000000000"}]}"#,
             "\(path): entries[0].until: expected a whole number, got a string"),
            (#"{"version": 1}"#, #"\#(path): missing required key "entries""#),
            (#"{"version": 2, "entries": []}"#, "\(path): replay cache version 2, this reader knows version 1"),
        ]
        for (text, expected) in cases {
            try AtomicFile.write(Array(text.utf8), to: path)
            let reason = errorReason { _ = try ReplayCacheFile(path: path, now: 0) }
            #expect(reason.hasPrefix(expected), "\(reason)")
        }
        try AtomicFile.write(Array(#"{"version": 1, "entries": [\#(entry)]}"#.utf8), to: path)
        #expect(errorReason { _ = try ReplayCacheFile(path: path, now: 0) } == "no error")
    }
}
