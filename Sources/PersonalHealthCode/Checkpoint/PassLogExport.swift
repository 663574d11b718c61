import Foundation
import HealthCardFoundation

/// Writes passages as CSV (RFC 4180) or JSON, streaming: rows go from the SQLite cursor through a
/// 64 KiB buffer to `sink`, so an export of 10 million rows never holds them all.
///
/// Columns, in this order, in both formats: `id, time` (ISO 8601, China time `+08:00`),
/// `checkpoint, checkpointName, area, department, direction` (`in`/`out`), `credential`, `person`,
/// `colour, temperature, decision, reasons` (codes, space-separated), `detail, plate`.
///
/// - CSV: a header line, CRLF line ends, and a field in double quotes (with `"` doubled) exactly
///   when it holds a comma, a quote, CR or LF (RFC 4180 §2). Missing values are empty fields.
/// - JSON: one array of objects, one object per line, missing values `null`.
///
/// `person` is masked (``PassHolder/masked``) unless `fullIDs` is set: an export is the file most
/// likely to travel, so the full number must be asked for.
public enum PassLogExport {
    public enum Format: String, Sendable, CaseIterable {
        case csv, json
    }

    /// The column names.
    public static let columns = [
        "id", "time", "checkpoint", "checkpointName", "area", "department", "direction", "credential", "person",
        "colour", "temperature", "decision", "reasons", "detail", "plate",
    ]

    /// Writes the passages of `log` that match `filter` to `sink` and returns how many.
    ///
    /// - Throws: the log's errors; whatever `sink` throws (which stops the export).
    @discardableResult
    public static func write(
        _ log: PassLog, matching filter: PassLogFilter, format: Format, fullIDs: Bool = false,
        to sink: (String) throws -> Void
    ) throws -> Int {
        var buffer = ""
        buffer.reserveCapacity(1 << 16)
        var count = 0
        func emit(_ text: String) throws {
            buffer += text
            if buffer.utf8.count >= 1 << 16 {
                try sink(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        switch format {
        case .csv: try emit(columns.joined(separator: ",") + "\r\n")
        case .json: try emit("[")
        }
        try log.forEachRecord(matching: filter) { record in
            let values = fields(record, fullIDs: fullIDs)
            switch format {
            case .csv:
                try emit(CSVCell.row(values.map { $0 ?? "" }) + "\r\n")
            case .json:
                let object = zip(columns, values).map { name, value in
                    "\"\(name)\":" + (name == "id" || name == "temperature" ? value ?? "null" : jsonString(value))
                }
                try emit((count == 0 ? "\n" : ",\n") + "{" + object.joined(separator: ",") + "}")
            }
            count += 1
        }
        if format == .json { try emit(count == 0 ? "]\n" : "\n]\n") }
        if !buffer.isEmpty { try sink(buffer) }
        return count
    }

    /// Writes the passages of `log` that match `filter` to the file at `path`, streaming, and
    /// returns how many. The file is created or replaced through `AtomicFile/write(to:mode:replace:_:)`
    /// (mode 0644): `path` holds the whole export or, if anything fails, what it held before, never
    /// half an export; no temporary file is left behind.
    ///
    /// - Throws: the log's errors; `FileAccessError` for the file.
    @discardableResult
    public static func write(
        _ log: PassLog, matching filter: PassLogFilter, format: Format, fullIDs: Bool = false, toFileAt path: String
    ) throws -> Int {
        var count = 0
        try AtomicFile.write(to: path, mode: AtomicFile.publicMode) { emit in
            count = try write(log, matching: filter, format: format, fullIDs: fullIDs) { try emit(Array($0.utf8)) }
        }
        return count
    }

    /// The column values of one record, `nil` for a missing value: ``PassRecordReport``'s fields
    /// in ``columns`` order, the reasons space-separated.
    static func fields(_ record: PassRecord, fullIDs: Bool) -> [String?] {
        let report = PassRecordReport(record, fullIDs: fullIDs)
        return [
            String(report.id), report.time, report.checkpoint, report.checkpointName, report.area, report.department,
            report.direction, report.credential, report.person, report.colour, report.temperature.map { String($0) },
            report.decision, report.reasons.joined(separator: " "), report.detail, report.plate,
        ]
    }

    /// A JSON string literal (RFC 8259 §7), or `null`.
    static func jsonString(_ value: String?) -> String { value.map { JSONStringLiteral.make($0) } ?? "null" }
}

/// One passage as the pass log reports it (`hcard passlog query --json`, trajectories): the
/// export's columns, with the reasons as an array and the holder masked unless full ids were asked for.
public struct PassRecordReport: Encodable, Hashable, Sendable {
    public let id: Int64
    /// ISO 8601, China time (`+08:00`).
    public let time: String
    public let checkpoint: String
    public let checkpointName: String
    public let area: String
    public let department: String
    public let direction: String
    public let credential: String
    public let person: String?
    public let colour: String?
    public let temperature: Double?
    public let decision: String
    /// The reason codes.
    public let reasons: [String]
    public let detail: String
    public let plate: String?

    public init(_ record: PassRecord, fullIDs: Bool) {
        id = record.id
        time = record.chinaTime
        checkpoint = record.checkpoint.id
        checkpointName = record.checkpoint.name
        area = record.checkpoint.area
        department = record.checkpoint.department
        direction = record.direction.rawValue
        credential = record.credential.rawValue
        person = record.holder.map { fullIDs ? $0.storedValue : $0.masked }
        colour = record.colour?.rawValue
        temperature = record.temperature
        decision = record.outcome.rawValue
        reasons = record.reasonCodes
        detail = record.detail
        plate = record.plate
    }

    /// An instant as the reports write it: ISO 8601 in China time with `+08:00`.
    public static func chinaTime(_ date: Date) -> String { ChinaTime.dateTime(at: date).description + "+08:00" }

    /// `#12 2026-03-02T08:15:00+08:00 G1 in PASS 110105********002X healthCode green 36.5 °C`.
    public var line: String {
        var parts = ["#\(id)", time, checkpoint, direction, decision.uppercased(), person ?? "-", credential]
        if let colour { parts.append(colour) }
        if let temperature { parts.append("\(temperature) °C") }
        if let plate { parts.append(plate) }
        var line = parts.joined(separator: " ")
        if !detail.isEmpty { line += " — " + detail }
        return line
    }
}
