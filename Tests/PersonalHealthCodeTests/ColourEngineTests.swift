import Testing
@testable import HealthCardFoundation
@testable import PersonalHealthCode


/// Replays people's histories under each shipped Hainan rule set and checks the colour on every
/// day (health-code.md §5.1, §5.3). One letter per day: G green, Y yellow, R red.
@Suite("Health code: colour engine")
struct ColourEngineTests {
    static func day(_ d: Int, month: Int = 6) -> CalendarDate { CalendarDate(year: 2022, month: month, day: d)! }
    static func at(_ d: Int, month: Int = 6, hour: Int = 9) -> CalendarDateTime {
        CalendarDateTime(date: day(d, month: month), hour: hour, minute: 0, second: 0)!
    }

    /// Colours from June 1 for `days` days as letters.
    static func letters(_ events: [HealthEvent], _ rules: String, days: Int = 40) throws -> String {
        let timeline = ColourEngine.timeline(of: events, rules: try RuleSet.named(rules), from: day(1), to: day(1).adding(days: days - 1))
        return String(timeline.map { $0.colour == .green ? "G" : $0.colour == .yellow ? "Y" : $0.colour == .red ? "R" : "?" })
    }

    static func dailyCheckIns(from start: Int, to end: Int, skip: Set<Int> = [], abnormal: Set<Int> = []) -> [HealthEvent] {
        (start...end).filter { !skip.contains($0) }.map { d in
            let date = day(1).adding(days: d - 1)
            return HealthEvent(CalendarDateTime(date: date, hour: 8, minute: 0, second: 0)!, .checkIn(normal: !abnormal.contains(d)))
        }
    }

    // A confirmed case admitted on June 1 and discharged on June 10, checking in daily afterwards.
    static let confirmed: [HealthEvent] = [
        HealthEvent(at(1), .caseOpened(.confirmed)), HealthEvent(at(10), .caseClosed(.confirmed)),
    ] + dailyCheckIns(from: 11, to: 40)

    @Test("confirmed case, red → yellow → green, under each rule set", arguments: [
        // 2020-02: red until 14 consecutive check-ins after release (June 11-24): green from June 24.
        ("hainan-2020-02", String(repeating: "R", count: 23) + String(repeating: "G", count: 17)),
        // 2021-08: yellow for the 14 days after release, green from June 24.
        ("hainan-2021-08", String(repeating: "R", count: 9) + String(repeating: "Y", count: 14) + String(repeating: "G", count: 17)),
        // 2022-05: red until day 14 after discharge (June 24), then 7 days yellow, green from July 1.
        ("hainan-2022-05", String(repeating: "R", count: 23) + String(repeating: "Y", count: 7) + String(repeating: "G", count: 10)),
        // 2022-09: red until day 7 (June 17), 7 days yellow, green from June 24.
        ("hainan-2022-09", String(repeating: "R", count: 16) + String(repeating: "Y", count: 7) + String(repeating: "G", count: 17)),
    ])
    func confirmedCase(rules: String, expected: String) throws {
        #expect(try Self.letters(Self.confirmed, rules) == expected)
    }

    // Symptoms declared on June 1, normal check-ins from June 2.
    static let symptoms: [HealthEvent] = [HealthEvent(at(1), .declaration(symptoms: ["发热"], riskAreaStay: false, overseas: false))]
        + dailyCheckIns(from: 2, to: 30)

    @Test("symptoms: yellow → green after the required check-in days", arguments: [
        ("hainan-2020-02", 14), ("hainan-2021-08", 14), ("hainan-2022-05", 14), ("hainan-2022-09", 7),
    ])
    func symptomCheckIns(rules: String, days: Int) throws {
        let expected = String(repeating: "Y", count: days) + String(repeating: "G", count: 30 - days)
        #expect(try Self.letters(Self.symptoms, rules, days: 30) == expected)
    }

    @Test("a missed check-in day restarts the count; an abnormal one restarts it too")
    func missedDay() throws {
        let missed = [HealthEvent(Self.at(1), .declaration(symptoms: ["咳嗽"], riskAreaStay: false, overseas: false))]
            + Self.dailyCheckIns(from: 2, to: 30, skip: [5])
        // Count 2,3,4 then reset on the 5th; 6..12 make 7 → green on June 12.
        #expect(try Self.letters(missed, "hainan-2022-09", days: 15) == String(repeating: "Y", count: 11) + "GGGG")
        let abnormal = [HealthEvent(Self.at(1), .declaration(symptoms: ["咳嗽"], riskAreaStay: false, overseas: false))]
            + Self.dailyCheckIns(from: 2, to: 30, abnormal: [4])
        // The abnormal check-in on the 4th restarts the count: 5..11 make 7 → green on June 11.
        #expect(try Self.letters(abnormal, "hainan-2022-09", days: 15) == String(repeating: "Y", count: 10) + "GGGGG")
    }

    @Test("a risk-area stay needs a manual conversion under v2022, and the conversion is respected")
    func manualConversion() throws {
        let events = [
            HealthEvent(Self.at(1), .declaration(symptoms: [], riskAreaStay: true, overseas: false)),
            HealthEvent(Self.at(6, hour: 15), .manualConversion(to: .green, actor: "三亚市防控指挥部", reason: "管控结束")),
            HealthEvent(Self.at(9, hour: 10), .manualConversion(to: .yellow, actor: "凤凰机场卡口", reason: "体温异常")),
            HealthEvent(Self.at(12, hour: 10), .manualConversion(to: .green, actor: "凤凰机场卡口", reason: "复测正常")),
        ]
        #expect(try Self.letters(events, "hainan-2022-09", days: 14) == "RRRRRGGGYYYGGG")
        // Under 2021-08 the same stay ends by itself after 14 days of isolation.
        let stay = [HealthEvent(Self.at(1), .declaration(symptoms: [], riskAreaStay: true, overseas: false))]
        #expect(try Self.letters(stay, "hainan-2021-08", days: 16) == String(repeating: "R", count: 14) + "GG")
    }

    @Test("overseas self-declaration clears automatically after 3 days under v2022")
    func overseas() throws {
        let events = [HealthEvent(Self.at(1), .declaration(symptoms: [], riskAreaStay: false, overseas: true))]
        #expect(try Self.letters(events, "hainan-2022-05", days: 6) == "RRRGGG")
    }

    @Test("fever clinic: yellow until a re-visit excludes COVID")
    func feverClinic() throws {
        let events = [
            HealthEvent(Self.at(1), .feverClinicVisit(excludesCOVID: false)),
            HealthEvent(Self.at(4), .feverClinicVisit(excludesCOVID: true)),
        ]
        #expect(try Self.letters(events, "hainan-2022-05", days: 6) == "YYYGGG")
    }

    @Test("the status lists reasons with exit conditions and end dates")
    func reasons() throws {
        let status = ColourEngine.status(of: Self.confirmed, rules: try RuleSet.named("hainan-2022-09"), on: Self.day(20))
        #expect(status.colour == .yellow)
        let reason = try #require(status.reasons.first)
        #expect(reason.category == "case.confirmed")
        #expect(reason.endsOn == Self.day(24))
        #expect(reason.exitCondition.contains("7 days of home monitoring"))
        let symptoms = ColourEngine.status(of: Self.symptoms, rules: try RuleSet.named("hainan-2022-09"), on: Self.day(4))
        #expect(symptoms.reasons.first?.exitCondition == "7 consecutive days of normal check-ins (3 so far)")
        #expect(throws: HealthCardError.self) { try RuleSet.named("hainan-2099-01") }
    }
}
