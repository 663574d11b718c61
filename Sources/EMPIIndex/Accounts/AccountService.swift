import Foundation
import GRDB
import EMPI
import HealthCardFoundation
import HealthCardSQLite
import HealthQR

/// E-health-card accounts and the card management platform (issue 10), kept in the same SQLite
/// file as the ``PatientIndex`` they register through.
///
/// **Registration** (``register(_:channel:physicalCard:actor:now:)``): the real-name identity
/// (GB 11643 citizen ID, name) is fed to the master index as a registration record; the index's
/// matching (same model, same explanations as `hcard empi`) answers with an existing or a new
/// person; the ``ElectronicCardID`` is derived from that person; the electronic card (and a
/// physical card, if given) are fed as records of their own domains, so the PIX cross-index links
/// them to the person; last the account row is written. A person who already has an account gets
/// it back, unchanged.
///
/// **Atomicity.** Every account operation is one SQLite transaction shared with the index
/// (`PatientIndex.transaction`): its feeds and links, its account and card rows, its
/// operation-log row and its index event (kind `account`) commit together or not at all, so the
/// account, the person and the cross index never disagree, even after a crash or a refusal
/// half-way (a card already registered to someone else, a conflicting resident in an import).
///
/// **Lifecycle**: cancel (only for ``CancellationReason``), report lost, replace (the old card is
/// blacklisted and `replacedBy` the new; in the cross-index both numbers stay resolvable to the
/// person, as empi.md §2.2 asks for reissued cards), bind/unbind bank cards (token and masked
/// number only, ``BankCardNumber``), updates of phone and address (fed to the index: an `update`
/// event there). Every operation appends to `oplog`.
///
/// **Status on use**: ``check(_:)`` for a card number read from a card, and
/// ``revocationList()`` for QR verification: cancelled e-cards and refused card numbers become
/// revoked card IDs, so the one verifier (`CodeVerifier`) rejects them as `revokedCard`.
public final class AccountService: Sendable {
    public let index: PatientIndex
    /// The clock read by operations that are not given `now`: the index's.
    public let clock: any WallClock
    /// The HMAC key for card IDs and bank tokens (32 random bytes, created with the tables).
    let secret: [UInt8]
    /// The statement of ``check(_:)``, which `hcard serve` runs for every verification and scan.
    let cardCheck: SingleStatementReader

    /// The index domains registration uses (created when missing; existing ones are left as set).
    public enum Domain {
        public static let registration = "ehc-registration"
        public static let electronicCard = "e-health-card"
        public static let physicalCard = "resident-health-card"
        public static let citizenID = PatientIdentifier.citizenIDDomain
    }

    /// The index domains the accounts feed, registered when missing (every account store).
    package static let neededDomains = [
        IdentifierDomain(code: Domain.citizenID, name: "居民身份证", type: .citizenID),
        IdentifierDomain(code: Domain.registration, name: "电子健康卡实名注册", type: .other, uniqueness: .unique),
        IdentifierDomain(code: Domain.electronicCard, name: "电子健康卡", type: .eHealthCard),
        IdentifierDomain(code: Domain.physicalCard, name: "居民健康卡", type: .residentHealthCard),
    ]

    public init(index: PatientIndex) throws {
        self.index = index
        self.clock = index.clock
        cardCheck = SingleStatementReader(path: index.path, sql: Self.cardCheckSQL, busyTimeout: .seconds(5))
        let known = Set(try index.domains().map(\.code))
        let needed = Self.neededDomains
        if index.isReadOnly {
            guard needed.allSatisfy({ known.contains($0.code) }),
                let hex = try index.pool.read({ db in
                    try db.tableExists("accountMeta")
                        ? try String.fetchOne(db, sql: "SELECT value FROM accountMeta WHERE key = 'secret'") : nil
                })
            else {
                throw HealthCardError.invalidValue("\(index.path) is an EMPI index without accounts (none registered yet)")
            }
            secret = try Hex.decode(hex)
            return
        }
        for domain in needed where !known.contains(domain.code) { try index.registerDomain(domain) }
        secret = try index.pool.write { db in
            try Self.createSchema(db)
            if let hex = try String.fetchOne(db, sql: "SELECT value FROM accountMeta WHERE key = 'secret'") {
                return try Hex.decode(hex)
            }
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try db.execute(sql: "INSERT INTO accountMeta (key, value) VALUES ('secret', ?)", arguments: [Hex.encode(bytes)])
            return bytes
        }
    }

