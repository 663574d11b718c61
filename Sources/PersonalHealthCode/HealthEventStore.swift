import Foundation
import GRDB
import HealthCardFoundation
import HealthCardSQLite
import HealthQR

/// The event store of the health-code service: one SQLite file holding persons, their
/// append-only health events and the register of issued codes (issue 6, items 3-4).
///
/// Why events and not colours: the colour is derived, never stored (``ColourEngine``,
/// health-code.md §5.3), so what must survive is what happened (a declaration, a check-in, a case
/// opened) with its time and actor. A code's colour is kept only in the register of issued codes,
/// as the record of what was signed.
///
/// Storage:
/// - **One file, created on first use**, opened as a GRDB `DatabasePool`, which puts SQLite in
///   **WAL** mode: readers (status queries, verification look-ups) do not block the writer, and
///   several `hcard` processes can share the file (writers wait up to 5 s for each other).
/// - **Migrations** through GRDB's `DatabaseMigrator` (``migrator``); a newer file is refused
///   rather than misread.
/// - **Append-only events**: triggers abort any `UPDATE` or `DELETE` on `event`. A mistake is
///   undone by a `correction` event that retracts it (GB/T 38963 §6.8, ``LocalHealthCodeService``).
/// - **One transaction per request** (``write(_:)``): a rejected request leaves no row behind.
///
/// GRDB is a pure Swift wrapper over the system SQLite (Debian `libsqlite3-dev`) with no unsafe
/// code of ours; this target is one of the two that may use it (Docs/architecture.md).
///
/// Tables (version 1):
/// ```
/// person(id TEXT PK, basicInfo TEXT JSON, created TEXT, updated TEXT)
/// event(id INTEGER PK, personId → person, time TEXT 'YYYY-MM-DDThh:mm:ss' China time, kind TEXT,
///       payload TEXT JSON, actor TEXT, created TEXT ISO 8601 UTC)
/// issuedCode(codeId TEXT PK 16 hex, personId → person, colour TEXT, region TEXT, issuedAt INTEGER,
///            expiresAt INTEGER (Unix seconds), keyId TEXT 16 hex, rules TEXT)
/// ```
///
/// - SeeAlso: `Docs/health-code.md`, "Event store".
public final class HealthEventStore: Sendable {
    /// The database file.
    public let path: String
    private let pool: DatabasePool
    /// The statement of ``registerEntry(of:)``, which `hcard serve` runs for every HCC1 verification.
    let registerReader: SingleStatementReader

    /// Opens the store at `path`, creating the file and its tables on first use; with
    /// `mode: .readOnly` (status queries, verification look-ups) the file must exist and nothing
    /// is created, migrated or written. A file of another kind (an EMPI index, a pass log) is
    /// refused before anything is written to it (`StoreKind`).
    ///
    /// - Throws: `HealthCardError` naming the file if it is of another kind or (read-only)
    ///   missing; GRDB's `DatabaseError` if the file cannot be opened or migrated.
    public init(path: String, mode: StoreKind.AccessMode = .readWrite) throws {
        self.path = path
        registerReader = SingleStatementReader(path: path, sql: Self.registerEntrySQL, busyTimeout: .seconds(5))
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.foreignKeysEnabled = true
        pool = try StoreKind.healthEvents.openPool(path: path, mode: mode, configuration: configuration)
        try StoreKind.healthEvents.prepare(pool, path: path, mode: mode, migrator: Self.migrator)
    }

