import EMPI
import EMPIIndex
import Foundation
import HealthCardFoundation
import HealthCardTestSupport
import PostgresNIO
import Testing
@testable import HealthCardServer

/// Group commit of feeds on PostgreSQL (`PostgresPatientIndex.feedBatch`, Docs/serve.md §8):
/// feeds that wait for a node's writer are written together, each matched as if fed alone in
/// commit order; a feed refused for its own reasons fails alone; a database failure fails the
/// whole batch and leaves nothing behind, in the tables or in the node's matcher.
@Suite("PostgreSQL group commit of feeds")
struct FeedBatchTests {
    /// The domains of the synthetic records.
    static let domains: [IdentifierDomain] =
        [IdentifierDomain(code: PatientIdentifier.citizenIDDomain, type: .citizenID)]
        + SyntheticPopulation.domains.flatMap { domain in
            [IdentifierDomain(code: domain, type: .visitCard), IdentifierDomain(code: domain + "-card", type: .visitCard)]
        }

    static func key(_ record: PersonRecord) -> String { "\(record.domain)/\(record.id)" }

    /// Waits (without blocking a thread) until `condition` holds; fails after a generous guard.
    static func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
        for _ in 0..<6_000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ContractViolation("gave up waiting until \(what)")
    }

    @Test(
        "154 feeds at once into one node are written in batches and answered as one-by-one feeds in commit order",
        arguments: Backend.postgresOnly)
    func batchesAreOneByOne(_: Backend) async throws {
        let database = try SharedDatabase(url: try await PostgresTestDatabase.fresh())
        let index = try await PostgresPatientIndex.open(database)
        for domain in Self.domains { try await index.registerDomain(domain) }
        // Persons with several records (links, reviews), and two records refused for their own
        // reasons: an unknown source domain and an unknown identifier domain.
        var list = Array(SyntheticPopulation(seed: 16, options: .init(persons: 80)).records.prefix(148))
        list.insert(PersonRecord(id: "X-1", domain: "NOPE", fullName: "张三"), at: 17)
        list.insert(
            PersonRecord(
                id: "X-2", domain: SyntheticPopulation.domains[0], fullName: "李四",
                identifiers: [PatientIdentifier(domain: "NOPE-ID", value: "1")]), at: 90)
        // Two pairs of different people holding one citizen ID (a unique domain): the second of
        // each pair goes to review as an identifier conflict. One pair falls into the same batch,
        // the other across two batches, so a feed must see the batch's earlier records, not its later ones.
        func holder(_ id: String, _ name: String, _ birthDate: String, _ sex: String, _ citizenID: String) -> PersonRecord {
            PersonRecord(
                id: id, domain: SyntheticPopulation.domains[0], fullName: name, birthDate: birthDate, sex: sex,
                identifiers: [PatientIdentifier(domain: PatientIdentifier.citizenIDDomain, value: citizenID, kind: .citizenID)])
        }
        list.insert(holder("U-1", "李明", "1985-03-12", "1", "110105198503120012"), at: 30)
        list.insert(holder("U-2", "欧阳娜娜", "1971-11-02", "2", "110105198503120012"), at: 100)
        list.insert(holder("U-3", "王芳", "1990-07-01", "2", "31011519900701002X"), at: 40)
        list.insert(holder("U-4", "赵建国", "1962-05-20", "1", "31011519900701002X"), at: 50)
        let records = list
        #expect(records.count == 154 && Set(records.map(Self.key)).count == records.count, "154 records, keys unique")

        // The test holds the node's writer until every feed is queued, so the batches are taken
        // from a full queue: 64, 64 and 26 (the limit), whatever the machine's speed.
        let feeds = try await index.writers.withLock {
            let feeds = Task {
                await withTaskGroup(of: (String, Result<FeedResult, any Error>).self) { group in
                    for record in records {
                        group.addTask {
                            do {
                                return (Self.key(record), .success(try await index.feed(record, actor: "t", now: nil)))
                            } catch { return (Self.key(record), .failure(error)) }
                        }
                    }
                    var results: [String: Result<FeedResult, any Error>] = [:]
                    for await (key, result) in group { results[key] = result }
                    return results
                }
            }
            try await Self.waitUntil("every feed is queued") { index.feeds.queuedCount == records.count }
            return feeds
        }
        let batched = await feeds.value
        #expect(index.feeds.largestBatch == PostgresPatientIndex.feedBatchLimit)

        // The commit order: the register events, numbered in commit order.
        let order = try await index.events(since: 0, limit: 10_000).filter { $0.kind == .register }.map {
            "\($0.record?.domain ?? "")/\($0.record?.id ?? "")"
        }
        #expect(order.count == records.count - 2)
        // The same records one by one, in that order, into the SQLite index (the reference).
        let directory = try CryptoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = try PatientIndex(path: directory.appendingPathComponent("reference.sqlite").path)
        for domain in Self.domains { try reference.registerDomain(domain) }
        let byKey = Dictionary(uniqueKeysWithValues: records.map { (Self.key($0), $0) })
        var alone: [String: Result<FeedResult, any Error>] = [:]
        for key in order + records.map(Self.key).filter({ !order.contains($0) }) {
            alone[key] = Result { try reference.feed(byKey[key]!, actor: "t") }
        }
        var decisions: Set<String> = []
        for record in records {
            let key = Self.key(record)
            switch (batched[key], alone[key]) {
            case (.success(let a)?, .success(let b)?):
                #expect(a == b, "\(key): batched \(a) vs one by one \(b)")
                decisions.insert(a.decision.rawValue)
            case (.failure(let a)?, .failure(let b)?):
                #expect("\(a)" == "\(b)", "\(key)")
                #expect(["NOPE", "NOPE-ID"].contains { "\(a)".contains($0) }, "\(key): \(a)")
            default:
                Issue.record("\(key): batched \(String(describing: batched[key])) vs one by one \(String(describing: alone[key]))")
            }
        }
        #expect(decisions.contains("linked") && decisions.contains("new-person"), "\(decisions)")
        for key in ["\(SyntheticPopulation.domains[0])/U-2", "\(SyntheticPopulation.domains[0])/U-4"] {
            #expect((try? batched[key]?.get())?.reviewItem != nil, "\(key): \(String(describing: batched[key]))")
        }
        // The golden records too: survivorship ranks a person's records by the revision that
        // wrote them, so each feed of a batch must carry the revision it would have had alone.
        let persons = Set(batched.values.compactMap { try? $0.get().person })
        for person in persons {
            let golden = try await index.person(person).golden
            #expect(golden == (try reference.person(person).golden), "person \(person)")
        }
        // The node's matcher after the batches is the committed rows, as a full load gives them.
        let after = try await MatcherRefreshTests.refreshedAndLoaded(index)
        MatcherRefreshTests.expectSame(after.refreshed, after.loaded, "after the batches")
        await database.shutdown()
    }

    @Test(
        "feeds that queue while the batch waits for the revision lock (another node's write) join that batch",
        arguments: Backend.postgresOnly)
    func batchTakenUnderTheLock(_: Backend) async throws {
        let database = try SharedDatabase(url: try await PostgresTestDatabase.fresh())
        let index = try await PostgresPatientIndex.open(database)
        for domain in Self.domains { try await index.registerDomain(domain) }
        let records = Array(SyntheticPopulation(seed: 5, options: .init(persons: 10)).records.prefix(5))
        // Another node's write transaction holds the revision row while all five feeds arrive.
        let feeds = try await database.transaction { connection in
            _ = try await connection.query("SELECT value FROM empi_meta WHERE key = 'revision' FOR UPDATE", logger: database.logger)
            let feeds = Task {
                try await withThrowingTaskGroup(of: FeedResult.self) { group in
                    for record in records { group.addTask { try await index.feed(record, actor: "t", now: nil) } }
                    return try await group.reduce(into: [FeedResult]()) { $0.append($1) }
                }
            }
            try await Self.waitUntil("every feed is queued") { index.feeds.queuedCount == records.count }
            return feeds
        }
        let results = try await feeds.value
        #expect(results.count == records.count)
        // Taken before the lock, the first feed would have gone alone and the other four after it.
        #expect(index.feeds.largestBatch == records.count)
        await database.shutdown()
    }

    @Test(
        "a database failure in a batch fails every feed of it: no row written, and the matcher keeps none of them",
        arguments: Backend.postgresOnly)
    func failureFailsTheBatch(_: Backend) async throws {
        let database = try SharedDatabase(url: try await PostgresTestDatabase.fresh())
        let index = try await PostgresPatientIndex.open(database)
        for domain in Self.domains { try await index.registerDomain(domain) }
        let hospital = SyntheticPopulation.domains[0]
        let other = SyntheticPopulation.domains[1]
        func person(_ id: String, _ domain: String, _ name: String, _ citizenID: String) -> PersonRecord {
            PersonRecord(
                id: id, domain: domain, fullName: name, birthDate: "1985-03-12", sex: "1",
                identifiers: [PatientIdentifier(domain: PatientIdentifier.citizenIDDomain, value: citizenID, kind: .citizenID)])
        }
        let first = try await index.feed(person("A-0", hospital, "李明", "110105198503120012"), actor: "t", now: nil)
        #expect(first.decision == .newPerson)
        // A stand-in for the database failing in the middle of a batch: a trigger that refuses one row.
        try await database.transaction { connection in
            try await connection.query(
                """
                CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.local_id = 'POISON' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$
                """, logger: database.logger)
            try await connection.query(
                "CREATE TRIGGER test_poison BEFORE INSERT ON empi_record FOR EACH ROW EXECUTE FUNCTION test_poison()",
                logger: database.logger)
        }
        let newcomer = person("A-1", hospital, "王芳", "31011519900701002X")
        let batch = [
            newcomer,
            PersonRecord(id: "X-1", domain: "NOPE", fullName: "张三"),
            person("B-0", other, "李明", "110105198503120012"),
            person("POISON", hospital, "赵六", "110105196611120010"),
        ].map {
            PendingFeed(
                record: $0, actor: "t", stamp: "2026-12-07T10:00:00Z",
                audit: RequestAudit(client: "t", method: "POST", route: "/v1/empi/records"), normalizer: index.normalizer)
        }
        let queued = GroupCommitQueue<PendingFeed, FeedResult>.Batch { batch.map { ($0, GroupCommitQueue<PendingFeed, FeedResult>.Slot()) } }
        let results = await index.writers.withLock { await index.feedBatch(queued, first: batch[0]) }
        #expect(results.count == batch.count)
        for (feed, result) in zip(batch, results) {
            guard case .failure(let error) = result else {
                Issue.record("\(feed.record.id) was answered \(result) in a failed batch")
                continue
            }
            #expect(String(reflecting: error).contains("poisoned row"), "\(feed.record.id): \(String(reflecting: error))")
        }
        let counts = try await database.rows(
            "SELECT (SELECT count(*) FROM empi_record), (SELECT count(*) FROM empi_person), (SELECT count(*) FROM empi_event), (SELECT value FROM empi_meta WHERE key = 'revision')"
        ).first!.decode((Int64, Int64, Int64, String).self)
        #expect(counts.0 == 1 && counts.1 == 1 && counts.2 == 1, "\(counts)")
        #expect(counts.3 == "1")
        // No audit line of the batch is committed, and none is taken as written: the server's
        // wrapper writes each request's line with the status its client gets.
        #expect(try await database.rows("SELECT count(*) FROM audit").first!.decode(Int64.self) == 0)
        #expect(batch.allSatisfy { $0.audit?.isCommitted(status: 200) == false })
        // Had the matcher kept the batch, the newcomer's second record would link to a person
        // that was never committed, and a re-feed of the newcomer would be "unchanged".
        let again = try await index.feed(person("B-1", other, "王芳", "31011519900701002X"), actor: "t", now: nil)
        #expect(again.decision == .newPerson, "\(again)")
        let refed = try await index.feed(newcomer, actor: "t", now: nil)
        #expect(refed.decision != .unchanged && refed.candidates.contains { $0.person == again.person }, "\(refed)")
        let after = try await MatcherRefreshTests.refreshedAndLoaded(index)
        MatcherRefreshTests.expectSame(after.refreshed, after.loaded, "after the failed batch")
        await database.shutdown()
    }
}
