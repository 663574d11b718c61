import Foundation
import Testing
@testable import HealthCardFoundation


@Suite("Calendar dates")
struct CalendarDateTests {
    @Test("days since epoch round-trips over four centuries")
    func epochRoundTrip() {
        var date = CalendarDate(year: 1800, month: 1, day: 1)!
        var days = date.daysSinceEpoch
        while date.year < 2200 {
            #expect(CalendarDate(daysSinceEpoch: days) == date)
            days += 1
            date = date.adding(days: 1)
            #expect(date.daysSinceEpoch == days)
        }
        #expect(CalendarDate(year: 1970, month: 1, day: 1)!.daysSinceEpoch == 0)
        #expect(CalendarDate(year: 2000, month: 3, day: 1)!.daysSinceEpoch == 11_017)
    }

    @Test("today is computed in China time")
    func todayInChina() {
        // 2026-11-22T18:30:00Z is already 23 November in Beijing.
        let instant = 1_795_372_200.0
        #expect(CalendarDate.today(utcOffsetSeconds: 0, now: instant) == CalendarDate(year: 2026, month: 11, day: 22))
        #expect(CalendarDate.today(now: instant) == CalendarDate(year: 2026, month: 11, day: 23))
    }

    @Test("lenient parsing accepts the three forms of empi.md §4", arguments: [
        "19491231", "1949-12-31", "1949/12/31",
    ])
    func lenient(text: String) {
        #expect(CalendarDate(lenient: text) == CalendarDate(year: 1949, month: 12, day: 31))
    }

    @Test("rejects impossible and malformed dates", arguments: ["19490230", "1949-2-30", "1949/13/1", "49-12-31", "", "2024-02-3x"])
    func rejects(text: String) {
        #expect(CalendarDate(lenient: text) == nil)
    }

    @Test("ages count a birthday only once reached")
    func ages() {
        let birth = CalendarDate(year: 2000, month: 2, day: 29)!
        #expect(birth.years(until: CalendarDate(year: 2026, month: 2, day: 28)!) == 25)
        #expect(birth.years(until: CalendarDate(year: 2026, month: 3, day: 1)!) == 26)
    }

    @Test("date-times parse compact and ISO forms")
    func dateTimes() throws {
        let value = try #require(CalendarDateTime(compact: "20130401083015"))
        #expect(value.description == "2013-04-01T08:30:15")
        #expect(CalendarDateTime(iso: "2013-04-01T08:30:15") == value)
        #expect(CalendarDateTime(compact: "20130401243015") == nil)
        let json = try JSONEncoder().encode([value])
        #expect(try JSONDecoder().decode([CalendarDateTime].self, from: json) == [value])
    }
}
