import Foundation
import HealthCardFoundation
import Testing
@testable import HealthCardServer

/// `PostgresIndexCopy` (`hcard serve copy-index`): a SQLite node's index copied into PostgreSQL
/// must answer exactly as the SQLite node does — PIX, PDQ, persons, reviews, events, times
/// included — and go on from there as the SQLite node would.
@Suite("Copying a SQLite index into PostgreSQL")
struct IndexCopyTests {
    @Test("COPY's text format: a backslash, tab, newline and carriage return are escaped, anything else is kept")
    func copyText() {
        #expect(PostgresIndexCopy.copyText("王芳 Wang Fang, 1 号") == "王芳 Wang Fang, 1 号")
        #expect(PostgresIndexCopy.copyText("C:\\路\t1\n2\r3") == "C:\\\\路\\t1\\n2\\r3")
        for (raw, escaped) in [("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")] {
            #expect(PostgresIndexCopy.copyText("路" + raw) == "路" + escaped, "\(escaped)")
        }
    }

    /// The read answers both nodes must give alike.
    static func answers(_ live: LiveServer, registrar: APIKey, steward: APIKey, persons: Int) async throws -> [JSONValue] {
        var answers: [JSONValue] = []
        func add(_ reply: LiveServer.Reply) { answers.append(.object(["status": .number(Double(reply.status)), "body": reply.json])) }
        for (domain, value) in [
            ("HOSP-A", "A-1"), ("HOSP-B", "B-2"), ("citizen-id", EMPIEndpointTests.citizenID), ("HOSP-A", "A-9"),
        ] {
            add(try await live.call("GET", "/v1/empi/pix", query: ["domain": domain, "value": value], key: registrar))
        }
        for person in 1...persons {
            add(try await live.call("GET", "/v1/empi/persons/{id}", parameters: ["id": "\(person)"], key: registrar))
        }
        for query in [["name": "Li Ming"], ["sex": "1", "limit": "2"], ["name": "张伟"], ["birthDate": "19850312"]] {
            add(try await live.call("GET", "/v1/empi/persons", query: query, key: steward))
        }
        add(try await live.call("GET", "/v1/empi/reviews", query: ["status": "all"], key: steward))
        add(try await live.call("GET", "/v1/empi/events", query: ["limit": "1000"], key: steward))
        return answers
    }

    @Test(
        "a SQLite node's index copied into PostgreSQL answers alike and goes on alike; a non-empty database is refused",
        arguments: Backend.postgresOnly)
    func copiedIndexAnswersAlike(_: Backend) async throws {
        let sqlite = try await LiveServer.start(backend: .sqlite)
        let steward = try await sqlite.key("steward", [.steward])
        let hospital = try await sqlite.key("hospital", [.registrar])
        for domain: [String: JSONValue] in [
            ["code": .string("citizen-id"), "type": .string("citizen-id")], ["code": .string("HOSP-A")],
            ["code": .string("HOSP-B")],
        ] {
            #expect(try await sqlite.call("POST", "/v1/empi/domains", key: steward, json: domain).status == 200)
        }
        // The parity test's feeds (links, a review, an update), without the refused one.
        var feeds = EMPIBackendParityTests.feeds.filter { $0["domain"] != .string("NOPE") }
        // Text that COPY's format must escape: a backslash, a tab and a newline in the stored JSON.
        feeds.append([
            "id": .string("A-9"), "domain": .string("HOSP-A"), "fullName": .string("赵云"), "birthDate": .string("1960-06-06"),
            "addressLines": .array([.string("C:\\路\t1\n2")]),
        ])
        for record in feeds {
            #expect(try await sqlite.call("POST", "/v1/empi/records", key: hospital, json: record).status == 200)
        }
        // A merge (a redirect and the merge history) and an unlink (a "not the same person" assertion).
        let a4 = try await sqlite.call("GET", "/v1/empi/pix", query: ["domain": "HOSP-A", "value": "A-4"], key: hospital)
        let b3 = try await sqlite.call("GET", "/v1/empi/pix", query: ["domain": "HOSP-B", "value": "B-3"], key: hospital)
        let merge = try await sqlite.call(
            "POST", "/v1/empi/merges", key: steward,
            json: ["subsumed": try #require(a4.json["person"]), "survivor": try #require(b3.json["person"])])
        #expect(merge.status == 200, "\(merge.json)")
        let unlink = try await sqlite.call(
            "POST", "/v1/empi/unlinks", key: steward,
            json: ["record": JSONValue.object(["domain": .string("HOSP-A"), "id": .string("A-3")])])
        #expect(unlink.status == 200, "\(unlink.json)")

        let url = try await PostgresTestDatabase.fresh()
        let summary = try await PostgresIndexCopy.copy(indexFile: sqlite.server.configuration.db, into: url)
        let rows = Dictionary(uniqueKeysWithValues: summary.rows.map { ($0.table, $0.rows) })
        #expect(rows["empi_record"] == 8 && rows["empi_merge"] == 1 && rows["empi_review"] == 1, "\(rows)")
        #expect((rows["empi_assertion"] ?? 0) >= 1 && (rows["empi_event"] ?? 0) >= 10, "\(rows)")
        let persons = rows["empi_person"] ?? 0

        let postgres = try await LiveServer.start(backend: .postgres, url: url)
        let pgSteward = try await postgres.key("steward", [.steward])
        let pgHospital = try await postgres.key("hospital", [.registrar])
        // The SQLite side is a second node opened on the same file, whose matcher is loaded whole
        // as the PostgreSQL node's is: a matcher that grew feed by feed annotates each record with
        // the term frequencies of its time, so PDQ scores differ from a loaded one's in any case.
        let loaded = try await LiveServer.start(backend: .sqlite) { $0.db = sqlite.server.configuration.db }
        let before = try await Self.answers(loaded, registrar: hospital, steward: steward, persons: persons + 1)
        let copied = try await Self.answers(postgres, registrar: pgHospital, steward: pgSteward, persons: persons + 1)
        #expect(before.count == copied.count)
        for (number, (a, b)) in zip(before, copied).enumerated() {
            #expect(a == b, "answer \(number): SQLite \(a) vs PostgreSQL \(b)")
        }

        // Both go on alike: a new person takes the next ID, its event the next number.
        let next: [String: JSONValue] = [
            "id": .string("B-9"), "domain": .string("HOSP-B"), "fullName": .string("孙权"), "birthDate": .string("1950-05-05"),
        ]
        let onSQLite = try await loaded.call("POST", "/v1/empi/records", key: hospital, json: next)
        let onPostgres = try await postgres.call("POST", "/v1/empi/records", key: pgHospital, json: next)
        #expect(onSQLite.status == 200 && onSQLite.json == onPostgres.json, "\(onSQLite.json) vs \(onPostgres.json)")
        let after = try await loaded.call("GET", "/v1/empi/events", query: ["limit": "1000"], key: steward)
        let pgAfter = try await postgres.call("GET", "/v1/empi/events", query: ["limit": "1000"], key: pgSteward)
        #expect(
            EMPIBackendParityTests.withoutTimes(after.json) == EMPIBackendParityTests.withoutTimes(pgAfter.json))

        // The database now holds an index: a second copy into it is refused, and changes nothing.
        await #expect(throws: ServerError.self) {
            try await PostgresIndexCopy.copy(indexFile: sqlite.server.configuration.db, into: url)
        }
        let still = try await postgres.call("GET", "/v1/empi/events", query: ["limit": "1000"], key: pgSteward)
        #expect(still.json == pgAfter.json)
        await postgres.stop()
        await loaded.stop()
        await sqlite.stop()
    }
}
