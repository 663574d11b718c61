import Testing
import HealthCardTestSupport
@testable import HealthCardFoundation
@testable import HealthQR


@Suite("QRPayload: e-health-card grammar (health-code.md §4.1-4.3)")
struct QRPayloadGrammarTests {
    /// health-code.md §4.2, the real samples.
    static let staticSample = "E1D10AAC73D0B947060B099128732C969A6EF97A6014BF41B3D19EEF9A4FBB18:1"
    static let dynamicSample =
        "272EB52D0696FD625B6F3E1A830728532779BEB87520CC83948C50A43F439F58:0:8D7E10969D22699A07C2BDA9B4CE9286"
    /// §4.2, the masked sample as printed in the spec (with an ellipsis).
    static let maskedSample = "C220AE…260FXXXX:1"

    @Test("the static sample: 64 upper-hex id, type 1, no validity; fits the Tencent profile")
    func staticSample() throws {
        let payload = try EHealthCardPayload(parsing: Self.staticSample, profile: .tencent64Hex)
        #expect(payload.cardID == "E1D10AAC73D0B947060B099128732C969A6EF97A6014BF41B3D19EEF9A4FBB18")
        #expect(payload.type == .static)
        #expect(payload.validity == nil)
        #expect(payload.text == Self.staticSample)
    }

    @Test("the dynamic sample: type 0 and a 32-hex validity token kept opaque")
    func dynamicSample() throws {
        let payload = try EHealthCardPayload(parsing: Self.dynamicSample, profile: .tencent64Hex)
        #expect(payload.cardID == "272EB52D0696FD625B6F3E1A830728532779BEB87520CC83948C50A43F439F58")
        #expect(payload.type == .dynamic)
        #expect(payload.validity == "8D7E10969D22699A07C2BDA9B4CE9286")
        #expect(payload.text == Self.dynamicSample)
    }

