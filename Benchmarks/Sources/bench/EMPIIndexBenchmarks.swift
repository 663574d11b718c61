import Foundation
import GRDB
import HealthCardCore

/// The persistent index (issue 18 item 6): bulk ingest of N records into an empty index
/// (`EMPI_BENCH_INDEX_RECORDS`, default 100,000), then 500 single-record feeds into it.
///
/// Anchors, measured in the same run on the same machine: the rows the ingest wrote (records,
/// cross-index entries, persons, links, reviews, events) copied into an empty index file by plain
/// prepared INSERTs of 64 rows each in one transaction — what SQLite alone costs for that ingest —
/// and, for the
/// feed, a transaction that writes one record's rows (record, identifiers, person, link, event),
/// the floor of any durable single-record write. Each figure is printed with its ratio to the anchor.
enum EMPIIndexBenchmarks {
    static func run(_ records: [PersonRecord], normalizer: Normalizer) throws -> [[String]] {
        var rows: [[String]] = []
        let indexRecords = EMPIBenchmarks.environment("EMPI_BENCH_INDEX_RECORDS", 100_000)
        let stored = Array(records.prefix(indexRecords))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("empi-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("index.sqlite").path
        let index = try PatientIndex(path: path, normalizer: normalizer)
        try index.registerDomain(IdentifierDomain(code: PatientIdentifier.citizenIDDomain, type: .citizenID))
        for domain in SyntheticPopulation.domains {
            try index.registerDomain(IdentifierDomain(code: domain, type: .visitCard))
            try index.registerDomain(IdentifierDomain(code: domain + "-card", type: .visitCard))
        }
        let cpuBefore = processCPUSeconds()
        let (summary, ingest) = try EMPIBenchmarks.time { try index.ingest(stored) }
        let ingestCPU = processCPUSeconds() - cpuBefore
        let fileMB = [path, path + "-wal"].map {  // what the commit wrote: the WAL, then the checkpoint into the file
            Double((try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0) / 1e6 }
        let rawCPUBefore = processCPUSeconds()
        let (copied, raw) = try rawCopy(from: path, to: directory.appendingPathComponent("anchor.sqlite").path)
        let rawCPU = processCPUSeconds() - rawCPUBefore  // includes reading the rows out
        rows.append([
            "persistent index: ingest \(stored.count) records into an empty index (one transaction)",
            "\(String(format1: ingest)) s, **\(format(Double(stored.count) / ingest)) records/s** (CPU \(String(format1: ingestCPU)) s on all threads); \(summary.newPersons) persons, \(summary.reviewItems) reviews; file \(String(format1: fileMB[0])) MB, WAL \(String(format1: fileMB[1])) MB",
        ])
        rows.append([
            "anchor: the same \(copied) rows by plain prepared INSERTs (64 rows each), one transaction",
            "\(String(format1: raw)) s (\(format(Double(stored.count) / raw)) records/s; CPU \(String(format1: rawCPU)) s with reading them); ingest / anchor = \(String(format1: ingest / raw))",
        ])

        let (_, open) = try EMPIBenchmarks.time { try index.match(records[indexRecords]) }  // builds the matcher from the file
        var feeds: [Double] = []
        var feedCPU: [Double] = []
        for record in records[(indexRecords + 1)..<(indexRecords + 501)] {
            let cpu = threadCPUSeconds()
            let (_, elapsed) = try EMPIBenchmarks.time { try index.feed(record) }
            feedCPU.append((threadCPUSeconds() - cpu) * 1_000)
            feeds.append(elapsed * 1_000)
        }
        feeds.sort()
        feedCPU.sort()
        // Reading back: a person with its links, whose explanations are built from the stored
        // evidence when read (since the tenth session; before, expanded from their stored text).
        var reads: [Double] = []
        for record in stored.prefix(1_000) {
            let person = try index.personOf(RecordReference(domain: record.domain, id: record.id))
            let (_, elapsed) = try EMPIBenchmarks.time { try index.person(person) }
            reads.append(elapsed * 1_000)
        }
        reads.sort()
        let floor = try singleRecordWrites(path: directory.appendingPathComponent("anchor.sqlite").path, count: 500)
        rows.append([
            "persistent index: feed one record (500 feeds; matcher rebuilt from the file in \(String(format1: open)) s)",
            String(
                format: "**p50 %.2f ms, p95 %.2f ms**, max %.2f ms; CPU time of the feeding thread p50 %.2f ms, p95 %.2f ms",
                EMPIBenchmarks.percentile(feeds, 0.5), EMPIBenchmarks.percentile(feeds, 0.95), feeds.last!,
                EMPIBenchmarks.percentile(feedCPU, 0.5), EMPIBenchmarks.percentile(feedCPU, 0.95)),
        ])
        rows.append([
            "persistent index: read one person with its links and their explanations (1,000 reads)",
            String(
                format: "p50 %.2f ms, p95 %.2f ms", EMPIBenchmarks.percentile(reads, 0.5), EMPIBenchmarks.percentile(reads, 0.95)),
        ])
        rows.append([
            "anchor: one record's rows in one transaction (500 writes, same file settings)",
            String(
                format: "p50 %.2f ms, p95 %.2f ms; feed p95 / anchor p95 = %.1f", EMPIBenchmarks.percentile(floor, 0.5),
                EMPIBenchmarks.percentile(floor, 0.95), EMPIBenchmarks.percentile(feeds, 0.95) / EMPIBenchmarks.percentile(floor, 0.95)),
        ])
        return rows
    }

    /// User + system CPU seconds of this process so far (all threads): a figure the other
    /// processes on a shared machine do not inflate, unlike wall time.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// CPU seconds of the calling thread (a feed runs on it: GRDB's writes are synchronous): how
    /// much work a feed is, apart from the time other processes hold the cores.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The tables an ingest writes, in insertion order (foreign keys: domains before records,
    /// persons before links).
    static let tables = ["domain", "person", "record", "identifier", "link", "review", "event"]

    /// Copies every row an ingest wrote into an empty index file (same schema, same connection
    /// settings) with cached multi-row INSERTs (64 rows each, the ingest's batch size), in one
    /// transaction; returns the row count and the
    /// seconds the inserts took (reading them out of the first file excluded).
    static func rawCopy(from source: String, to target: String) throws -> (rows: Int, seconds: Double) {
        let reader = try DatabaseQueue(path: source)
        var content: [(table: String, columns: [String], rows: [[DatabaseValue]])] = []
        try reader.read { db in
            for table in tables {
                let columns = try db.columns(in: table).map(\.name)
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { row in columns.map { row[$0] as DatabaseValue } }
                content.append((table, columns, rows))
            }
        }
        try reader.close()
        _ = try PatientIndex(path: target)  // the schema, created by the index itself
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.foreignKeysEnabled = true
        let pool = try DatabasePool(path: target, configuration: configuration)
        let ((), seconds) = try EMPIBenchmarks.time {
            try pool.write { db in
                try db.execute(sql: "PRAGMA cache_size = \(PatientIndex.ingestCacheSize)")  // as the ingest
                for (table, columns, rows) in content {
                    // 64 rows to a statement, as the ingest writes its cross-index entries, links and events.
                    let values = "(" + columns.map { _ in "?" }.joined(separator: ", ") + ")"
                    for start in stride(from: 0, to: rows.count, by: 64) {
                        let chunk = rows[start..<min(rows.count, start + 64)]
                        let insert = try db.cachedStatement(
                            sql: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                                + Array(repeating: values, count: chunk.count).joined(separator: ", "))
                        // Bound as the ingest's `BatchedInsert` binds its rows, so the anchor stays its floor.
                        insert.setUncheckedArguments(StatementArguments(chunk.joined().map { $0 as (any DatabaseValueConvertible)? }))
                        try insert.execute()
                    }
                }
            }
        }
        return (content.reduce(0) { $0 + $1.rows.count }, seconds)
    }

    /// `count` transactions into the anchor file, each writing the rows of one new record as a feed
    /// does (a person, the record, two cross-index entries, the link, an event): milliseconds each.
    static func singleRecordWrites(path: String, count: Int) throws -> [Double] {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.foreignKeysEnabled = true
        let pool = try DatabasePool(path: path, configuration: configuration)
        let data = String(repeating: "x", count: 400)
        var times: [Double] = []
        for number in 0..<count {
            let (_, elapsed) = try EMPIBenchmarks.time {
                try pool.write { db in
                    try db.cachedStatement(sql: "INSERT INTO person (status, golden, created) VALUES ('active', ?, 'now')").execute(
                        arguments: [data])
                    let person = db.lastInsertedRowID
                    try db.cachedStatement(
                        sql: "INSERT INTO record (domain, localId, data, version, created, updated) VALUES ('citizen-id', ?, ?, 1, 'now', 'now')"
                    ).execute(arguments: ["anchor-\(number)", data])
                    let record = db.lastInsertedRowID
                    let identifier = try db.cachedStatement(sql: "INSERT INTO identifier (domain, value, record) VALUES ('citizen-id', ?, ?)")
                    try identifier.execute(arguments: ["anchor-\(number)", record])
                    try identifier.execute(arguments: ["anchor-id-\(number)", record])
                    try db.cachedStatement(
                        sql: "INSERT INTO link (record, person, provenance, time, actor) VALUES (?, ?, 'auto', 'now', 'anchor')"
                    ).execute(arguments: [record, person])
                    try db.cachedStatement(
                        sql: "INSERT INTO event (kind, person, payload, actor, time) VALUES ('register', ?, '{}', 'anchor', 'now')"
                    ).execute(arguments: [person])
                }
            }
            times.append(elapsed * 1_000)
        }
        return times.sorted()
    }
}
