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
        Date.ISO8601FormatStyle().format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }
}
