import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthQR
import Testing

@Suite("Verdict reports")
struct VerdictReportTests {
    /// 2026-03-01T08:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_772_352_000)

    @Test("a valid dynamic code reports its fields; a malformed text its reason and offset")
    func reports() async throws {
        let key = try SM2PrivateKey()
        let trust = try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test issuer", validFrom: Self.now.addingTimeInterval(-60),
                validTo: Self.now.addingTimeInterval(60))
        ])
        let text = try await SignedCodeIssuer(privateKey: key).issue(
            cardID: "26B5A1FE56681", kind: .dynamic(window: .seconds(300)), now: Self.now)
        let valid = VerdictReport(CodeVerifier(trustList: trust).verify(text, now: Self.now))
        #expect(valid.valid && valid.reason == "valid" && valid.issuer == "Test issuer" && valid.offset == nil)
        #expect(valid.code?.kind == "dynamic" && valid.code?.cardId == "26B5A1FE56681")
        #expect(valid.code?.windowSeconds == 300 && valid.code?.expiresAt == "2026-03-01T08:05:00Z")

        let malformed = VerdictReport(CodeVerifier(trustList: trust).verify("HCK1-!!", now: Self.now))
        #expect(!malformed.valid && malformed.reason == "malformed" && malformed.offset != nil && malformed.code == nil)
    }
}
