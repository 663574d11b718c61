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

    /// The SQL condition (`1` for no filter) and its arguments. Time bounds are whole seconds:
    /// `from` rounded up, `to` rounded up, so `[from, to)` keeps its meaning for fractional instants.
    var condition: (sql: String, arguments: StatementArguments) {
        var terms: [String] = []
        var arguments = StatementArguments()
        func add(_ term: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            terms.append(term)
            arguments += [value]
        }
        add("checkpoint = ?", checkpoint)
        add("person = ?", holder?.storedValue)
        add("time >= ?", from.map { Int64($0.timeIntervalSince1970.rounded(.up)) })
        add("time < ?", to.map { Int64($0.timeIntervalSince1970.rounded(.up)) })
        add("department = ?", department)
        add("area = ?", area)
        add("decision = ?", outcome?.rawValue)
        add("direction = ?", direction?.rawValue)
        return (terms.isEmpty ? "1" : terms.joined(separator: " AND "), arguments)
    }
}
