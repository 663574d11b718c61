import Foundation
import HealthCardCore
import Testing

/// `hcard empi` through the built binary and real SQLite files (issue 8 item 6).
@Suite("hcard empi (index, PIX query, stewardship, batch modes)")
struct EMPICommandTests {
    /// A directory with a generated CSV (with truth), its mapping and an index with the domains.
    static func setUp(persons: Int = 120) async throws -> (URL, SyntheticPopulation) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-empi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let population = SyntheticPopulation(seed: 21, options: .init(persons: persons))
        try population.csv().write(to: directory.appendingPathComponent("people.csv"), atomically: true, encoding: .utf8)
        try SyntheticPopulation.mapping.json().write(
            to: directory.appendingPathComponent("mapping.json"), atomically: true, encoding: .utf8)
        try await run(["empi", "init", "idx.db"], in: directory)
        try await run(["empi", "domain", "add", "--db", "idx.db", "--code", "citizen-id", "--type", "citizen-id"], in: directory)
        for domain in SyntheticPopulation.domains {
            try await run(["empi", "domain", "add", "--db", "idx.db", "--code", domain, "--type", "visit-card"], in: directory)
            try await run(
                ["empi", "domain", "add", "--db", "idx.db", "--code", domain + "-card", "--type", "visit-card"],
                in: directory)
        }
        return (directory, population)
    }

    @discardableResult
    static func run(_ arguments: [String], in directory: URL, status: Int32 = 0) async throws -> HCardRunner.Result {
        let result = try await HCardRunner.run(arguments, in: directory)
        #expect(result.status == status, "\(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// `id_a,id_b,decision` lines of a pairs file, without the probability and header.
    static func decisions(_ url: URL) throws -> Set<String> {
        Set(
            try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map { line in
                let fields = line.split(separator: ",")
                return "\(fields[0]),\(fields[1]),\(fields[3])"
            })
    }

    @Test("dedupe --estimate prints the chosen model and --save-model writes it for --model")
    func estimateSavesModel() async throws {
        let (directory, _) = try await Self.setUp()
        let refused = try await Self.run(
            ["empi", "dedupe", "--csv", "people.csv", "--mapping", "mapping.json", "--out", "p0.csv",
             "--save-model", "m.json"], in: directory, status: 64)
        #expect(refused.stderr.contains("--save-model needs --estimate"))
        let estimated = try await Self.run(
            ["empi", "dedupe", "--csv", "people.csv", "--mapping", "mapping.json", "--out", "p1.csv", "--estimate",
             "--save-model", "m.json"], in: directory, status: 1)
        #expect(estimated.stderr.contains("estimated model:") && estimated.stderr.contains("λ = "))
        #expect(estimated.stderr.contains("citizenID: exact m="))
        let saved = try JSONDecoder().decode(
            MatchModel.self, from: Data(contentsOf: directory.appendingPathComponent("m.json")))
        #expect(saved != MatchModel.default, "estimated m and u differ from the built-in ones")
        // The saved model scores the same pairs as the estimate did.
        try await Self.run(
            ["empi", "dedupe", "--csv", "people.csv", "--mapping", "mapping.json", "--out", "p2.csv", "--model",
             "m.json"], in: directory, status: 1)
        #expect(try Self.decisions(directory.appendingPathComponent("p1.csv"))
            == (try Self.decisions(directory.appendingPathComponent("p2.csv"))))
    }

    @Test("ingest and dedupe decide the same: the index's persons are the dedupe clusters")
    func ingestMatchesDedupe() async throws {
        let (directory, population) = try await Self.setUp()
        let ingest = try await Self.run(
            ["empi", "ingest", "--db", "idx.db", "--csv", "people.csv", "--mapping", "mapping.json", "--json"],
            in: directory, status: 1)
        // The generator corrupts IDs and dates on purpose: each is a problem reported with its line (exit 1).
        let problems = ingest.stderr.split(separator: "\n")
        #expect(!problems.isEmpty && problems.allSatisfy { $0.hasPrefix("people.csv:") })
        let summary = try Self.json(ingest.stdout)
        #expect(summary["registered"] as? Int == population.records.count)
        try await Self.run(
            ["empi", "dedupe", "--csv", "people.csv", "--mapping", "mapping.json", "--out", "pairs.csv"], in: directory,
            status: 1)
        let clusters = try String(contentsOf: directory.appendingPathComponent("pairs.clusters.csv"), encoding: .utf8)
        var batch: [String: Set<String>] = [:]
        for line in clusters.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            batch[String(fields[1]), default: []].insert(String(fields[0]))
        }
        // Persons in the index, via the PIX query of each record's own ID (all in distinct domains).
        var stored: [String: Set<String>] = [:]
        for record in population.records {
            let answer = try await Self.run(
                ["empi", "query", "--db", "idx.db", "--domain", record.domain, "--id", record.id, "--json"], in: directory)
            let person = try #require(try Self.json(answer.stdout)["person"] as? Int)
            stored["\(person)", default: []].insert(record.id)
        }
        #expect(Set(stored.values) == Set(batch.values))
        #expect(batch.values.contains { $0.count > 1 })
        let pairs = try Self.decisions(directory.appendingPathComponent("pairs.csv"))
        #expect(pairs.contains { $0.hasSuffix(",auto-link") })
    }

    @Test("bad lines are reported with their line numbers on stderr, the rest is ingested, exit 1")
    func badLines() async throws {
        let (directory, _) = try await Self.setUp(persons: 5)
        let csv = """
            record_id,domain,name,birth_date,citizen_id
            A1,hosp-a,张伟,1990-05-06,110105199005061234
            A2,hosp-a,李娜,1990-02-30,
            A3,mystery,王强,1980-01-01,
            A4,hosp-b,赵敏,1970-03-04,
            """
        try csv.write(to: directory.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let mapping = #"""
            {"columns": [{"column": "record_id", "kind": "recordID"}, {"column": "domain", "kind": "recordDomain"},
              {"column": "name", "kind": "fullName"}, {"column": "birth_date", "kind": "birthDate"},
              {"column": "citizen_id", "kind": "identifier", "domain": "citizen-id", "type": "citizenID"},
              {"column": "mobile", "kind": "phone"}]}
            """#
        try mapping.write(to: directory.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let result = try await Self.run(
            ["empi", "ingest", "--db", "idx.db", "--csv", "bad.csv", "--mapping", "bad.json"], in: directory, status: 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("bad.csv:1:") && $0.contains("mobile") })
        #expect(lines.contains { $0.hasPrefix("bad.csv:2: (A1)") && $0.contains("citizen ID") })
        #expect(lines.contains { $0.hasPrefix("bad.csv:3: (A2)") && $0.contains("malformed date") })
        #expect(lines.contains { $0.hasPrefix("bad.csv:4: (A3)") && $0.contains("unknown source domain") })
        let stats = try Self.json(try await Self.run(["empi", "stats", "--db", "idx.db", "--json"], in: directory).stdout)
        #expect(stats["records"] as? Int == 3)
    }

    @Test("stewardship round trip: unlink, review, merge, unmerge, events, explain, query exit codes")
    func stewardship() async throws {
        let (directory, population) = try await Self.setUp()
        try await Self.run(
            ["empi", "ingest", "--db", "idx.db", "--csv", "people.csv", "--mapping", "mapping.json"], in: directory,
            status: 1)
        let last = try #require(try await Self.json(try Self.run(["empi", "stats", "--db", "idx.db", "--json"], in: directory).stdout)["lastEvent"] as? Int)

        // Two records the batch mode auto-links, so the index holds them as one person.
        try await Self.run(
            ["empi", "dedupe", "--csv", "people.csv", "--mapping", "mapping.json", "--out", "pairs.csv"], in: directory,
            status: 1)
        let pair = try #require(
            try Self.decisions(directory.appendingPathComponent("pairs.csv")).sorted().first { $0.hasSuffix(",auto-link") }
        ).split(separator: ",")
        let a = try #require(population.records.first { $0.id == pair[0] })
        let b = try #require(population.records.first { $0.id == pair[1] })
        let refA = "\(a.domain):\(a.id)"
        let refB = "\(b.domain):\(b.id)"
        let explain = try Self.json(try await Self.run(["empi", "explain", "--db", "idx.db", refA, refB], in: directory).stdout)
        #expect(explain["totalWeight"] is Double)

        let unlinked = try Self.json(
            try await Self.run(["empi", "unlink", "--db", "idx.db", "--record", refB, "--json", "--actor", "t"], in: directory).stdout)
        let newPerson = try #require(unlinked["person"] as? Int)
        let oldPerson = try #require(unlinked["other"] as? Int)
        try await Self.run(["empi", "merge", "--db", "idx.db", "--subsumed", "\(newPerson)", "--survivor", "\(oldPerson)"], in: directory)
        try await Self.run(["empi", "unmerge", "--db", "idx.db", "--person", "\(newPerson)"], in: directory)
        try await Self.run(["empi", "link", "--db", "idx.db", "--record", refB, "--person", "\(oldPerson)"], in: directory)
        let events = try #require(
            try await JSONSerialization.jsonObject(
                with: Data(try Self.run(["empi", "events", "--db", "idx.db", "--since", "\(last)", "--json"], in: directory).stdout.utf8))
                as? [[String: Any]])
        #expect(events.compactMap { $0["kind"] as? String } == ["unlink", "merge", "unmerge", "link"])

        // Matching a record JSON writes nothing.
        let recordJSON = try JSONEncoder().encode(b)
        try recordJSON.write(to: directory.appendingPathComponent("b.json"))
        let match = try Self.json(try await Self.run(["empi", "match", "--db", "idx.db", "--json", "b.json"], in: directory).stdout)
        #expect(match["decision"] as? String == "linked")

        // Query errors are distinct exit codes; an empty answer is not an error.
        try await Self.run(["empi", "query", "--db", "idx.db", "--domain", "nowhere", "--id", "x"], in: directory, status: 2)
        try await Self.run(["empi", "query", "--db", "idx.db", "--domain", a.domain, "--id", a.id, "--target", "nowhere"], in: directory, status: 3)
        try await Self.run(["empi", "query", "--db", "idx.db", "--domain", a.domain, "--id", "no-such-id"], in: directory, status: 4)

        let reviews = try await Self.run(["empi", "review", "list", "--db", "idx.db", "--json"], in: directory)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(reviews.stdout.utf8)) as? [[String: Any]])
        let first = try #require(items.first, "the seeded population must leave a pair for review")
        let id = try #require(first["id"] as? Int)
        try await Self.run(["empi", "review", "resolve", "--db", "idx.db", "\(id)", "--separate"], in: directory)
        let open = try Self.json(try await Self.run(["empi", "stats", "--db", "idx.db", "--json"], in: directory).stdout)
        #expect(open["openReviews"] as? Int == items.count - 1)
    }

    @Test("dedupe is deterministic across processes: two runs (each with its own hash seed) write identical files")
    func dedupeAcrossProcesses() async throws {
        let (directory, _) = try await Self.setUp(persons: 300)
        defer { try? FileManager.default.removeItem(at: directory) }
        var outputs: [[Data]] = []
        for run in ["a", "b"] {
            try await Self.run(
                ["empi", "dedupe", "--csv", "people.csv", "--mapping", "mapping.json", "--out", "\(run).csv"],
                in: directory, status: 1)
            outputs.append(
                try ["\(run).csv", "\(run).clusters.csv"].map { try Data(contentsOf: directory.appendingPathComponent($0)) })
        }
        #expect(outputs[0][0].count > 100 && outputs[0][1].count > 100)
        #expect(outputs[0] == outputs[1])
    }

    @Test("link-files writes only pairs across the two files, plus clusters over both")
    func linkFiles() async throws {
        let (directory, population) = try await Self.setUp(persons: 80)
        let csv = population.csv().split(separator: "\n", omittingEmptySubsequences: false)
        let header = csv[0]
        let rows = csv.dropFirst().filter { !$0.isEmpty }
        let left = ([header] + rows.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)).joined(separator: "\n")
        let right = ([header] + rows.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)).joined(separator: "\n")
        try left.write(to: directory.appendingPathComponent("left.csv"), atomically: true, encoding: .utf8)
        try right.write(to: directory.appendingPathComponent("right.csv"), atomically: true, encoding: .utf8)
        try await Self.run(
            ["empi", "link-files", "--left", "left.csv", "--right", "right.csv", "--mapping", "mapping.json", "--out", "x.csv"],
            in: directory, status: 1)
        let leftIDs = Set(population.records.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.id))
        let pairs = try Self.decisions(directory.appendingPathComponent("x.csv"))
        #expect(!pairs.isEmpty)
        for pair in pairs {
            let ids = pair.split(separator: ",")
            #expect(leftIDs.contains(String(ids[0])) && !leftIDs.contains(String(ids[1])))
        }
        let clusters = try String(contentsOf: directory.appendingPathComponent("x.clusters.csv"), encoding: .utf8)
        #expect(clusters.split(separator: "\n").count == population.records.count + 1)
    }
}
