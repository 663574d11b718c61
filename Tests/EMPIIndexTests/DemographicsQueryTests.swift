import EMPI
import Foundation
import HealthCardFoundation
import HealthCardTestSupport
import Testing
@testable import EMPIIndex

/// The PDQ demographic query (issue 16, empi.md §2.2 `demographicsQuery`) on a real index file.
@Suite("EMPI demographic query (PDQ)")
struct DemographicsQueryTests {
    static let now = EMPIIndexTests.now

    /// Every page of `query`, following the cursor; checks each page's order and size.
    static func allPages(_ index: PatientIndex, _ query: DemographicsQuery) throws -> [DemographicsPage.Match] {
        var query = query
        var results: [DemographicsPage.Match] = []
        while true {
            let page = try index.demographics(query)
            #expect(page.matches.count <= query.limit)
            #expect(page.matches.map(\.person) == page.matches.map(\.person).sorted())
            if let last = results.last?.person, let first = page.matches.first?.person { #expect(first > last) }
            results += page.matches
            guard let next = page.next else { break }
            #expect(page.matches.count == query.limit)
            query.after = next
        }
        return results
    }

    @Test("paging by cursor returns every matching person once, in ID order, as an independent scan finds them")
    func pagingIsCompleteAndStable() throws {
        let (index, _) = try EMPIIndexTests.makeIndex()
        let records = EMPIIndexTests.population.records
        _ = try index.ingest(records, now: Self.now)
        // The oracle: every stored record whose written sex means female, mapped to its person.
        let female: Set<String> = ["2", "女", "F", "f", "female", "Female", "FEMALE", "女性"]
        var expected = Set<EnterpriseID>()
        for record in records where female.contains(record.sex ?? "") {
            expected.insert(try index.personOf(RecordReference(domain: record.domain, id: record.id)))
        }
        #expect(expected.count > 50)  // the test can fail: many pages
        let results = try Self.allPages(index, DemographicsQuery(sex: "女", limit: 7))
        #expect(results.map(\.person) == expected.sorted())
        #expect(try index.demographics(DemographicsQuery(sex: "2", limit: 7)).total == expected.count)
        #expect(results.allSatisfy { $0.golden.sex != nil && $0.score != nil })

        // A birth date and sex together narrow to persons with one record having both.
        let sample = try #require(records.first { female.contains($0.sex ?? "") && $0.birthDate != nil })
        let narrowed = try index.demographics(DemographicsQuery(birthDate: sample.birthDate, sex: "F"))
        let person = try index.personOf(RecordReference(domain: sample.domain, id: sample.id))
        #expect(narrowed.matches.contains { $0.person == person })
        #expect(narrowed.total < expected.count)
    }

    @Test("names compare as matching normalises them: traditional, full-width, Latin order, pinyin of Hanzi")
    func namesNormalised() throws {
        let (index, _) = try EMPIIndexTests.makeIndex()
        let chen = try index.feed(EMPIFixture.record("A1", name: "陳大文", birth: "1985-03-12", sex: "1"), now: Self.now)
        let li = try index.feed(EMPIFixture.record("A2", name: "李明", birth: "19700101", sex: "男"), now: Self.now)
        let smith = try index.feed(EMPIFixture.record("A3", name: "John Smith", birth: "1960-02-29", sex: "M"), now: Self.now)
        func persons(_ query: DemographicsQuery) throws -> [EnterpriseID] { try index.demographics(query).matches.map(\.person) }
        #expect(try persons(DemographicsQuery(name: "陈大文")) == [chen.person!])
        #expect(try persons(DemographicsQuery(name: "陈　大文")) == [chen.person!])  // full-width space
        #expect(try persons(DemographicsQuery(name: "Li Ming")) == [li.person!])
        #expect(try persons(DemographicsQuery(name: "MING li")) == [li.person!])
        #expect(try persons(DemographicsQuery(name: "smith JOHN")) == [smith.person!])
        #expect(try persons(DemographicsQuery(name: "陈大文", birthDate: "19850312")) == [chen.person!])
        #expect(try persons(DemographicsQuery(name: "陈大文", birthDate: "1985-03-13")) == [])
        #expect(try persons(DemographicsQuery(name: "陈大文", sex: "female")) == [])
        #expect(try persons(DemographicsQuery(birthDate: "1960/2/29")) == [smith.person!])
    }

    @Test("identifiers: normalised per domain, all must be held; merges show the survivor only")
    func identifiersAndMerges() throws {
        let (index, _) = try EMPIIndexTests.makeIndex()
        try index.registerDomain(IdentifierDomain(code: "test-card", type: .visitCard))
        let citizenID = EMPIFixture.id("11010519491231002")
        let a = try index.feed(
            EMPIFixture.record("B1", name: "王芳", birth: "1949-12-31", sex: "2", citizenID: citizenID, cards: [("test-card", "C-9")]),
            now: Self.now)
        let b = try index.feed(EMPIFixture.record("B2", name: "张伟", birth: "1988-08-08", sex: "1"), now: Self.now)
        let lower = DemographicsQuery.Identifier(domain: "citizen-id", value: citizenID.lowercased())
        #expect(try index.demographics(DemographicsQuery(identifiers: [lower])).matches.map(\.person) == [a.person!])
        let both = DemographicsQuery(identifiers: [lower, .init(domain: "test-card", value: "C-9")])
        #expect(try index.demographics(both).matches.first?.score == nil)  // identifiers only: no score
        #expect(try index.demographics(both).total == 1)
        let wrong = DemographicsQuery(identifiers: [lower, .init(domain: "test-card", value: "C-8")])
        #expect(try index.demographics(wrong).total == 0)
        // A demographic criterion must hold on one record of the identifier's holder.
        #expect(try index.demographics(DemographicsQuery(name: "张伟", identifiers: [lower])).total == 0)

        _ = try index.merge(b.person!, into: a.person!, actor: "test", now: Self.now)
        let after = try index.demographics(DemographicsQuery(name: "张伟"))
        #expect(after.matches.map(\.person) == [a.person!])
        #expect(after.matches.first?.records == [RecordReference(domain: "test", id: "B2")])
    }

    @Test("refused queries name the problem", arguments: [
        (DemographicsQuery(), "at least one criterion"),
        (DemographicsQuery(birthDate: "1985-13-40"), "birthDate"),
        (DemographicsQuery(sex: "x"), "sex"),
        (DemographicsQuery(name: "···"), "name"),
        (DemographicsQuery(sex: "1", limit: 0), "limit"),
        (DemographicsQuery(identifiers: [.init(domain: "nope", value: "1")]), "nope"),
    ])
    func refused(query: DemographicsQuery, mentions: String) throws {
        let (index, _) = try EMPIIndexTests.makeIndex()
        do {
            _ = try index.demographics(query)
            Issue.record("accepted \(query)")
        } catch let error as HealthCardError {
            #expect(error.reason.contains(mentions), "\(error.reason)")
        }
    }
}
