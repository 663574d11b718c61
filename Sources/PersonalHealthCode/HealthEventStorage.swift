import Foundation
import HealthCardFoundation
import HealthCardSQLite
import HealthQR

/// Where ``LocalHealthCodeService`` keeps persons, their events and the register of issued codes:
/// the storage seam of the GB/T 38963 interfaces (health-code.md §3.1). Two implementations:
/// ``HealthEventStore`` (an SQLite file, one node; what `hcard code` opens) and, in the server,
/// `PostgresHealthEventStore` (tables that several `hcard serve --postgres` nodes share).
///
/// The rules stay in the service: what a request may change is decided by a pure function of the
/// person's stored state (``update(_:now:_:)``), so both backends apply the same decisions; a store
/// only reads and writes rows. What each store must guarantee, and why the seam is shaped so:
/// - **One person's changes are serial.** ``update(_:now:_:)`` reads the person and their events,
///   lets the service decide, writes and re-reads the events as one step that no other change of
///   the same person interleaves with, on any node. So two corrections of one event cannot both
///   retract it, and the status answered after a declaration includes every declaration committed
///   before it (no lost update of a person's record or colour).
/// - **Reads are snapshots.** ``snapshot(of:)`` returns the person, their events and their issued
///   codes as of one instant, so a status query never mixes states.
/// - **Events are append-only**, the register of issued codes too; a correction is a new event.
public protocol HealthEventStorage: Sendable {
    /// Reads `person` (with their events, time order then insertion order; `nil` if unknown), calls
    /// `decide`, applies the change it returns and re-reads the events, all as one serial step for
    /// this person. `decide` may be called more than once (a store may retry after a conflict with
    /// another node); it must be a pure function of its input.
    ///
    /// - Parameters:
    ///   - person: whose record changes.
    ///   - now: the creation and update time of rows written.
    ///   - decide: what to write, from the stored person (`nil` if unknown) and their events.
    /// - Throws: what `decide` throws (nothing is written then); storage errors.
    func update<Value: Sendable>(
        _ person: PersonID, now: Date,
        _ decide: @escaping @Sendable (HealthEventStore.StoredPerson?, [HealthEventStore.StoredEvent]) throws
            -> HealthRecordChange<Value>
    ) async throws -> HealthRecordUpdated<Value>

    /// The person, their events and their issued codes, as of one instant; `nil` if unknown.
    func snapshot(of person: PersonID) async throws -> HealthEventStore.PersonSnapshot?

    /// Adds a row to the register of issued codes (the person must exist).
    func recordIssuedCode(_ record: HealthEventStore.IssuedCodeRecord) async throws

    /// One issued code by id.
    func issuedCode(_ id: HealthCode.ID) async throws -> HealthEventStore.IssuedCodeRecord?

    /// Code `id`'s row in the register and the newest code issued to the same person after it
    /// (`nil` when `id` is that person's newest), or `nil` if the register does not hold the code:
    /// what verification at the issuing platform consults for every code (``RegisterFinding``).
    /// The same answer as ``issuedCode(_:)`` followed by the last of ``issuedCodes(of:)``
    /// (``registerEntryFromCodes(of:)``); a store may read it in fewer statements.
    func registerEntry(of id: HealthCode.ID) async throws -> HealthEventStore.RegisterEntry?

    /// The person, if known.
    func person(_ id: PersonID) async throws -> HealthEventStore.StoredPerson?

    /// Every stored event of `person`, corrections included, in time order (then insertion order).
    func events(of person: PersonID) async throws -> [HealthEventStore.StoredEvent]

    /// The codes issued to `person`, in the order they were recorded, oldest first: two codes of
    /// one second (the register keeps whole seconds) are still in the order they were issued.
    func issuedCodes(of person: PersonID) async throws -> [HealthEventStore.IssuedCodeRecord]

    /// The number of rows in each table.
    func counts() async throws -> HealthEventStore.RowCounts
}

/// What a ``HealthEventStorage/update(_:now:_:)`` decision writes, and the value it hands back.
public struct HealthRecordChange<Value: Sendable>: Sendable {
    /// Create the person if unknown (with `{}` as basic information unless ``basicInfo`` is given).
    public var createsPerson: Bool
    /// Replace the person's basic information (creating the person if unknown).
    public var basicInfo: [String: JSONValue]?
    /// Events to append, in this order (the person must exist or be created).
    public var events: [HealthEventStore.NewEvent]
    /// What the caller gets back with the written ids.
    public var value: Value

    public init(
        createsPerson: Bool = false, basicInfo: [String: JSONValue]? = nil, events: [HealthEventStore.NewEvent] = [],
        value: Value
    ) {
        self.createsPerson = createsPerson
        self.basicInfo = basicInfo
        self.events = events
        self.value = value
    }

    /// Writes nothing.
    public static func nothing(_ value: Value) -> HealthRecordChange { HealthRecordChange(value: value) }

    /// Whether the change writes the person's row (creating it if unknown).
    public var writesPerson: Bool { createsPerson || basicInfo != nil }

    /// Whether the person has a row after the change, given whether they had one before.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for events of a person who is neither
    ///   stored nor created by the change (a decision that no store may apply).
    public func personExists(after stored: Bool, _ person: PersonID) throws -> Bool {
        if !stored && !writesPerson && !events.isEmpty {
            throw HealthCardError.invalidValue("events for \(person.masked), who is neither stored nor created")
        }
        return stored || writesPerson
    }
}

