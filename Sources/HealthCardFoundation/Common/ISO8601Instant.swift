import Foundation

/// Instants as ISO 8601 text with a zone (`2026-01-01T00:00:00Z`, `2026-01-01T08:00:00+08:00`): the
/// form of trust-list validity periods and of `--now` on the command line.
///
/// Why a zone is required: a trust list is shared between provinces and machines; a local time
/// without a zone would mean different instants on different checkpoints. Output is always UTC
/// with `Z`, to whole seconds.
package enum ISO8601Instant {
    /// The instant written in `text`, or `nil` if it is not ISO 8601 date-time with a zone.
    package static func parse(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle().parse(text)
    }

    /// `date` as `yyyy-MM-ddTHH:mm:ssZ` (fractions of a second dropped).
    package static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        // 1970-9999 is written directly (a batch writes one or two instants per code, and the
        // format style cost as much as the rest of a manifest entry); earlier instants, where the
        // style's Gregorian calendar turns Julian (1582), and later ones by the style.
        guard seconds >= 0, seconds < 253_402_300_800 else {
            return Date.ISO8601FormatStyle().format(Date(timeIntervalSince1970: seconds))
        }
        let whole = Int(seconds)
        let days = whole / 86_400
        let time = whole - days * 86_400
        let date = CalendarDate(daysSinceEpoch: days)
        var text = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                text[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(date.year, at: 0, digits: 4)
        put(date.month, at: 5, digits: 2)
        put(date.day, at: 8, digits: 2)
        put(time / 3600, at: 11, digits: 2)
        put(time / 60 % 60, at: 14, digits: 2)
        put(time % 60, at: 17, digits: 2)
        for (offset, character) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "Z")] as [(Int, Unicode.Scalar)] {
            text[offset] = UInt8(ascii: character)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
