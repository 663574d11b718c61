import Foundation
import GRDB
import HealthCardFoundation
import HealthCardSQLite

/// The account tables (beside the index's, in the same file) and their rows.
///
/// ```
/// accountMeta(key PK, value)                         the HMAC secret
/// account(ecardId PK, person UNIQUE, citizenId UNIQUE, name, phone, address, channel, status, cancelReason, created, updated)
/// card(number PK, kind, ecardId → account, status, replacedBy, updated)
/// bankBinding(ecardId → account, token, masked, bound; PK(ecardId, token))   never the full number
/// blacklist(number PK, reason, added)     whitelist(number PK, reason, added)
/// oplog(sequence PK, time, actor, operation, ecardId, number, detail JSON; UNIQUE(time, operation, ecardId, number, detail))
/// ```
///
/// Why `CREATE TABLE IF NOT EXISTS` rather than a migrator: the file belongs to the index, whose
/// migrator must not meet migrations it does not know; the account tables are created beside
/// them, once, in the first transaction that opens the service.
extension AccountService {
    /// One list entry (blacklist or whitelist).
    public struct ListEntry: Sendable, Hashable, Codable {
        public var number: String
        public var reason: String
        public var added: Date

        package init(number: String, reason: String, added: Date) {
            self.number = number
            self.reason = reason
            self.added = added
        }
    }

    /// What an operation-log row records.
    public enum OperationKind: String, Sendable, Hashable, Codable, CaseIterable {
        case register, update, cancel, lost, replace, bindBank = "bind-bank", unbindBank = "unbind-bank"
        case blacklistAdd = "blacklist-add", blacklistRemove = "blacklist-remove"
    }

    /// One operation-log row.
    public struct Operation: Sendable, Hashable, Codable {
        public var sequence: Int64
        public var time: Date
        public var actor: String
        public var operation: OperationKind
        public var electronicCardID: ElectronicCardID?
        public var number: String?
        public var detail: [String: String]
    }

