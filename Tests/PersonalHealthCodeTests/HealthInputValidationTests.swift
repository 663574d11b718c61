import Foundation
import Testing
@testable import HealthCardFoundation
@testable import PersonalHealthCode

/// Values refused before they are stored: a manual conversion to a colour no code can carry (it
/// used to be stored and then break every `generateCode`), and temperatures that are not plain
/// decimals (`Double("0x24")` is 36.0).
@Suite("Health-code inputs: colours and temperatures are checked before use")
struct HealthInputValidationTests {
    @Test("a manual conversion to purple is refused, listing the valid colours, and nothing is stored")
    func unknownColourRefused() async throws {
        let fixture = try HealthCodeStoreServiceTests.Fixture()
        defer { fixture.remove() }
        let event = HealthEvent(
            HealthCodeStoreServiceTests.dateTime("2026-03-02T10:00:00"),
            .manualConversion(to: HealthColour(rawValue: "purple"), actor: "cdc", reason: "test"))
        do {
            _ = try await fixture.service.recordEvent(event, for: HealthCodeFixtures.person, actor: "cdc")
            Issue.record("purple was stored")
        } catch let error as HealthCardError {
            #expect(error.code == .invalidValue)
            #expect(error.reason.contains("'purple'"), "\(error.reason)")
            #expect(error.reason.contains("valid: green, yellow, red, grey"), "\(error.reason)")
        }
        #expect(try await fixture.service.store.counts() == .init(persons: 0, events: 0, issuedCodes: 0))
        // A colour of the table is recorded, and a code can then be issued.
        let yellow = HealthEvent(
            HealthCodeStoreServiceTests.dateTime("2026-03-02T10:00:00"),
            .manualConversion(to: .yellow, actor: "cdc", reason: "test"))
        _ = try await fixture.service.recordEvent(yellow, for: HealthCodeFixtures.person, actor: "cdc")
        let code = try await fixture.service.generateCode(
            .init(person: HealthCodeFixtures.person, now: HealthCodeStoreServiceTests.instant("2026-03-02T11:00:00")))
        #expect(code.returnCode == .success)
    }

    @Test("temperatures: only plain decimals are readings", arguments: [
        ("36", 36.0), ("36.5", 36.5), ("37.25", 37.25), ("100", 100.0),
    ])
    func plainDecimals(text: String, value: Double) throws {
        #expect(try BodyTemperature.parse(text) == value)
    }

    @Test("temperatures: hex, exponents, signs, inf and nan are refused", arguments: [
        "0x24", "0x1.2p5", "3.65e1", "1e1", "+36.5", "-1", "inf", "nan", "", ".5", "36.", "36.555", "1000", " 36.5",
    ])
    func notPlainDecimals(text: String) throws {
        #expect(throws: HealthCardError.self) { try BodyTemperature.parse(text) }
    }
}
