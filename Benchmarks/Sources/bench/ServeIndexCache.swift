import Foundation
import GRDB
import HealthCardCore

/// The serve benchmark's big EMPI index: `SyntheticPopulation(seed:, persons:)` ingested into a
/// `PatientIndex` file by the library's own bulk ingest (`PatientIndex.ingest`, the path
/// `hcard empi ingest` takes), kept between runs under `Benchmarks/.build/serve-bench/`, one
/// folder per seed and size, so that only the first run pays for it (about 2 records per person;
/// a million persons is about 2 M records and some minutes of ingest).
///
/// The folder is built under a temporary name and renamed when the index is closed, so a run
/// interrupted while building leaves no folder that a later run would take for finished.
enum ServeIndexCache {
    static let root = ServeNode.repositoryRoot.appendingPathComponent("Benchmarks/.build/serve-bench")

    /// The cached index file for `seed` and `persons`, built first if it is missing.
    static func index(seed: UInt64, persons: Int) throws -> (path: String, built: Double?) {
        let folder = root.appendingPathComponent("index-s\(seed)-p\(persons)")
        let path = folder.appendingPathComponent("index.sqlite").path
        if FileManager.default.fileExists(atPath: path) {
            // Opened for writing once, so that a cache built by an older version is migrated
            // (the benchmark's read-only opens refuse a file that needs it).
            _ = try PatientIndex(path: path)
            return (path, nil)
        }
        let building = root.appendingPathComponent("index-s\(seed)-p\(persons).building-\(getpid())")
        try? FileManager.default.removeItem(at: building)
        try FileManager.default.createDirectory(at: building, withIntermediateDirectories: true)
        let clock = ContinuousClock()
        let start = clock.now
        print("(building the \(persons)-person index in \(folder.path): once per seed and size)")
        let population = SyntheticPopulation(seed: seed, options: .init(persons: persons))
        print("  \(population.records.count) records generated after \(pretty(start.duration(to: clock.now)))")
        do {
            let index = try PatientIndex(path: building.appendingPathComponent("index.sqlite").path)
            try registerDomains(index)
            let summary = try index.ingest(population.records, actor: "bench") { done, total in
                if done % 200_000 == 0 && done > 0 { print("  checked \(done) of \(total) records") }
            }
            print(
                "  ingested: \(summary.registered) records, \(summary.newPersons) persons, \(summary.reviewItems) reviews, "
                    + "\(summary.rejected) rejected, after \(pretty(start.duration(to: clock.now)))")
        }  // the index is closed here: SQLite checkpoints the WAL into the file
        try FileManager.default.moveItem(at: building, to: folder)
        return (path, seconds(start.duration(to: clock.now)))
    }

    /// The domains the synthetic records use: citizen IDs, and each source with its card numbers.
    static func registerDomains(_ index: PatientIndex) throws {
        try index.registerDomain(IdentifierDomain(code: PatientIdentifier.citizenIDDomain, type: .citizenID))
        for domain in SyntheticPopulation.domains {
            try index.registerDomain(IdentifierDomain(code: domain, type: .visitCard))
            try index.registerDomain(IdentifierDomain(code: domain + "-card", type: .visitCard))
        }
    }

    /// The same domains as request bodies for `POST /v1/empi/domains`.
    static var domainBodies: [String] {
        ["{\"code\":\"\(PatientIdentifier.citizenIDDomain)\",\"type\":\"citizen-id\"}"]
            + SyntheticPopulation.domains.flatMap { domain in
                ["{\"code\":\"\(domain)\",\"type\":\"visit-card\"}", "{\"code\":\"\(domain)-card\",\"type\":\"visit-card\"}"]
            }
    }

    /// `count` (domain, value) pairs of the file's cross-index, drawn with a fixed seed: what a
    /// hospital would ask PIX about (its own record numbers, card numbers and citizen IDs).
    static func sampleIdentifiers(path: String, count: Int, seed: UInt64) throws -> [(domain: String, value: String)] {
        try draw(path: path, table: "identifier", columns: "domain, value", count: count, seed: seed) { row in
            (domain: row["domain"], value: row["value"])
        }
    }

    /// `count` of the file's records with a valid name, birth date and sex, drawn with a fixed
    /// seed: what a registration desk would ask PDQ about.
    static func sampleDemographics(path: String, count: Int, seed: UInt64) throws -> [PersonRecord] {
        let decoder = JSONDecoder()
        return try draw(path: path, table: "record", columns: "data", count: count, seed: seed) { row in
            let record = try decoder.decode(PersonRecord.self, from: Data((row["data"] as String).utf8))
            // Only records whose name, date and sex are each a valid criterion (the synthetic
            // population writes some dates malformed on purpose).
            guard record.fullName != nil, record.birthDate != nil, record.sex != nil,
                (try? DemographicFilter(name: record.fullName, birthDate: record.birthDate, sex: record.sex)) != nil
            else { return nil }
            return record
        }
    }

    /// `columns` of `table`'s rows at rowids drawn with a fixed seed, until `take` has kept `count`.
    static func draw<T>(
        path: String, table: String, columns: String, count: Int, seed: UInt64, _ take: (Row) throws -> T?
    ) throws -> [T] {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration).read { db in
            let highest = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM \(table)") ?? 0
            var generator = SeededGenerator(seed: seed)
            var kept: [T] = []
            let statement = try db.makeStatement(sql: "SELECT \(columns) FROM \(table) WHERE rowid = ?")
            while kept.count < count && highest > 0 {
                let rowid = 1 + Int64(generator.int(below: Int(highest)))
                if let row = try Row.fetchOne(statement, arguments: [rowid]), let value = try take(row) { kept.append(value) }
            }
            return kept
        }
    }
}
