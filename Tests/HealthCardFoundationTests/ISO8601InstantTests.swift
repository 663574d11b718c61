import Foundation
import Testing
@testable import HealthCardFoundation

@Suite("ISO8601Instant: instants as text")
struct ISO8601InstantTests {
    @Test("the direct formatter writes what Date.ISO8601FormatStyle writes, 1970 to 9999 and beyond, fractions dropped")
    func formatMatchesFormatStyle() {
        var state: UInt64 = 38961
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var instants: [Double] = [
            0, 0.999, 59, 86_399.5, 86_400, 951_782_400, 951_868_800, 4_107_542_399, 4_102_444_800,
            253_402_300_799.9, 253_402_300_800, -1, -86_400.5, -62_135_596_800,
        ]
        for _ in 0..<20_000 { instants.append(Double(next() % 253_402_300_800) + Double(next() % 1000) / 1000) }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            let expected = Date.ISO8601FormatStyle().format(Date(timeIntervalSince1970: seconds.rounded(.down)))
            #expect(ISO8601Instant.format(date) == expected, "\(seconds)")
            if ISO8601Instant.format(date) != expected { return }
        }
        #expect(ISO8601Instant.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }
}
