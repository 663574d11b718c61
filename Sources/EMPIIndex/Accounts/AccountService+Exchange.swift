import Foundation
import GRDB
import HealthCardFoundation

/// Export and import of ``PlatformFile``s (issue 10 §4).
///
/// Import is idempotent: each record is an upsert keyed by its number (cards, lists), e-card ID
/// (residents) or its whole content (operation log), and a record equal to what is stored changes
/// nothing. Imported operations are not logged again, so a platform's log stays its own and an
/// export → import → export round trip gives the same records. Order between kinds: residents
/// before cards (a card names its account).
extension AccountService {
    /// The outcome of an import.
    public struct ImportSummary: Sendable, Hashable, Codable {
        public var kind: PlatformFile.Kind
        public var records: Int
        /// Records that changed the database (new or different); the rest were already there.
        public var applied: Int

        package init(kind: PlatformFile.Kind, records: Int, applied: Int) {
            self.kind = kind
            self.records = records
            self.applied = applied
        }
    }

    /// All records of `kind`, in a stable order (a list's change kind: every change, in order).
    public func export(_ kind: PlatformFile.Kind, source: String, now: Date? = nil) throws -> PlatformFile {
        let now = now ?? clock.now()
        let records = try index.pool.read { db in try Self.records(db, kind, since: 0) }
        return PlatformFile(kind: kind, source: source, created: now, records: records)
    }

    /// A list as another platform downloads it, and the version it brings the receiver to.
    public struct ListDownload: Sendable, Hashable {
        /// The whole list (`blacklist`, `whitelist`) or its changes (`blacklist-changes`, …).
        public var file: PlatformFile
        /// The last change the file includes: the receiver asks for the changes after it next.
        public var version: Int64

        package init(file: PlatformFile, version: Int64) {
            self.file = file
            self.version = version
        }
    }

    /// The blacklist or whitelist for a receiving platform: whole (`since` nil) or as the changes
    /// numbered after `since`, in order, each an `add` (new or changed entry) or a `remove`.
    ///
    /// The file and its version are read in one snapshot, so a change committed meanwhile is in
    /// the next download, never lost between the two. Versions count the changes of both lists.
    ///
    /// - Throws: `invalidOperation` when `since` is beyond the last change here (this platform was
    ///   restored from an older copy, or the number came from another platform): the receiver
    ///   must download the whole list again rather than trust a log it cannot continue.
    public func downloadList(_ list: PlatformFile.Kind, since: Int64?, source: String, now: Date? = nil) throws
        -> ListDownload
    {
        let now = now ?? clock.now()
        return try index.pool.read { db in
            let version = try Int64.fetchOne(db, sql: "SELECT ifnull(max(version), 0) FROM listChange") ?? 0
            let read = try Self.listDownload(list, since: since, version: version)
            return ListDownload(
                file: PlatformFile(kind: read.kind, source: source, created: now, records: try Self.records(db, read.kind, since: read.after)),
                version: version)
        }
    }

    /// What a download of `list` reads when the last change here is `version`: the whole list
    /// (`since` nil) or its change kind after `since`. The rule of both backends (the server's
    /// PostgreSQL store reads its own tables with it).
    ///
    /// - Throws: `invalidValue` for a kind that is not a list; `invalidOperation` when `since` is
    ///   beyond `version` (see ``downloadList(_:since:source:now:)``).
    package static func listDownload(_ list: PlatformFile.Kind, since: Int64?, version: Int64) throws
        -> (kind: PlatformFile.Kind, after: Int64)
    {
        guard let changes = list.changes else {
            throw HealthCardError.invalidValue("\(list.rawValue) is not a list (blacklist, whitelist)")
        }
        guard let since else { return (list, 0) }
        guard since >= 0, since <= version else {
            throw HealthCardError(
                code: .invalidOperation,
                reason: "version \(since) is not in this platform's list log (last version \(version)): download the whole \(list.rawValue)")
        }
        return (changes, since)
    }

