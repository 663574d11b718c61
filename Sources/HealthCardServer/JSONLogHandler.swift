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
        let fixed = [
            ("label", label), ("level", event.level.rawValue), ("message", "\(event.message)"),
            ("time", ISO8601Instant.format(SystemClock().now())),
        ]
        var fields: [(key: String, value: String)] = fixed
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        where !fixed.contains(where: { $0.0 == key }) {
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
        FileHandle.standardError.write(Data(line))
    }

    /// Installs this handler for the process (once, before any logger is made), at `level`.
    public static func bootstrap(level: String) {
        let level = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
    }
}
