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

    /// `JSONEncoder` as `hcard serve` encodes answers: compact, keys sorted, slashes unescaped.
    static func encoded(_ report: VerdictReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    static func written(_ report: VerdictReport) -> String {
        var json = JSONWriter()
        report.write(to: &json)
        return json.text
    }

    @Test("written directly, every kind of verdict's report is byte for byte what JSONEncoder writes")
    func writtenAsEncoded() async throws {
        let key = try SM2PrivateKey()
        let issuerName = "卫健委 \"Test\" issuer/1\n\u{1}"
        let trust = try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: issuerName, validFrom: Self.now.addingTimeInterval(-60),
                validTo: Self.now.addingTimeInterval(60))
        ])
        let issuer = try SignedCodeIssuer(privateKey: key)
        let dynamic = try await issuer.issue(cardID: "26B5A1FE56681", kind: .dynamic(window: .seconds(300)), now: Self.now)
        let fixed = try await issuer.issue(cardID: "26B5A1FE56682", kind: .static, now: Self.now)
        var revocations = RevocationList()
        try revocations.revoke(cardID: "26B5A1FE56682")
        let otherKey = try SM2PrivateKey()
        let unknown = try await SignedCodeIssuer(privateKey: otherKey).issue(
            cardID: "26B5A1FE56681", kind: .static, now: Self.now)
        var forged = Array(dynamic.utf8)
        forged[forged.count - 3] = forged[forged.count - 3] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let verdicts = [
            CodeVerifier(trustList: trust).verify(dynamic, now: Self.now),
            CodeVerifier(trustList: trust).verify(fixed, now: Self.now),
            CodeVerifier(trustList: trust, revocations: revocations).verify(fixed, now: Self.now),
            CodeVerifier(trustList: trust).verify(dynamic, now: Self.now.addingTimeInterval(3_600)),
            CodeVerifier(trustList: trust).verify(unknown, now: Self.now),
            CodeVerifier(trustList: trust).verify(String(decoding: forged, as: UTF8.self), now: Self.now),
            CodeVerifier(trustList: trust).verify("HCK1-!!", now: Self.now),
            CodeVerifier(trustList: trust).verify("", now: Self.now),
        ]
        #expect(verdicts[0].isValid && verdicts[1].isValid && !verdicts[2].isValid)
        #expect(Set(verdicts.map(\.reasonCode)).count >= 6)
        for verdict in verdicts {
            let report = VerdictReport(verdict)
            #expect(Self.written(report) == (try Self.encoded(report)), "\(verdict.reasonCode)")
        }
    }
}

