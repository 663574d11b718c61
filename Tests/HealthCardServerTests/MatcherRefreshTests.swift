import EMPI
import EMPIIndex
import Foundation
import HealthCardFoundation
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
}
