import Foundation
import GRDB
import EMPI
import HealthCardFoundation

/// Row-level helpers shared by the index operations. Each runs inside the caller's transaction.
extension PatientIndex {
    static func domains(_ db: Database) throws -> [String: IdentifierDomain] {
        var result: [String: IdentifierDomain] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM domain")) {
            let domain = IdentifierDomain(
                code: row["code"], name: row["name"], oid: row["oid"],
                type: IdentifierDomain.DomainType(rawValue: row["type"]) ?? .other,
                validator: (row["validator"] as String?).flatMap(IdentifierDomain.Validator.init(rawValue:)),
                uniqueness: IdentifierDomain.Uniqueness(rawValue: row["uniqueness"]) ?? .unique, issuer: row["issuer"],
                trust: row["trust"])
            result[domain.code] = domain
        }
        return result
    }

    /// The live person a (possibly retired) person ID stands for, following merge redirects.
    static func resolve(_ db: Database, _ person: Int64) throws -> Int64? {
        var current = person
        for _ in 0..<64 {
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT mergedInto FROM person WHERE id = ?"), arguments: [current])
            else { return nil }
            guard let next: Int64 = row["mergedInto"] else { return current }
            current = next
        }
        return current
    }

    static func recordRow(_ db: Database, _ reference: RecordReference) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM record WHERE domain = ? AND localId = ?"),
            arguments: [reference.domain, reference.id])
    }

    static func requireRecord(_ db: Database, _ reference: RecordReference) throws -> Int64 {
        guard let row = try recordRow(db, reference) else {
            throw HealthCardError(code: .unknownRecord, reason: "no record \(reference) in the index")
        }
        return row
    }

    static func reference(_ db: Database, row: Int64) throws -> RecordReference {
        let fields = try Row.fetchOne(db.cachedStatement(sql: "SELECT domain, localId FROM record WHERE id = ?"), arguments: [row])
        return RecordReference(domain: fields?["domain"] ?? "", id: fields?["localId"] ?? "")
    }

    static func person(ofRecord row: Int64, _ db: Database) throws -> Int64 {
        guard let person = try Int64.fetchOne(db.cachedStatement(sql: "SELECT person FROM link WHERE record = ?"), arguments: [row])
        else { throw HealthCardError(code: .unknownRecord, reason: "record row \(row) has no link") }
        return person
    }

    static func requireLivePerson(_ db: Database, _ person: EnterpriseID) throws -> Int64 {
        guard let live = try resolve(db, person.rawValue) else {
            throw HealthCardError(code: .unknownPerson, reason: "no person \(person) in the index")
        }
        return live
    }

    static func newPerson(_ db: Database, now: Date) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO person (status, golden, created) VALUES ('active', '{}', ?)").execute( arguments: [stamp(now)])
        return db.lastInsertedRowID
    }

    static func setLink(
        _ db: Database, record: Int64, person: Int64, provenance: LinkProvenance, probability: Double?,
        explanation: String?, actor: String, now: Date
    ) throws {
        try db.cachedStatement(sql: """
                INSERT INTO link (record, person, provenance, probability, explanation, time, actor)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(record) DO UPDATE SET person = excluded.person, provenance = excluded.provenance,
                    probability = excluded.probability, explanation = excluded.explanation, time = excluded.time,
                    actor = excluded.actor
                """).execute(
            arguments: [record, person, provenance.rawValue, probability, explanation, stamp(now), actor])
    }

    @discardableResult
    static func appendEvent(
        _ db: Database, _ kind: IndexEvent.Kind, person: Int64?, record: RecordReference?,
        payload: [String: JSONValue], actor: String, now: Date
    ) throws -> Int64 {
        try db.cachedStatement(sql: """
                INSERT INTO event (kind, person, recordDomain, recordId, payload, actor, time)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(
            arguments: [kind.rawValue, person, record?.domain, record?.id, try IndexJSON.payload(payload), actor, stamp(now)])
        return db.lastInsertedRowID
    }

    /// One cross-index entry: a (domain, normalised value) pair.
    package struct IdentifierEntry: Hashable, Sendable {
        package var domain: String
        package var value: String
    }

    /// A record's cross-index entries: its own ID in its source domain and every identifier that
    /// passes its domain's validator, normalised per domain (empi.md §2.1).
    package static func identifierEntries(
        _ record: PersonRecord, domains: [String: IdentifierDomain], today: CalendarDate
    ) -> [IdentifierEntry] {
        var entries = [IdentifierEntry(domain: record.domain, value: record.id)]
        for identifier in record.identifiers {
            guard let domain = domains[identifier.domain],
                case .accepted(let value) = domain.admission(identifier.value, today: today)
            else { continue }
            entries.append(IdentifierEntry(domain: domain.code, value: value))
        }
        return entries
    }

    /// Adds the cross-index entries of a new record.
    static func insertIdentifiers(_ db: Database, row: Int64, _ entries: [IdentifierEntry]) throws {
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO identifier (domain, value, record) VALUES (?, ?, ?)")
        for entry in entries { try insert.execute(arguments: [entry.domain, entry.value, row]) }
    }

    /// Replaces the cross-index entries of a record (``identifierEntries(_:domains:today:)``).
    static func writeIdentifiers(
        _ db: Database, row: Int64, record: PersonRecord, domains: [String: IdentifierDomain], today: CalendarDate
    ) throws {
        try db.cachedStatement(sql: "DELETE FROM identifier WHERE record = ?").execute(arguments: [row])
        try insertIdentifiers(db, row: row, identifierEntries(record, domains: domains, today: today))
    }

    /// The error of a record ``check(_:domains:today:issues:)`` rejected.
    package static func rejection(_ issues: [RecordIssue]) -> HealthCardError {
        HealthCardError(
            code: .unknownSourceDomain,
            reason: issues.filter { $0.kind == .unknownDomain }.map(\.description).joined(separator: "; "))
    }

    /// Checks a record against the registered domains: an unknown source or identifier domain
    /// rejects it (returned as `true`), an identifier failing its validator is an issue only (it stays
    /// in the record for matching, as the batch modes see it, but is not cross-indexed).
    package static func check(
        _ record: PersonRecord, domains: [String: IdentifierDomain], today: CalendarDate, issues: inout [RecordIssue]
    ) -> Bool {
        var rejected = false
        func issue(_ kind: RecordIssue.Kind, _ field: String, _ message: String) {
            issues.append(RecordIssue(kind: kind, line: record.line, recordID: record.id, field: field, message: message))
        }
        if domains[record.domain] == nil {
            issue(.unknownDomain, "recordDomain", "unknown source domain \"\(record.domain)\"; register it first")
            rejected = true
        }
        for identifier in record.identifiers where !identifier.value.isEmpty {
            guard let domain = domains[identifier.domain] else {
                issue(.unknownDomain, identifier.domain, "unknown identifier domain \"\(identifier.domain)\"; register it first")
                rejected = true
                continue
            }
            // The normaliser already reports invalid citizen IDs of identifiers typed as such.
            if identifier.kind == .citizenID && domain.validator == .gb11643 { continue }
            if let problem = domain.problem(with: identifier.value, today: today) {
                issue(.invalidIdentifier, identifier.domain, problem + "; not cross-indexed")
            }
        }
        return rejected
    }

    /// Persons with a "not the same person" assertion against record `row`, resolved to live IDs.
    static func notSamePersons(_ db: Database, row: Int64) throws -> Set<Int> {
        var result = Set<Int>()
        for person in try Int64.fetchAll(db.cachedStatement(sql: "SELECT person FROM assertion WHERE record = ?"), arguments: [row]) {
            if let live = try resolve(db, person) { result.insert(Int(live)) }
        }
        return result
    }

    /// Recomputes a person's golden record from its linked records (empi.md §1.7 survivorship).
    /// A record's data comes from `written` (a record this operation just stored) or the matcher
    /// state (which holds every stored record as the file has it), so a feed does not decode the
    /// person's records from JSON; any other record is read from the file.
    static func refreshGolden(
        _ db: Database, person: Int64, survivorship: Survivorship, state: MatchState? = nil,
        written: (row: Int64, record: PersonRecord)? = nil
    ) throws {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT record.id, record.version, domain.trust FROM link
                JOIN record ON record.id = link.record JOIN domain ON domain.code = record.domain
                WHERE link.person = ? ORDER BY record.id
                """), arguments: [person])
        let sources = try rows.map { row in
            let id: Int64 = row["id"]
            let record: PersonRecord
            if let written, written.row == id {
                record = written.record
            } else if let state, let position = state.positionOfRow[id] {
                record = state.raw[position]
            } else {
                let data = try String.fetchOne(db.cachedStatement(sql: "SELECT data FROM record WHERE id = ?"), arguments: [id])
                record = try decode(PersonRecord.self, data ?? "{}")
            }
            return Survivorship.Source(record: record, trust: row["trust"], version: row["version"])
        }
        try storeGolden(db, person: person, survivorship.golden(sources))
    }

    static func storeGolden(_ db: Database, person: Int64, _ golden: GoldenRecord) throws {
        try db.cachedStatement(sql: "UPDATE person SET golden = ? WHERE id = ?").execute(
            arguments: [IndexJSON.golden(golden), person])
    }

    /// A stored explanation of a row that carries no evidence (layouts `x1`, `x2`, or the object
    /// form) as readers get it: the PostgreSQL store's rows, which hold the object form.
    package static func expandedExplanation(_ stored: String?) throws -> String? {
        try stored.map(IndexJSON.expandedExplanation)
    }
}
