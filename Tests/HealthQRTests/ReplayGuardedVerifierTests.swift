import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthCardTestSupport
import HealthQR
import Testing

/// The replay cache file holds an accepted dynamic code by the time its verdict is returned.
@Suite("Replay-guarded verifier: the nonce is on disk before the verdict")
struct ReplayGuardedVerifierTests {
    /// 2026-03-01T08:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_772_352_000)

    @Test("dynamic: on disk when verify returns, rejected as a replay by the next process; static: nothing written")
    func durableBeforeVerdict() async throws {
        let directory = try CryptoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("seen.json").path
        let key = try SM2PrivateKey()
        let issuer = try SignedCodeIssuer(privateKey: key)
        let trust = try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test issuer", validFrom: Self.now.addingTimeInterval(-86_400),
                validTo: Self.now.addingTimeInterval(86_400))
        ])
        func open() throws -> ReplayGuardedVerifier {
            ReplayGuardedVerifier(
                trustList: trust, revocations: RevocationList(), clockSkew: .seconds(30),
                replayCache: try ReplayCacheFile(path: path, now: Int64(Self.now.timeIntervalSince1970)))
        }

        let fixed = try await issuer.issue(cardID: "26B5A1FE56681", kind: .static, now: Self.now.addingTimeInterval(-60))
        let first = try open()
        #expect(try first.verify(fixed, at: Self.now).isValid)
        #expect(!FileManager.default.fileExists(atPath: path))

        let dynamic = try await issuer.issue(
            cardID: "26B5A1FE56681", kind: .dynamic(window: .seconds(300)), now: Self.now.addingTimeInterval(-60))
        #expect(try first.verify(dynamic, at: Self.now).isValid)
        // Checked before finish(): only verify can have written it.
        let nonce = try SignedCodeFormat.decode(dynamic).code.nonce.hex
        #expect(String(decoding: try AtomicFile.read(path), as: UTF8.self).contains(nonce))
        try first.finish()

        let second = try open()
        #expect(try second.verify(dynamic, at: Self.now).reasonCode == "replayed")
        try second.finish()
    }
}
