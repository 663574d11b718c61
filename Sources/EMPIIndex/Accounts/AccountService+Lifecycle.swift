import Foundation
import GRDB
import HealthCardFoundation

/// Updates, cancellation, lost and replaced cards, bank bindings and the blacklist (issue 10 §2):
/// each one transaction with its operation-log row.
extension AccountService {
    /// Changes the phone and/or address of an account and feeds them to the master index, where
    /// they update the registration record (an `update` event) and so the golden record.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for a phone that is not a mobile or landline
    ///   number (``PhoneNumber``); `invalidOperation` for a cancelled account.
    public func update(
        _ id: ElectronicCardID, phone: String? = nil, address: String? = nil, actor: String = "update", now: Date? = nil
    ) throws -> HealthCardAccount {
        let now = now ?? clock.now()
        let phone = try phone.map(PhoneNumber.normalized)
        return try index.transaction { transaction in
            var account = try Self.requireAccount(transaction.db, id)
            try Self.requireIssued(account)
            if let phone { account.phone = phone }
            if let address { account.address = address }
            let (identity, validation) = Self.identity(of: account)
            _ = try transaction.feed(
                Self.record(domain: Domain.registration, id: account.citizenID, identity, validation), actor: actor, now: now)
            try transaction.db.execute(
                sql: "UPDATE account SET phone = ?, address = ?, updated = ? WHERE ecardId = ?",
                arguments: [account.phone, account.address, Self.stamp(now), id.rawValue])
            try Self.log(
                transaction, .update, account: id, number: nil, detail: Self.updateDetail(phone: phone, address: address),
                actor: actor, now: now)
            return try Self.requireAccount(transaction.db, id)
        }
    }

    /// Cancels an account and every card of it, for emigration or death only. The e-card's QR
    /// codes stop verifying (``revocationList()``); its index records stay, resolvable for history.
    public func cancel(
        _ id: ElectronicCardID, reason: CancellationReason, actor: String = "cancel", now: Date? = nil
    ) throws -> HealthCardAccount {
        let now = now ?? clock.now()
        return try index.transaction { transaction in
            try Self.requireCancellable(try Self.requireAccount(transaction.db, id))
            try transaction.db.execute(
                sql: "UPDATE account SET status = 'cancelled', cancelReason = ?, updated = ? WHERE ecardId = ?",
                arguments: [reason.rawValue, Self.stamp(now), id.rawValue])
            try transaction.db.execute(
                sql: "UPDATE card SET status = 'cancelled', updated = ? WHERE ecardId = ? AND status = 'issued'",
                arguments: [Self.stamp(now), id.rawValue])
            try Self.log(transaction, .cancel, account: id, number: nil, detail: ["reason": reason.rawValue], actor: actor, now: now)
            return try Self.requireAccount(transaction.db, id)
        }
    }

    /// The reasons `cancel` accepts, parsed from text, with the refusal a person acts on.
    public static func cancellationReason(_ text: String) throws -> CancellationReason {
        guard let reason = CancellationReason(rawValue: text.lowercased()) else {
            throw HealthCardError.invalidValue(
                "an account is cancelled only for emigration or death, not '\(text)' (report a card lost or replace it instead)")
        }
        return reason
    }

    /// Reports a physical card lost: state `lost` and on the blacklist.
    public func reportLost(_ number: String, actor: String = "lost", now: Date? = nil) throws -> CardUseCheck {
        let now = now ?? clock.now()
        return try index.transaction { transaction in
            let card = try Self.requireCard(transaction.db, number)
            try Self.requireReportable(card)
            try transaction.db.execute(
                sql: "UPDATE card SET status = 'lost', updated = ? WHERE number = ?", arguments: [Self.stamp(now), number])
            try Self.blacklist(transaction.db, number, reason: "reported lost", now: now)
            try Self.log(transaction, .lost, account: card.electronicCardID, number: number, detail: [:], actor: actor, now: now)
            return try Self.check(transaction.db, number)
        }
    }

    /// Replaces a physical card (lost or damaged) by `newNumber`: the old one becomes `replaced`
    /// and blacklisted, the new one is issued to the same account and linked to the same person
    /// in the cross-index (both numbers resolve to the person).
    public func replace(
        _ oldNumber: String, with newNumber: String, actor: String = "replace", now: Date? = nil
    ) throws -> HealthCardAccount {
        let now = now ?? clock.now()
        return try index.transaction { transaction in
            let old = try Self.requireCard(transaction.db, oldNumber)
            let accountID = try Self.requireReplaceable(old)
            if try Self.loadCard(transaction.db, newNumber) != nil { throw Self.replacementTaken(newNumber) }
            let account = try Self.requireAccount(transaction.db, accountID)
            try Self.requireIssued(account)
            let (identity, validation) = Self.identity(of: account)
            try Self.linkCard(
                &transaction, newNumber, domain: Domain.physicalCard, to: account.person, identity, validation, actor: actor,
                now: now)
            try transaction.db.execute(
                sql: "UPDATE card SET status = 'replaced', replacedBy = ?, updated = ? WHERE number = ?",
                arguments: [newNumber, Self.stamp(now), old.number])
            try Self.upsertCard(transaction.db, number: newNumber, kind: .physical, account: accountID, now: now)
            try Self.blacklist(transaction.db, old.number, reason: "replaced by \(newNumber)", now: now)
            try Self.log(
                transaction, .replace, account: accountID, number: old.number, detail: ["newNumber": newNumber],
                actor: actor, now: now)
            return try Self.requireAccount(transaction.db, accountID)
        }
    }

