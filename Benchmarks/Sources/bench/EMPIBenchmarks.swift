import Foundation
import HealthCardCore

/// EMPI figures of issue 8 item 8 and empi.md §5.4: scored pairs per second (1 and 2 threads),
/// batch dedupe of about a million generated records with accuracy and trap counts, one record
/// against the million-record index (p50/p95), and the persistent SQLite index: ingest rate and
/// feed latency. Sizes: `EMPI_BENCH_PERSONS` (default 486,000 persons ≈ 1 M records) and
/// `EMPI_BENCH_INDEX_RECORDS` (default 100,000) bound the run.
enum EMPIBenchmarks {
    static let today = CalendarDate(year: 2026, month: 1, day: 1)!

    static func environment(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
    }

    static func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try body()
        return (value, seconds(start.duration(to: clock.now)))
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    static func run() async throws {
        let normalizer = Normalizer(today: today)
        var rows: [[String]] = [["measure", "result"]]

        // Scoring throughput on a 100k-person population (≈ 200k records), model fixed.
        let small = SyntheticPopulation(seed: 7, options: .init(persons: 100_000))
        for threads in [1, 2] {
            let result = Deduplicator(normalizer: normalizer, estimator: nil, threads: threads).run(small.records)
            let scoring = result.timings.first { $0.stage == "scoring" }!.seconds
            rows.append([
                "scored pairs/s, \(threads) thread(s) (\(result.blocking.candidatePairs) pairs of \(small.records.count) records)",
                format(Double(result.blocking.candidatePairs) / scoring),
            ])
        }

        // Batch dedupe of ≈ 1 M records, estimation included; accuracy at auto-link.
        let persons = environment("EMPI_BENCH_PERSONS", 486_000)
        let (population, generation) = time { SyntheticPopulation(seed: 2026, options: .init(persons: persons)) }
        let records = population.records
        let (result, dedupe) = time { Deduplicator(normalizer: normalizer, threads: 2).run(records) }
        let metrics = LinkageMetrics(result: result, population: population)
        rows.append(["records generated (\(population.personCount) persons)", "\(records.count) in \(String(format1: generation)) s"])
        rows.append([
            "batch dedupe, estimation included",
            "\(String(format1: dedupe)) s ("
                + result.timings.map { "\($0.stage) \(String(format1: $0.seconds))" }.joined(separator: ", ") + ")",
        ])
        rows.append([
            "precision / recall / F1 at auto-link",
            String(format: "%.5f / %.5f / %.5f", metrics.pairwise.precision, metrics.pairwise.recall, metrics.pairwise.f1),
        ])
        rows.append(["twin / guardian pairs auto-linked", "\(metrics.twinAutoLinks) / \(metrics.guardianAutoLinks)"])
        rows.append(["twin / guardian persons merged", "\(metrics.twinMerged) / \(metrics.guardianMerged)"])
        rows.append([
            "review pairs (true)", "\(metrics.reviewPairs) (\(metrics.reviewTrueMatches))",
        ])

        // One record against the index of all those records (persons = clusters), 1,000 queries.
        let (matcher, build) = time {
            RecordMatcher(
                normalized: result.normalized, persons: result.clusterOfRecord,
                termFrequencies: TermFrequencies(records: result.normalized), scorer: Scorer(model: result.model),
                normalizer: normalizer)
        }
        let queries = SyntheticPopulation(seed: 99, options: .init(persons: 600)).records.prefix(500)
            + records.enumerated().filter { $0.offset % (records.count / 500) == 0 }.map(\.element).prefix(500)
        var latencies: [Double] = []
        for query in queries {
            let (_, elapsed) = time { matcher.match(query) }
            latencies.append(elapsed * 1_000)
        }
        latencies.sort()
        rows.append([
            "one record vs \(records.count)-record index (\(latencies.count) queries; build \(String(format1: build)) s)",
            String(format: "p50 %.3f ms, p95 %.3f ms, max %.3f ms", percentile(latencies, 0.5), percentile(latencies, 0.95), latencies.last!),
        ])

        rows += try persistentIndex(records, normalizer: normalizer)
        printTable("EMPI", rows)
    }

    /// `bench empi-index`: only the persistent index, on a population of its own (quicker to profile).
    static func runIndex() async throws {
        let normalizer = Normalizer(today: today)
        let count = environment("EMPI_BENCH_INDEX_RECORDS", 100_000)
        let population = SyntheticPopulation(seed: 2026, options: .init(persons: count * 55 / 100))
        printTable("EMPI persistent index", [["measure", "result"]] + (try persistentIndex(population.records, normalizer: normalizer)))
    }

    /// The persistent index figures (`EMPIIndexBenchmarks`).
    static func persistentIndex(_ records: [PersonRecord], normalizer: Normalizer) throws -> [[String]] {
        try EMPIIndexBenchmarks.run(records, normalizer: normalizer)
    }

    /// `bench empi-twins`: the batch dedupe at full size, printing every twin pair that ends in
    /// one cluster with the records and auto-link pairs that joined them (a diagnostic).
    static func runTwins() async throws {
        let normalizer = Normalizer(today: today)
        let persons = environment("EMPI_BENCH_PERSONS", 486_000)
        let population = SyntheticPopulation(seed: 2026, options: .init(persons: persons))
        let records = population.records
        let result = Deduplicator(normalizer: normalizer, threads: 2).run(records)
        let truth = population.personOfRecord
        let twins = Set(population.twins.map { [$0.a, $0.b].sorted() })
        for members in result.clusters where members.count > 1 {
            let people = Set(members.map { truth[$0] })
            guard people.count > 1 else { continue }
            let sorted = people.sorted()
            let twinPairs = sorted.indices.flatMap { x in sorted[(x + 1)...].map { [sorted[x], $0] } }.filter(twins.contains)
            guard !twinPairs.isEmpty else { continue }
            print("== twins \(twinPairs) in a cluster of \(members.count) records")
            for record in members {
                let r = records[record]
                print("  [\(record)] person \(truth[record]) \(r.fullName ?? "-") \(r.birthDate ?? "-") sex \(r.sex ?? "-") ids \(r.identifiers.map(\.value)) phone \(r.phone ?? "-") \(r.addressLines)")
            }
            let set = Set(members)
            for pair in result.pairs where set.contains(pair.a) && set.contains(pair.b) && pair.decision == .autoLink {
                print(String(format: "  pair %d-%d weight %.1f rule %@ vetoes %@ (%@)", pair.a, pair.b, pair.weight,
                    "\(pair.deterministicRule.map { "\($0)" } ?? "-")", "\(pair.vetoes)",
                    truth[pair.a] == truth[pair.b] ? "true" : "FALSE"))
                if truth[pair.a] != truth[pair.b] {
                    let explanation = Scorer(model: result.model).explain(
                        records[pair.a], result.normalized[pair.a], records[pair.b], result.normalized[pair.b])
                    for field in explanation.fields where field.weight != 0 || field.rawA != nil || field.rawB != nil {
                        print("    \(field.field.rawValue) \(field.level) \(field.rawA ?? "-") | \(field.rawB ?? "-") \(String(format: "%+.1f", field.weight))")
                    }
                    print("    prior \(explanation.prior.weight) vetoes \(explanation.vetoes)")
                }
            }
        }
    }
}