    @Test("the masked sample as printed: the ellipsis breaks the grammar at offset 6")
    func maskedAsPrinted() {
        #expect {
            try EHealthCardPayload(parsing: Self.maskedSample)
        } throws: { error in
            guard let error = error as? PayloadSyntaxError else { return false }
            return error.offset == 6 && error.code == .invalidEncoding
                && error.reason == "segment 1 at offset 6: card id character '…' is not a letter or digit [0-9A-Za-z]"
        }
    }

    @Test("the masked sample at full length: fails the grammar at the first X of XXXX, and the Tencent profile")
    func maskedFullLength() throws {
        let padded = "C220AE" + String(repeating: "0", count: 50) + "260FXXXX"
        #expect(padded.count == 64)
        #expect {
            try EHealthCardPayload(parsing: padded + ":1")
        } throws: { error in
            guard let error = error as? PayloadSyntaxError else { return false }
            return error.offset == 60 && error.code == .invalidValue
                && error.reason.hasPrefix("segment 1 at offset 60: card id is masked ('XXXX')")
        }
        // Three X are not a mask; four anywhere are.
        #expect(try EHealthCardPayload(parsing: "26B5XXX1:1").cardID == "26B5XXX1")
        #expect(throws: PayloadSyntaxError.self) { try EHealthCardPayload(parsing: "26XXXXB5:1") }
        #expect(throws: PayloadSyntaxError.self) { try EHealthCardPayload(cardID: padded, type: .static) }
        #expect {
            try CardIDProfile.tencent64Hex.check(padded)
        } throws: { error in
            guard let error = error as? CardIDProfile.Mismatch else { return false }
            return error.profile == "tencent64Hex" && error.offset == 60
                && error.reason.contains("character 'X' at offset 60 is not an upper-case hex digit")
        }
    }

    @Test("the issue's example message: segment 2 at offset 65")
    func badType() {
        let text = String(repeating: "A", count: 64) + ":x"
        #expect {
            try EHealthCardPayload(parsing: text)
        } throws: { error in
            (error as? PayloadSyntaxError)?.reason == "segment 2 at offset 65: type must be 0 or 1, got 'x'"
                && (error as? PayloadSyntaxError)?.offset == 65
        }
    }

    struct Negative: Sendable, CustomTestStringConvertible {
        let input: String
        let offset: Int
        let fragment: String
        var testDescription: String { "'\(input.prefix(30))' → offset \(offset)" }
    }

    static let negatives: [Negative] = [
        Negative(input: "", offset: 0, fragment: "card id is empty"),
        Negative(input: ":1", offset: 0, fragment: "card id is empty"),
        Negative(input: "ABC", offset: 3, fragment: "must be followed by ':'"),
        Negative(input: "ABC:", offset: 4, fragment: "type is missing"),
        Negative(input: "ABC:2", offset: 4, fragment: "got '2'"),
        Negative(input: "ABC:11", offset: 4, fragment: "got '11'"),
        Negative(input: "AB-C:1", offset: 2, fragment: "character '-'"),
        Negative(input: "AB C:1", offset: 2, fragment: "character ' '"),
        Negative(input: "ABC:1:", offset: 5, fragment: "static code (type 1) ends after its type"),
        Negative(input: "ABC:1:DEADBEEF", offset: 5, fragment: "static code"),
        Negative(input: "ABC:0", offset: 5, fragment: "needs ':' and a validity segment"),
        Negative(input: "ABC:0:", offset: 6, fragment: "validity is empty"),
        Negative(input: "ABC:0:AB\u{7}", offset: 8, fragment: "not printable ASCII"),
        Negative(input: "ABC:0:时间", offset: 6, fragment: "not printable ASCII"),
        Negative(input: String(repeating: "A", count: 65) + ":1", offset: 64, fragment: "longer than 64"),
        Negative(input: "ABC:0:" + String(repeating: "F", count: 257), offset: 262, fragment: "longer than 256"),
        Negative(input: "ABC:1\n", offset: 4, fragment: "got '1\n'"),
        Negative(input: "健康卡:1", offset: 0, fragment: "character '健'"),
    ]

    @Test("malformed payloads are rejected with the segment and offset", arguments: negatives)
    func negative(_ vector: Negative) {
        #expect {
            try EHealthCardPayload(parsing: vector.input)
        } throws: { error in
            guard let error = error as? PayloadSyntaxError else { return false }
            return error.offset == vector.offset && error.reason.contains(vector.fragment)
        }
    }

    @Test("valid edge cases: one-character id, lower case kept, colons inside the validity segment")
    func edges() throws {
        let short = try EHealthCardPayload(parsing: "a:1")
        #expect(short.cardID == "a" && short.type == .static)
        let wenzhou = try EHealthCardPayload(parsing: "26B5A1FE56681:1")
        #expect(wenzhou.cardID == "26B5A1FE56681")
        #expect(!CardIDProfile.tencent64Hex.accepts(wenzhou.cardID))
        #expect(CardIDProfile.any.accepts(wenzhou.cardID))
        let timed = try EHealthCardPayload(parsing: "ABC:0:2024-01-01 12:00:00")
        #expect(timed.validity == "2024-01-01 12:00:00")
        let longest = String(repeating: "z", count: 64)
        #expect(try EHealthCardPayload(parsing: longest + ":1").cardID == longest)
    }

    @Test("produce ↔ parse round trip; construction applies the same rules")
    func produce() throws {
        let payloads = [
            try EHealthCardPayload(cardID: "ABC123", type: .static),
            try EHealthCardPayload(cardID: "x", type: .dynamic, validity: "8D7E10969D22699A07C2BDA9B4CE9286"),
        ]
        for payload in payloads { #expect(try EHealthCardPayload(parsing: payload.text) == payload) }
        #expect(payloads[0].text == "ABC123:1")
        #expect(payloads[1].text == "x:0:8D7E10969D22699A07C2BDA9B4CE9286")
        #expect(throws: PayloadSyntaxError.self) {
            try EHealthCardPayload(cardID: "ABC", type: .static, validity: "X")
        }
        #expect(throws: PayloadSyntaxError.self) { try EHealthCardPayload(cardID: "ABC", type: .dynamic) }
        #expect(throws: PayloadSyntaxError.self) { try EHealthCardPayload(cardID: "A:B", type: .static) }
        #expect(throws: PayloadSyntaxError.self) { try EHealthCardPayload(cardID: "", type: .static) }
    }

    @Test("profiles: length and alphabet errors are distinct from grammar errors")
    func profiles() {
        #expect(CardIDProfile.qinghai20.accepts("ABCDEFGHIJ0123456789"))
        #expect(!CardIDProfile.qinghai20.accepts("abcdefghij0123456789"))
        #expect {
            try CardIDProfile.tencent64Hex.check("ABCDEF")
        } throws: { error in
            let mismatch = error as? CardIDProfile.Mismatch
            return mismatch?.offset == nil && mismatch?.reason.contains("6 characters, expected 64") == true
        }
        #expect(throws: CardIDProfile.Mismatch.self) {
            try CardIDProfile.tencent64Hex.check(String(repeating: "a", count: 64))
        }
    }

    @Test("arbitrary bytes never trap")
    func robustness() {
        var generator = SplitMix64(seed: 0x4752_414D)  // seeded: a failure reproduces
        let alphabet = Array("0123456789ABCDEFabcdef::: -\u{0}\n健…")
        for _ in 0..<2000 {
            let length = Int.random(in: 0...80, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "A" })
            if let payload = try? EHealthCardPayload(parsing: text) {
                #expect(payload.text == text)
            }
        }
    }
}
