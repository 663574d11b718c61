import Foundation
import GRDB
import HealthCardFoundation

/// Someone whose last passed passage (among those a filter covers) was an entry: inside now.
public struct Occupant: Hashable, Sendable {
    public let holder: PassHolder
    /// When they entered.
    public let since: Date
    /// Where they entered.
    public let checkpoint: String
    public let department: String
}

/// One stay: an entry and the exit that followed it for the same person.
public struct Stay: Hashable, Sendable {
    public let holder: PassHolder
    public let entered: Date
    public let left: Date
    /// The department of the exit's checkpoint.
    public let department: String
    public var seconds: Int { Int(left.timeIntervalSince(entered)) }
}

/// Entries and exits per department.
public struct DepartmentPassCount: Hashable, Sendable {
    public let department: String
    public let entered: Int
    public let left: Int
    public let denied: Int
}

extension PassLog {
    /// Who is inside: everyone whose last **passed** passage matching `filter` (its `outcome` is
    /// ignored) was an entry, earliest entry first. `filter.to` makes it "inside as of then";
    /// `department` or `checkpoint` limits it to one building's gates.
    ///
    /// Only passages that were let through count: a denied exit did not leave. Passages without an
    /// established holder cannot be followed and are left out.
    ///
    /// Cost: "now" (no time, checkpoint, area or holder in the filter; a department allowed) reads
    /// the `inside` table the log keeps as it is appended, proportional to the people inside;
    /// any other filter groups every matching passage by person (see ``PassLog``).
    public func inside(matching filter: PassLogFilter) throws -> [Occupant] {
        if filter.from == nil, filter.to == nil, filter.checkpoint == nil, filter.area == nil, filter.holder == nil {
            // Streamed and read by column position: thousands of people inside are thousands of
            // rows, and copying each `Row` and finding its columns by name cost more than SQLite's
            // whole query (`Docs/station.md`, measured at 10 M passages).
            return try reading { db in
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT person, time, checkpoint, department FROM inside WHERE scope = ? ORDER BY time, id",
                    arguments: [filter.department.map { "D:" + $0 } ?? "*"])
                var occupants: [Occupant] = []
                while let row = try rows.next() {
                    guard let holder = try? PassHolder(row[0] as String) else { continue }
                    occupants.append(
                        Occupant(
                            holder: holder, since: Date(timeIntervalSince1970: TimeInterval(row[1] as Int64)),
                            checkpoint: row[2], department: row[3]))
                }
                return occupants
            }
        }
        return try followingHolders(
            matching: filter,
            sql: { condition in
                """
                SELECT p.person, p.time, p.checkpoint, p.department FROM passage p
                JOIN (SELECT person, MAX(id) AS last FROM passage
                      WHERE person IS NOT NULL AND \(condition) GROUP BY person) l ON p.id = l.last
                WHERE p.direction = 'in' ORDER BY p.time, p.id
                """
            }
        ) { row, holder in
            Occupant(
                holder: holder, since: Date(timeIntervalSince1970: TimeInterval(row["time"] as Int64)),
                checkpoint: row["checkpoint"], department: row["department"])
        }
    }

    /// Every stay (a passed entry followed by a passed exit of the same person) among the passages
    /// matching `filter`, in the order of the exits.
    public func stays(matching filter: PassLogFilter) throws -> [Stay] {
        try followingHolders(
            matching: filter,
            sql: { condition in
                """
                SELECT person, department, previousTime, time FROM (
                    SELECT person, department, direction, time, id,
                        LAG(direction) OVER w AS previousDirection, LAG(time) OVER w AS previousTime
                    FROM passage WHERE person IS NOT NULL AND \(condition)
                    WINDOW w AS (PARTITION BY person ORDER BY time, id))
                WHERE direction = 'out' AND previousDirection = 'in' ORDER BY time, id
                """
            }
        ) { row, holder in
            Stay(
                holder: holder, entered: Date(timeIntervalSince1970: TimeInterval(row["previousTime"] as Int64)),
                left: Date(timeIntervalSince1970: TimeInterval(row["time"] as Int64)), department: row["department"])
        }
    }

    /// The rows of `sql` (given the condition of `filter` limited to passed passages, in either
    /// direction) whose `person` is a holder, made into values.
    private func followingHolders<T>(
        matching filter: PassLogFilter, sql: (String) -> String, _ make: (Row, PassHolder) -> T
    ) throws -> [T] {
        var filter = filter
        filter.outcome = .pass
        filter.direction = nil
        let (condition, arguments) = filter.condition
        return try reading { db in
            try Row.fetchAll(db, sql: sql(condition), arguments: arguments).compactMap { row in
                (try? PassHolder(row["person"] as String)).map { make(row, $0) }
            }
        }
    }

    /// Passed entries, passed exits and denials per department, ordered by department.
    public func countsPerDepartment(matching filter: PassLogFilter) throws -> [DepartmentPassCount] {
        let (condition, arguments) = filter.condition
        return try reading { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT department, SUM(decision = 'pass' AND direction = 'in') AS entered,
                        SUM(decision = 'pass' AND direction = 'out') AS left, SUM(decision = 'deny') AS denied
                    FROM passage WHERE \(condition) GROUP BY department ORDER BY department
                    """, arguments: arguments
            ).map {
                DepartmentPassCount(department: $0["department"], entered: $0["entered"], left: $0["left"], denied: $0["denied"])
            }
        }
    }
}
