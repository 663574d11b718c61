import Foundation
/// A civil calendar date (proleptic Gregorian), with no time zone: what a birth date, a card
/// issue date or a `YYYYMMDD` card field means.
///
/// Why not `Foundation.Date`: a birth date is not an instant, and converting through a time zone
/// is how 1 January becomes 31 December. Construction validates the day against the month and
/// leap years, so an impossible date (`20230230`) cannot exist as a value.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Fails for dates that do not exist (month 13, 30 February, 29 February in a common year).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly eight ASCII digits `YYYYMMDD`.
    public init?(yyyymmdd text: some StringProtocol) {
        let digits = Array(text.utf8)
        guard digits.count == 8, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        self.init(year: number(0..<4), month: number(4..<6), day: number(6..<8))
    }

    /// Parses `YYYYMMDD`, `YYYY-MM-DD` or `YYYY/M/D` (the forms of ../shared/specs/empi.md §4).
    public init?(lenient text: String) {
        let trimmed = text.trimmingWhitespace()
        if let date = CalendarDate(yyyymmdd: trimmed) {
            self = date
            return
        }
        for separator: Character in ["-", "/"] where trimmed.contains(separator) {
            let parts = trimmed.split(separator: separator, omittingEmptySubsequences: false)
            guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
                parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count)
            else { return nil }
            self.init(year: y, month: m, day: d)
            return
        }
        return nil
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYYMMDD`, the card and ID form.
    public var compact: String { pad(year, 4) + pad(month, 2) + pad(day, 2) }
    /// `YYYY-MM-DD` (ISO 8601), the JSON form.
    public var description: String { pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Whole years from `self` to `later` (an age), counting a birthday only once it is reached.
    public func years(until later: CalendarDate) -> Int {
        var years = later.year - year
        if (later.month, later.day) < (month, day) { years -= 1 }
        return years
    }

    /// Days since 1970-01-01 (negative before), for date arithmetic without Foundation.
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date `daysSinceEpoch` days after 1970-01-01.
    public init(daysSinceEpoch z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(daysSinceEpoch: daysSinceEpoch + days) }
}

extension CalendarDate: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(lenient: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a real date: \(text)"))
        }
        self = date
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension CalendarDate {
    /// Today's date at a fixed UTC offset; the default is China Standard Time (UTC+8, no DST),
    /// the civil calendar every date on a card or ID refers to.
    ///
    /// - Parameters:
    ///   - utcOffsetSeconds: the offset of the civil calendar from UTC.
    ///   - now: the instant, in seconds since 1970; `clock`'s reading if `nil`.
    ///   - clock: the clock read when `now` is not given.
    public static func today(
        utcOffsetSeconds: Int = 8 * 3600, now: Double? = nil, clock: any WallClock = SystemClock()
    ) -> CalendarDate {
        let seconds = Int((now ?? clock.now().timeIntervalSince1970).rounded(.down)) + utcOffsetSeconds
        return CalendarDate(daysSinceEpoch: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }
}