    static func createSchema(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS accountMeta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS account (
                    ecardId TEXT PRIMARY KEY NOT NULL,
                    person INTEGER NOT NULL UNIQUE,
                    citizenId TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL, phone TEXT, address TEXT, channel TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('issued', 'cancelled')),
                    cancelReason TEXT CHECK (cancelReason IN ('emigration', 'death')),
                    created TEXT NOT NULL, updated TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS card (
                    number TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    ecardId TEXT REFERENCES account(ecardId),
                    status TEXT NOT NULL,
                    replacedBy TEXT,
                    updated TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS card_account ON card(ecardId);
                CREATE TABLE IF NOT EXISTS bankBinding (
                    ecardId TEXT NOT NULL REFERENCES account(ecardId),
                    token TEXT NOT NULL, masked TEXT NOT NULL, bound TEXT NOT NULL,
                    PRIMARY KEY (ecardId, token));
                CREATE TABLE IF NOT EXISTS blacklist (number TEXT PRIMARY KEY NOT NULL, reason TEXT NOT NULL, added TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS whitelist (number TEXT PRIMARY KEY NOT NULL, reason TEXT NOT NULL, added TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS listChange (
                    version INTEGER PRIMARY KEY AUTOINCREMENT,
                    list TEXT NOT NULL, change TEXT NOT NULL CHECK (change IN ('add', 'remove')),
                    number TEXT NOT NULL, reason TEXT NOT NULL, added TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS listChange_list ON listChange(list, version);
                """ + listChangeTriggers + """
                CREATE TABLE IF NOT EXISTS oplog (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    time TEXT NOT NULL, actor TEXT NOT NULL, operation TEXT NOT NULL,
                    ecardId TEXT, number TEXT, detail TEXT NOT NULL);
                CREATE UNIQUE INDEX IF NOT EXISTS oplog_identity
                    ON oplog(time, operation, ifnull(ecardId, ''), ifnull(number, ''), detail);
                """)
    }

    /// Every change to the blacklist and whitelist, whoever makes it (a card reported lost, a
    /// found card, an import), is numbered in `listChange` by triggers, so an incremental download
    /// (``AccountService/downloadList(_:since:source:now:)``) cannot miss a writer.
    private static let listChangeTriggers = ["blacklist", "whitelist"].map { list in
        """
        CREATE TRIGGER IF NOT EXISTS \(list)_added AFTER INSERT ON \(list) BEGIN
            INSERT INTO listChange (list, change, number, reason, added) VALUES ('\(list)', 'add', NEW.number, NEW.reason, NEW.added);
        END;
        CREATE TRIGGER IF NOT EXISTS \(list)_changed AFTER UPDATE ON \(list) BEGIN
            INSERT INTO listChange (list, change, number, reason, added) VALUES ('\(list)', 'add', NEW.number, NEW.reason, NEW.added);
        END;
        CREATE TRIGGER IF NOT EXISTS \(list)_removed AFTER DELETE ON \(list) BEGIN
            INSERT INTO listChange (list, change, number, reason, added) VALUES ('\(list)', 'remove', OLD.number, OLD.reason, OLD.added);
        END;

        """
    }.joined()

    static func accountRow(_ db: Database, person: EnterpriseID) throws -> ElectronicCardID? {
        try String.fetchOne(db, sql: "SELECT ecardId FROM account WHERE person = ?", arguments: [person.rawValue])
            .map(ElectronicCardID.init(rawValue:))
    }

    static func loadAccount(_ db: Database, _ id: ElectronicCardID) throws -> HealthCardAccount? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM account WHERE ecardId = ?", arguments: [id.rawValue])
        else { return nil }
        let cards = try String.fetchAll(
            db, sql: "SELECT number FROM card WHERE ecardId = ? ORDER BY kind, updated, number", arguments: [id.rawValue]
        ).compactMap { try loadCard(db, $0) }
        let person: Int64 = row["person"]
        return HealthCardAccount(
            electronicCardID: id, person: EnterpriseID(try PatientIndex.resolve(db, person) ?? person),
            citizenID: row["citizenId"],
            name: row["name"], phone: row["phone"], address: row["address"], channel: row["channel"],
            status: CardState(rawValue: row["status"]) ?? .issued,
            cancellationReason: (row["cancelReason"] as String?).flatMap(CancellationReason.init(rawValue:)),
            created: date(row["created"]), updated: date(row["updated"]), cards: cards,
            bankCards: try String.fetchAll(
                db, sql: "SELECT masked FROM bankBinding WHERE ecardId = ? ORDER BY bound, masked", arguments: [id.rawValue]))
    }

    static func loadCard(_ db: Database, _ number: String) throws -> CardRecordStatus? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM card WHERE number = ?", arguments: [number]) else {
            return nil
        }
        return card(
            row, number: number,
            blacklisted: try String.fetchOne(db, sql: "SELECT reason FROM blacklist WHERE number = ?", arguments: [number]))
    }

    /// A card's state from a row with the `card` table's columns.
    static func card(_ row: Row, number: String, blacklisted: String?) -> CardRecordStatus {
        CardRecordStatus(
            number: number, kind: CardKind(rawValue: row["kind"]) ?? .physical,
            electronicCardID: (row["ecardId"] as String?).map(ElectronicCardID.init(rawValue:)),
            state: CardState(rawValue: row["status"]) ?? .issued, replacedBy: row["replacedBy"],
            updated: date(row["updated"]), blacklisted: blacklisted)
    }

    static func requireCard(_ db: Database, _ number: String) throws -> CardRecordStatus {
        guard let card = try loadCard(db, number) else {
            throw unknownCard(number)
        }
        return card
    }

    static func upsertCard(
        _ db: Database, number: String, kind: CardKind, account: ElectronicCardID?, now: Date
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO card (number, kind, ecardId, status, updated) VALUES (?, ?, ?, 'issued', ?)
                ON CONFLICT(number) DO NOTHING
                """,
            arguments: [number, kind.rawValue, account?.rawValue, stamp(now)])
    }

    /// Puts `number` on the blacklist (and off the whitelist); whether it was not there before.
    @discardableResult
    static func blacklist(_ db: Database, _ number: String, reason: String, now: Date) throws -> Bool {
        try db.execute(
            sql: "INSERT INTO blacklist (number, reason, added) VALUES (?, ?, ?) ON CONFLICT(number) DO NOTHING",
            arguments: [number, reason, stamp(now)])
        let added = db.changesCount > 0
        try db.execute(sql: "DELETE FROM whitelist WHERE number = ?", arguments: [number])
        return added
    }

    static func listEntries(_ db: Database, table: String) throws -> [ListEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY number").map {
            ListEntry(number: $0["number"], reason: $0["reason"], added: date($0["added"]))
        }
    }

    static func log(
        _ db: Database, _ kind: OperationKind, account: ElectronicCardID?, number: String?, detail: [String: String],
        actor: String, now: Date
    ) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO oplog (time, actor, operation, ecardId, number, detail) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [stamp(now), actor, kind.rawValue, account?.rawValue, number, try detailJSON(detail)])
    }

