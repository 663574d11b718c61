import Foundation
import GRDB
import EMPI
import HealthCardFoundation

/// Domains, the PIX cross-reference query, the event feed, statistics and explanations.
extension PatientIndex {
    // MARK: Domains

    /// Adds or updates an identifier domain (empi.md §2.2 `registerDomain`). Every other operation
    /// rejects domains not registered here.
    public func registerDomain(_ domain: IdentifierDomain) throws {
        try Self.checkDomainCode(domain)
        _ = try write { db, _ in
            try db.cachedStatement(sql: """
                    INSERT INTO domain (code, name, oid, type, validator, uniqueness, issuer, trust)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(code) DO UPDATE SET name = excluded.name, oid = excluded.oid, type = excluded.type,
                        validator = excluded.validator, uniqueness = excluded.uniqueness, issuer = excluded.issuer,
                        trust = excluded.trust
                    """).execute(
                arguments: [
                    domain.code, domain.name, domain.oid, domain.type.rawValue, domain.validator?.rawValue,
                    domain.uniqueness.rawValue, domain.issuer, domain.trust,
                ])
            return (true, [])
        }
    }

    /// Refuses a domain code that is empty or has ':' or spaces (every index store).
    package static func checkDomainCode(_ domain: IdentifierDomain) throws {
        guard IdentifierDomain.isValidCode(domain.code) else {
            throw HealthCardError(code: .invalidValue, reason: "domain code \"\(domain.code)\" must be non-empty, without ':' or spaces")
        }
    }

    /// The registered domains, by code.
    public func domains() throws -> [IdentifierDomain] {
        try plainRead { db in try Self.domains(db).values.sorted { $0.code < $1.code } }
    }

    // MARK: PIX

