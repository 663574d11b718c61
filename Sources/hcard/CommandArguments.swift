import ArgumentParser
import Foundation
import HealthCardCore

// MARK: - Arguments

/// A person on the command line: a citizen ID, or `TT:NUMBER`.
struct PersonArgument: ExpressibleByArgument {
    let id: PersonID

    init?(argument: String) {
        guard let id = try? PersonID(argument) else { return nil }
        self.id = id
    }
}

/// A time on the command line: ISO 8601 with a zone (an instant), or without one (China time), or a
/// date alone (00:00 China time).
struct ChinaTimeArgument: ExpressibleByArgument {
    let dateTime: CalendarDateTime
    let instant: Date

    init?(argument: String) {
        if argument.contains("T"), let instant = ISO8601Instant.parse(argument) {
            self.instant = instant
            dateTime = ChinaTime.dateTime(at: instant)
        } else if let value = CalendarDateTime(iso: argument) {
            dateTime = value
            instant = ChinaTime.instant(of: value)
        } else if let date = CalendarDate(lenient: argument),
            let value = CalendarDateTime(date: date, hour: 0, minute: 0, second: 0)
        {
            dateTime = value
            instant = ChinaTime.instant(of: value)
        } else {
            return nil
        }
    }
}

/// A temperature in °C: a plain decimal only (`BodyTemperature`), so `0x24`, `1e1` or `nan` is
/// a usage error rather than a reading.
struct CelsiusArgument: ExpressibleByArgument {
    let celsius: Double

    init?(argument: String) {
        guard let value = try? BodyTemperature.parse(argument) else { return nil }
        celsius = value
    }
}

/// A duration: whole seconds, or a number with `s`, `m`, `h` or `d`.
struct DurationArgument: ExpressibleByArgument {
    let seconds: Int

    init(seconds: Int) { self.seconds = seconds }

    init?(argument: String) {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var text = argument
        var unit = 1
        if let last = text.last, let value = units[last] {
            unit = value
            text.removeLast()
        }
        guard let number = Int(text), number > 0, number <= Int(UInt32.max) / unit else { return nil }
        seconds = number * unit
    }

    var defaultValueDescription: String { seconds % 3600 == 0 ? "\(seconds / 3600)h" : "\(seconds)s" }
}
