import HealthCardTestSupport
import Foundation
import GRDB
import Testing
@testable import EMPI
@testable import EMPIIndex
@testable import HealthCardFoundation


/// The persistent PIX/EMPI index (issue 8 item 4, empi.md §1.7, §2, §5.2) on real SQLite files.
@Suite("EMPI persistent index")
struct EMPIIndexTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01

    /// A fresh index in its own temporary directory, with the synthetic population's domains.
    static func makeIndex(_ name: String = "empi.sqlite") throws -> (PatientIndex, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("empi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let index = try PatientIndex(
            path: directory.appendingPathComponent(name).path, normalizer: EMPIFixture.normalizer)
        try index.registerDomain(IdentifierDomain(code: "citizen-id", name: "居民身份证", oid: "2.999.1", type: .citizenID))
        for (rank, domain) in SyntheticPopulation.domains.enumerated() {
            try index.registerDomain(IdentifierDomain(code: domain, type: .visitCard, trust: rank))
            try index.registerDomain(IdentifierDomain(code: domain + "-card", type: .visitCard))
        }
        try index.registerDomain(IdentifierDomain(code: "test", type: .other))
        return (index, directory)
    }

    static let population = SyntheticPopulation(seed: 11, options: .init(persons: 250))

    static func sets(_ groups: [[String]]) -> Set<Set<String>> { Set(groups.map(Set.init)) }

    @Test("ingesting a file into an empty index gives the batch dedupe's persons and review pairs")
    func ingestEqualsBatch() throws {
        let (index, _) = try Self.makeIndex()
        let records = Self.population.records
        let summary = try index.ingest(records, now: Self.now)
        #expect(summary.registered == records.count && summary.rejected == 0)

        let batch = Deduplicator(normalizer: EMPIFixture.normalizer, estimator: nil).run(records)
        let batchPersons = Self.sets(batch.clusters.map { $0.map { records[$0].domain + ":" + records[$0].id } })
        var stored: [Int64: [String]] = [:]
        for record in records {
            let reference = RecordReference(domain: record.domain, id: record.id)
            stored[try index.personOf(reference).rawValue, default: []].append(reference.description)
        }
        #expect(Self.sets(Array(stored.values)) == batchPersons)
        #expect(batch.pairs.contains { $0.decision == .autoLink })  // the test can fail: links exist
        // Every batch review pair across two persons is in the review queue (for its later record).
        let queued = Set(try index.reviews().map(\.record.description))
        let clusterOf = batch.clusterOfRecord
        for pair in batch.pairs where pair.decision == .review && clusterOf[pair.a] != clusterOf[pair.b] {
            let later = records[pair.b]
            #expect(queued.contains(later.domain + ":" + later.id))
        }
        // A re-feed of a stored record answers with the link it has.
        let again = try index.feed(records[0], now: Self.now)
        #expect(again.decision == .unchanged)
        #expect(again.person == (try index.personOf(RecordReference(domain: records[0].domain, id: records[0].id))))
    }

    @Test("a candidate index grown one record at a time equals one built with all records")
    func appendEqualsRebuild() {
        let records = Self.population.records.prefix(300).map(EMPIFixture.normalizer.normalize)
        let blocker = Blocker(maximumBlockSize: 4, ruleBlockSizes: [.birthYearSurnameSex: 3])
        var grown = CandidateIndex(records: Array(records.prefix(100)), blocker: blocker)
        for record in records.dropFirst(100) { grown.append(record) }
        let built = CandidateIndex(records: Array(records), blocker: blocker)
        #expect(grown.count == built.count)
        #expect(grown.statistics == built.statistics)
        #expect(built.statistics.contains { $0.overflowBlocks > 0 })  // the caps are exercised
        for record in records { #expect(grown.candidates(for: record) == built.candidates(for: record)) }
        #expect(grown.blocks().map(\.range) == built.blocks().map(\.range))
    }

    @Test("feed links a record to the person the matcher picks and explains it; match writes nothing")
    func feedAndMatch() throws {
        let (index, _) = try Self.makeIndex()
        let first = EMPIFixture.record(
            "A1", name: "陈小明", birth: "1990-05-06", sex: "1", citizenID: EMPIFixture.id("11010519900506123"),
            phone: "13812345678")
        var second = first
        second.id = "B7"
        second.fullName = "陳小明"
        let a = try index.feed(first, now: Self.now)
        #expect(a.decision == .newPerson)
        let before = try index.dumpState()
        let preview = try index.match(second)
        #expect(preview.decision == .linked && preview.person == a.person && preview.provenance == .deterministic)
        #expect(try index.dumpState() == before)
        let b = try index.feed(second, now: Self.now)
        #expect(b.decision == .linked && b.person == a.person)
        let explanation = try #require(b.explanation)
        #expect(explanation.partsSum == explanation.totalWeight)
        #expect(explanation.deterministicRule == "deterministic:citizen-id")
        let link = try #require(try index.person(a.person!).links.last)
        #expect(link.provenance == .deterministic && link.explanation != nil)
        // Stored compact, read as the explanation the feed returned.
        #expect(try JSONDecoder().decode(Explanation.self, from: Data((link.explanation ?? "").utf8)) == explanation)
        // Survivorship: same trust, so the most recent record's value.
        #expect(try index.person(a.person!).golden.fullName == "陳小明")
    }

    @Test("a manual unlink is respected by matching and survives re-ingesting the same records")
    func unlinkSurvivesReingest() throws {
        let (index, _) = try Self.makeIndex()
        let records = Self.population.records
        _ = try index.ingest(records, now: Self.now)
        // A person with at least two records.
        var byPerson: [EnterpriseID: [RecordReference]] = [:]
        for record in records {
            let reference = RecordReference(domain: record.domain, id: record.id)
            byPerson[try index.personOf(reference), default: []].append(reference)
        }
        let (person, members) = try #require(byPerson.filter { $0.value.count >= 2 }.min { $0.key < $1.key })
        let moved = members[1]
        let result = try index.unlink(moved, actor: "steward", now: Self.now)
        #expect(result.other == person && result.person != person)
        let separated = try index.personOf(moved)

        let again = try index.ingest(records, now: Self.now)
        #expect(again.registered == 0 && again.unchanged == records.count)
        #expect(try index.personOf(moved) == separated)
        // Matching respects the assertion: the record no longer auto-links to its former person.
        let raw = try #require(records.first { $0.domain == moved.domain && $0.id == moved.id })
        let preview = try index.match(raw)
        #expect(preview.person != person)
        #expect(preview.candidates.first { $0.person == person }?.decision != .autoLink)
        #expect(try index.explain(moved, members[0]).vetoes.contains(.notSamePerson))

        // A fresh index that ingests the records again after the unlink, via a re-opened file, agrees.
        let reopened = try PatientIndex(path: index.path, normalizer: EMPIFixture.normalizer)
        _ = try reopened.ingest(records, now: Self.now)
        #expect(try reopened.personOf(moved) == separated)
    }

    @Test("merge then unmerge restores the previous state exactly; the retired ID redirects meanwhile")
    func mergeUnmerge() throws {
        let (index, _) = try Self.makeIndex()
        _ = try index.ingest(Array(Self.population.records.prefix(120)), now: Self.now)
        let records = Array(Self.population.records.prefix(120))
        let a = try index.personOf(RecordReference(domain: records[0].domain, id: records[0].id))
        let b = try #require(
            try records.lazy.map { try index.personOf(RecordReference(domain: $0.domain, id: $0.id)) }.first { $0 != a })
        let before = try index.dumpState()
        let eventsBefore = try index.statistics().lastEvent

        _ = try index.merge(b, into: a, actor: "steward", now: Self.now.addingTimeInterval(60))
        #expect(try index.resolve(b) == a)
        #expect(try index.dumpState() != before)
        let query = try index.crossReference(domain: records[0].domain, value: records[0].id)
        #expect(query.person == a)

        _ = try index.unmerge(b, actor: "steward", now: Self.now.addingTimeInterval(120))
        #expect(try index.dumpState() == before)
        #expect(try index.resolve(b) == b)
        let kinds = try index.events(since: eventsBefore).map(\.kind)
        #expect(kinds == [.merge, .unmerge])
        #expect(throws: HealthCardError(code: .invalidOperation, reason: "")) { try index.unmerge(b, actor: "steward") }
        #expect(throws: HealthCardError(code: .invalidOperation, reason: "")) { try index.merge(a, into: a, actor: "steward") }
    }

    @Test("every change appears once in the event table, in order, with live person IDs")
    func events() throws {
        let (index, _) = try Self.makeIndex()
        let id1 = EMPIFixture.id("11010519900506123")
        let r1 = EMPIFixture.record("1", name: "王芳", birth: "19900506", sex: "2", citizenID: id1, phone: "13800000001")
        let r2 = EMPIFixture.record("2", name: "王芳", birth: "1990-05-06", sex: "2", citizenID: id1)
        let r3 = EMPIFixture.record("3", name: "李雷", birth: "1985-01-02", sex: "1", phone: "13900000003")
        for record in [r1, r2, r3] { _ = try index.feed(record, now: Self.now) }
        var updated = r3
        updated.phone = "13900000004"
        _ = try index.feed(updated, now: Self.now)
        let ref = { RecordReference(domain: "test", id: $0) }
        let p1 = try index.personOf(ref("1"))
        let p3 = try index.personOf(ref("3"))
        _ = try index.unlink(ref("2"), actor: "s", now: Self.now)
        _ = try index.link(ref("2"), to: p1, actor: "s", now: Self.now)
        _ = try index.merge(p3, into: p1, actor: "s", now: Self.now)
        _ = try index.unmerge(p3, actor: "s", now: Self.now)
        let events = try index.events()
        #expect(
            events.map(\.kind) == [.register, .register, .register, .update, .unlink, .link, .merge, .unmerge])
        #expect(events.map(\.sequence) == Array(1...8))
        #expect(events[1].person == p1)  // record 2 joined person 1
        #expect(try index.events(since: 6).map(\.kind) == [.merge, .unmerge])
        let stats = try index.statistics()
        #expect(stats.lastEvent == 8 && stats.records == 3 && stats.persons == 2)
    }

    @Test("bad input is reported per record with its line; the rest of the file is stored")
    func badInput() throws {
        let (index, _) = try Self.makeIndex()
        let mapping = try FieldMapping(
            json: #"""
                {"recordDomain": "hosp-a", "columns": [
                  {"column": "id", "kind": "recordID"}, {"column": "name", "kind": "fullName"},
                  {"column": "dob", "kind": "birthDate"},
                  {"column": "sfz", "kind": "identifier", "domain": "citizen-id", "type": "citizenID"},
                  {"column": "card", "kind": "identifier", "domainColumn": "card_domain"},
                  {"column": "fax", "kind": "phone"}]}
                """#)
        let csv = """
            id,name,dob,sfz,card,card_domain
            R1,张伟,1990-05-06,\(EMPIFixture.id("11010519900506123")),C1,hosp-a-card
            R2,李娜,1990-02-30,,C2,hosp-a-card
            R3,王强,1980-01-01,110105198001011230,,
            R4,赵敏,1970-03-04,,C9,mystery-card
            R5,钱坤,1975-06-07,,C5,hosp-a-card
            """
        let read = mapping.read(csv: csv)
        let summary = try index.ingest(read.records, now: Self.now)
        let issues = read.issues + summary.issues
        let found = Set(issues.map { "\($0.kind.rawValue)@\($0.line ?? 0)" })
        #expect(found == ["unknownColumn@1", "malformedDate@3", "invalidCitizenID@4", "unknownDomain@5"])
        #expect(summary.rejected == 1 && summary.registered == 4)
        #expect(try index.statistics().records == 4)
        // The invalid ID is not cross-indexed; the record itself is.
        #expect(throws: HealthCardError(code: .unknownIdentifier, reason: "")) {
            try index.crossReference(domain: "citizen-id", value: "110105198001011230")
        }
        #expect(try index.crossReference(domain: "hosp-a", value: "R3").identifiers.isEmpty)
        #expect(try index.crossReference(domain: "hosp-a", value: "R5").identifiers == [.init(domain: "hosp-a-card", value: "C5")])
    }

    @Test("PIX query result rules of empi.md §2.3")
    func pixRules() throws {
        let (index, _) = try Self.makeIndex()
        let id = EMPIFixture.id("44052419800101001")
        var a = EMPIFixture.record("A", name: "林海", birth: "1980-01-01", sex: "1", citizenID: id, cards: [("hosp-a-card", "K1")])
        a.domain = "hosp-a"
        var b = EMPIFixture.record("B", name: "林海", birth: "1980-01-01", sex: "1", citizenID: id, cards: [("hosp-b-card", "ｋ2x")])
        b.domain = "hosp-b"
        var c = EMPIFixture.record("C", name: "周静", birth: "1995-07-08", sex: "2")
        c.domain = "hosp-c"
        for record in [a, b, c] { _ = try index.feed(record, now: Self.now) }

        // Known identifier with IDs in the target domain → those IDs (normalised: trimmed, full width
        // folded, the trailing x upper-cased; empi.md §2.1).
        let cards = try index.crossReference(domain: "hosp-a-card", value: " K1 ", targetDomains: ["hosp-b-card"])
        #expect(cards.identifiers == [.init(domain: "hosp-b-card", value: "k2X")])
        // Without targets: every other identifier of the person, never the query itself.
        let all = try index.crossReference(domain: "citizen-id", value: id.lowercased())
        #expect(all.identifiers.map(\.domain) == ["hosp-a", "hosp-a-card", "hosp-b", "hosp-b-card"])
        // Known identifier, nothing in the target domain → empty, not an error.
        #expect(try index.crossReference(domain: "hosp-c", value: "C", targetDomains: ["citizen-id"]).identifiers.isEmpty)
        // Distinct errors.
        #expect(throws: HealthCardError(code: .unknownSourceDomain, reason: "")) {
            try index.crossReference(domain: "nowhere", value: "K1")
        }
        #expect(throws: HealthCardError(code: .unknownTargetDomain, reason: "")) {
            try index.crossReference(domain: "hosp-a-card", value: "K1", targetDomains: ["nowhere"])
        }
        #expect(throws: HealthCardError(code: .unknownIdentifier, reason: "")) {
            try index.crossReference(domain: "hosp-a-card", value: "K404")
        }
        // Retired (merged) person: the query resolves to the survivor and returns its IDs.
        let survivor = try index.personOf(RecordReference(domain: "hosp-a", id: "A"))
        let retired = try index.personOf(RecordReference(domain: "hosp-c", id: "C"))
        _ = try index.merge(retired, into: survivor, actor: "s", now: Self.now)
        let merged = try index.crossReference(domain: "hosp-c", value: "C", targetDomains: ["hosp-a-card"])
        #expect(merged.person == survivor && merged.identifiers == [.init(domain: "hosp-a-card", value: "K1")])
        #expect(try index.resolve(retired) == survivor)
        // Unknown domains are rejected in feeds too, and nothing is written.
        var stray = c
        stray.id = "Z"
        stray.domain = "nowhere"
        let before = try index.dumpState()
        #expect(throws: HealthCardError(code: .unknownSourceDomain, reason: "")) { try index.feed(stray, now: Self.now) }
        #expect(try index.dumpState() == before)
    }

    @Test("a store error in the middle of an operation leaves nothing half-written")
    func failureIsAtomic() throws {
        let (index, _) = try Self.makeIndex()
        let records = Array(Self.population.records.prefix(80))
        _ = try index.ingest(Array(records.prefix(40)), now: Self.now)
        let a = try index.personOf(RecordReference(domain: records[0].domain, id: records[0].id))
        let b = try #require(
            try records.prefix(40).lazy.map { try index.personOf(RecordReference(domain: $0.domain, id: $0.id)) }
                .first { $0 != a })
        let before = try index.dumpState()
        let eventsBefore = try index.statistics().events

        // A real SQLite failure at the last write of each operation: the event insert.
        let saboteur = try DatabaseQueue(path: index.path)
        try saboteur.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER sabotage BEFORE INSERT ON event
                    BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                    """)
        }
        #expect(throws: (any Error).self) { try index.merge(b, into: a, actor: "s", now: Self.now) }
        #expect(throws: (any Error).self) { try index.ingest(Array(records.suffix(40)), now: Self.now) }
        #expect(throws: (any Error).self) { try index.unlink(RecordReference(domain: records[0].domain, id: records[0].id), actor: "s") }
        #expect(try index.dumpState() == before)
        #expect(try index.statistics().events == eventsBefore)
        #expect(try index.statistics().merges == 0)

        // After the failure the index (and its in-memory matcher) work as if nothing had happened.
        try saboteur.write { db in try db.execute(sql: "DROP TRIGGER sabotage") }
        let summary = try index.ingest(Array(records.suffix(40)), now: Self.now)
        let fresh = try Self.makeIndex().0
        _ = try fresh.ingest(Array(records.prefix(40)), now: Self.now)
        let expected = try fresh.ingest(Array(records.suffix(40)), now: Self.now)
        #expect(summary == expected)
        #expect(try index.dumpState()["link"]?.count == 80)
    }
}
