/// A civil date and time to the second, with no time zone: the card's `YYYYMMDDhhmmss` fields
/// (visit date-time, onset date-time; ../shared/specs/health-card.md §3).
public struct CalendarDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let date: CalendarDate
    public let hour: Int
    public let minute: Int
    public let second: Int

    public init?(date: CalendarDate, hour: Int, minute: Int, second: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Parses exactly fourteen ASCII digits `YYYYMMDDhhmmss`.
    public init?(compact text: some StringProtocol) {
        let digits = Array(text.utf8)
        guard digits.count == 14, digits.allSatisfy({ (0x30...0x39).contains($0) }),
            let date = CalendarDate(yyyymmdd: String(decoding: digits[0..<8], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        self.init(date: date, hour: number(8..<10), minute: number(10..<12), second: number(12..<14))
    }

    /// Parses `YYYY-MM-DDThh:mm:ss` (ISO 8601 without zone) or the compact form.
    public init?(iso text: String) {
        if let value = CalendarDateTime(compact: text) {
            self = value
            return
        }
        let parts = text.split(separator: "T")
        guard parts.count == 2, let date = CalendarDate(lenient: String(parts[0])) else { return nil }
        let time = parts[1].split(separator: ":")
        guard time.count == 3, time.allSatisfy({ $0.count == 2 }), let h = Int(time[0]), let m = Int(time[1]),
            let s = Int(time[2])
        else { return nil }
        self.init(date: date, hour: h, minute: m, second: s)
    }

    public var compact: String { date.compact + pad(hour, 2) + pad(minute, 2) + pad(second, 2) }
    public var description: String { "\(date)T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.date, lhs.hour, lhs.minute, lhs.second) < (rhs.date, rhs.hour, rhs.minute, rhs.second)
    }
}

extension CalendarDateTime: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = CalendarDateTime(iso: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a date-time: \(text)"))
        }
        self = value
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
