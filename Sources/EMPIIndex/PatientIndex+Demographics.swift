import EMPI
import Foundation
import GRDB
import HealthCardFoundation

/// A PDQ demographic query (empi.md §2.2 `demographicsQuery`, the IHE ITI-21/ITI-47/ITI-78 role):
/// the criteria and the page wanted.
public struct DemographicsQuery: Sendable, Hashable, Codable {
    /// An identifier the person must hold: `value` in the registered domain `domain`.
    public struct Identifier: Sendable, Hashable, Codable {
        public var domain: String
        public var value: String

        public init(domain: String, value: String) {
            self.domain = domain
            self.value = value
        }
    }

    /// Full name, Hanzi or Latin (see `DemographicFilter` for how it compares).
    public var name: String?
    /// `YYYYMMDD`, `YYYY-MM-DD` or `YYYY/M/D`.
    public var birthDate: String?
    /// GB/T 2261.1 code, 男/女, M/F or male/female.
    public var sex: String?
    /// Identifiers the person must hold (each in a registered domain, normalised per domain).
    public var identifiers: [Identifier]
    /// The cursor: only persons with a larger enterprise ID (the previous page's `next`).
    public var after: EnterpriseID?
    /// The page size, 1…1000.
    public var limit: Int

    public static let maximumLimit = 1000

    public init(
        name: String? = nil, birthDate: String? = nil, sex: String? = nil,
        identifiers: [Identifier] = [], after: EnterpriseID? = nil, limit: Int = 100
    ) {
        self.name = name
        self.birthDate = birthDate
        self.sex = sex
        self.identifiers = identifiers
        self.after = after
        self.limit = limit
    }
}

/// One page of PDQ results, in enterprise-ID order.
public struct DemographicsPage: Sendable, Hashable, Codable {
    public struct Match: Sendable, Hashable, Codable {
        public var person: EnterpriseID
        /// The person's golden record (their demographics as the index keeps them).
        public var golden: GoldenRecord
        /// The person's records that satisfy the demographic criteria (all their records when
        /// only identifiers were asked for).
        public var records: [RecordReference]
        /// The match probability of the demographic criteria, scored as a record by the index's
        /// model, against the best of ``records``; absent when only identifiers were asked for.
        public var score: Double?
    }

    public var matches: [Match]
    /// How many persons match in all (every page).
    public var total: Int
    /// The cursor for the next page (`after`); absent on the last page.
    public var next: EnterpriseID?
}

