import EMPI
import EMPIIndex
import Foundation
import HealthCardFoundation
import HealthQR
import Logging
import PostgresNIO

/// E-health-card accounts in the shared PostgreSQL database (``AccountStore``), for several
/// `hcard serve --postgres` nodes at once: the SQLite `AccountService`'s operations on tables
/// with an `account_` prefix (Docs/serve.md §8 "Schema"), with the same rules and refusals
/// (`AccountService+Rules.swift`).
///
/// **No lost update, one account per person.** Every write is one ``PostgresPatientIndex``
/// transaction (``PostgresPatientIndex/transaction(now:_:)``): it holds the EMPI revision lock,
/// which orders it with every other EMPI write and event on every node, and it reads the account
/// (or card) it changes with `SELECT … FOR UPDATE` before deciding anything, so a concurrent
/// operation on the same account waits and then sees this one's result; it never writes over a
/// state it did not read. A registration looks for the person's account inside that lock, so two
/// nodes registering one person at once give one account (the second gets it back, `created:
/// false`); `UNIQUE (person)` and `UNIQUE (citizen_id)` on `account` and `UNIQUE (token)` on bank
/// bindings are the database's own guard behind that rule.
///
/// **Atomicity.** The account rows, the index feeds and links of its cards, the operation-log row
/// and the index event (kind `account`) commit together or not at all, as in the SQLite file.
public final class PostgresAccountStore: AccountStore {
    let database: SharedDatabase
    let index: PostgresPatientIndex
    /// The HMAC key for card IDs and bank tokens: 32 random bytes made by the first node.
    let secret: [UInt8]
    typealias Domain = AccountService.Domain

    /// Opens the accounts in `index`'s database: the secret (created by the first node) and the
    /// index domains registration feeds (registered when missing).
    public static func open(_ index: PostgresPatientIndex) async throws -> PostgresAccountStore {
        let database = index.database
        var generator = SystemRandomNumberGenerator()
        let fresh = Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let hex = try await database.transaction { connection in
            try await connection.query(
                "INSERT INTO account_meta (key, value) VALUES ('secret', \(fresh)) ON CONFLICT (key) DO NOTHING",
                logger: database.logger)
            return try await connection.rows("SELECT value FROM account_meta WHERE key = 'secret'", logger: database.logger)
                .first!.decode(String.self)
        }
        let known = Set(try await index.domains().map(\.code))
        for domain in AccountService.neededDomains where !known.contains(domain.code) {
            try await index.registerDomain(domain)
        }
        return PostgresAccountStore(database: database, index: index, secret: try Hex.decode(hex))
    }

    init(database: SharedDatabase, index: PostgresPatientIndex, secret: [UInt8]) {
        self.database = database
        self.index = index
        self.secret = secret
    }

    var logger: Logger { database.logger }

    // MARK: Registration

