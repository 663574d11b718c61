import Foundation
import GRDB
import HealthCardTestSupport
import Testing
@testable import EMPI
@testable import EMPIIndex
@testable import HealthCardFoundation

/// The index's own JSON writer (`IndexJSON`) and the bulk ingest's in-memory shortcuts, each
/// against the slow, obviously right form it replaces (issue 18 item 6).
@Suite("EMPI index: stored JSON and bulk-ingest shortcuts")
struct IndexJSONTests {
    static let awkward = [
        "", "plain", "引号\"内\"", "back\\slash", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}", "emoji 👨‍👩‍👧",
        "U+2028 \u{2028} U+2029 \u{2029}", "/slash/", "é combining e\u{301}",
    ]

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    @Test("every stored record, golden record, payload and candidate list decodes back to itself")
    func roundTrips() throws {
        var records = EMPIIndexTests.population.records
        for (number, text) in Self.awkward.enumerated() {
            records.append(
                PersonRecord(
                    id: text, domain: "d\(number)", line: number == 0 ? nil : -number, fullName: text, familyName: text,
                    givenName: nil, birthDate: text, sex: text,
                    identifiers: [PatientIdentifier(domain: text, value: text, kind: number % 2 == 0 ? .other : .citizenID)],
                    phone: text, addressLines: [text, text], locality: text, postcode: text, regionCode: text))
        }
        for record in records {
            #expect(try Self.decode(PersonRecord.self, IndexJSON.record(record)) == record)
        }
        for pair in stride(from: 0, to: records.count - 1, by: 2) {
            let golden = Survivorship().golden([
                .init(record: records[pair], trust: 1, version: 2), .init(record: records[pair + 1], trust: 0, version: 3),
            ])
            #expect(try Self.decode(GoldenRecord.self, IndexJSON.golden(golden)) == golden)
        }
        let payload: [String: JSONValue] = [
            "z": .null, "a": .bool(true), "n": .number(-0.125), "big": .number(1e300), "int": .number(42),
            "tiny": .number(Double.leastNonzeroMagnitude), "s": .string(Self.awkward.joined()), "list": .array([.number(1), .string("x"), .object([:])]),
            "nested": .object(["b": .number(2), "a": .array([])]),
        ]
        #expect(try Self.decode([String: JSONValue].self, IndexJSON.payload(payload)) == payload)
        let candidates = [ReviewItem.Candidate(person: EnterpriseID(7), probability: 0.3), .init(person: EnterpriseID(1), probability: 1)]
        #expect(try Self.decode([ReviewItem.Candidate].self, IndexJSON.candidates(candidates)) == candidates)
        #expect(throws: HealthCardError.self) { try IndexJSON.payload(["x": .number(.nan)]) }
        #expect(throws: HealthCardError.self) { try IndexJSON.payload(["x": .number(.infinity)]) }
    }

    @Test("a feed's answer written directly is JSONEncoder's, byte for byte")
    func feedResults() throws {
        let (index, directory) = try EMPIIndexTests.makeIndex()
        defer { try? FileManager.default.removeItem(at: directory) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var results = try EMPIIndexTests.population.records.prefix(300).map { try index.feed($0, actor: "t") }
        // Issues, awkward text and every optional absent or present.
        for (number, text) in Self.awkward.enumerated() {
            results.append(
                try index.feed(
                    PersonRecord(
                        id: "awkward-\(number)\(text)", domain: "test", fullName: "王\(text)", birthDate: "1990-02-30",
                        identifiers: [PatientIdentifier(domain: "citizen-id", value: "11010519900230001\(number)", kind: .citizenID)],
                        phone: text),
                    actor: "t"))
        }
        var decisions: Set<FeedDecision> = []
        for result in results {
            decisions.insert(result.decision)
            #expect(try result.json().bytes == Array(encoder.encode(result)), "\(result.record)")
        }
        #expect(decisions.isSuperset(of: [.linked, .newPerson, .review]), "\(decisions)")
        #expect(results.contains { !$0.issues.isEmpty && $0.explanation != nil && $0.reviewItem == nil })
        #expect(results.contains { $0.reviewItem != nil })
    }

    @Test("every explanation of a generated population decodes back to itself")
    func explanations() throws {
        let records = EMPIIndexTests.population.records
        let result = Deduplicator(normalizer: EMPIFixture.normalizer, estimator: nil).run(records)
        let scorer = Scorer(model: result.model)
        var checked = 0
        var storedBytes = 0
        var objectBytes = 0
        for pair in result.pairs {
            let explanation = scorer.explain(
                records[pair.a], result.normalized[pair.a], records[pair.b], result.normalized[pair.b],
                blockingRules: pair.blockingRules, notSamePerson: checked % 3 == 0)
            let object = try IndexJSON.explanation(explanation)
            #expect(try Self.decode(Explanation.self, object) == explanation)
            // Stored compact, read back as the very same object.
            let stored = try IndexJSON.storedExplanation(explanation)
            #expect(stored.hasPrefix("[\"x2\","))
            #expect(try IndexJSON.expandedExplanation(stored) == object)
            storedBytes += stored.utf8.count
            objectBytes += object.utf8.count
            // The layout written before x2 (files hold it) reads back as the same object too.
            let named = try StoredExplanation(explanation).named()
            #expect(named.hasPrefix("[\"x1\","))
            #expect(try IndexJSON.expandedExplanation(named) == object)
            #expect(stored.utf8.count < named.utf8.count)
            checked += 1
        }
        #expect(checked > 100)
        #expect(storedBytes * 2 < objectBytes)  // names, rule names and repeated values written once
    }

    @Test("every link and review an ingest stores (layout x3) reads back as the explanation the scorer gives its pair")
    func storedEvidenceReadsBack() throws {
        let (index, _) = try EMPIIndexTests.makeIndex()
        let records = EMPIIndexTests.population.records
        _ = try index.ingest(records, now: EMPIIndexTests.now)
        let result = Deduplicator(normalizer: EMPIFixture.normalizer, estimator: nil).run(records)
        let scorer = Scorer(model: result.model)
        var pairs: [[Int]: Deduplicator.Pair] = [:]
        for pair in result.pairs { pairs[[pair.a, pair.b]] = pair }
        let positionOf = Dictionary(
            uniqueKeysWithValues: records.enumerated().map { (RecordReference(domain: $1.domain, id: $1.id), $0) })
        let (rows, links, reviews) = try DatabaseQueue(path: index.path).read { db in
            (
                try Row.fetchAll(db, sql: "SELECT id, domain, localId FROM record"),
                try Row.fetchAll(db, sql: """
                    SELECT record.domain, record.localId, link.person, link.explanation FROM link
                    JOIN record ON record.id = link.record WHERE link.explanation IS NOT NULL
                    """),
                try Row.fetchAll(db, sql: "SELECT id, explanation FROM review WHERE explanation IS NOT NULL")
            )
        }
        var positionOfRow: [Int64: Int] = [:]
        for row in rows { positionOfRow[row["id"]] = positionOf[RecordReference(domain: row["domain"], id: row["localId"])] }
        /// The object the scorer gives for the pair a stored x3 text names.
        func expected(_ stored: String) throws -> String {
            #expect(StoredEvidence.holds(stored) && stored.utf8.count < 200)
            let read = try StoredEvidence(stored: stored)
            let (a, b) = (try #require(positionOfRow[read.rowA]), try #require(positionOfRow[read.rowB]))
            let pair = try #require(pairs[[a, b]])
            return try IndexJSON.explanation(
                scorer.explain(
                    records[a], result.normalized[a], records[b], result.normalized[b], levels: pair.levels,
                    blockingRules: pair.blockingRules, notSamePerson: pair.vetoes.contains(.notSamePerson)))
        }
        // Through the readers' API, and from a re-opened file read on another day.
        let later = try PatientIndex(path: index.path, normalizer: Normalizer(today: CalendarDate(year: 2060, month: 1, day: 1)!))
        var people: [Int64: PersonSummary] = [:]
        for link in links {
            let person: Int64 = link["person"]
            if people[person] == nil { people[person] = try index.person(EnterpriseID(person)) }
            let reference = RecordReference(domain: link["domain"], id: link["localId"])
            let read = try #require(people[person]!.links.first { $0.record == reference }?.explanation)
            #expect(read == (try expected(link["explanation"])))
        }
        for link in links.prefix(20) {
            let reference = RecordReference(domain: link["domain"], id: link["localId"])
            #expect(
                try later.person(EnterpriseID(link["person"] as Int64)).links.first { $0.record == reference }?.explanation
                    == (try expected(link["explanation"])))
        }
        let items = Dictionary(uniqueKeysWithValues: try index.reviews(all: true).map { ($0.id, $0) })
        for review in reviews {
            #expect(items[review["id"]]?.explanation == (try expected(review["explanation"])))
        }
        #expect(links.count > 100 && !reviews.isEmpty)
        // A row naming a record version the index does not hold, or malformed, fails closed.
        let stored: String = links[0]["explanation"]
        var bad = try StoredEvidence(stored: stored)
        bad.versionB += 100
        #expect(throws: HealthCardError.self) {
            try index.plainRead { db in try index.expandedExplanation(db, try bad.text()) }
        }
        for text in [
            #"["x3",1,2,3]"#, stored.replacingOccurrences(of: "]]", with: ",null]]"),
            stored.replacingOccurrences(of: #"["x3","#, with: #"["x3",1.5,"#),
        ] {
            #expect(throws: HealthCardError.self) { try index.plainRead { db in try index.expandedExplanation(db, text) } }
        }
    }

    @Test("a stored explanation with awkward values, absent values and the old object form reads back exactly")
    func storedExplanationEdges() throws {
        let records = EMPIIndexTests.population.records
        let result = Deduplicator(normalizer: EMPIFixture.normalizer, estimator: nil).run(records)
        let pair = try #require(result.pairs.first { $0.decision == .autoLink })
        var explanation = Scorer(model: result.model).explain(
            records[pair.a], result.normalized[pair.a], records[pair.b], result.normalized[pair.b],
            blockingRules: pair.blockingRules, notSamePerson: true)
        for (number, text) in Self.awkward.enumerated() where number < explanation.fields.count {
            explanation.fields[number].rawA = text
            explanation.fields[number].normalizedB = text
            explanation.fields[number].rawB = nil
            explanation.fields[number].termFrequencyU = number % 2 == 0 ? nil : Double.leastNonzeroMagnitude
        }
        explanation.recordA = Self.awkward.joined()
        explanation.deterministicRule = nil
        let object = try IndexJSON.explanation(explanation)
        let expanded = try IndexJSON.expandedExplanation(IndexJSON.storedExplanation(explanation))
        #expect(expanded == object)
        #expect(try Self.decode(Explanation.self, expanded) == explanation)
        // A file written before the compact form keeps its objects, read as they are.
        #expect(try IndexJSON.expandedExplanation(object) == object)
        // Canonically equivalent but different bytes stay different values (é and e + U+0301).
        explanation.fields[0].rawA = "\u{E9}"
        explanation.fields[0].rawB = "e\u{301}"
        let stored = try IndexJSON.storedExplanation(explanation)
        #expect(stored.hasPrefix("[\"x2\","))
        #expect(try Self.decode(Explanation.self, IndexJSON.expandedExplanation(stored)).fields[0].rawB?.utf8.count == 3)
        // What x2 cannot hold exactly is written as x1: an unknown rule name, rules out of order, fields out of order.
        for change in [
            { (e: inout Explanation) in e.blockingRules.append("a-rule-of-another-version") },
            { (e: inout Explanation) in e.blockingRules = ["same-mobile", "same-citizen-id"] },
            { (e: inout Explanation) in e.fields.swapAt(0, 1) },
        ] {
            var other = explanation
            change(&other)
            let stored = try IndexJSON.storedExplanation(other)
            #expect(stored.hasPrefix("[\"x1\","))
            #expect(try Self.decode(Explanation.self, IndexJSON.expandedExplanation(stored)) == other)
        }
        // Anything else fails closed.
        #expect(throws: HealthCardError.self) { try IndexJSON.expandedExplanation("[\"x9\",1]") }
        #expect(throws: HealthCardError.self) { try IndexJSON.expandedExplanation("[\"x1\",0.5]") }
        #expect(throws: HealthCardError.self) { try IndexJSON.expandedExplanation("[\"x2\",0.5]") }
        // Rule bits beyond the rules this version has.
        let bits = try #require(stored.range(of: #"\],\d+,"#, options: .regularExpression))
        #expect(throws: HealthCardError.self) {
            try IndexJSON.expandedExplanation(stored.replacingCharacters(in: bits, with: "],32768,"))
        }
        let fields = try #require(stored.range(of: ",[[", options: .backwards))
        let head = String(stored[..<fields.lowerBound])
        let field = #"["exact",1,2,null,null,null,"a"]"#
        let eight = Array(repeating: field, count: 8)
        #expect(try IndexJSON.expandedExplanation(head + ",[" + eight.joined(separator: ",") + "]]").contains("\"a\""))
        // A flag naming a value that is not there, a value no flag names, too few fields.
        for bad in [
            eight.dropLast() + [#"["exact",1,4,null,null,null,"a"]"#],
            eight.dropLast() + [#"["exact",1,2,null,null,null,"a","b"]"#],
            Array(eight.dropLast()),
        ] {
            #expect(throws: HealthCardError.self) { try IndexJSON.expandedExplanation(head + ",[" + bad.joined(separator: ",") + "]]") }
        }
    }

    @Test("a bulk ingest's golden records and identifier conflicts equal those derived from the file")
    func ingestShortcutsAgreeWithTheFile() throws {
        let (index, _) = try EMPIIndexTests.makeIndex()
        var records = Array(EMPIIndexTests.population.records.prefix(200))
        // Two people sharing a unique-domain card number: an identifier conflict each.
        records.append(EMPIFixture.record("U1", name: "张伟", birth: "1990-05-06", sex: "1", cards: [("hosp-a-card", "SHARED")]))
        records.append(EMPIFixture.record("U2", name: "李娜", birth: "1971-02-03", sex: "2", cards: [("hosp-a-card", "SHARED")]))
        _ = try index.ingest(records, now: EMPIIndexTests.now)
        // A later batch: a third person with the number conflicts with both (found among the records stored before).
        let third = EMPIFixture.record("U3", name: "王强", birth: "1980-01-01", sex: "1", cards: [("hosp-a-card", " SHARED ")])
        _ = try index.ingest([third, EMPIFixture.record("U4", name: "赵敏", birth: "1970-03-04", sex: "2")], now: EMPIIndexTests.now)

        let reviews = try index.reviews().filter { $0.reason == "identifier-conflict" }
        let person = { (id: String) in try index.personOf(RecordReference(domain: "test", id: id)) }
        let byRecord = Dictionary(uniqueKeysWithValues: reviews.map { ($0.record.id, Set($0.candidates.map(\.person))) })
        #expect(byRecord["U1"] == [try person("U2")])
        #expect(byRecord["U2"] == [try person("U1")])
        #expect(byRecord["U3"] == [try person("U1"), try person("U2")])
        #expect(byRecord["U4"] == nil)
        // The per-record query of a feed finds the same persons for the new record.
        let recheck = try index.write { db, _ in
            let row = try #require(try PatientIndex.recordRow(db, RecordReference(domain: "test", id: "U3")))
            let own = try PatientIndex.person(ofRecord: row, db)
            let item = try PatientIndex.checkUniqueness(
                db, row: row, person: own, domains: try PatientIndex.domains(db), explanation: nil, now: EMPIIndexTests.now)
            let candidates = try item.map { try index.reviewItem(db, try #require(try Row.fetchOne(db, sql: "SELECT * FROM review WHERE id = ?", arguments: [$0]))) }
            return (candidates?.candidates.map(\.person), [PatientIndex.CacheChange]())
        }
        #expect(recheck.map(Set.init) == byRecord["U3"])

        // Golden records: what the ingest derived in memory equals what `refreshGolden` reads from the file.
        let before = try index.dumpState()["person"]
        let persons = try index.plainRead { db in try Int64.fetchAll(db, sql: "SELECT id FROM person") }
        _ = try index.write { db, _ in
            for person in persons { try PatientIndex.refreshGolden(db, person: person, survivorship: index.survivorship) }
            return ((), [PatientIndex.CacheChange]())
        }
        #expect(try index.dumpState()["person"] == before)
        #expect(persons.count > 100)
    }
}
