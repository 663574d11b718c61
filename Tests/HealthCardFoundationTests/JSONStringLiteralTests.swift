import Foundation
import Testing
@testable import HealthCardFoundation

@Suite("JSONStringLiteral: JSON strings written directly")
struct JSONStringLiteralTests {
    @Test("every string reads back as itself through JSONDecoder, and is written as JSONEncoder (.withoutEscapingSlashes) writes it")
    func roundTrips() throws {
        var samples = [
            "", "plain", "quote \" and backslash \\", "a/b/c", "line\nbreak\r\ttab", "\u{08}\u{0C}", "\u{00}\u{01}\u{1F}\u{7F}",
            "张三 110105", "emoji 🧑‍⚕️", "\u{2028}\u{2029}",
        ]
        samples.append(String((0..<128).map { Character(Unicode.Scalar(UInt8($0))) }))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        for sample in samples {
            let literal = JSONStringLiteral.make(sample)
            #expect(try JSONDecoder().decode(String.self, from: Data(literal.utf8)) == sample, "\(literal)")
            #expect(literal == String(decoding: try encoder.encode(sample), as: UTF8.self), "\(sample.debugDescription)")
        }
    }
}