/// The rules of a PDQ query apart from storage, shared by the SQLite index and the PostgreSQL
/// store of `hcard serve --postgres`: the checks of the criteria, the selection over the
/// matcher's records, the order, the page and the score. A store supplies the persons holding an
/// identifier and the golden records of the page.
package struct DemographicsSearch: Sendable {
    package let query: DemographicsQuery
    let filter: DemographicFilter

    /// The persons selected for one page: each with the positions (in the matcher) of its records
    /// that satisfy the criteria, in enterprise-ID order.
    package struct Selection: Sendable {
        package var page: [(person: Int, positions: [Int])]
        package var total: Int
        package var next: EnterpriseID?
    }

    /// - Throws: `invalidValue` when no criterion is given, a criterion does not parse or the
    ///   limit is out of 1…1000.
    package init(_ query: DemographicsQuery, normalizer: Normalizer) throws {
        guard (1...DemographicsQuery.maximumLimit).contains(query.limit) else {
            throw HealthCardError(code: .invalidValue, reason: "limit \(query.limit) is not in 1…\(DemographicsQuery.maximumLimit)")
        }
        filter = try DemographicFilter(name: query.name, birthDate: query.birthDate, sex: query.sex, normalizer: normalizer)
        guard !filter.isEmpty || !query.identifiers.isEmpty else {
            throw HealthCardError(
                code: .invalidValue, reason: "give at least one criterion: name, birth date, sex or an identifier")
        }
        self.query = query
    }

    /// The identifiers asked for, each in its registered domain with its value normalised.
    ///
    /// - Throws: `unknownSourceDomain` for an identifier in an unregistered domain.
    package func identifiers(in domains: [String: IdentifierDomain]) throws -> [(domain: String, value: String)] {
        try query.identifiers.map { identifier in
            guard let domain = domains[identifier.domain] else {
                throw HealthCardError(code: .unknownSourceDomain, reason: "unknown identifier domain \"\(identifier.domain)\"")
            }
            return (domain.code, domain.normalize(identifier.value))
        }
    }

    /// The page of matching persons: those in `holders` (every identifier's holders intersected;
    /// `nil` when no identifier was asked for) with a record satisfying every criterion.
    package func select(in state: PatientIndex.MatchState, holders: Set<Int>?) -> Selection {
        let personOfRecord = state.matcher.personOfRecord
        let positions: [Int]
        if let holders {
            // One flag per person ID up to the largest holder: a test per record that costs no hashing.
            var held = [Bool](repeating: false, count: (holders.max() ?? -1) + 1)
            for person in holders where person >= 0 { held[person] = true }
            positions = state.matcher.positions(matching: filter) { position in
                let person = personOfRecord[position]
                return person >= 0 && person < held.count && held[person]
            }
        } else {
            positions = state.matcher.positions(matching: filter)
        }
        var recordsOf: [Int: [Int]] = [:]
        for position in positions { recordsOf[personOfRecord[position], default: []].append(position) }
        let persons = recordsOf.keys.sorted()
        let after = Int(query.after?.rawValue ?? 0)
        let remaining = persons.drop { $0 <= after }
        let page = remaining.prefix(query.limit).map { (person: $0, positions: recordsOf[$0] ?? []) }
        let more = remaining.count > page.count
        return Selection(page: page, total: persons.count, next: more ? page.last.map { EnterpriseID(Int64($0.person)) } : nil)
    }

    /// The answer for `selection`, with each person's golden record (JSON) from `goldens`.
    package func page(_ selection: Selection, state: PatientIndex.MatchState, goldens: [Int: String]) throws -> DemographicsPage {
        let scorer = state.matcher.scorer
        let matches = try selection.page.map { person, positions -> DemographicsPage.Match in
            let score = filter.isEmpty ? nil : positions.map { scorer.score(filter.probe, state.matcher.records[$0]).probability }.max()
            return DemographicsPage.Match(
                person: EnterpriseID(Int64(person)), golden: try PatientIndex.decode(GoldenRecord.self, goldens[person] ?? "{}"),
                records: positions.map { RecordReference(domain: state.raw[$0].domain, id: state.raw[$0].id) },
                score: score)
        }
        return DemographicsPage(matches: matches, total: selection.total, next: selection.next)
    }
}

extension PatientIndex {
    /// Searches persons by demographics and identifiers (empi.md §2.2 `demographicsQuery`).
    ///
    /// A person matches when they hold every identifier asked for (on any of their records) and at
    /// least one of their records satisfies every demographic criterion (`DemographicFilter`:
    /// the normalisation of matching, exact after it). Results are ordered by enterprise ID, and
    /// paged by a cursor (`after`): the order is stable, so a page never repeats or skips a person
    /// that existed when the first page was read; a person created meanwhile appears on a later
    /// page if its ID is larger; a person merged meanwhile appears as its survivor.
    ///
    /// - Throws: `invalidValue` when no criterion is given, a criterion does not parse or the limit
    ///   is out of 1…1000; `unknownSourceDomain` for an identifier in an unregistered domain.
    public func demographics(_ query: DemographicsQuery) throws -> DemographicsPage {
        let search = try DemographicsSearch(query, normalizer: normalizer)
        return try read { db, state in
            // Persons holding every identifier asked for, or nil when none was.
            var holders: Set<Int>?
            for identifier in try search.identifiers(in: try Self.domains(db)) {
                let persons = try Int64.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT DISTINCT link.person FROM identifier JOIN link ON link.record = identifier.record
                            WHERE identifier.domain = ? AND identifier.value = ?
                            """), arguments: [identifier.domain, identifier.value])
                let found = Set(persons.map(Int.init))
                holders = holders.map { $0.intersection(found) } ?? found
            }
            let selection = search.select(in: state, holders: holders)
            var goldens: [Int: String] = [:]
            for (person, _) in selection.page {
                goldens[person] = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT golden FROM person WHERE id = ?"), arguments: [person])
            }
            return try search.page(selection, state: state, goldens: goldens)
        }
    }
}
