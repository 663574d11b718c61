import Foundation
import GRDB
import HealthCardFoundation
import HealthCardSQLite

/// The registration store (one SQLite file, `StoreKind/registrations`): sites, registrations at
/// the scan, clue reports and their handlers, and the audit trail of deletions.
///
/// Storage follows `PassLog`: a GRDB `DatabasePool` in WAL mode shared by several desks (writers
/// wait up to 5 s), `synchronous = FULL` so that an acknowledged registration survives a power
/// cut, migrations through `DatabaseMigrator`, and a file of another kind refused before anything
/// is written (`StoreKind`).
///
/// Tables (version 1):
/// ```
/// site(id TEXT PK, type, name, region, operator, created INTEGER)
/// registration(id INTEGER PK, site → site, operator, form, formVersion, time INTEGER Unix s,
///              credential, holder NULL (PassHolder.storedValue), idNumber NULL, colour NULL,
///              codeId NULL, fields TEXT JSON, events TEXT JSON NULL (ids in the event store))
/// audit(id INTEGER PK, time INTEGER, actor, action, detail)
/// clueHandler(region TEXT PK, name, phone)
/// clueReport(id INTEGER PK, …, see ClueReport)
/// ```
/// Registrations are deleted only by ``purge(olderThan:now:actor:)``, which writes an `audit` row
/// in the same transaction; a trigger refuses any other change to a registration than filling in
/// its raised event ids once.
public final class RegistrationStore: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens the store at `path`, creating it on first use (`.readWrite`); `.readOnly` (queries,
    /// exports) needs an existing store of this kind and writes nothing.
    ///
    /// - Throws: `HealthCardError` naming the file if it is of another kind, missing (read-only),
    ///   or cannot be opened or migrated.
    public init(path: String, mode: StoreKind.AccessMode = .readWrite) throws {
        self.path = path
        pool = try StoreKind.registrations.openStore(
            path: path, mode: mode, configuration: StoreKind.durableConfiguration(foreignKeys: true),
            migrator: Self.migrator, what: "registration store")
    }

    /// The schema migrations, in order.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE site (
                        id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, region TEXT NOT NULL,
                        operator TEXT NOT NULL, created INTEGER NOT NULL);
                    CREATE TABLE registration (
                        id INTEGER PRIMARY KEY, site TEXT NOT NULL REFERENCES site(id), operator TEXT NOT NULL,
                        form TEXT NOT NULL, formVersion INTEGER NOT NULL, time INTEGER NOT NULL,
                        credential TEXT NOT NULL, holder TEXT, idNumber TEXT, colour TEXT, codeId TEXT,
                        fields TEXT NOT NULL, events TEXT);
                    CREATE INDEX registration_site_time ON registration(site, time);
                    CREATE INDEX registration_form_time ON registration(form, time);
                    CREATE INDEX registration_time ON registration(time);
                    CREATE TRIGGER registration_events_once BEFORE UPDATE ON registration
                        WHEN OLD.events IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.site IS NOT OLD.site
                            OR NEW.operator IS NOT OLD.operator OR NEW.form IS NOT OLD.form
                            OR NEW.formVersion IS NOT OLD.formVersion OR NEW.time IS NOT OLD.time
                            OR NEW.credential IS NOT OLD.credential OR NEW.holder IS NOT OLD.holder
                            OR NEW.idNumber IS NOT OLD.idNumber OR NEW.colour IS NOT OLD.colour
                            OR NEW.codeId IS NOT OLD.codeId OR NEW.fields IS NOT OLD.fields
                        BEGIN SELECT RAISE(ABORT, 'a registration is not changed after it is stored'); END;
                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY, time INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                        detail TEXT NOT NULL);
                    CREATE TABLE clueHandler (region TEXT PRIMARY KEY, name TEXT NOT NULL, phone TEXT NOT NULL);
                    CREATE TABLE clueReport (
                        id INTEGER PRIMARY KEY, category TEXT NOT NULL, subject TEXT NOT NULL,
                        region TEXT NOT NULL, place TEXT NOT NULL, description TEXT NOT NULL, reporterPhone TEXT,
                        reportedAt INTEGER NOT NULL, handlerRegion TEXT, handlerName TEXT, handlerPhone TEXT,
                        notifiedAt INTEGER, messageId TEXT, acknowledgedAt INTEGER, acknowledgedBy TEXT,
                        feedbackAt INTEGER, feedback TEXT);
                    CREATE INDEX clueReport_region ON clueReport(region, reportedAt);
                    """)
        }
        return migrator
    }

    // MARK: Sites

    /// Registers `site`; a site registers once.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` if a site with its id exists.
    public func addSite(_ site: RegistrationSite, now: Date) throws {
        try writing { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM site WHERE id = ?", arguments: [site.id]) == true {
                throw HealthCardError.invalidValue("site \(site.id) is already registered")
            }
            try db.execute(
                sql: "INSERT INTO site (id, type, name, region, operator, created) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [site.id, site.type.rawValue, site.name, site.region, site.operatorName, Self.seconds(now)])
        }
    }

    /// The site with `id`, or `nil`.
    public func site(_ id: String) throws -> RegistrationSite? {
        try reading { db in try Row.fetchOne(db, sql: "SELECT * FROM site WHERE id = ?", arguments: [id]).map(Self.site) }
    }

    /// Every site, by id.
    public func sites() throws -> [RegistrationSite] {
        try reading { db in try Row.fetchAll(db, sql: "SELECT * FROM site ORDER BY id").map(Self.site) }
    }

    private static func site(_ row: Row) throws -> RegistrationSite {
        guard let type = SiteType(rawValue: row["type"]) else {
            throw HealthCardError.malformed("site \(row["id"] as String): unknown type \(row["type"] as String)")
        }
        return try RegistrationSite(
            id: row["id"], type: type, name: row["name"], region: row["region"], operatorName: row["operator"])
    }

    // MARK: Registrations

    /// Stores `registration` and returns its id (the acknowledgement number); durable on return.
    public func append(_ registration: NewRegistration) throws -> Int64 {
        try writing { db in
            try db.execute(
                sql: """
                    INSERT INTO registration (site, operator, form, formVersion, time, credential, holder, idNumber,
                        colour, codeId, fields)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    registration.site, registration.operatorID, registration.form, registration.formVersion,
                    Self.seconds(registration.time), registration.credential, registration.holder,
                    registration.idNumber, registration.colour, registration.codeID, Self.json(.object(registration.fields)),
                ])
            return db.lastInsertedRowID
        }
    }

    /// Records the ids of the events a registration raised in the event store (once).
    public func recordEvents(_ eventIDs: [Int64], of registration: Int64) throws {
        try writing { db in
            try db.execute(
                sql: "UPDATE registration SET events = ? WHERE id = ?",
                arguments: [Self.json(.array(eventIDs.map { .number(Double($0)) })), registration])
        }
    }

    /// Whether `site` has filed a registration with `form`.
    public func hasRegistration(site: String, form: String) throws -> Bool {
        try reading { db in
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM registration WHERE site = ? AND form = ? LIMIT 1", arguments: [site, form]) == true
        }
    }

    /// The registrations matching `filter`, in time order (then id).
    public func registrations(matching filter: RegistrationFilter) throws -> [StoredRegistration] {
        var clauses: [String] = []
        var arguments = StatementArguments()
        if let site = filter.site {
            clauses.append("site = ?")
            _ = arguments.append(contentsOf: [site])
        }
        if let form = filter.form {
            clauses.append("form = ?")
            _ = arguments.append(contentsOf: [form])
        }
        if let from = filter.from {
            clauses.append("time >= ?")
            _ = arguments.append(contentsOf: [Self.seconds(from)])
        }
        if let to = filter.to {
            clauses.append("time < ?")
            _ = arguments.append(contentsOf: [Self.seconds(to)])
        }
        let sql =
            "SELECT * FROM registration" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "))
            + " ORDER BY time, id"
        return try reading { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(StoredRegistration.init(row:)) }
    }

    /// Deletes every registration older than `days` days before `now`, and records the deletion
    /// (count, cut-off, actor) in the audit trail in the same transaction.
    ///
    /// - Returns: how many were deleted.
    /// - Throws: `HealthCardError/Code/invalidValue` for `days` below 1 or an empty actor.
    @discardableResult
    public func purge(olderThan days: Int, now: Date, actor: String) throws -> Int {
        guard days >= 1 else { throw HealthCardError.invalidValue("retention \(days) days: at least 1") }
        guard !actor.trimmingWhitespace().isEmpty else { throw HealthCardError.invalidValue("purge: the actor is required") }
        let cutOff = Self.seconds(now) - Int64(days) * 86_400
        return try writing { db in
            try db.execute(sql: "DELETE FROM registration WHERE time < ?", arguments: [cutOff])
            let count = db.changesCount
            try db.execute(
                sql: "INSERT INTO audit (time, actor, action, detail) VALUES (?, ?, 'purge', ?)",
                arguments: [
                    Self.seconds(now), actor,
                    "deleted \(count) registrations before \(ISO8601Instant.format(Date(timeIntervalSince1970: TimeInterval(cutOff)))) (retention \(days) days)",
                ])
            return count
        }
    }

    /// The audit trail, oldest first.
    public func audit() throws -> [AuditEntry] {
        try reading { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id").map { row in
                AuditEntry(
                    id: row["id"], time: Date(timeIntervalSince1970: TimeInterval(row["time"] as Int64)),
                    actor: row["actor"], action: row["action"], detail: row["detail"])
            }
        }
    }

    // MARK: Helpers

    func writing<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.write(body) } catch let error as HealthCardError { throw error } catch {
            throw HealthCardError.invalidValue("registration store \(path): \(error)")
        }
    }

    func reading<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch let error as HealthCardError { throw error } catch {
            throw HealthCardError.invalidValue("registration store \(path): \(error)")
        }
    }

    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    static func json(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Force-try: a JSONValue always encodes.
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }
}

/// One entry of the audit trail: a deletion of registrations by the retention setting.
public struct AuditEntry: Hashable, Sendable, Codable {
    public let id: Int64
    public let time: Date
    public let actor: String
    public let action: String
    public let detail: String
}