    /// Opens (or creates) the index file at `path` and the account tables in it; with
    /// `mode: .readOnly` (status checks) the file must exist, be an index and hold the account
    /// tables, and nothing is created or written.
    ///
    /// - Throws: `HealthCardError` naming the file if it is of another kind (`StoreKind`), or
    ///   (read-only) missing or without accounts.
    public convenience init(path: String, mode: StoreKind.AccessMode = .readWrite) throws {
        try self.init(index: PatientIndex(path: path, mode: mode))
    }

    /// The real-name identity a registration starts from.
    public struct Identity: Sendable, Hashable, Codable {
        public var name: String
        public var citizenID: String
        public var phone: String?
        public var address: String?

        public init(name: String, citizenID: String, phone: String? = nil, address: String? = nil) {
            self.name = name
            self.citizenID = citizenID
            self.phone = phone
            self.address = address
        }
    }

    /// The outcome of a registration.
    public struct Registration: Sendable, Hashable, Codable {
        public var account: HealthCardAccount
        /// `false` when the person already had this account.
        public var created: Bool
        /// The master index's answer for the registration record (decision, candidates, explanation).
        public var match: FeedResult

        package init(account: HealthCardAccount, created: Bool, match: FeedResult) {
            self.account = account
            self.created = created
            self.match = match
        }
    }

    // MARK: Registration

    /// Registers `identity` through the master index and returns the person's account.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for an ID that fails GB 11643, an empty
    ///   name or a phone that is not a mobile or landline number (``PhoneNumber``); `invalidOperation` for a physical card number already registered to another account.
    public func register(
        _ identity: Identity, channel: String, physicalCard: String? = nil, actor: String = "register", now: Date? = nil
    ) throws -> Registration {
        let now = now ?? clock.now()
        let (identity, validation) = try Self.checkedIdentity(identity)
        let citizenID = identity.citizenID
        let name = identity.name
        let record = Self.record(domain: Domain.registration, id: citizenID, identity, validation)
        // Registered already: the account as it is, and the index untouched (an update goes
        // through `update`, so the account and the person never disagree).
        if let existing = try account(citizenID: citizenID) {
            return Registration(account: existing, created: false, match: try index.match(record))
        }
        return try index.transaction { transaction in
            let match = try transaction.feed(record, actor: actor, now: now)
            guard let fedPerson = match.person else {
                throw Self.noPerson(citizenID)
            }
            let person = try transaction.resolve(fedPerson)
            if let existing = try Self.accountRow(transaction.db, person: person) {
                // Registered meanwhile by another process: theirs.
                return Registration(account: try Self.requireAccount(transaction.db, existing), created: false, match: match)
            }
            let cardID = ElectronicCardID(person: person, secret: secret)
            if let physicalCard,
                let owner = try String.fetchOne(
                    transaction.db, sql: "SELECT ifnull(ecardId, '(none)') FROM card WHERE number = ?", arguments: [physicalCard])
            {
                throw Self.cardTaken(physicalCard, owner: owner)
            }
            try Self.linkCard(
                &transaction, cardID.rawValue, domain: Domain.electronicCard, to: person, identity, validation, actor: actor,
                now: now)
            if let physicalCard {
                try Self.linkCard(
                    &transaction, physicalCard, domain: Domain.physicalCard, to: person, identity, validation, actor: actor,
                    now: now)
            }
            try transaction.db.execute(
                sql: """
                    INSERT INTO account (ecardId, person, citizenId, name, phone, address, channel, status, created, updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'issued', ?, ?)
                    """,
                arguments: [
                    cardID.rawValue, person.rawValue, citizenID, name, identity.phone, identity.address, channel,
                    Self.stamp(now), Self.stamp(now),
                ])
            try Self.upsertCard(transaction.db, number: cardID.rawValue, kind: .electronic, account: cardID, now: now)
            if let physicalCard {
                try Self.upsertCard(transaction.db, number: physicalCard, kind: .physical, account: cardID, now: now)
            }
            try Self.log(
                transaction, .register, account: cardID, number: physicalCard,
                detail: Self.registrationDetail(channel: channel, person: person, decision: match.decision),
                actor: actor, now: now)
            return Registration(account: try Self.requireAccount(transaction.db, cardID), created: true, match: match)
        }
    }

