import EMPI
import EMPIIndex
import Foundation
import HealthCardFoundation
import PostgresNIO
import Testing
@testable import HealthCardServer

/// A node's matcher catching up on another node's writes by the changed rows only (migration 9,
/// `PatientIndex.MatchState.advanced`): after feeds, an update of a known record, links, a merge
/// and an unmerge on node A, node B's matcher must be the one a full load of the same revision
/// gives — the same rows in the same positions, each on the same person — and must answer a
/// match as node A would.
@Suite("PostgreSQL matcher refresh by changed rows")
struct MatcherRefreshTests {
    /// The matcher of `index` as of the database's revision, and the same revision loaded whole.
    static func refreshedAndLoaded(_ index: PostgresPatientIndex) async throws
        -> (refreshed: PatientIndex.MatchState, loaded: PatientIndex.MatchState)
    {
        try await index.readOnly { connection in
            let refreshed = try await index.matchState(connection)
            return (refreshed, try await index.load(connection, revision: refreshed.revision))
        }
    }

    static func expectSame(_ a: PatientIndex.MatchState, _ b: PatientIndex.MatchState, _ step: String) {
        #expect(a.revision == b.revision, "\(step)")
        #expect(a.positionOfRow == b.positionOfRow, "\(step): rows")
        #expect(a.matcher.personOfRecord == b.matcher.personOfRecord, "\(step): persons")
        #expect(a.matcher.records.count == b.matcher.records.count, "\(step): records")
    }