    /// The operation-log row and the index event (kind `account`) of an operation, in its
    /// transaction. The event names the account's person and its e-card record, so a subscriber
    /// to the index sees card status changes of the person (empi.md §2.2 card lifecycle).
    static func log(
        _ transaction: PatientIndex.Transaction, _ kind: OperationKind, account: ElectronicCardID?, number: String?,
        detail: [String: String], actor: String, now: Date
    ) throws {
        try log(transaction.db, kind, account: account, number: number, detail: detail, actor: actor, now: now)
        let db = transaction.db
        let owner = try account?.rawValue
            ?? number.flatMap { try String.fetchOne(db, sql: "SELECT ecardId FROM card WHERE number = ?", arguments: [$0]) }
        let person = try owner.flatMap {
            try Int64.fetchOne(db, sql: "SELECT person FROM account WHERE ecardId = ?", arguments: [$0])
        }
        let status = try owner.flatMap {
            try String.fetchOne(db, sql: "SELECT status FROM account WHERE ecardId = ?", arguments: [$0])
        }
        try transaction.appendEvent(
            .account, person: try person.map { try transaction.resolve(EnterpriseID($0)) },
            record: owner.map { RecordReference(domain: Domain.electronicCard, id: $0) },
            payload: eventPayload(kind, number: number, detail: detail, status: status), actor: actor, now: now)
    }

    /// The card's platform state and its blacklist entry in **one** statement, so that one read
    /// is one consistent snapshot without a transaction of its own (``AccountService/check(_:)``
    /// runs it per verification request). Its columns, in this order: known (1 or 0), kind,
    /// e-card ID, status, replaced by, updated, blacklist reason.
    static let cardCheckSQL = """
        SELECT card.number IS NOT NULL AS known, card.kind, card.ecardId, card.status, card.replacedBy,
               card.updated, (SELECT reason FROM blacklist WHERE number = ?1) AS blacklisted
        FROM (SELECT ?1 AS number) AS asked LEFT JOIN card ON card.number = asked.number
        """

    /// ``cardCheckSQL`` inside a transaction of the caller's (an operation answering the card's
    /// state after its own change).
    static func check(_ db: Database, _ number: String) throws -> CardUseCheck {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: cardCheckSQL), arguments: [number]) else {
            throw HealthCardError.invalidValue("card check for \(number): the query returned no row")
        }
        let blacklisted: String? = row["blacklisted"]
        return CardUseCheck(
            number: number, card: (row["known"] as Bool) ? card(row, number: number, blacklisted: blacklisted) : nil,
            blacklisted: blacklisted)
    }

    /// A known card from the columns of ``cardCheckSQL``.
    static func card(_ columns: SingleStatementReader.Columns, number: String, blacklisted: String?) -> CardRecordStatus {
        CardRecordStatus(
            number: number, kind: CardKind(rawValue: columns.text(1) ?? "") ?? .physical,
            electronicCardID: columns.text(2).map(ElectronicCardID.init(rawValue:)),
            state: CardState(rawValue: columns.text(3) ?? "") ?? .issued, replacedBy: columns.text(4),
            updated: date(columns.text(5) ?? ""), blacklisted: blacklisted)
    }

    package static func detailJSON(_ detail: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(detail), as: UTF8.self)
    }

    static func operation(_ row: Row) -> Operation {
        Operation(
            sequence: row["sequence"], time: date(row["time"]), actor: row["actor"],
            operation: OperationKind(rawValue: row["operation"]) ?? .update,
            electronicCardID: (row["ecardId"] as String?).map(ElectronicCardID.init(rawValue:)), number: row["number"],
            detail: (try? JSONDecoder().decode([String: String].self, from: Data((row["detail"] as String).utf8))) ?? [:])
    }

    package static func date(_ text: String) -> Date { ISO8601Instant.parse(text) ?? Date(timeIntervalSince1970: 0) }
}