    /// Feeds a card number as a record of its domain and makes sure it is linked to `person`.
    ///
    /// - Throws: `invalidOperation` when the number is already in the index for another person
    ///   (its record is left alone: re-linking it is a steward's decision, `hcard empi link`).
    static func linkCard(
        _ transaction: inout PatientIndex.Transaction, _ number: String, domain: String, to person: EnterpriseID,
        _ identity: Identity, _ validation: CitizenIDValidation, actor: String, now: Date
    ) throws {
        let reference = RecordReference(domain: domain, id: number)
        if let holder = try transaction.personOf(reference), try transaction.resolve(holder) != person {
            throw cardHeldByOther(domain: domain, number, holder: holder, person: person)
        }
        let fed = try transaction.feed(record(domain: domain, id: number, identity, validation), actor: actor, now: now)
        if try transaction.resolve(fed.person ?? transaction.personOf(reference) ?? person) != person {
            try transaction.link(reference, to: person, actor: actor, now: now)
        }
    }

    /// The index record for a registration or card: the real-name identity with its citizen ID.
    package static func record(
        domain: String, id: String, _ identity: Identity, _ validation: CitizenIDValidation
    ) -> PersonRecord {
        PersonRecord(
            id: id, domain: domain, fullName: identity.name, birthDate: validation.birthDate?.description,
            sex: validation.sex?.code,
            identifiers: [PatientIdentifier(domain: Domain.citizenID, value: identity.citizenID, kind: .citizenID)],
            phone: identity.phone, addressLines: identity.address.map { [$0] } ?? [])
    }

    // MARK: Reading

    /// The account with this electronic card ID.
    public func account(_ id: ElectronicCardID) throws -> HealthCardAccount? {
        try index.pool.read { db in try Self.loadAccount(db, id) }
    }

    /// The account of a person (after merge redirects), if any.
    public func account(person: EnterpriseID) throws -> HealthCardAccount? {
        let live = try index.resolve(person)
        return try index.pool.read { db in
            try Self.accountRow(db, person: live).flatMap { try Self.loadAccount(db, $0) }
        }
    }

    /// The account registered with this citizen ID, if any.
    public func account(citizenID: String) throws -> HealthCardAccount? {
        let normalized = CitizenIDValidator().validate(citizenID).normalized ?? citizenID
        return try index.pool.read { db in
            try String.fetchOne(db, sql: "SELECT ecardId FROM account WHERE citizenId = ?", arguments: [normalized])
                .flatMap { try Self.loadAccount(db, ElectronicCardID(rawValue: $0)) }
        }
    }

    static func requireAccount(_ db: Database, _ id: ElectronicCardID) throws -> HealthCardAccount {
        guard let account = try loadAccount(db, id) else {
            throw unknownAccount(id)
        }
        return account
    }

    /// Whether the card `number` may be used: its platform state and the blacklist.
    ///
    /// One statement (`cardCheckSQL`) on a plain SQLite connection of `cardCheck`: SQLite runs a
    /// single statement in its own read transaction, so the answer is one snapshot of the file as
    /// last committed, and the server, which asks this for every verification and scan, skips
    /// GRDB's pool around the read.
    public func check(_ number: String) throws -> CardUseCheck {
        let found = try cardCheck.firstRow([.text(number)]) { columns in
            let blacklisted = columns.text(6)
            return CardUseCheck(
                number: number, card: columns.integer(0) == 1 ? Self.card(columns, number: number, blacklisted: blacklisted) : nil,
                blacklisted: blacklisted)
        }
        guard let found else { throw HealthCardError.invalidValue("card check for \(number): the query returned no row") }
        return found
    }

    /// The revocation list a QR verifier adds to its own: every card number that must be refused
    /// (cancelled e-cards, lost/replaced/cancelled cards, blacklisted numbers) that is a valid
    /// card id (`[0-9A-Za-z]{1,64}`).
    public func revocationList() throws -> RevocationList {
        let numbers = try index.pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT number FROM card WHERE status != 'issued' UNION SELECT number FROM blacklist ORDER BY 1")
        }
        var list = RevocationList()
        for number in numbers { _ = try? list.revoke(cardID: number) }
        return list
    }

    package static func stamp(_ date: Date) -> String { ISO8601Instant.format(date) }
}