    /// Binds a bank card: only its token and masked number are stored. A bank card belongs to one
    /// person, so it binds to one account: binding it again to the same account changes nothing,
    /// to another is refused.
    ///
    /// - Throws: `HealthCardError/Code/invalidOperation` if the account is cancelled or the card
    ///   is bound to another account (named).
    public func bindBankCard(
        _ id: ElectronicCardID, number: BankCardNumber, actor: String = "bind-bank", now: Date? = nil
    ) throws -> HealthCardAccount {
        let now = now ?? clock.now()
        return try index.transaction { transaction in
            try Self.requireIssued(try Self.requireAccount(transaction.db, id))
            let token = number.token(secret: secret)
            if let other = try String.fetchOne(
                transaction.db, sql: "SELECT ecardId FROM bankBinding WHERE token = ? AND ecardId != ? LIMIT 1",
                arguments: [token, id.rawValue])
            {
                throw Self.bankCardTaken(number, other: other)
            }
            try transaction.db.execute(
                sql: "INSERT OR IGNORE INTO bankBinding (ecardId, token, masked, bound) VALUES (?, ?, ?, ?)",
                arguments: [id.rawValue, token, number.masked, Self.stamp(now)])
            if transaction.db.changesCount == 1 {
                try Self.log(transaction, .bindBank, account: id, number: nil, detail: ["card": number.masked], actor: actor, now: now)
            }
            return try Self.requireAccount(transaction.db, id)
        }
    }

    /// Unbinds a bank card, found by its token.
    public func unbindBankCard(
        _ id: ElectronicCardID, number: BankCardNumber, actor: String = "unbind-bank", now: Date? = nil
    ) throws -> HealthCardAccount {
        let now = now ?? clock.now()
        return try index.transaction { transaction in
            try transaction.db.execute(
                sql: "DELETE FROM bankBinding WHERE ecardId = ? AND token = ?",
                arguments: [id.rawValue, number.token(secret: secret)])
            guard transaction.db.changesCount == 1 else { throw Self.bankCardNotBound(number, id) }
            try Self.log(transaction, .unbindBank, account: id, number: nil, detail: ["card": number.masked], actor: actor, now: now)
            return try Self.requireAccount(transaction.db, id)
        }
    }

    // MARK: Blacklist

    /// Puts a card number on the blacklist (distributed to terminals); idempotent.
    public func addToBlacklist(_ number: String, reason: String, actor: String = "blacklist", now: Date? = nil) throws {
        let now = now ?? clock.now()
        try index.transaction { transaction in
            if try Self.blacklist(transaction.db, number, reason: reason, now: now) {
                try Self.log(
                    transaction, .blacklistAdd, account: nil, number: number, detail: ["reason": reason], actor: actor, now: now)
            }
        }
    }

    /// Takes a number off the blacklist (a lost card found) and records it on the whitelist; a lost
    /// card becomes issued again.
    public func removeFromBlacklist(
        _ number: String, reason: String, actor: String = "blacklist", now: Date? = nil
    ) throws {
        let now = now ?? clock.now()
        try index.transaction { transaction in
            try transaction.db.execute(sql: "DELETE FROM blacklist WHERE number = ?", arguments: [number])
            guard transaction.db.changesCount == 1 else {
                throw Self.notBlacklisted(number)
            }
            try transaction.db.execute(
                sql: "INSERT OR REPLACE INTO whitelist (number, reason, added) VALUES (?, ?, ?)",
                arguments: [number, reason, Self.stamp(now)])
            try transaction.db.execute(
                sql: "UPDATE card SET status = 'issued', updated = ? WHERE number = ? AND status = 'lost'",
                arguments: [Self.stamp(now), number])
            try Self.log(
                transaction, .blacklistRemove, account: nil, number: number, detail: ["reason": reason], actor: actor, now: now)
        }
    }

    /// The blacklist: number, reason, when added.
    public func blacklistEntries() throws -> [ListEntry] {
        try index.pool.read { db in try Self.listEntries(db, table: "blacklist") }
    }

    /// The whitelist (numbers taken off the blacklist).
    public func whitelistEntries() throws -> [ListEntry] {
        try index.pool.read { db in try Self.listEntries(db, table: "whitelist") }
    }

    /// The operation log after `sequence`.
    public func operations(since sequence: Int64 = 0) throws -> [Operation] {
        try index.pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM oplog WHERE sequence > ? ORDER BY sequence", arguments: [sequence]
            ).map(Self.operation)
        }
    }

    func requireAccount(_ id: ElectronicCardID) throws -> HealthCardAccount {
        try index.pool.read { db in try Self.requireAccount(db, id) }
    }
}