    @Test("another node's feeds, links, merge and unmerge reach this node's matcher as a full load would", arguments: Backend.postgresOnly)
    func catchesUp(_: Backend) async throws {
        let url = try await PostgresTestDatabase.fresh()
        let databases = [try SharedDatabase(url: url), try SharedDatabase(url: url)]
        let a = try await PostgresPatientIndex.open(databases[0])
        let b = try await PostgresPatientIndex.open(databases[1])
        for code in ["HOSP-A", "HOSP-B"] { try await a.registerDomain(IdentifierDomain(code: code)) }
        try await a.registerDomain(IdentifierDomain(code: "citizen-id", type: .citizenID))
        // Two of the men carry their citizen ID, so a record of them links whatever else differs.
        let citizenIDs = ["1950-01-01": "110105195001010039", "1966-11-12": "110105196611120010"]
        func person(_ id: String, _ domain: String, _ name: String, _ birth: String) -> PersonRecord {
            PersonRecord(
                id: id, domain: domain, fullName: name, birthDate: birth, sex: "1",
                identifiers: citizenIDs[birth].map { [PatientIdentifier(domain: "citizen-id", value: $0, kind: .citizenID)] } ?? [],
                phone: "1390000\(id.suffix(4))")
        }
        let first = try await b.feed(person("B-0001", "HOSP-B", "赵建国", "1950-01-01"), actor: "t", now: nil)
        let before = try await Self.refreshedAndLoaded(b)
        Self.expectSame(before.refreshed, before.loaded, "start")

        // Node A: new records, one of them the same man as B's (a link), others new persons.
        let linked = try await a.feed(person("A-0001", "HOSP-A", "赵建国", "1950-01-01"), actor: "t", now: nil)
        #expect(linked.person == first.person, "\(linked.decision)")
        let others = [
            try await a.feed(person("A-0002", "HOSP-A", "钱学森", "1911-12-11"), actor: "t", now: nil),
            try await a.feed(person("A-0003", "HOSP-A", "孙中山", "1966-11-12"), actor: "t", now: nil),
        ]
        var step = try await Self.refreshedAndLoaded(b)
        Self.expectSame(step.refreshed, step.loaded, "feeds on A")
        #expect(step.refreshed.revision > before.refreshed.revision)

        // Links moved by a merge, an unlink and an unmerge on A.
        let merged = try await a.merge(try #require(others[0].person), into: try #require(others[1].person), actor: "t", now: nil)
        step = try await Self.refreshedAndLoaded(b)
        Self.expectSame(step.refreshed, step.loaded, "merge on A")
        _ = try await a.unmerge(try #require(merged.other), actor: "t", now: nil)
        _ = try await a.unlink(RecordReference(domain: "HOSP-A", id: "A-0001"), actor: "t", now: nil)
        step = try await Self.refreshedAndLoaded(b)
        Self.expectSame(step.refreshed, step.loaded, "unmerge and unlink on A")

        // A known record's data changed on A: not followed in place, so B loads it whole (the
        // result is the same either way).
        _ = try await a.feed(person("A-0002", "HOSP-A", "钱学森", "1911-12-12"), actor: "t", now: nil)
        step = try await Self.refreshedAndLoaded(b)
        Self.expectSame(step.refreshed, step.loaded, "update on A")

        // B matches against A's records: the same man fed through B links to A's person.
        let again = try await b.feed(person("B-0003", "HOSP-B", "孙中山", "1966-11-12"), actor: "t", now: nil)
        #expect(again.person == others[1].person, "\(again.decision)")
        for database in databases { await database.shutdown() }
    }

    /// The rows each scan of `empi_record` or `empi_link` read in a plan run with
    /// `EXPLAIN (ANALYZE, FORMAT JSON)`: the rows it returned over all its loops, and the rows its
    /// filter or recheck dropped.
    static func rowsRead(_ plan: [String: Any]) -> [String: Int] {
        var read: [String: Int] = [:]
        func number(_ key: String) -> Int { (plan[key] as? NSNumber)?.intValue ?? 0 }
        if let relation = plan["Relation Name"] as? String, ["empi_record", "empi_link"].contains(relation) {
            read[relation, default: 0] +=
                number("Actual Rows") * max(number("Actual Loops"), 1) + number("Rows Removed by Filter")
                + number("Rows Removed by Index Recheck")
        }
        for child in plan["Plans"] as? [[String: Any]] ?? [] {
            read.merge(rowsRead(child), uniquingKeysWith: +)
        }
        return read
    }

    /// A catch-up costs what changed, not the index: after 60 records, two feeds and a link
    /// (one of the 60 moved to another person), a matcher behind by those writes reads those
    /// rows and no others — each scan of the record and link tables, run with
    /// `EXPLAIN ANALYZE`, reads at most one row per changed row and lookup. A condition `version > r
    /// OR changed > r` across the join (what the query was) cannot use the indexes and reads
    /// every row of both tables. On 63 rows reading them all is cheapest, so the plan is made
    /// with what a million rows rule out by cost turned off — sequential scans, and hash and
    /// merge joins, which read a whole side — leaving plans that look rows up by an index:
    /// the query must have one that reads only the changed rows (the old condition had none).
    @Test("a catch-up reads only the changed rows", arguments: Backend.postgresOnly)
    func catchUpReadsOnlyChangedRows(_: Backend) async throws {
        let database = try SharedDatabase(url: try await PostgresTestDatabase.fresh())
        let index = try await PostgresPatientIndex.open(database)
        try await index.registerDomain(IdentifierDomain(code: "HOSP-A"))
        let population = SyntheticPopulation(seed: 16, options: .init(persons: 60))
        for number in 0..<60 {
            var record = population.records[number]
            record.domain = "HOSP-A"
            record.id = "A-\(number)"
            record.identifiers = []
            _ = try await index.feed(record, actor: "t", now: nil)
        }
        let revision = try await index.readOnly { try await index.matchState($0).revision }
        var fed: [FeedResult] = []
        for (number, name) in [(60, "赵建国"), (61, "钱学森")] {
            fed.append(
                try await index.feed(
                    PersonRecord(id: "A-\(number)", domain: "HOSP-A", fullName: name, birthDate: "1950-01-0\(number - 59)", sex: "1"),
                    actor: "t", now: nil))
        }
        _ = try await index.link(RecordReference(domain: "HOSP-A", id: "A-7"), to: try #require(fed[0].person), actor: "t", now: nil)
        try await database.transaction { connection in
            try await connection.query("ANALYZE empi_record, empi_link", logger: index.logger)
        }

        let (changed, read) = try await index.readOnly { connection in
            let changed = try await index.changedRows(connection, since: revision)
            for setting in ["enable_seqscan", "enable_hashjoin", "enable_mergejoin"] {
                try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL \(setting) = off"), logger: index.logger)
            }
            let query = PostgresPatientIndex.changedRowsQuery(since: revision)
            let text = try await connection.rows(
                PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, FORMAT JSON) " + query.sql, binds: query.binds),
                logger: index.logger
            ).first?.decode(String.self) ?? "[]"
            let plans = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] ?? []
            return (changed.map(\.id), Self.rowsRead(try #require(plans.first?["Plan"] as? [String: Any])))
        }
        let rows = try await database.rows(
            "SELECT id FROM empi_record WHERE local_id IN ('A-60', 'A-61', 'A-7') ORDER BY id"
        ).map { try $0.decode(Int64.self) }
        #expect(changed == rows, "the changed rows, in row order")
        // Each table is read once through its index (the changed rows) and once per changed row
        // for the join; every row of a table would be 63.
        for table in ["empi_record", "empi_link"] {
            #expect((read[table] ?? 0) <= 2 * rows.count + 1, "\(table): \(read)")
        }
        await database.shutdown()
    }
}
