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

    /// The column values of one record, `nil` for a missing value.
    static func fields(_ record: PassRecord, fullIDs: Bool) -> [String?] {
        [
            String(record.id), record.chinaTime, record.checkpoint.id, record.checkpoint.name, record.checkpoint.area,
            record.checkpoint.department, record.direction.rawValue, record.credential.rawValue,
            record.holder.map { fullIDs ? $0.storedValue : $0.masked }, record.colour?.rawValue,
            record.temperature.map { String($0) }, record.outcome.rawValue, record.reasonCodes.joined(separator: " "),
            record.detail, record.plate,
        ]
    }

    /// A JSON string literal (RFC 8259 §7), or `null`.
    static func jsonString(_ value: String?) -> String {
        guard let value else { return "null" }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
