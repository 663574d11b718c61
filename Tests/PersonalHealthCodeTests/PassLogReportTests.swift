import Foundation
import Testing
@testable import HealthCardFoundation
@testable import PersonalHealthCode

/// The analyses' JSON rows: China-time instants, holders masked unless asked for in full.
@Suite("Pass log reports")
struct PassLogReportTests {
    /// 2026-03-02T00:00:00Z = 08:00 China time.
    static let hour = Date(timeIntervalSince1970: 1_772_409_600)
    static let person = PassHolder.person(try! PersonID("11010519491231002X"))

    @Test("counts per hour are keyed by the hour in China time; per checkpoint by id with the name")
    func counts() {
        let hourly = PassCountReport(HourlyPassCount(hour: Self.hour, passed: 3, denied: 1))
        #expect(hourly.key == "2026-03-02T08:00:00+08:00" && hourly.name == nil && hourly.total == 4)
        let gate = PassCountReport(CheckpointPassCount(checkpoint: "G1", name: "East gate", passed: 0, denied: 2))
        #expect(gate.key == "G1" && gate.name == "East gate" && gate.total == 2)
    }

    @Test("companions and frequencies mask the holder unless full ids are asked for")
    func masking() {
        let companion = Companion(
            holder: Self.person, encounters: 2, checkpoints: ["G1"], first: Self.hour,
            last: Self.hour.addingTimeInterval(600))
        #expect(CompanionReport(companion, fullIDs: false).person == "110105********002X")
        #expect(CompanionReport(companion, fullIDs: true).person == "11010519491231002X")
        #expect(CompanionReport(companion, fullIDs: false).last == "2026-03-02T08:10:00+08:00")
        let frequency = PassFrequency(
            holder: Self.person, checkpoint: "G1", visits: 5, first: Self.hour, last: Self.hour)
        #expect(PassFrequencyReport(frequency, fullIDs: false).person == "110105********002X")
        #expect(PassFrequencyReport(frequency, fullIDs: false).visits == 5)
    }
}