    public func register(
        _ identity: AccountService.Identity, channel: String, physicalCard: String?, actor: String, now: Date?
    ) async throws -> AccountService.Registration {
        let (identity, validation) = try AccountService.checkedIdentity(identity)
        let citizenID = identity.citizenID
        let record = AccountService.record(domain: Domain.registration, id: citizenID, identity, validation)
        return try await index.transaction(now: now) { transaction in
            let connection = transaction.connection
            // Registered already (on any node, committed before this lock was granted): the
            // account as it is, and the index untouched.
            if let existing = try await connection.rows(
                "SELECT ecard_id FROM account WHERE citizen_id = \(citizenID) FOR UPDATE", logger: self.logger
            ).first {
                return AccountService.Registration(
                    account: try await self.requireAccount(connection, ElectronicCardID(rawValue: try existing.decode(String.self))),
                    created: false, match: try await transaction.match(record))
            }
            let match = try await transaction.feed(record, actor: actor)
            guard let fedPerson = match.person else { throw AccountService.noPerson(citizenID) }
            let person = try await transaction.resolve(fedPerson)
            if let existing = try await self.accountID(connection, person: person) {
                return AccountService.Registration(
                    account: try await self.requireAccount(connection, existing), created: false, match: match)
            }
            let cardID = ElectronicCardID(person: person, secret: self.secret)
            if let physicalCard,
                let owner = try await connection.rows(
                    "SELECT ecard_id FROM account_card WHERE number = \(physicalCard)", logger: self.logger
                ).first
            {
                throw AccountService.cardTaken(physicalCard, owner: try owner.decode(String?.self))
            }
            try await self.linkCard(
                transaction, cardID.rawValue, domain: Domain.electronicCard, to: person, identity, validation, actor: actor)
            if let physicalCard {
                try await self.linkCard(
                    transaction, physicalCard, domain: Domain.physicalCard, to: person, identity, validation, actor: actor)
            }
            try await connection.query(
                """
                INSERT INTO account (ecard_id, person, citizen_id, name, phone, address, channel, status, created, updated)
                VALUES (\(cardID.rawValue), \(person.rawValue), \(citizenID), \(identity.name), \(identity.phone),
                        \(identity.address), \(channel), 'issued', \(transaction.stamp), \(transaction.stamp))
                """, logger: self.logger)
            try await self.upsertCard(connection, number: cardID.rawValue, kind: .electronic, account: cardID, transaction.stamp)
            if let physicalCard {
                try await self.upsertCard(connection, number: physicalCard, kind: .physical, account: cardID, transaction.stamp)
            }
            try await self.log(
                transaction, .register, account: cardID, number: physicalCard,
                detail: AccountService.registrationDetail(channel: channel, person: person, decision: match.decision),
                actor: actor)
            return AccountService.Registration(
                account: try await self.requireAccount(connection, cardID), created: true, match: match)
        }
    }

    /// `AccountService.linkCard`: feeds a card number as a record of its domain and makes sure it
    /// is linked to `person`; a number the index holds for another person is refused.
    func linkCard(
        _ transaction: PostgresIndexTransaction, _ number: String, domain: String, to person: EnterpriseID,
        _ identity: AccountService.Identity, _ validation: CitizenIDValidation, actor: String
    ) async throws {
        let reference = RecordReference(domain: domain, id: number)
        if let holder = try await transaction.personOf(reference), try await transaction.resolve(holder) != person {
            throw AccountService.cardHeldByOther(domain: domain, number, holder: holder, person: person)
        }
        let fed = try await transaction.feed(
            AccountService.record(domain: domain, id: number, identity, validation), actor: actor)
        var linked = fed.person
        if linked == nil { linked = try await transaction.personOf(reference) }
        if try await transaction.resolve(linked ?? person) != person {
            try await transaction.link(reference, to: person, actor: actor)
        }
    }

    // MARK: Lifecycle

    public func update(_ id: ElectronicCardID, phone: String?, address: String?, actor: String, now: Date?) async throws
        -> HealthCardAccount
    {
        let phone = try phone.map(PhoneNumber.normalized)
        return try await index.transaction(now: now) { transaction in
            let connection = transaction.connection
            var account = try await self.requireAccount(connection, id, lock: true)
            try AccountService.requireIssued(account)
            if let phone { account.phone = phone }
            if let address { account.address = address }
            let (identity, validation) = AccountService.identity(of: account)
            _ = try await transaction.feed(
                AccountService.record(domain: Domain.registration, id: account.citizenID, identity, validation), actor: actor)
            try await connection.query(
                """
                UPDATE account SET phone = \(account.phone), address = \(account.address), updated = \(transaction.stamp)
                WHERE ecard_id = \(id.rawValue)
                """, logger: self.logger)
            try await self.log(
                transaction, .update, account: id, number: nil,
                detail: AccountService.updateDetail(phone: phone, address: address), actor: actor)
            return try await self.requireAccount(connection, id)
        }
    }