    /// The schema migrations, in order.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE person (
                        id TEXT PRIMARY KEY NOT NULL,
                        basicInfo TEXT NOT NULL,
                        created TEXT NOT NULL,
                        updated TEXT NOT NULL);
                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        personId TEXT NOT NULL REFERENCES person(id),
                        time TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        created TEXT NOT NULL);
                    CREATE INDEX event_person_time ON event(personId, time);
                    CREATE TRIGGER event_no_update BEFORE UPDATE ON event
                        BEGIN SELECT RAISE(ABORT, 'health events are append-only'); END;
                    CREATE TRIGGER event_no_delete BEFORE DELETE ON event
                        BEGIN SELECT RAISE(ABORT, 'health events are append-only'); END;
                    CREATE TABLE issuedCode (
                        codeId TEXT PRIMARY KEY NOT NULL,
                        personId TEXT NOT NULL REFERENCES person(id),
                        colour TEXT NOT NULL,
                        region TEXT NOT NULL,
                        issuedAt INTEGER NOT NULL,
                        expiresAt INTEGER NOT NULL,
                        keyId TEXT NOT NULL,
                        rules TEXT NOT NULL);
                    CREATE INDEX issuedCode_person ON issuedCode(personId, issuedAt);
                    """)
        }
        return migrator
    }

    // MARK: Records

    /// A person and their GB/T 38962 basic information (`{}` until they declare it).
    public struct StoredPerson: Hashable, Sendable {
        public let id: PersonID
        public let basicInfo: [String: JSONValue]
        public let created: Date
        public let updated: Date
    }

    /// An event to append.
    public struct NewEvent: Hashable, Sendable {
        /// When it happened, China time.
        public var time: CalendarDateTime
        /// `checkIn`, `declaration`, `tripDeclaration`, `testResult`, `feverClinicVisit`, `feverMedicinePurchase`,
        /// `caseOpened`, `caseClosed`, `exposure`, `manualConversion`, `codeApplication`, `correction`.
        public var kind: String
        public var payload: [String: JSONValue]
        /// Who recorded it: `self`, a checkpoint, `county-hq`, ….
        public var actor: String

        public init(time: CalendarDateTime, kind: String, payload: [String: JSONValue], actor: String) {
            self.time = time
            self.kind = kind
            self.payload = payload
            self.actor = actor
        }

        /// An event the colour engine understands, with extra payload keys (e.g. the full declaration).
        public init(_ event: HealthEvent, actor: String, extra: [String: JSONValue] = [:]) {
            let (kind, payload) = HealthEventStore.encode(event.kind)
            self.init(time: event.time, kind: kind, payload: payload.merging(extra) { new, _ in new }, actor: actor)
        }
    }

    /// An event as stored.
    public struct StoredEvent: Hashable, Sendable {
        public let id: Int64
        public let person: PersonID
        public let time: CalendarDateTime
        public let kind: String
        public let payload: [String: JSONValue]
        public let actor: String
        /// When the row was written (system clock, or the request's `now`).
        public let created: Date

        /// The event for ``ColourEngine``, or `nil` for kinds that do not bear on the colour
        /// (`codeApplication`, `correction`).
        public var healthEvent: HealthEvent? {
            HealthEventStore.decode(kind: kind, payload: payload).map { HealthEvent(time, $0) }
        }
    }

    /// One row of the register of issued codes.
    public struct IssuedCodeRecord: Hashable, Sendable {
        public let codeID: HealthCode.ID
        public let person: PersonID
        public let colour: HealthColour
        public let region: String
        public let issuedAt: Date
        public let expiresAt: Date
        public let keyID: KeyID
        /// The rule set the colour was derived with.
        public let rules: String

        public init(
            codeID: HealthCode.ID, person: PersonID, colour: HealthColour, region: String, issuedAt: Date,
            expiresAt: Date, keyID: KeyID, rules: String
        ) {
            self.codeID = codeID
            self.person = person
            self.colour = colour
            self.region = region
            self.issuedAt = issuedAt
            self.expiresAt = expiresAt
            self.keyID = keyID
            self.rules = rules
        }
    }

    /// Row counts, for tests and `hcard` diagnostics ("nothing was stored").
    public struct RowCounts: Hashable, Sendable, Codable {
        public let persons: Int
        public let events: Int
        public let issuedCodes: Int

        public init(persons: Int, events: Int, issuedCodes: Int) {
            self.persons = persons
            self.events = events
            self.issuedCodes = issuedCodes
        }
    }

    // MARK: Transactions

    /// The reads and writes of one transaction. Valid only inside ``write(_:)`` / ``read(_:)``;
    /// do not keep it beyond the closure. (It is not `~Copyable`: Swift 6.3.1 crashes compiling a
    /// generic closure over a borrowed non-copyable value in release builds.)
    public struct Transaction {
        let db: Database

        /// The person, if known.
        public func person(_ id: PersonID) throws -> StoredPerson? {
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM person WHERE id = ?", arguments: [id.rawValue])
            else { return nil }
            return StoredPerson(id: id, basicInfo: row["basicInfo"] as String, created: row["created"], updated: row["updated"])
        }

        /// Creates the person, or replaces their basic information when `basicInfo` is given.
        /// Without `basicInfo`, an existing person is left as is and a new one gets `{}`.
        public func savePerson(_ id: PersonID, basicInfo: [String: JSONValue]?, now: Date) throws {
            let stamp = ISO8601Instant.format(now)
            if let basicInfo {
                try db.execute(
                    sql: """
                        INSERT INTO person (id, basicInfo, created, updated) VALUES (?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET basicInfo = excluded.basicInfo, updated = excluded.updated
                        """,
                    arguments: [id.rawValue, HealthEventStore.json(basicInfo), stamp, stamp])
            } else {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO person (id, basicInfo, created, updated) VALUES (?, '{}', ?, ?)",
                    arguments: [id.rawValue, stamp, stamp])
            }
        }

        /// Appends an event (the person must exist) and returns its id.
        @discardableResult
        public func append(_ event: NewEvent, for person: PersonID, now: Date) throws -> Int64 {
            try db.execute(
                sql: "INSERT INTO event (personId, time, kind, payload, actor, created) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    person.rawValue, event.time.description, event.kind, HealthEventStore.json(event.payload),
                    event.actor, ISO8601Instant.format(now),
                ])
            return db.lastInsertedRowID
        }

        /// Every event of `person` in time order (then insertion order), corrections included.
        public func events(of person: PersonID) throws -> [StoredEvent] {
            try Row.fetchAll(
                db, sql: "SELECT * FROM event WHERE personId = ? ORDER BY time, id", arguments: [person.rawValue]
            ).map(HealthEventStore.storedEvent)
        }

        /// One event by id.
        public func event(id: Int64) throws -> StoredEvent? {
            try Row.fetchOne(db, sql: "SELECT * FROM event WHERE id = ?", arguments: [id]).map(
                HealthEventStore.storedEvent)
        }

        /// Adds a row to the register of issued codes.
        public func recordIssuedCode(_ record: IssuedCodeRecord) throws {
            try db.execute(
                sql: """
                    INSERT INTO issuedCode (codeId, personId, colour, region, issuedAt, expiresAt, keyId, rules)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.codeID.hex, record.person.rawValue, record.colour.rawValue, record.region,
                    Int64(record.issuedAt.timeIntervalSince1970), Int64(record.expiresAt.timeIntervalSince1970),
                    record.keyID.hex, record.rules,
                ])
        }

        /// The codes issued to `person`, in the order the register recorded them (`rowid`: the
        /// table is append-only, so rowids only grow), which orders codes of one second too.
        public func issuedCodes(of person: PersonID) throws -> [IssuedCodeRecord] {
            try Row.fetchAll(
                db, sql: "SELECT * FROM issuedCode WHERE personId = ? ORDER BY rowid",
                arguments: [person.rawValue]
            ).compactMap(HealthEventStore.issuedCode)
        }

        /// One issued code by id.
        public func issuedCode(_ id: HealthCode.ID) throws -> IssuedCodeRecord? {
            try Row.fetchOne(db, sql: "SELECT * FROM issuedCode WHERE codeId = ?", arguments: [id.hex])
                .flatMap(HealthEventStore.issuedCode)
        }

        /// The number of rows in each table.
        public func counts() throws -> RowCounts {
            RowCounts(
                persons: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM person") ?? 0,
                events: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0,
                issuedCodes: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM issuedCode") ?? 0)
        }
    }

    /// Runs `body` in one write transaction: all of its writes are kept, or none (if it throws).
    public func write<T>(_ body: (Transaction) throws -> T) throws -> T {
        try pool.write { db in try body(Transaction(db: db)) }
    }

    /// Runs `body` in one read-only transaction (a consistent snapshot).
    public func read<T>(_ body: (Transaction) throws -> T) throws -> T {
        try pool.read { db in try body(Transaction(db: db)) }
    }

    // MARK: Conveniences (one transaction each)

    /// The person, if known.
    public func person(_ id: PersonID) throws -> StoredPerson? { try read { try $0.person(id) } }

    /// Every stored event of `person`, corrections included.
    public func events(of person: PersonID) throws -> [StoredEvent] { try read { try $0.events(of: person) } }

    /// The codes issued to `person`.
    public func issuedCodes(of person: PersonID) throws -> [IssuedCodeRecord] {
        try read { try $0.issuedCodes(of: person) }
    }

    /// The number of rows in each table.
    public func counts() throws -> RowCounts { try read { try $0.counts() } }

    /// The events the colour engine sees: every colour-relevant event not retracted by a
    /// `correction`, in time order.
    public static func effectiveEvents(_ events: [StoredEvent]) -> [HealthEvent] {
        var retracted = Set<Int64>()
        for event in events where event.kind == "correction" {
            if case .number(let id) = event.payload["retracts"] { retracted.insert(Int64(id)) }
        }
        return events.filter { !retracted.contains($0.id) }.compactMap(\.healthEvent)
    }

    // MARK: Event coding

    /// The stored kind name and payload of an event kind.
    public static func encode(_ kind: HealthEvent.Kind) -> (String, [String: JSONValue]) {
        switch kind {
        case .checkIn(let normal):
            return ("checkIn", ["normal": .bool(normal)])
        case .declaration(let symptoms, let riskAreaStay, let overseas):
            return (
                "declaration",
                [
                    "symptoms": .array(symptoms.map(JSONValue.string)), "riskAreaStay": .bool(riskAreaStay),
                    "overseas": .bool(overseas),
                ]
            )
        case .testResult(let positive):
            return ("testResult", ["positive": .bool(positive)])
        case .feverClinicVisit(let excludesCOVID):
            return ("feverClinicVisit", ["excludesCOVID": .bool(excludesCOVID)])
        case .feverMedicinePurchase:
            return ("feverMedicinePurchase", [:])
        case .caseOpened(let status):
            return ("caseOpened", ["status": .string(status.rawValue)])
        case .caseClosed(let status):
            return ("caseClosed", ["status": .string(status.rawValue)])
        case .exposure(let minutes):
            return ("exposure", ["minutes": .number(Double(minutes))])
        case .manualConversion(let colour, let actor, let reason):
            return (
                "manualConversion",
                ["to": .string(colour.rawValue), "actor": .string(actor), "reason": .string(reason)]
            )
        }
    }

    /// The event kind of a stored row, or `nil` for kinds without a colour meaning or a payload
    /// that does not fit (never written by this store).
    ///
    /// `tripDeclaration` is read as a declaration without symptoms: a trip through a risk area or
    /// abroad bears on the colour exactly as the same facts declared in a health declaration.
    public static func decode(kind: String, payload: [String: JSONValue]) -> HealthEvent.Kind? {
        func bool(_ key: String) -> Bool? {
            if case .bool(let value) = payload[key] { return value }
            return nil
        }
        func string(_ key: String) -> String? {
            if case .string(let value) = payload[key] { return value }
            return nil
        }
        switch kind {
        case "checkIn":
            return bool("normal").map { .checkIn(normal: $0) }
        case "declaration", "tripDeclaration":
            var symptoms: [String] = []
            if case .array(let items) = payload["symptoms"] {
                symptoms = items.compactMap { if case .string(let text) = $0 { text } else { nil } }
            }
            return .declaration(
                symptoms: symptoms, riskAreaStay: bool("riskAreaStay") ?? false, overseas: bool("overseas") ?? false)
        case "testResult":
            return bool("positive").map { .testResult(positive: $0) }
        case "feverClinicVisit":
            return bool("excludesCOVID").map { .feverClinicVisit(excludesCOVID: $0) }
        case "feverMedicinePurchase":
            return .feverMedicinePurchase
        case "caseOpened":
            return string("status").flatMap(HealthEvent.CaseStatus.init(rawValue:)).map { .caseOpened($0) }
        case "caseClosed":
            return string("status").flatMap(HealthEvent.CaseStatus.init(rawValue:)).map { .caseClosed($0) }
        case "exposure":
            if case .number(let minutes) = payload["minutes"] { return .exposure(minutes: Int(minutes)) }
            return nil
        case "manualConversion":
            guard let to = string("to") else { return nil }
            return .manualConversion(
                to: HealthColour(rawValue: to), actor: string("actor") ?? "", reason: string("reason") ?? "")
        default:
            return nil
        }
    }

    // MARK: Row helpers

    /// An object as the stores keep it: JSON text with sorted keys (both backends, so a row reads
    /// the same wherever it was written).
    public static func json(_ object: [String: JSONValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Force-try: encoding a JSONValue tree cannot fail except for non-finite numbers, which
        // no decoded JSON holds.
        return String(decoding: try! encoder.encode(object), as: UTF8.self)
    }

    static func object(_ text: String?) -> [String: JSONValue] {
        guard let text, let value = try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
        else { return [:] }
        return value
    }

    static func instant(_ text: String?) -> Date {
        text.flatMap(ISO8601Instant.parse) ?? Date(timeIntervalSince1970: 0)
    }

    static func storedEvent(_ row: Row) throws -> StoredEvent {
        try StoredEvent(
            id: row["id"] as Int64, person: row["personId"] as String, time: row["time"] as String,
            kind: row["kind"] as String, payload: row["payload"] as String, actor: row["actor"] as String,
            created: row["created"] as String)
    }

    /// Code `?`'s register row (the columns of `issuedCode` in its order: code, person, colour,
    /// region, issued, expires, key, rules), then the code and key of the newest row of the same
    /// person (the highest `rowid`: the table is append-only, ``Transaction/issuedCodes(of:)``).
    static let registerEntrySQL = """
        SELECT issued.codeId, issued.personId, issued.colour, issued.region, issued.issuedAt, issued.expiresAt,
               issued.keyId, issued.rules, newest.codeId, newest.keyId
        FROM issuedCode AS issued
        JOIN issuedCode AS newest ON newest.rowid =
            (SELECT max(later.rowid) FROM issuedCode AS later WHERE later.personId = issued.personId)
        WHERE issued.codeId = ?
        """

    static func issuedCode(_ row: Row) -> IssuedCodeRecord? {
        IssuedCodeRecord(
            codeID: row["codeId"] as String, person: row["personId"] as String, colour: row["colour"] as String,
            region: row["region"] as String, issuedAt: row["issuedAt"] as Int64, expiresAt: row["expiresAt"] as Int64,
            keyID: row["keyId"] as String, rules: row["rules"] as String)
    }
}