    /// The PIX cross-reference query (empi.md §2.2 `crossReference`, ITI-9/ITI-45/ITI-83): every
    /// (domain, value) of the person that `value` in `domain` identifies, except the queried one,
    /// optionally only those in `targetDomains`. Result rules of §2.3:
    /// - known identifier, IDs in the targets → those IDs; none → an empty array, not an error;
    /// - unknown source domain → `unknownSourceDomain`; unknown target → `unknownTargetDomain`;
    /// - a known domain but an unknown value → `unknownIdentifier`;
    /// - a value whose person was merged resolves through the redirect to the survivor;
    /// - a value held by two persons in a unique domain → `ambiguousIdentifier` (never the IDs of
    ///   another person).
    public func crossReference(
        domain: String, value: String, targetDomains: [String]? = nil
    ) throws -> CrossReference {
        try plainRead { db in
            let query = try PIXQuery(domain: domain, value: value, targetDomains: targetDomains, domains: try Self.domains(db))
            let persons = try Int64.fetchAll(db.cachedStatement(sql: """
                    SELECT DISTINCT link.person FROM identifier JOIN link ON link.record = identifier.record
                    WHERE identifier.domain = ? AND identifier.value = ?
                    """), arguments: [domain, query.normalized])
            let person = try query.person(among: Set(try persons.compactMap { try Self.resolve(db, $0) }))
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT DISTINCT identifier.domain, identifier.value FROM link
                    JOIN identifier ON identifier.record = link.record
                    WHERE link.person = ? ORDER BY identifier.domain, identifier.value
                    """), arguments: [person])
            return query.answer(person: person, identifiers: rows.map { (domain: $0["domain"], value: $0["value"]) })
        }
    }

    /// The live person a (possibly retired) enterprise ID stands for.
    public func resolve(_ person: EnterpriseID) throws -> EnterpriseID {
        try plainRead { db in EnterpriseID(try Self.requireLivePerson(db, person)) }
    }

    /// A person's golden record and linked records.
    public func person(_ id: EnterpriseID) throws -> PersonSummary {
        try plainRead { db in
            let live = try Self.requireLivePerson(db, id)
            let golden = try String.fetchOne(db.cachedStatement(sql: "SELECT golden FROM person WHERE id = ?"), arguments: [live]) ?? "{}"
            let links = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT record.domain, record.localId, link.* FROM link JOIN record ON record.id = link.record
                    WHERE link.person = ? ORDER BY record.id
                    """), arguments: [live])
            return PersonSummary(
                person: EnterpriseID(live), golden: try Self.decode(GoldenRecord.self, golden),
                links: try links.map { row in
                    PersonLink(
                        record: RecordReference(domain: row["domain"], id: row["localId"]), person: EnterpriseID(live),
                        provenance: LinkProvenance(rawValue: row["provenance"]) ?? .auto, probability: row["probability"],
                        explanation: try expandedExplanation(db, row["explanation"]), time: row["time"], actor: row["actor"])
                })
        }
    }

    /// The person a record is linked to.
    public func personOf(_ record: RecordReference) throws -> EnterpriseID {
        try plainRead { db in EnterpriseID(try Self.person(ofRecord: try Self.requireRecord(db, record), db)) }
    }

    // MARK: Events

    /// Events after sequence number `since`, in order (at most `limit`): what a subscriber reads
    /// from where it stopped (empi.md §2.2 notifications).
    public func events(since: Int64 = 0, limit: Int = 10_000) throws -> [IndexEvent] {
        try plainRead { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM event WHERE sequence > ? ORDER BY sequence LIMIT ?"), arguments: [since, limit]
            ).map(Self.indexEvent)
        }
    }

    static func indexEvent(_ row: Row) throws -> IndexEvent {
        let domain: String? = row["recordDomain"]
        let id: String? = row["recordId"]
        return IndexEvent(
            sequence: row["sequence"], kind: IndexEvent.Kind(rawValue: row["kind"]) ?? .update,
            person: (row["person"] as Int64?).map(EnterpriseID.init(rawValue:)),
            record: domain.flatMap { d in id.map { RecordReference(domain: d, id: $0) } },
            payload: try decode([String: JSONValue].self, row["payload"]), actor: row["actor"], time: row["time"])
    }

    // MARK: Statistics and explanations

    public func statistics() throws -> IndexStatistics {
        try plainRead { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            var provenance: [String: Int] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT provenance, COUNT(*) AS n FROM link GROUP BY provenance")) {
                provenance[row["provenance"]] = row["n"]
            }
            return IndexStatistics(
                domains: try count("SELECT COUNT(*) FROM domain"),
                records: try count("SELECT COUNT(*) FROM record"),
                persons: try count("SELECT COUNT(DISTINCT person) FROM link"),
                retiredPersons: try count("SELECT COUNT(*) FROM person WHERE status = 'merged'"),
                identifiers: try count("SELECT COUNT(*) FROM identifier"),
                linksByProvenance: provenance,
                notSameAssertions: try count("SELECT COUNT(*) FROM assertion"),
                openReviews: try count("SELECT COUNT(*) FROM review WHERE status = 'open'"),
                merges: try count("SELECT COUNT(*) FROM mergeHistory WHERE undone IS NULL"),
                events: try count("SELECT COUNT(*) FROM event"),
                lastEvent: Int64(try count("SELECT COALESCE(MAX(sequence), 0) FROM event")))
        }
    }

    /// Explains the pair of stored records `a` and `b` as the index scores them (empi.md §1.6):
    /// the same normalised records and term frequencies, the blocking rules that pair them (empty
    /// when no rule does), and the not-same-person veto when an assertion separates them.
    public func explain(_ a: RecordReference, _ b: RecordReference) throws -> Explanation {
        try read { db, state in
            let rowA = try Self.requireRecord(db, a)
            let rowB = try Self.requireRecord(db, b)
            guard let i = state.positionOfRow[rowA], let j = state.positionOfRow[rowB] else {
                throw HealthCardError(code: .unknownRecord, reason: "\(a) or \(b) is not linked")
            }
            let notSame =
                try Self.notSamePersons(db, row: rowA).contains(state.matcher.personOfRecord[j])
                || Self.notSamePersons(db, row: rowB).contains(state.matcher.personOfRecord[i])
            return state.matcher.scorer.explain(
                state.raw[i], state.matcher.records[i], state.raw[j], state.matcher.records[j],
                blockingRules: state.matcher.index.rules(i, j), notSamePerson: notSame)
        }
    }

    /// Every row of every state table except the append-only history (`event`, `mergeHistory`) and
    /// `meta`, as text lines ordered by key: for tests that compare states exactly.
    package func dumpState() throws -> [String: [String]] {
        try plainRead { db in
            var result: [String: [String]] = [:]
            let tables = [
                ("domain", "code"), ("person", "id"), ("record", "id"), ("identifier", "domain, value, record"),
                ("link", "record"), ("assertion", "record, person"), ("review", "id"),
            ]
            for (table, order) in tables {
                result[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(order)").map { $0.description }
            }
            return result
        }
    }
}

/// The answer to a PIX query: the person and their identifiers in the requested domains.
public struct CrossReference: Sendable, Hashable, Codable {
    public struct Identifier: Sendable, Hashable, Codable {
        public var domain: String
        public var value: String
    }

    /// The live person (after merge redirects).
    public var person: EnterpriseID
    public var identifiers: [Identifier]
}

/// A person with its golden record and links.
public struct PersonSummary: Sendable, Hashable, Codable {
    public var person: EnterpriseID
    public var golden: GoldenRecord
    public var links: [PersonLink]

    package init(person: EnterpriseID, golden: GoldenRecord, links: [PersonLink]) {
        self.person = person
        self.golden = golden
        self.links = links
    }
}

/// Counts for `hcard empi stats`.
public struct IndexStatistics: Sendable, Hashable, Codable {
    public var domains: Int
    public var records: Int
    /// Persons with at least one record.
    public var persons: Int
    /// Merged (retired) person IDs that redirect to a survivor.
    public var retiredPersons: Int
    public var identifiers: Int
    public var linksByProvenance: [String: Int]
    public var notSameAssertions: Int
    public var openReviews: Int
    /// Merges in effect (not undone).
    public var merges: Int
    public var events: Int
    public var lastEvent: Int64
}
