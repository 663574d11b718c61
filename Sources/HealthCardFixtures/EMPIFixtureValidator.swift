import Foundation
import EMPI
import HealthCardFoundation

/// Checks EMPI inputs: field-mapping files and the CSV files they describe (empi.md §4, issue 8's
/// mapping grammar in `FieldMapping`).
///
/// A CSV is read exactly as `hcard empi ingest` and `hcard empi dedupe` read it: the mapping
/// assigns columns, then `Normalizer` checks each value. Every `RecordIssue` becomes an error
/// finding at its line (an unknown mapping column, a malformed row, a missing record id, a
/// malformed date, an invalid citizen ID, an unknown sex code, a malformed phone or region code),
/// because a fixture is expected to be clean; a file with deliberate bad rows belongs in a test,
/// not in `Fixtures/`.
public struct EMPIFixtureValidator: Sendable {
    /// The day dates are checked against ("born in the future").
    public var today: CalendarDate

    public init(today: CalendarDate = .today()) {
        self.today = today
    }

    /// A mapping file: it parses and names each field kind sensibly.
    public func validateMapping(_ json: String, file: String) -> [FixtureFinding] {
        do {
            let mapping = try FieldMapping(json: json)
            return mappingProblems(mapping).map { FixtureFinding(.error, file: file, location: "columns", $0) }
        } catch let error as HealthCardError {
            return [FixtureFinding(.error, file: file, error.reason)]
        } catch {
            return [FixtureFinding(.error, file: file, "\(error)")]
        }
    }

    /// A CSV file read through `mapping`.
    public func validateCSV(_ csv: String, mapping: FieldMapping, file: String) -> [FixtureFinding] {
        let result = mapping.read(csv: csv)
        var issues = result.issues
        let normalizer = Normalizer(today: today)
        for record in result.records { _ = normalizer.normalize(record, issues: &issues) }
        if result.records.isEmpty && issues.isEmpty {
            return [FixtureFinding(.error, file: file, "no records in the file")]
        }
        return issues.map { issue in
            var message = issue.message
            if let field = issue.field { message = "\(field): \(message)" }
            if let recordID = issue.recordID { message = "record \(recordID): \(message)" }
            return FixtureFinding(.error, file: file, location: issue.line.map { "line \($0)" }, message)
        }
    }

    /// What a mapping cannot mean: no record-id column (ids would be made up from line numbers),
    /// two record-id columns, or one column mapped twice.
    func mappingProblems(_ mapping: FieldMapping) -> [String] {
        var problems: [String] = []
        let recordIDs = mapping.columns.filter { $0.kind == .recordID }
        if recordIDs.isEmpty { problems.append("no column of kind recordID: records would be named after their line") }
        if recordIDs.count > 1 { problems.append("\(recordIDs.count) columns of kind recordID, expected one") }
        var seen: Set<String> = []
        for column in mapping.columns where !seen.insert(column.column).inserted {
            problems.append("column \"\(column.column)\" is mapped twice")
        }
        return problems
    }
}
