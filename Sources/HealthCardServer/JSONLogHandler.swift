import Foundation
import HealthCardFoundation
import Logging

/// Structured logs: one JSON object per line on standard error, with `time` (ISO 8601 UTC),
/// `level`, `label`, `message` and the metadata as string fields. Log collectors read these
/// without a parser of their own; nothing secret is ever logged (API keys are not metadata, and
/// request bodies are not logged).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the line directly (``JSONStringLiteral``), keys sorted by their UTF-8 bytes: the
    /// server logs one line per request, and a `JSONEncoder` per line was a visible share of a
    /// request's CPU time (profiled in Docs/serve.md §9).
    public func log(event: LogEvent) {
        FileHandle.standardError.write(Data(line(event, at: SystemClock().now())))
    }

    /// The line of `event` logged at `time`: one JSON object and a newline. The fixed fields
    /// (`label`, `level`, `message`, `time`) cannot be overridden by metadata; the event's metadata
    /// wins over the handler's.
    func line(_ event: LogEvent, at time: Date) -> [UInt8] {
        let fixed = [
            ("label", label), ("level", event.level.rawValue), ("message", "\(event.message)"),
            ("time", ISO8601Instant.format(time)),
        ]
        var fields: [(key: String, value: String)] = fixed
        // The event's metadata, then the handler's where the event has no value of its own: the
        // two merged without building a third dictionary per line.
        let own = event.metadata ?? [:]
        fields.reserveCapacity(fixed.count + own.count + metadata.count)
        for (key, value) in own where !fixed.contains(where: { $0.0 == key }) {
            fields.append((key, "\(value)"))
        }
        for (key, value) in metadata where own[key] == nil && !fixed.contains(where: { $0.0 == key }) {
            fields.append((key, "\(value)"))
        }
        fields.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        var line: [UInt8] = [UInt8(ascii: "{")]
        line.reserveCapacity(256)
        for (offset, field) in fields.enumerated() {
            if offset > 0 { line.append(UInt8(ascii: ",")) }
            JSONStringLiteral.append(field.key, to: &line)
            line.append(UInt8(ascii: ":"))
            JSONStringLiteral.append(field.value, to: &line)
        }
        line += [UInt8(ascii: "}"), 0x0A]
        return line
    }

    /// Installs this handler for the process (once, before any logger is made), at `level`.
    public static func bootstrap(level: String) {
        let level = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
    }
}