    public func cancel(_ id: ElectronicCardID, reason: CancellationReason, actor: String, now: Date?) async throws
        -> HealthCardAccount
    {
        try await index.transaction(now: now) { transaction in
            let connection = transaction.connection
            try AccountService.requireCancellable(try await self.requireAccount(connection, id, lock: true))
            try await connection.query(
                """
                UPDATE account SET status = 'cancelled', cancel_reason = \(reason.rawValue), updated = \(transaction.stamp)
                WHERE ecard_id = \(id.rawValue)
                """, logger: self.logger)
            try await connection.query(
                """
                UPDATE account_card SET status = 'cancelled', updated = \(transaction.stamp)
                WHERE ecard_id = \(id.rawValue) AND status = 'issued'
                """, logger: self.logger)
            try await self.log(
                transaction, .cancel, account: id, number: nil, detail: ["reason": reason.rawValue], actor: actor)
            return try await self.requireAccount(connection, id)
        }
    }

    public func reportLost(_ number: String, actor: String, now: Date?) async throws -> CardUseCheck {
        try await index.transaction(now: now) { transaction in
            let connection = transaction.connection
            let card = try await self.requireCard(connection, number, lock: true)
            try AccountService.requireReportable(card)
            try await connection.query(
                "UPDATE account_card SET status = 'lost', updated = \(transaction.stamp) WHERE number = \(number)",
                logger: self.logger)
            try await self.blacklist(connection, number, reason: "reported lost", transaction.stamp)
            try await self.log(transaction, .lost, account: card.electronicCardID, number: number, detail: [:], actor: actor)
            return try await self.check(connection, number)
        }
    }

    public func replace(_ oldNumber: String, with newNumber: String, actor: String, now: Date?) async throws
        -> HealthCardAccount
    {
        try await index.transaction(now: now) { transaction in
            let connection = transaction.connection
            let old = try await self.requireCard(connection, oldNumber, lock: true)
            let accountID = try AccountService.requireReplaceable(old)
            if try await self.loadCard(connection, newNumber) != nil { throw AccountService.replacementTaken(newNumber) }
            let account = try await self.requireAccount(connection, accountID, lock: true)
            try AccountService.requireIssued(account)
            let (identity, validation) = AccountService.identity(of: account)
            try await self.linkCard(
                transaction, newNumber, domain: Domain.physicalCard, to: account.person, identity, validation, actor: actor)
            try await connection.query(
                """
                UPDATE account_card SET status = 'replaced', replaced_by = \(newNumber), updated = \(transaction.stamp)
                WHERE number = \(oldNumber)
                """, logger: self.logger)
            try await self.upsertCard(connection, number: newNumber, kind: .physical, account: accountID, transaction.stamp)
            try await self.blacklist(connection, oldNumber, reason: "replaced by \(newNumber)", transaction.stamp)
            try await self.log(
                transaction, .replace, account: accountID, number: oldNumber, detail: ["newNumber": newNumber], actor: actor)
            return try await self.requireAccount(connection, accountID)
        }
    }

