import Foundation
import GRDB
import HealthCardFoundation

/// Someone who passed the same checkpoint as the person of interest, close in time.
public struct Companion: Hashable, Sendable {
    public let holder: PassHolder
    /// How many of the person's passages this companion shared (each counted once, however many
    /// times the companion passed within the window of it).
    public let encounters: Int
    /// The checkpoints where they met, sorted.
    public let checkpoints: [String]
    /// The companion's first and last passage among those that matched.
    public let first: Date
    public let last: Date
}

/// How often one holder passed one checkpoint.
public struct PassFrequency: Hashable, Sendable {
    public let holder: PassHolder
    public let checkpoint: String
    public let visits: Int
    public let first: Date
    public let last: Date
}

extension PassLog {
    /// The default look-back of trajectories and companion searches: 14 days, the incubation and
    /// isolation period that every rule set counts in (health-code.md §5.1, §5.2).
    public static let defaultAnalysisDays = 14
    /// The default companion window: 10 minutes either side. [U] No source defines "passed
    /// together"; 10 minutes spans a queue at a gate. (§5.1's ≥30 min exposure rule is about time
    /// spent near a case, which a checkpoint cannot measure.) A parameter everywhere.
    public static let defaultCompanionMinutes = 10

    /// Where `holder` passed in the `days` days up to `now`, in time order: every passage, passed
    /// or denied, in `[now − days, now]`.
    ///
    /// Served by the `(person, time)` index: one contiguous index range.
    public func trajectory(of holder: PassHolder, days: Int = defaultAnalysisDays, now: Date) throws -> [PassRecord] {
        try records(matching: Self.window(holder, days: days, now: now))
    }

    /// People who passed the same checkpoint within `minutes` minutes of one of `holder`'s passages
    /// in the `days` days up to `now`, most encounters first (then by holder).
    ///
    /// Every passage counts, passed or denied, in either direction: someone turned away at a gate
    /// still stood in the queue. Passages with no established holder cannot be anyone's companion.
    /// The window is inclusive, `|t − t₀| ≤ minutes × 60`.
    ///
    /// Cost: the person's passages (by the `(person, time)` index), and for each, one range of the
    /// `(checkpoint, time)` index.
    public func companions(
        of holder: PassHolder, minutes: Int = defaultCompanionMinutes, days: Int = defaultAnalysisDays,
        now: Date, limit: Int = 100
    ) throws -> [Companion] {
        let (sql, arguments) = Self.companionsQuery(holder, minutes: minutes, days: days, now: now, limit: limit)
        return try reading { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let checkpoints: String = row["checkpoints"]
                return Companion(
                    holder: try PassHolder(row["person"] as String), encounters: row["encounters"],
                    checkpoints: Set(checkpoints.split(separator: "\u{1F}").map(String.init)).sorted(),
                    first: Date(timeIntervalSince1970: TimeInterval(row["first"] as Int64)),
                    last: Date(timeIntervalSince1970: TimeInterval(row["last"] as Int64)))
            }
        }
    }

    /// Visits per holder per checkpoint among the passages matching `filter` (give it
    /// `outcome: .pass, direction: .entering` to count admitted entries only), most visits first
    /// (then by holder and checkpoint), at most `limit` rows, and only pairs with at least
    /// `minimumVisits`. Passages without a holder are left out.
    public func frequency(matching filter: PassLogFilter, minimumVisits: Int = 1, limit: Int = 100) throws
        -> [PassFrequency]
    {
        let (condition, arguments) = filter.condition
        return try reading { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT person, checkpoint, COUNT(*) AS visits, MIN(time) AS first, MAX(time) AS last
                    FROM passage WHERE person IS NOT NULL AND \(condition)
                    GROUP BY person, checkpoint HAVING visits >= \(max(1, minimumVisits))
                    ORDER BY visits DESC, person, checkpoint LIMIT \(max(0, limit))
                    """, arguments: arguments
            ).map { row in
                PassFrequency(
                    holder: try PassHolder(row["person"] as String), checkpoint: row["checkpoint"],
                    visits: row["visits"],
                    first: Date(timeIntervalSince1970: TimeInterval(row["first"] as Int64)),
                    last: Date(timeIntervalSince1970: TimeInterval(row["last"] as Int64)))
            }
        }
    }

    /// `EXPLAIN QUERY PLAN` of ``trajectory(of:days:now:)``.
    func queryPlan(forTrajectoryOf holder: PassHolder, days: Int, now: Date) throws -> [String] {
        try queryPlan(forRecordsMatching: Self.window(holder, days: days, now: now))
    }

    /// `EXPLAIN QUERY PLAN` of ``companions(of:minutes:days:now:limit:)``.
    func queryPlan(forCompanionsOf holder: PassHolder, minutes: Int, days: Int, now: Date) throws -> [String] {
        let (sql, arguments) = Self.companionsQuery(holder, minutes: minutes, days: days, now: now, limit: 100)
        return try queryPlan(sql, arguments)
    }

    /// `[now − days, now]` for `holder` (the end is inclusive: `to` is one second past `now`).
    static func window(_ holder: PassHolder, days: Int, now: Date) -> PassLogFilter {
        let end = now.timeIntervalSince1970.rounded(.down) + 1
        return PassLogFilter(
            from: Date(timeIntervalSince1970: end - 1 - Double(max(0, days)) * 86_400),
            to: Date(timeIntervalSince1970: end), holder: holder)
    }

    static func companionsQuery(_ holder: PassHolder, minutes: Int, days: Int, now: Date, limit: Int)
        -> (String, StatementArguments)
    {
        let window = Self.window(holder, days: days, now: now)
        let seconds = Int64(max(0, minutes)) * 60
        let (condition, arguments) = window.condition
        let sql = """
            WITH mine AS (SELECT id, checkpoint, time FROM passage WHERE \(condition))
            SELECT other.person AS person, COUNT(DISTINCT mine.id) AS encounters,
                GROUP_CONCAT(other.checkpoint, char(31)) AS checkpoints,
                MIN(other.time) AS first, MAX(other.time) AS last
            FROM mine JOIN passage AS other
                ON other.checkpoint = mine.checkpoint
                AND other.time BETWEEN mine.time - \(seconds) AND mine.time + \(seconds)
            WHERE other.person IS NOT NULL AND other.person <> ?
            GROUP BY other.person
            ORDER BY encounters DESC, other.person
            LIMIT \(max(0, limit))
            """
        return (sql, arguments + [holder.storedValue])
    }
}
