import EMPIIndex
import Foundation
import HealthCardFoundation
import PostgresNIO

/// The blacklist and whitelist on PostgreSQL, and their exchange with other platforms, versioned
/// as in the SQLite file (Docs/accounts.md §4, Docs/serve.md §8 "Exchange lists").
///
/// **Every writer is numbered.** Triggers on `account_blacklist` and `account_whitelist`
/// (``PostgresSchema`` migration 5) write each inserted, changed or deleted entry to
/// `account_list_change` with the next version: a card reported lost or replaced, a number
/// blacklisted or found, an import, on any node, or a `psql` session.
///
/// **Versions follow commit order.** A sequence would not do: a transaction that took version 7
/// may commit after one that took 8, and a receiver that downloaded up to 8 in between would ask
/// for `since=8` next and never see 7. Here a statement-level trigger locks the one counter row
/// (`account_list_version`) before the statement touches a list row, and the lock is held until
/// the transaction ends; the next writer of either list, on any node, waits for it and then
/// numbers after it. So version V+1 is taken only once the transaction with V has committed (or
/// rolled back, giving V back): a snapshot that holds V+1 holds every version below it, and the
/// versions have no gaps. Taking the counter before any list row also means two list writers
/// never wait for each other in opposite orders.
///
/// **One snapshot per download.** The version and the records are read in one `REPEATABLE READ`
/// transaction, so a change committed meanwhile is in the next download, never between the two.
///
/// The rules are the library's: which records a download reads and when `since` is refused
/// (`AccountService.listDownload`), the checks of an uploaded file (`AccountService.checkValues`)
/// and what each record does (`AccountService.listEdit`).
extension PostgresAccountStore {
    public func downloadList(_ list: PlatformFile.Kind, since: Int64?, source: String, now: Date?) async throws
        -> AccountService.ListDownload
    {
        let now = now ?? index.clock.now()
        return try await snapshot { connection in
            let version = try await connection.rows("SELECT version FROM account_list_version", logger: self.logger)
                .first?.decode(Int64.self) ?? 0
            let read = try AccountService.listDownload(list, since: since, version: version)
            let records: [[String]]
            if let changed = read.kind.changedList {
                records = try await connection.rows(
                    """
                    SELECT version, change, number, reason, added FROM account_list_change
                    WHERE list = \(changed.rawValue) AND version > \(read.after) ORDER BY version
                    """, logger: self.logger
                ).map { row in
                    let (version, change, number, reason, added) = try row.decode((Int64, String, String, String, String).self)
                    return [String(version), change, number, reason, added]
                }
            } else {
                records = try await connection.rows(
                    PostgresQuery(
                        unsafeSQL: "SELECT number, reason, added FROM \(try Self.listTable(read.kind)) ORDER BY number COLLATE \"C\""),
                    logger: self.logger
                ).map { row in
                    let (number, reason, added) = try row.decode((String, String, String).self)
                    return [number, reason, added]
                }
            }
            return AccountService.ListDownload(
                file: PlatformFile(kind: read.kind, source: source, created: now, records: records), version: version)
        }
    }

    /// Applies an uploaded list or change file in one transaction, in file order; every record is
    /// checked first and any bad one rejects the whole file (`PlatformFile.Rejected`).
    public func importList(_ file: PlatformFile, name: String, actor: String) async throws -> AccountService.ImportSummary {
        guard file.kind.isList else {
            throw HealthCardError.invalidValue("\(file.kind.rawValue) files are not exchanged by the server (blacklist, whitelist)")
        }
        try AccountService.checkValues(file, name: name)
        let applied = try await database.transaction { connection in
            var applied = 0
            for record in file.records {
                guard let edit = AccountService.listEdit(record, of: file.kind) else { continue }
                let table = try Self.listTable(edit.list)
                let changed: [PostgresRow]
                if let entry = edit.entry {
                    changed = try await connection.rows(
                        """
                        INSERT INTO \(unescaped: table) AS list (number, reason, added)
                        VALUES (\(edit.number), \(entry.reason), \(entry.added))
                        ON CONFLICT (number) DO UPDATE SET reason = EXCLUDED.reason, added = EXCLUDED.added
                        WHERE (list.reason, list.added) IS DISTINCT FROM (EXCLUDED.reason, EXCLUDED.added)
                        RETURNING 1
                        """, logger: self.logger)
                } else {
                    changed = try await connection.rows(
                        "DELETE FROM \(unescaped: table) WHERE number = \(edit.number) RETURNING 1", logger: self.logger)
                }
                applied += changed.isEmpty ? 0 : 1
            }
            return applied
        }
        return AccountService.ImportSummary(kind: file.kind, records: file.records.count, applied: applied)
    }

    /// `AccountService.addToBlacklist`: puts a number on the blacklist (off the whitelist); idempotent.
    public func addToBlacklist(_ number: String, reason: String, actor: String, now: Date?) async throws {
        try await index.transaction(now: now) { transaction in
            if try await self.blacklist(transaction.connection, number, reason: reason, transaction.stamp) {
                try await self.log(
                    transaction, .blacklistAdd, account: nil, number: number, detail: ["reason": reason], actor: actor)
            }
        }
    }

    /// `AccountService.removeFromBlacklist`: takes a number off the blacklist (a lost card found),
    /// records it on the whitelist, and a lost card becomes issued again.
    public func removeFromBlacklist(_ number: String, reason: String, actor: String, now: Date?) async throws {
        try await index.transaction(now: now) { transaction in
            let connection = transaction.connection
            let removed = try await connection.rows(
                "DELETE FROM account_blacklist WHERE number = \(number) RETURNING 1", logger: self.logger)
            guard removed.count == 1 else { throw AccountService.notBlacklisted(number) }
            try await connection.query(
                """
                INSERT INTO account_whitelist (number, reason, added) VALUES (\(number), \(reason), \(transaction.stamp))
                ON CONFLICT (number) DO UPDATE SET reason = EXCLUDED.reason, added = EXCLUDED.added
                """, logger: self.logger)
            try await connection.query(
                """
                UPDATE account_card SET status = 'issued', updated = \(transaction.stamp)
                WHERE number = \(number) AND status = 'lost'
                """, logger: self.logger)
            try await self.log(
                transaction, .blacklistRemove, account: nil, number: number, detail: ["reason": reason], actor: actor)
        }
    }

    /// The table of a list kind.
    static func listTable(_ list: PlatformFile.Kind) throws -> String {
        switch list {
        case .blacklist: "account_blacklist"
        case .whitelist: "account_whitelist"
        default: throw HealthCardError.invalidValue("\(list.rawValue) is not a list (blacklist, whitelist)")
        }
    }
}