    /// What one record of a list file does: put an entry on ``list`` (`entry` set), or take
    /// ``number`` off it (a change file's `remove`).
    package struct ListEdit: Sendable {
        package var list: PlatformFile.Kind
        package var number: String
        package var entry: (reason: String, added: String)?
    }

    /// The edit of one checked record of a `blacklist`, `whitelist` or change file; nil for the
    /// other kinds. Both backends apply a list import through this, in file order.
    package static func listEdit(_ record: [String], of kind: PlatformFile.Kind) -> ListEdit? {
        switch kind {
        case .blacklist, .whitelist:
            return ListEdit(list: kind, number: record[0], entry: (record[1], record[2]))
        case .blacklistChanges, .whitelistChanges:
            guard let list = kind.changedList else { return nil }
            return ListEdit(list: list, number: record[2], entry: record[1] == "remove" ? nil : (record[3], record[4]))
        default:
            return nil
        }
    }

    /// The records of `kind` (for a change kind: those numbered after `since`).
    private static func records(_ db: Database, _ kind: PlatformFile.Kind, since: Int64) throws -> [[String]] {
        switch kind {
        case .card:
            return try Row.fetchAll(db, sql: "SELECT * FROM card ORDER BY number").map {
                [$0["number"], $0["kind"], $0["ecardId"] ?? "", $0["status"], $0["replacedBy"] ?? "", $0["updated"]]
            }
        case .blacklist, .whitelist:
            return try Row.fetchAll(db, sql: "SELECT * FROM \(kind.rawValue) ORDER BY number").map {
                [$0["number"], $0["reason"], $0["added"]]
            }
        case .resident:
            return try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY ecardId").map {
                [
                    $0["ecardId"], $0["citizenId"], $0["name"], $0["phone"] ?? "", $0["address"] ?? "",
                    $0["channel"], $0["status"], $0["cancelReason"] ?? "", $0["created"], $0["updated"],
                ]
            }
        case .oplog:
            return try Row.fetchAll(db, sql: "SELECT * FROM oplog ORDER BY time, sequence").map {
                [$0["time"], $0["actor"], $0["operation"], $0["ecardId"] ?? "", $0["number"] ?? "", $0["detail"]]
            }
        case .blacklistChanges, .whitelistChanges:
            return try Row.fetchAll(
                db, sql: "SELECT * FROM listChange WHERE list = ? AND version > ? ORDER BY version",
                arguments: [kind.changedList?.rawValue, since]
            ).map { [String($0["version"] as Int64), $0["change"], $0["number"], $0["reason"], $0["added"]] }
        }
    }

    /// Applies a parsed file in one transaction. Every record is checked first; any bad value,
    /// and any record the database refuses while applying (a resident whose person already has
    /// another account, a card of an unknown account), rejects the whole file
    /// (``PlatformFile/Rejected``, lines numbered as in the file) and nothing is applied.
    public func `import`(_ file: PlatformFile, name: String = "platform file", actor: String = "import") throws
        -> ImportSummary
    {
        try Self.checkValues(file, name: name)
        let applied = try index.transaction { transaction in
            var applied = 0
            for (offset, record) in file.records.enumerated() {
                do {
                    applied += try apply(record, of: file.kind, in: &transaction, actor: actor) ? 1 : 0
                } catch let error as HealthCardError {
                    throw PlatformFile.Rejected(
                        file: name, errors: [PlatformFile.LineError(line: offset + 2, message: error.reason)])
                }
            }
            return applied
        }
        return ImportSummary(kind: file.kind, records: file.records.count, applied: applied)
    }

    /// One record of an import; whether it changed anything.
    private func apply(
        _ record: [String], of kind: PlatformFile.Kind, in transaction: inout PatientIndex.Transaction, actor: String
    ) throws -> Bool {
        let db = transaction.db
        switch kind {
        case .resident:
            return try importResident(record, in: &transaction, actor: actor)
        case .card:
            let owner = Self.nonEmpty(record[2]).map(ElectronicCardID.init(rawValue:))
            guard let owner else { return try Self.upsertImportedCard(db, record) }
            guard let account = try Self.loadAccount(db, owner) else {
                throw HealthCardError(
                    code: .unknownRecord, reason: "card \(record[0]): no account \(owner) here (import residents first)")
            }
            let changed = try Self.upsertImportedCard(db, record)
            if record[1] == CardKind.physical.rawValue {
                // The cross index gets the physical card as a registration or replacement would.
                let identity = Identity(
                    name: account.name, citizenID: account.citizenID, phone: account.phone, address: account.address)
                try Self.linkCard(
                    &transaction, record[0], domain: Domain.physicalCard, to: account.person, identity,
                    CitizenIDValidator().validate(account.citizenID), actor: actor, now: Self.date(record[5]))
            }
            return changed
        case .blacklist, .whitelist, .blacklistChanges, .whitelistChanges:
            guard let edit = Self.listEdit(record, of: kind) else { return false }
            guard let entry = edit.entry else {
                try db.execute(sql: "DELETE FROM \(edit.list.rawValue) WHERE number = ?", arguments: [edit.number])
                return db.changesCount > 0
            }
            return try Self.upsertListEntry(db, edit.list, number: edit.number, reason: entry.reason, added: entry.added)
        case .oplog:
            try db.execute(
                sql: "INSERT OR IGNORE INTO oplog (time, actor, operation, ecardId, number, detail) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [record[0], record[1], record[2], Self.nonEmpty(record[3]), Self.nonEmpty(record[4]), record[5]])
            return db.changesCount > 0
        }
    }

    /// Adds or changes one blacklist/whitelist entry; whether anything changed.
    private static func upsertListEntry(_ db: Database, _ list: PlatformFile.Kind, number: String, reason: String, added: String)
        throws -> Bool
    {
        try db.execute(
            sql: """
                INSERT INTO \(list.rawValue) (number, reason, added) VALUES (?, ?, ?)
                ON CONFLICT(number) DO UPDATE SET reason = excluded.reason, added = excluded.added
                WHERE (reason, added) IS NOT (excluded.reason, excluded.added)
                """,
            arguments: [number, reason, added])
        return db.changesCount > 0
    }

    private static func upsertImportedCard(_ db: Database, _ record: [String]) throws -> Bool {
        try db.execute(
            sql: """
                INSERT INTO card (number, kind, ecardId, status, replacedBy, updated) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(number) DO UPDATE SET kind = excluded.kind, ecardId = excluded.ecardId,
                    status = excluded.status, replacedBy = excluded.replacedBy, updated = excluded.updated
                WHERE (kind, ifnull(ecardId, ''), status, ifnull(replacedBy, ''), updated)
                    IS NOT (excluded.kind, ifnull(excluded.ecardId, ''), excluded.status,
                            ifnull(excluded.replacedBy, ''), excluded.updated)
                """,
            arguments: [record[0], record[1], nonEmpty(record[2]), record[3], nonEmpty(record[4]), record[5]])
        return db.changesCount > 0
    }

    /// One resident: registered through the index as a registration would be, keeping the file's
    /// e-card ID. Returns whether anything changed.
    private func importResident(
        _ record: [String], in transaction: inout PatientIndex.Transaction, actor: String
    ) throws -> Bool {
        let cardID = ElectronicCardID(rawValue: record[0])
        let identity = Identity(
            name: record[2], citizenID: record[1], phone: Self.nonEmpty(record[3]), address: Self.nonEmpty(record[4]))
        let validation = CitizenIDValidator().validate(identity.citizenID)
        let created = Self.date(record[8])
        let fed = try transaction.feed(
            Self.record(domain: Domain.registration, id: identity.citizenID, identity, validation), actor: actor, now: created)
        guard let fedPerson = fed.person else {
            throw HealthCardError(code: .invalidOperation, reason: "the master index gave no person for \(identity.citizenID)")
        }
        let person = try transaction.resolve(fedPerson)
        if let other = try Self.accountRow(transaction.db, person: person), other != cardID {
            throw HealthCardError(
                code: .invalidOperation, reason: "resident \(cardID): the person already has account \(other) on this platform")
        }
        try Self.linkCard(
            &transaction, cardID.rawValue, domain: Domain.electronicCard, to: person, identity, validation, actor: actor,
            now: created)
        try transaction.db.execute(
            sql: """
                INSERT INTO account (ecardId, person, citizenId, name, phone, address, channel, status, cancelReason, created, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(ecardId) DO UPDATE SET name = excluded.name, phone = excluded.phone,
                    address = excluded.address, channel = excluded.channel, status = excluded.status,
                    cancelReason = excluded.cancelReason, created = excluded.created, updated = excluded.updated
                WHERE (name, ifnull(phone, ''), ifnull(address, ''), channel, status, ifnull(cancelReason, ''), created, updated)
                    IS NOT (excluded.name, ifnull(excluded.phone, ''), ifnull(excluded.address, ''), excluded.channel,
                            excluded.status, ifnull(excluded.cancelReason, ''), excluded.created, excluded.updated)
                """,
            arguments: [
                cardID.rawValue, person.rawValue, identity.citizenID, identity.name, identity.phone, identity.address,
                record[5], record[6], Self.nonEmpty(record[7]), record[8], record[9],
            ])
        return transaction.db.changesCount > 0
    }

    /// Every value of every record, before anything is written.
    package static func checkValues(_ file: PlatformFile, name: String) throws {
        var errors: [PlatformFile.LineError] = []
        var lastVersion: Int64?
        for (offset, record) in file.records.enumerated() {
            var problems: [String] = []
            func date(_ field: Int) {
                if ISO8601Instant.parse(record[field]) == nil {
                    problems.append("\(file.kind.fields[field]) '\(record[field])' is not an ISO 8601 time")
                }
            }
            func required(_ field: Int) {
                if record[field].isEmpty { problems.append("\(file.kind.fields[field]) is empty") }
            }
            switch file.kind {
            case .card:
                required(0)
                if CardKind(rawValue: record[1]) == nil { problems.append("kind '\(record[1])' is not a card kind") }
                if CardState(rawValue: record[3]) == nil { problems.append("status '\(record[3])' is not a card state") }
                date(5)
            case .blacklist, .whitelist:
                required(0)
                required(1)
                date(2)
            case .blacklistChanges, .whitelistChanges:
                if let version = Int64(record[0]), version > 0 {
                    if let previous = lastVersion, version <= previous {
                        problems.append("version \(version) does not follow \(previous): changes must be in ascending order")
                    }
                    lastVersion = version
                } else {
                    problems.append("version '\(record[0])' is not a positive number")
                }
                if !["add", "remove"].contains(record[1]) { problems.append("change '\(record[1])' is not add or remove") }
                required(2)
                required(3)
                date(4)
            case .resident:
                required(0)
                required(2)
                let validation = CitizenIDValidator().validate(record[1])
                if !validation.isValid { problems.append("citizenId \(record[1]): \(validation.firstError ?? "invalid")") }
                if !["issued", "cancelled"].contains(record[6]) { problems.append("status '\(record[6])' is not issued or cancelled") }
                if !record[7].isEmpty && CancellationReason(rawValue: record[7]) == nil {
                    problems.append("cancelReason '\(record[7])' is not emigration or death")
                }
                date(8)
                date(9)
            case .oplog:
                date(0)
                if OperationKind(rawValue: record[2]) == nil { problems.append("operation '\(record[2])' is unknown") }
                if (try? JSONDecoder().decode([String: String].self, from: Data(record[5].utf8))) == nil {
                    problems.append("detail is not a JSON object of strings")
                }
            }
            errors += problems.map { PlatformFile.LineError(line: offset + 2, message: $0) }
        }
        if !errors.isEmpty { throw PlatformFile.Rejected(file: name, errors: errors) }
    }

    static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
