import Testing
import HealthCardTestSupport
@testable import HealthCardFoundation
@testable import HealthQR


@Suite("QRPayload: base45 (RFC 9285)")
struct QRPayloadBase45Tests {
    /// RFC 9285 §4.3 and §4.4 examples.
    static let vectors: [(text: String, encoded: String)] = [
        ("AB", "BB8"),
        ("Hello!!", "%69 VD92EX0"),
        ("base-45", "UJCLQE7W581"),
        ("ietf!", "QED8WEX0"),
        ("", ""),
    ]

    @Test("RFC 9285 vectors encode and decode", arguments: vectors)
    func vector(_ vector: (text: String, encoded: String)) throws {
        #expect(Base45.encode(Array(vector.text.utf8)) == vector.encoded)
        #expect(try Base45.decode(vector.encoded) == Array(vector.text.utf8))
        #expect(Base45.encodedLength(byteCount: vector.text.utf8.count) == vector.encoded.count)
    }

    @Test("boundary values: 0x0000, 0xFFFF, 0x00 and 0xFF")
    func boundaries() throws {
        #expect(Base45.encode([0x00, 0x00]) == "000")
        #expect(Base45.encode([0xFF, 0xFF]) == "FGW")
        #expect(Base45.encode([0x00]) == "00")
        #expect(Base45.encode([0xFF]) == "U5")
        for bytes in [[0x00, 0x00], [0xFF, 0xFF], [0x00], [0xFF], [0x12, 0x34, 0x56]] as [[UInt8]] {
            #expect(try Base45.decode(Base45.encode(bytes)) == bytes)
        }
    }

    @Test("random round trips")
    func roundTrip() throws {
        var generator = SplitMix64(seed: 0x4234_3521)  // seeded: a failure reproduces
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Base45.encode(bytes)
            #expect(text.allSatisfy { Base45.alphabet.contains($0) })
            #expect(try Base45.decode(text) == bytes)
        }
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let text: String
        let offset: Int
        let code: HealthCardError.Code
        var testDescription: String { "'\(text)'" }
    }

    static let invalid: [Invalid] = [
        Invalid(text: "GGW", offset: 0, code: .invalidValue),  // 65536: RFC 9285 §6
        Invalid(text: "BB8GGW", offset: 3, code: .invalidValue),
        Invalid(text: "ZZ", offset: 0, code: .invalidValue),  // 35 + 35 × 45 = 1610 > 255
        Invalid(text: "BB8A", offset: 3, code: .malformed),  // one character over
        Invalid(text: "A", offset: 0, code: .malformed),
        Invalid(text: "bb8", offset: 0, code: .invalidEncoding),  // lower case is not base45
        Invalid(text: "BB8=", offset: 3, code: .invalidEncoding),
        Invalid(text: "BB\n8", offset: 2, code: .invalidEncoding),
        Invalid(text: "BB8健BB", offset: 3, code: .invalidEncoding),
    ]

    @Test("invalid characters, lengths and values are rejected with their offset", arguments: invalid)
    func invalidInput(_ vector: Invalid) {
        #expect {
            try Base45.decode(vector.text)
        } throws: { error in
            guard let error = error as? PayloadSyntaxError else { return false }
            return error.offset == vector.offset && error.code == vector.code
        }
    }
}