    public func bindBankCard(_ id: ElectronicCardID, number: BankCardNumber, actor: String, now: Date?) async throws
        -> HealthCardAccount
    {
        let token = number.token(secret: secret)
        return try await index.transaction(now: now) { transaction in
            let connection = transaction.connection
            try AccountService.requireIssued(try await self.requireAccount(connection, id, lock: true))
            if let other = try await connection.rows(
                "SELECT ecard_id FROM account_bank_binding WHERE token = \(token) AND ecard_id != \(id.rawValue) LIMIT 1",
                logger: self.logger
            ).first {
                throw AccountService.bankCardTaken(number, other: try other.decode(String.self))
            }
            let inserted = try await connection.rows(
                """
                INSERT INTO account_bank_binding (ecard_id, token, masked, bound)
                VALUES (\(id.rawValue), \(token), \(number.masked), \(transaction.stamp))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: self.logger)
            if !inserted.isEmpty {
                try await self.log(
                    transaction, .bindBank, account: id, number: nil, detail: ["card": number.masked], actor: actor)
            }
            return try await self.requireAccount(connection, id)
        }
    }

    public func unbindBankCard(_ id: ElectronicCardID, number: BankCardNumber, actor: String, now: Date?) async throws
        -> HealthCardAccount
    {
        let token = number.token(secret: secret)
        return try await index.transaction(now: now) { transaction in
            let connection = transaction.connection
            _ = try await self.requireAccount(connection, id, lock: true)
            let deleted = try await connection.rows(
                "DELETE FROM account_bank_binding WHERE ecard_id = \(id.rawValue) AND token = \(token) RETURNING 1",
                logger: self.logger)
            guard deleted.count == 1 else { throw AccountService.bankCardNotBound(number, id) }
            try await self.log(
                transaction, .unbindBank, account: id, number: nil, detail: ["card": number.masked], actor: actor)
            return try await self.requireAccount(connection, id)
        }
    }

    // MARK: Reading

    public func account(_ id: ElectronicCardID) async throws -> HealthCardAccount? {
        try await snapshot { connection in try await self.loadAccount(connection, id) }
    }

    public func check(_ number: String) async throws -> CardUseCheck {
        try await snapshot { connection in try await self.check(connection, number) }
    }

    // MARK: Rows (inside the caller's transaction)

    /// Reads in one consistent snapshot.
    func snapshot<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await database.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: self.logger)
            return try await body(connection)
        }
    }

    func accountID(_ connection: PostgresConnection, person: EnterpriseID) async throws -> ElectronicCardID? {
        try await connection.rows("SELECT ecard_id FROM account WHERE person = \(person.rawValue)", logger: logger)
            .first.map { ElectronicCardID(rawValue: try $0.decode(String.self)) }
    }

    /// The account with e-card ID `id`; with `lock`, its row is locked until the transaction ends
    /// (`FOR UPDATE`: a concurrent operation on it waits, then reads what this one wrote).
    func loadAccount(_ connection: PostgresConnection, _ id: ElectronicCardID, lock: Bool = false) async throws
        -> HealthCardAccount?
    {
        guard let row = try await connection.rows(
            """
            SELECT person, citizen_id, name, phone, address, channel, status, cancel_reason, created, updated
            FROM account WHERE ecard_id = \(id.rawValue) \(unescaped: lock ? "FOR UPDATE" : "")
            """, logger: logger
        ).first else { return nil }
        let (person, citizenID, name, phone, address, channel, status, cancelReason, created, updated) = try row.decode(
            (Int64, String, String, String?, String?, String, String, String?, String, String).self)
        var cards: [CardRecordStatus] = []
        for number in try await connection.rows(
            """
            SELECT number FROM account_card WHERE ecard_id = \(id.rawValue)
            ORDER BY kind COLLATE "C", updated COLLATE "C", number COLLATE "C"
            """, logger: logger
        ) {
            if let card = try await loadCard(connection, try number.decode(String.self)) { cards.append(card) }
        }
        let bankCards = try await connection.rows(
            """
            SELECT masked FROM account_bank_binding WHERE ecard_id = \(id.rawValue)
            ORDER BY bound COLLATE "C", masked COLLATE "C"
            """, logger: logger
        ).map { try $0.decode(String.self) }
        return HealthCardAccount(
            electronicCardID: id, person: EnterpriseID(try await index.resolve(connection, person) ?? person),
            citizenID: citizenID, name: name, phone: phone, address: address, channel: channel,
            status: CardState(rawValue: status) ?? .issued, cancellationReason: cancelReason.flatMap(CancellationReason.init(rawValue:)),
            created: AccountService.date(created), updated: AccountService.date(updated), cards: cards, bankCards: bankCards)
    }

    func requireAccount(_ connection: PostgresConnection, _ id: ElectronicCardID, lock: Bool = false) async throws
        -> HealthCardAccount
    {
        guard let account = try await loadAccount(connection, id, lock: lock) else { throw AccountService.unknownAccount(id) }
        return account
    }

    func loadCard(_ connection: PostgresConnection, _ number: String, lock: Bool = false) async throws -> CardRecordStatus? {
        guard let row = try await connection.rows(
            """
            SELECT kind, ecard_id, status, replaced_by, updated FROM account_card WHERE number = \(number)
            \(unescaped: lock ? "FOR UPDATE" : "")
            """, logger: logger
        ).first else { return nil }
        let (kind, owner, status, replacedBy, updated) = try row.decode((String, String?, String, String?, String).self)
        return CardRecordStatus(
            number: number, kind: CardKind(rawValue: kind) ?? .physical, electronicCardID: owner.map(ElectronicCardID.init(rawValue:)),
            state: CardState(rawValue: status) ?? .issued, replacedBy: replacedBy, updated: AccountService.date(updated),
            blacklisted: try await blacklistReason(connection, number))
    }

    func requireCard(_ connection: PostgresConnection, _ number: String, lock: Bool = false) async throws -> CardRecordStatus {
        guard let card = try await loadCard(connection, number, lock: lock) else { throw AccountService.unknownCard(number) }
        return card
    }

    func blacklistReason(_ connection: PostgresConnection, _ number: String) async throws -> String? {
        try await connection.rows("SELECT reason FROM account_blacklist WHERE number = \(number)", logger: logger)
            .first?.decode(String.self)
    }

    func check(_ connection: PostgresConnection, _ number: String) async throws -> CardUseCheck {
        CardUseCheck(
            number: number, card: try await loadCard(connection, number),
            blacklisted: try await blacklistReason(connection, number))
    }

    func upsertCard(
        _ connection: PostgresConnection, number: String, kind: CardKind, account: ElectronicCardID?, _ stamp: String
    ) async throws {
        try await connection.query(
            """
            INSERT INTO account_card (number, kind, ecard_id, status, updated)
            VALUES (\(number), \(kind.rawValue), \(account?.rawValue), 'issued', \(stamp))
            ON CONFLICT (number) DO NOTHING
            """, logger: logger)
    }

    /// Puts `number` on the blacklist (and off the whitelist); whether it was not there before.
    @discardableResult
    func blacklist(_ connection: PostgresConnection, _ number: String, reason: String, _ stamp: String) async throws -> Bool {
        let added = try await connection.rows(
            """
            INSERT INTO account_blacklist (number, reason, added) VALUES (\(number), \(reason), \(stamp))
            ON CONFLICT (number) DO NOTHING RETURNING 1
            """, logger: logger)
        try await connection.query("DELETE FROM account_whitelist WHERE number = \(number)", logger: logger)
        return !added.isEmpty
    }

    /// The operation-log row and the index event (kind `account`) of an operation, in its
    /// transaction (`AccountService.log`).
    func log(
        _ transaction: PostgresIndexTransaction, _ kind: AccountService.OperationKind, account: ElectronicCardID?,
        number: String?, detail: [String: String], actor: String
    ) async throws {
        let connection = transaction.connection
        try await connection.query(
            """
            INSERT INTO account_oplog (time, actor, operation, ecard_id, number, detail)
            VALUES (\(transaction.stamp), \(actor), \(kind.rawValue), \(account?.rawValue), \(number),
                    \(try AccountService.detailJSON(detail)))
            ON CONFLICT DO NOTHING
            """, logger: logger)
        var owner = account?.rawValue
        if owner == nil, let number {
            owner = try await connection.rows("SELECT ecard_id FROM account_card WHERE number = \(number)", logger: logger)
                .first?.decode(String?.self)
        }
        var person: EnterpriseID?
        var status: String?
        if let owner,
            let row = try await connection.rows("SELECT person, status FROM account WHERE ecard_id = \(owner)", logger: logger).first
        {
            let (id, state) = try row.decode((Int64, String).self)
            person = try await transaction.resolve(EnterpriseID(id))
            status = state
        }
        try await transaction.appendEvent(
            .account, person: person, record: owner.map { RecordReference(domain: Domain.electronicCard, id: $0) },
            payload: AccountService.eventPayload(kind, number: number, detail: detail, status: status), actor: actor)
    }
}
