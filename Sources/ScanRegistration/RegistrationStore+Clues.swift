import Foundation
import GRDB
import HealthCardFoundation

/// The clue tables of the registration store; ``ClueDesk`` holds the rules.
extension RegistrationStore {
    /// Sets the handler of `handler.region` (replacing an earlier one).
    public func setClueHandler(_ handler: ClueHandler) throws {
        try writing { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO clueHandler (region, name, phone) VALUES (?, ?, ?)",
                arguments: [handler.region, handler.name, handler.phone])
        }
    }

    /// Every handler, by region.
    public func clueHandlers() throws -> [ClueHandler] {
        try reading { db in
            try Row.fetchAll(db, sql: "SELECT * FROM clueHandler ORDER BY region").map {
                ClueHandler(region: $0["region"], name: $0["name"], phone: $0["phone"])
            }
        }
    }

    /// Stores a report routed to `handler` (or unrouted) and returns its id.
    func insertClue(_ report: NewClueReport, handler: ClueHandler?, now: Date) throws -> Int64 {
        try writing { db in
            try db.execute(
                sql: """
                    INSERT INTO clueReport (category, subject, region, place, description, reporterPhone, reportedAt,
                        handlerRegion, handlerName, handlerPhone)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    report.subject.category, report.subject.kind, report.region, report.place, report.description,
                    report.reporterPhone, Self.seconds(now), handler?.region, handler?.name, handler?.phone,
                ])
            return db.lastInsertedRowID
        }
    }

    /// Records the notification of report `id`, if `check` (given the report as stored) allows it.
    func markNotified(_ id: Int64, at time: Date, messageID: String, check: (ClueReport) throws -> Void) throws {
        try updateClue(id, check: check, sql: "UPDATE clueReport SET notifiedAt = ?, messageId = ? WHERE id = ?",
            arguments: [Self.seconds(time), messageID, id])
    }

    /// Records the acknowledgement of report `id`, if `check` allows it.
    func markAcknowledged(_ id: Int64, at time: Date, by handler: String, check: (ClueReport) throws -> Void) throws {
        try updateClue(id, check: check, sql: "UPDATE clueReport SET acknowledgedAt = ?, acknowledgedBy = ? WHERE id = ?",
            arguments: [Self.seconds(time), handler, id])
    }

    /// Records the feedback on report `id`, if `check` allows it.
    func markFeedback(_ id: Int64, at time: Date, text: String, check: (ClueReport) throws -> Void) throws {
        try updateClue(id, check: check, sql: "UPDATE clueReport SET feedbackAt = ?, feedback = ? WHERE id = ?",
            arguments: [Self.seconds(time), text, id])
    }

    /// Applies an update to report `id` in one transaction; `check` may refuse it by throwing.
    private func updateClue(_ id: Int64, check: (ClueReport) throws -> Void, sql: String, arguments: StatementArguments) throws {
        try writing { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM clueReport WHERE id = ?", arguments: [id]) else {
                throw HealthCardError.invalidValue("no clue report \(id)")
            }
            try check(try Self.clue(row))
            try db.execute(sql: sql, arguments: arguments)
        }
    }

    /// The report with `id`.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` if there is none.
    public func clue(_ id: Int64) throws -> ClueReport {
        guard let report = try reading({ db in
            try Row.fetchOne(db, sql: "SELECT * FROM clueReport WHERE id = ?", arguments: [id]).map(Self.clue)
        }) else { throw HealthCardError.invalidValue("no clue report \(id)") }
        return report
    }

    /// Every report, oldest first; with `region`, only that county's.
    public func clues(region: String? = nil) throws -> [ClueReport] {
        try reading { db in
            if let region {
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM clueReport WHERE region = ? ORDER BY reportedAt, id", arguments: [region]
                ).map(Self.clue)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM clueReport ORDER BY reportedAt, id").map(Self.clue)
        }
    }

    static func clue(_ row: Row) throws -> ClueReport {
        func date(_ column: String) -> Date? {
            (row[column] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) }
        }
        let subject = try ClueSubject("\(row["category"] as String)/\(row["subject"] as String)")
        let handler: ClueHandler? = (row["handlerRegion"] as String?).map {
            ClueHandler(region: $0, name: row["handlerName"] ?? "", phone: row["handlerPhone"] ?? "")
        }
        return ClueReport(
            id: row["id"], subject: subject, region: row["region"], place: row["place"], description: row["description"],
            reporterPhone: row["reporterPhone"], reportedAt: date("reportedAt") ?? Date(timeIntervalSince1970: 0),
            handler: handler, notifiedAt: date("notifiedAt"), messageID: row["messageId"],
            acknowledgedAt: date("acknowledgedAt"), acknowledgedBy: row["acknowledgedBy"], feedbackAt: date("feedbackAt"),
            feedback: row["feedback"])
    }
}