// MARK: - Stored columns

// How a row's columns become a record, for every backend of ``HealthEventStorage`` (this file's
// SQLite tables and the server's PostgreSQL ones store the same columns as the same text).

extension HealthEventStore.StoredPerson {
    /// A person from the stored columns: basic information as JSON text (``HealthEventStore/json(_:)``),
    /// ISO 8601 creation and update stamps.
    public init(id: PersonID, basicInfo: String, created: String, updated: String) {
        self.init(
            id: id, basicInfo: HealthEventStore.object(basicInfo), created: HealthEventStore.instant(created),
            updated: HealthEventStore.instant(updated))
    }
}

extension HealthEventStore.StoredEvent {
    /// An event from the stored columns: the person's ``PersonID`` text, the time as
    /// `YYYY-MM-DDThh:mm:ss` China time, the payload as JSON text, the ISO 8601 creation stamp.
    ///
    /// - Throws: `HealthCardError` naming the event for a time or person that does not parse.
    public init(id: Int64, person: String, time: String, kind: String, payload: String, actor: String, created: String)
        throws
    {
        guard let parsed = CalendarDateTime(iso: time) else {
            throw HealthCardError.malformed("event \(id): stored time '\(time)' is not a date-time")
        }
        self.init(
            id: id, person: try PersonID(person), time: parsed, kind: kind, payload: HealthEventStore.object(payload),
            actor: actor, created: HealthEventStore.instant(created))
    }
}

extension HealthEventStore.IssuedCodeRecord {
    /// A register row from the stored columns (ids as hex, times as Unix seconds); `nil` for a row
    /// whose ids do not parse (never written by a store).
    public init?(
        codeID: String, person: String, colour: String, region: String, issuedAt: Int64, expiresAt: Int64,
        keyID: String, rules: String
    ) {
        guard let code = try? HealthCode.ID(hex: codeID), let holder = try? PersonID(person),
            let key = try? KeyID(hex: keyID)
        else { return nil }
        self.init(
            codeID: code, person: holder, colour: HealthColour(rawValue: colour), region: region,
            issuedAt: Date(timeIntervalSince1970: TimeInterval(issuedAt)),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(expiresAt)), keyID: key, rules: rules)
    }
}
