import Foundation
import HealthCardFoundation
import PersonalHealthCode
import PostgresNIO

/// The checkpoint pass log in the shared PostgreSQL database (``PassLogStore``): the SQLite
/// `PassLog`'s `passage` table as `checkpoint_passage` (``PostgresSchema`` migration 6), written
/// by every node's gates and queried from any node.
///
/// Each passage is one committed `INSERT` (PostgreSQL's default `synchronous_commit = on`: on
/// disk when it returns), so a node answers a gate only for a passage that survives its own crash.
/// The table is append-only (triggers refuse `UPDATE`, `DELETE` and `TRUNCATE`), and indexed as
/// the SQLite file is for its interactive queries: (checkpoint, time), (person, time), (time).
/// Ids come from a sequence: unique and increasing in order of insertion, which is all a pass-log
/// query orders by after the time.
public final class PostgresPassLog: PassLogStore {
    let database: SharedDatabase

    public init(database: SharedDatabase) {
        self.database = database
    }

    static let columns =
        "time, checkpoint, checkpoint_name, area, department, direction, credential, person, colour, temperature, decision, reasons, detail, plate"

    @discardableResult
    public func append(_ passage: Passage) async throws -> Int64 {
        let row = StoredPassage(passage)
        let id = try await database.rows(
            """
            INSERT INTO checkpoint_passage (\(unescaped: Self.columns))
            VALUES (\(row.time), \(row.checkpoint), \(row.checkpointName), \(row.area), \(row.department),
                    \(row.direction), \(row.credential), \(row.person), \(row.colour), \(row.temperature),
                    \(row.decision), \(row.reasons), \(row.detail), \(row.plate))
            RETURNING id
            """)
        return try id.first!.decode(Int64.self)
    }

    /// Records a station's upload in one transaction: each passage not yet uploaded claims its
    /// (checkpoint, origin) key and is inserted in the same statement; a key already claimed (a
    /// resent batch, or the same batch arriving through two nodes at once: the primary key decides)
    /// inserts nothing and counts as a duplicate.
    public func append(upload: PassageUpload) async throws -> PassageUpload.Outcome {
        let checkpoint = upload.checkpoint
        let items = upload.items
        let logger = database.logger
        return try await database.transaction { connection in
            var outcome = PassageUpload.Outcome(received: items.count, recorded: 0, duplicates: 0)
            for item in items {
                let row = item.stored
                let inserted = try await connection.rows(
                    """
                    WITH passage AS (
                        INSERT INTO checkpoint_passage (\(unescaped: Self.columns))
                        SELECT \(row.time), \(row.checkpoint), \(row.checkpointName), \(row.area), \(row.department),
                               \(row.direction), \(row.credential), \(row.person), \(row.colour), \(row.temperature),
                               \(row.decision), \(row.reasons), \(row.detail), \(row.plate)
                        WHERE NOT EXISTS (SELECT 1 FROM checkpoint_upload WHERE checkpoint = \(checkpoint) AND origin = \(item.origin))
                        RETURNING id)
                    INSERT INTO checkpoint_upload (checkpoint, origin, passage)
                    SELECT \(checkpoint), \(item.origin), id FROM passage
                    RETURNING passage
                    """, logger: logger)
                if inserted.isEmpty { outcome.duplicates += 1 } else { outcome.recorded += 1 }
            }
            return outcome
        }
    }

    public func records(matching filter: PassLogFilter, limit: Int?) async throws -> [PassRecord] {
        var binds = PostgresBindings()
        var conditions: [String] = []
        for term in filter.terms {
            switch term.value {
            case .text(let text): try binds.append(text)
            case .integer(let number): try binds.append(number)
            }
            conditions.append("\(term.column) \(term.comparison) $\(binds.count)")
        }
        var sql = "SELECT id, \(Self.columns) FROM checkpoint_passage"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY time, id"
        if let limit { sql += " LIMIT \(max(0, limit))" }
        return try await database.rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map { row in
            let (id, time, checkpoint, name, area, department, direction, credential, person, colour, temperature,
                decision, reasons, detail, plate) = try row.decode(
                    (Int64, Int64, String, String, String, String, String, String, String?, String?, Double?,
                    String, String, String, String?).self)
            return try PassRecord(
                stored: StoredPassage(
                    time: time, checkpoint: checkpoint, checkpointName: name, area: area, department: department,
                    direction: direction, credential: credential, person: person, colour: colour,
                    temperature: temperature, decision: decision, reasons: reasons, detail: detail, plate: plate),
                id: id)
        }
    }

    public func count() async throws -> Int {
        Int(try await database.rows("SELECT count(*) FROM checkpoint_passage").first!.decode(Int64.self))
    }
}
