import Foundation
import HealthCardFoundation

/// A thermometer on a serial line that prints one reading per line (`T=36.5`, `36.5C`,
/// `TEMP:36.50`): the configured pattern's first capture group is the reading in °C.
///
/// A reading is good for ``maxAgeSeconds`` and for **one** passage: it is taken by the next scan
/// and then gone, so the reading of the person before is never reused for the next one. Lines
/// that do not match are counted (``unmatchedLines``) and ignored; a silent thermometer gives no
/// reading, and a policy that requires one denies (`temperatureMissing`).
final class SerialThermometer {
    let line: SerialLine
    let pattern: NSRegularExpression
    let maxAgeSeconds: Double
    private var latest: (celsius: Double, time: Date)?
    private(set) var unmatchedLines = 0
    private(set) var lastLine: String?

    init(_ configuration: StationConfiguration.ThermometerConfiguration) throws {
        line = SerialLine(path: configuration.path, baud: configuration.baud)
        pattern = try NSRegularExpression(pattern: configuration.pattern)
        maxAgeSeconds = configuration.maxAgeSeconds
    }

    /// The reading in one line of the device, `nil` if the line does not match.
    static func reading(in text: String, pattern: NSRegularExpression) -> Double? {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = pattern.firstMatch(in: text, range: range), match.numberOfRanges > 1,
            let group = Range(match.range(at: 1), in: text)
        else { return nil }
        return Double(text[group]).flatMap { $0.isFinite ? $0 : nil }
    }

    /// Reads what the device sent; whether a new reading came. Throws when the device is gone
    /// (see ``SerialLine/readLines()``).
    @discardableResult
    func poll(now: Date) throws -> Bool {
        var measured = false
        for text in try line.readLines() {
            lastLine = text
            if let celsius = Self.reading(in: text, pattern: pattern) {
                latest = (celsius, now)
                measured = true
            } else {
                unmatchedLines += 1
            }
        }
        return measured
    }

    /// The reading for the passage at `now`, consumed; `nil` if there is none fresh enough.
    func take(at now: Date) -> Double? {
        defer { latest = nil }
        guard let latest, now.timeIntervalSince(latest.time) <= maxAgeSeconds, latest.time <= now.addingTimeInterval(1)
        else { return nil }
        return latest.celsius
    }
}
