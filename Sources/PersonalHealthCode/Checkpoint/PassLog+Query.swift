import Foundation
import GRDB
import HealthCardFoundation

/// Passages per hour: how many passed and how many were denied.
public struct HourlyPassCount: Hashable, Sendable {
    /// The start of the hour (China's offset is whole hours, so this is also a China-time hour).
    public let hour: Date
    public let passed: Int
    public let denied: Int
    public var total: Int { passed + denied }
}

/// Passages per checkpoint: how many passed and how many were denied.
public struct CheckpointPassCount: Hashable, Sendable {
    public let checkpoint: String
    /// The checkpoint's most recent name in the covered rows.
    public let name: String
    public let passed: Int
    public let denied: Int
    public var total: Int { passed + denied }
}

extension PassLog {
    /// Calls `body` with each passage matching `filter`, in time order (then id), at most `limit`.
    ///
    /// Rows are streamed from a SQLite cursor, one at a time: an export of 10 million rows holds one
    /// row in memory, not 10 million. The whole iteration reads one snapshot (later appends are not
    /// seen), and holds it until `body` has seen the last row.
    ///
    /// - Throws: `HealthCardError` naming the file for a database error; whatever `body` throws
    ///   (which stops the iteration).
    public func forEachRecord(
        matching filter: PassLogFilter, limit: Int? = nil, _ body: (PassRecord) throws -> Void
    ) throws {
        let (sql, arguments) = Self.recordsQuery(filter, limit: limit)
        try reading {
            let rows = try Row.fetchCursor($0, sql: sql, arguments: arguments)
            while let row = try rows.next() { try body(try PassRecord(row: row)) }
        }
    }

    /// The passages matching `filter`, at most `limit`, in time order. For results that may be large,
    /// use ``forEachRecord(matching:limit:_:)``.
    public func records(matching filter: PassLogFilter, limit: Int? = nil) throws -> [PassRecord] {
        var records: [PassRecord] = []
        try forEachRecord(matching: filter, limit: limit) { records.append($0) }
        return records
    }

    /// Passed and denied passages per hour, for the hours that have any, in time order.
    public func countsPerHour(matching filter: PassLogFilter) throws -> [HourlyPassCount] {
        try counts(groupedBy: "time / 3600", matching: filter) { row, passed, denied in
            HourlyPassCount(
                hour: Date(timeIntervalSince1970: TimeInterval((row["groupKey"] as Int64) * 3600)), passed: passed,
                denied: denied)
        }
    }

    /// Passed and denied passages per checkpoint, ordered by checkpoint id.
    public func countsPerCheckpoint(matching filter: PassLogFilter) throws -> [CheckpointPassCount] {
        try counts(groupedBy: "checkpoint", matching: filter) { row, passed, denied in
            CheckpointPassCount(
                checkpoint: row["groupKey"], name: row["checkpointName"], passed: passed, denied: denied)
        }
    }

    /// One row per value of `key` (an SQL expression), in its order, with the pass and deny counts;
    /// `checkpointName` is the name in the group's latest row (SQLite's bare column with `MAX`).
    private func counts<T>(
        groupedBy key: String, matching filter: PassLogFilter, _ make: (Row, Int, Int) throws -> T
    ) throws -> [T] {
        let (condition, arguments) = filter.condition
        return try reading { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(key) AS groupKey, checkpointName, MAX(time), SUM(decision = 'pass') AS passed,
                        SUM(decision = 'deny') AS denied
                    FROM passage WHERE \(condition) GROUP BY groupKey ORDER BY groupKey
                    """, arguments: arguments
            ).map { try make($0, $0["passed"], $0["denied"]) }
        }
    }

    // MARK: Internals shared with the analyses

    static func recordsQuery(_ filter: PassLogFilter, limit: Int?) -> (String, StatementArguments) {
        let (condition, arguments) = filter.condition
        var sql = "SELECT \(recordColumns) FROM passage WHERE \(condition) ORDER BY time, id"
        if let limit { sql += " LIMIT \(max(0, limit))" }
        return (sql, arguments)
    }

    /// `EXPLAIN QUERY PLAN` of the statement that lists the passages matching `filter`: the plan's
    /// detail lines, e.g. `SEARCH passage USING INDEX passage_checkpoint_time (checkpoint=? AND time>? AND time<?)`.
    func queryPlan(forRecordsMatching filter: PassLogFilter) throws -> [String] {
        let (sql, arguments) = Self.recordsQuery(filter, limit: nil)
        return try queryPlan(sql, arguments)
    }

    func queryPlan(_ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try reading { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }

    /// A read transaction, with database errors named after the file.
    func reading<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw HealthCardError.invalidValue("pass log \(path): \(error)")
        }
    }
}
