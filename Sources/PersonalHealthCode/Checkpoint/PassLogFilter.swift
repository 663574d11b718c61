import Foundation
import GRDB
import HealthCardFoundation

/// Which passages a query, an export, a count or a frequency table covers. Every field is
/// optional; the fields combine with AND.
///
/// The time range is half-open, `from ≤ time < to`, so that consecutive days do not overlap.
public struct PassLogFilter: Hashable, Sendable {
    public var from: Date?
    public var to: Date?
    public var checkpoint: String?
    public var department: String?
    public var area: String?
    public var holder: PassHolder?
    public var outcome: CheckpointDecision.Outcome?
    public var direction: PassDirection?

    public init(
        from: Date? = nil, to: Date? = nil, checkpoint: String? = nil, department: String? = nil,
        area: String? = nil, holder: PassHolder? = nil, outcome: CheckpointDecision.Outcome? = nil,
        direction: PassDirection? = nil
    ) {
        self.from = from
        self.to = to
        self.checkpoint = checkpoint
        self.department = department
        self.area = area
        self.holder = holder
        self.outcome = outcome
        self.direction = direction
    }

    /// One comparison of a column of the stored passage (``StoredPassage``) with a value.
    package struct Term: Sendable {
        package enum Value: Sendable {
            case text(String)
            case integer(Int64)
        }

        /// The column, as the SQLite `passage` table names it.
        package var column: String
        /// `=`, `>=` or `<`.
        package var comparison: String
        package var value: Value
    }

    /// The filter's comparisons, ANDed (none for no filter): the one meaning of a filter, for the
    /// SQLite file and the server's PostgreSQL table. Time bounds are whole seconds: `from`
    /// rounded up, `to` rounded up, so `[from, to)` keeps its meaning for fractional instants.
    package var terms: [Term] {
        var terms: [Term] = []
        func add(_ column: String, _ comparison: String, _ value: Term.Value?) {
            if let value { terms.append(Term(column: column, comparison: comparison, value: value)) }
        }
        add("checkpoint", "=", checkpoint.map(Term.Value.text))
        add("person", "=", holder.map { .text($0.storedValue) })
        add("time", ">=", from.map { .integer(Int64($0.timeIntervalSince1970.rounded(.up))) })
        add("time", "<", to.map { .integer(Int64($0.timeIntervalSince1970.rounded(.up))) })
        add("department", "=", department.map(Term.Value.text))
        add("area", "=", area.map(Term.Value.text))
        add("decision", "=", outcome.map { .text($0.rawValue) })
        add("direction", "=", direction.map { .text($0.rawValue) })
        return terms
    }

    /// The SQL condition (`1` for no filter) and its arguments.
    var condition: (sql: String, arguments: StatementArguments) {
        var arguments = StatementArguments()
        let sql = terms.map { term in
            switch term.value {
            case .text(let text): arguments += [text]
            case .integer(let number): arguments += [number]
            }
            return "\(term.column) \(term.comparison) ?"
        }
        return (sql.isEmpty ? "1" : sql.joined(separator: " AND "), arguments)
    }
}