/// What ``HealthEventStorage/update(_:now:_:)`` did: the decision's value, the ids of the appended
/// events (in the change's order) and every event of the person after the change.
public struct HealthRecordUpdated<Value: Sendable>: Sendable {
    public var value: Value
    public var eventIDs: [Int64]
    public var events: [HealthEventStore.StoredEvent]

    public init(value: Value, eventIDs: [Int64], events: [HealthEventStore.StoredEvent]) {
        self.value = value
        self.eventIDs = eventIDs
        self.events = events
    }
}

extension HealthEventStorage {
    /// ``HealthEventStorage/registerEntry(of:)`` from ``issuedCode(_:)`` and ``issuedCodes(of:)``:
    /// the code's row, then the last code the register lists for its person.
    public func registerEntryFromCodes(of id: HealthCode.ID) async throws -> HealthEventStore.RegisterEntry? {
        guard let record = try await issuedCode(id) else { return nil }
        let newest = try await issuedCodes(of: record.person).last
        return (record, newest.flatMap { $0.codeID == record.codeID ? nil : $0.codeID })
    }
}

extension HealthEventStore {
    /// A code's row in the register and the newer code of the same person, if any
    /// (``HealthEventStorage/registerEntry(of:)``).
    public typealias RegisterEntry = (issued: IssuedCodeRecord, newer: HealthCode.ID?)

    /// A person with their events and issued codes, read in one snapshot (``HealthEventStorage/snapshot(of:)``).
    public struct PersonSnapshot: Hashable, Sendable {
        public let person: StoredPerson
        public let events: [StoredEvent]
        public let issuedCodes: [IssuedCodeRecord]

        public init(person: StoredPerson, events: [StoredEvent], issuedCodes: [IssuedCodeRecord]) {
            self.person = person
            self.events = events
            self.issuedCodes = issuedCodes
        }
    }
}

/// The SQLite store: one write transaction per update (SQLite has one writer at a time, so every
/// update is serial, across processes too), one read transaction per snapshot (WAL: a consistent
/// snapshot that does not block the writer).
extension HealthEventStore: HealthEventStorage {
    public func update<Value: Sendable>(
        _ person: PersonID, now: Date,
        _ decide: @escaping @Sendable (StoredPerson?, [StoredEvent]) throws -> HealthRecordChange<Value>
    ) async throws -> HealthRecordUpdated<Value> {
        try write { transaction in
            let stored = try transaction.person(person)
            let change = try decide(stored, stored == nil ? [] : try transaction.events(of: person))
            let exists = try change.personExists(after: stored != nil, person)
            if change.writesPerson { try transaction.savePerson(person, basicInfo: change.basicInfo, now: now) }
            let ids = try change.events.map { try transaction.append($0, for: person, now: now) }
            return HealthRecordUpdated(
                value: change.value, eventIDs: ids, events: exists ? try transaction.events(of: person) : [])
        }
    }

    public func snapshot(of person: PersonID) async throws -> PersonSnapshot? {
        try read { transaction in
            guard let stored = try transaction.person(person) else { return nil }
            return PersonSnapshot(
                person: stored, events: try transaction.events(of: person),
                issuedCodes: try transaction.issuedCodes(of: person))
        }
    }

    public func recordIssuedCode(_ record: IssuedCodeRecord) async throws {
        try write { try $0.recordIssuedCode(record) }
    }

    public func issuedCode(_ id: HealthCode.ID) async throws -> IssuedCodeRecord? {
        try read { try $0.issuedCode(id) }
    }

    /// One statement (`registerEntrySQL`) on a plain SQLite connection of `registerReader`: the
    /// code's row and its person's newest code in one snapshot, since every HCC1 verification of
    /// `hcard serve` asks. A newest row whose ids do not parse (never written by a store) is
    /// skipped by ``issuedCodes(of:)``, so that case is answered by ``registerEntryFromCodes(of:)``.
    public func registerEntry(of id: HealthCode.ID) async throws -> RegisterEntry? {
        enum Newest { case this, other(HealthCode.ID), unparsable }
        let found = try registerReader.firstRow([.text(id.hex)]) { columns -> (IssuedCodeRecord, Newest)? in
            guard
                let record = IssuedCodeRecord(
                    codeID: columns.text(0) ?? "", person: columns.text(1) ?? "", colour: columns.text(2) ?? "",
                    region: columns.text(3) ?? "", issuedAt: columns.integer(4) ?? 0, expiresAt: columns.integer(5) ?? 0,
                    keyID: columns.text(6) ?? "", rules: columns.text(7) ?? "")
            else { return nil }
            guard let newest = try? HealthCode.ID(hex: columns.text(8) ?? ""), (try? KeyID(hex: columns.text(9) ?? "")) != nil
            else { return (record, .unparsable) }
            return (record, newest == record.codeID ? .this : .other(newest))
        }
        guard case let (record, newest)? = found ?? nil else { return nil }
        switch newest {
        case .this: return (record, nil)
        case .other(let code): return (record, code)
        case .unparsable: return try await registerEntryFromCodes(of: id)
        }
    }
}
