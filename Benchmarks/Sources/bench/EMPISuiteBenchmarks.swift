import Foundation
import HealthCardCore

/// Issue 18's side-by-side run: generates the suites (the Chinese population with its failure
/// classes, the romanised population deduplicated and linked as two files), writes them as CSV
/// with their mappings and truth, runs our matcher on them (built-in model and estimation) and,
/// when `python3` has Splink, `Benchmarks/splink_suites.py` on the same files in the same run.
/// Prints per suite and linker: precision, recall, F1 at auto-link (Splink: p ≥ 0.99), blocking
/// recall (pair completeness), candidate pairs, trap record pairs linked and wall time.
/// `EMPI_SUITE_PERSONS` (default 10,000) sizes each suite; `EMPI_SUITE_DIR` keeps the files;
/// `EMPI_SUITE_SPLINK=0` leaves Splink out; `EMPI_SUITE_MISSES` adds the classes of the true pairs
/// not auto-linked and of the false links. Blocking per rule is always printed.
enum EMPISuiteBenchmarks {
    struct Suite {
        let name: String
        let left: [PersonRecord]
        let right: [PersonRecord]?
        let truthLeft: [Int]
        let truthRight: [Int]
        let mapping: FieldMapping
        let csvLeft: String
        let csvRight: String?
        /// Person pairs that are traps (twins, mother and child, namesakes).
        let traps: [SyntheticPopulation.PersonPair]
    }

    static func suites(persons: Int) -> [Suite] {
        let chinese = SyntheticPopulation(seed: 2026, options: .init(persons: persons))
        let romanised = RomanisedPopulation(seed: 2026, persons: persons)
        let (left, right) = romanised.split()
        let pick = { (indices: [Int]) in indices.map { romanised.records[$0] } }
        let truth = { (indices: [Int]) in indices.map { romanised.personOfRecord[$0] } }
        return [
            Suite(
                name: "cn-dedupe", left: chinese.records, right: nil, truthLeft: chinese.personOfRecord, truthRight: [],
                mapping: SyntheticPopulation.mapping, csvLeft: chinese.csv(), csvRight: nil,
                traps: chinese.twins + chinese.guardians + chinese.sameNameBirthDate),
            Suite(
                name: "rom-dedupe", left: romanised.records, right: nil, truthLeft: romanised.personOfRecord,
                truthRight: [], mapping: RomanisedPopulation.mapping, csvLeft: romanised.csv(), csvRight: nil,
                traps: romanised.sameNameBirthDate),
            Suite(
                name: "rom-link", left: pick(left), right: pick(right), truthLeft: truth(left), truthRight: truth(right),
                mapping: RomanisedPopulation.mapping,
                csvLeft: RomanisedPopulation.csv(records: pick(left), truth: truth(left)),
                csvRight: RomanisedPopulation.csv(records: pick(right), truth: truth(right)),
                traps: romanised.sameNameBirthDate),
        ]
    }

    static func run() async throws {
        let persons = EMPIBenchmarks.environment("EMPI_SUITE_PERSONS", 10_000)
        let directory = URL(
            fileURLWithPath: ProcessInfo.processInfo.environment["EMPI_SUITE_DIR"]
                ?? NSTemporaryDirectory() + "empi-suites-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let normalizer = Normalizer(today: EMPIBenchmarks.today)
        let verbose = ProcessInfo.processInfo.environment["EMPI_SUITE_MISSES"] != nil
        var rows: [[String]] = [
            ["suite", "linker", "records", "precision", "recall", "F1", "blocking recall", "candidates", "trap links", "time s"]
        ]
        for suite in suites(persons: persons) {
            try suite.csvLeft.write(to: directory.appendingPathComponent(suite.name + ".csv"), atomically: true, encoding: .utf8)
            if let right = suite.csvRight {
                try right.write(to: directory.appendingPathComponent(suite.name + "-right.csv"), atomically: true, encoding: .utf8)
            }
            try JSONEncoder().encode(suite.mapping).write(to: directory.appendingPathComponent(suite.name + ".mapping.json"))
            try (["person_a,person_b"] + suite.traps.map { "\($0.a),\($0.b)" }).joined(separator: "\n")
                .write(to: directory.appendingPathComponent(suite.name + ".traps.csv"), atomically: true, encoding: .utf8)
            for estimate in [false, true] {
                let deduplicator = Deduplicator(normalizer: normalizer, estimator: estimate ? Estimator() : nil, threads: 2)
                let records = suite.left + (suite.right ?? [])
                let truth = suite.truthLeft + suite.truthRight
                let (result, elapsed) = EMPIBenchmarks.time { deduplicator.run(records, truth: truth) }
                let across = { (pair: Deduplicator.Pair) in suite.right == nil || (pair.a < suite.left.count) != (pair.b < suite.left.count) }
                var tp = 0
                var fp = 0
                var trapLinks = 0
                let trapSet = Set(suite.traps.map { [min($0.a, $0.b), max($0.a, $0.b)] })
                for pair in result.pairs where pair.decision == .autoLink && across(pair) {
                    let (x, y) = (truth[pair.a], truth[pair.b])
                    if x == y { tp += 1 } else { fp += 1 }
                    if trapSet.contains([min(x, y), max(x, y)]) { trapLinks += 1 }
                }
                var sizes: [Int: (Int, Int)] = [:]
                for (index, person) in truth.enumerated() {
                    let inLeft = index < suite.left.count
                    sizes[person, default: (0, 0)].0 += inLeft ? 1 : 0
                    sizes[person, default: (0, 0)].1 += inLeft ? 0 : 1
                }
                let truePairs = sizes.values.reduce(0) { total, size in
                    suite.right == nil ? total + (size.0 * (size.0 - 1)) / 2 : total + size.0 * size.1
                }
                let precision = tp + fp == 0 ? 1 : Double(tp) / Double(tp + fp)
                let recall = Double(tp) / Double(max(truePairs, 1))
                let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
                if let validation = result.estimation?.validation {
                    print("\n\(suite.name) --estimate " + validation.summary)
                }
                if !estimate {
                    blockingReport(suite: suite, result: result, blocker: deduplicator.blocker, truth: truth)
                }
                if verbose {
                    missReport(suite: suite, result: result, truth: truth, across: across, label: estimate ? "--estimate" : "built-in")
                }
                rows.append([
                    suite.name, estimate ? "ours --estimate" : "ours built-in", "\(records.count)",
                    String(format: "%.5f", precision), String(format: "%.5f", recall), String(format: "%.5f", f1),
                    String(format: "%.4f", result.blocking.pairCompleteness ?? 0), "\(result.blocking.candidatePairs)",
                    "\(trapLinks)", String(format: "%.2f", elapsed),
                ])
            }
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("splink_suites.py")
        if ProcessInfo.processInfo.environment["EMPI_SUITE_SPLINK"] != "0" {
            rows += splink(script: script, directory: directory)
        }
        print("\n## EMPI suites: ours and Splink on the same files (\(persons) persons per suite; files in \(directory.path))\n")
        for (index, row) in rows.enumerated() {
            print("| " + row.joined(separator: " | ") + " |")
            if index == 0 { print("|" + String(repeating: "---|", count: row.count)) }
        }
    }

    /// Blocking per rule and for the union (issue 18 item 1): the pairs each rule's blocks propose,
    /// the true pairs among them, and the classes of the true pairs no rule proposes.
    static func blockingReport(suite: Suite, result: Deduplicator.Result, blocker: Blocker, truth: [Int]) {
        let index = CandidateIndex(records: result.normalized, blocker: blocker)
        let recall = BlockingRecall(index: index, truth: truth, leftCount: suite.right == nil ? nil : suite.left.count)
        print("\n### Blocking, \(suite.name): \(recall.truePairs) true pairs, union recall "
            + String(format: "%.4f", recall.recall) + " (\(recall.missed.count) missed)\n")
        print("| rule | cap | block pairs | true pairs reached | recall alone | overflow blocks |\n|---|---|---|---|---|---|")
        for rule in recall.rules {
            print("| \(rule.rule.rawValue) \(rule.rule.name) | \(blocker.maximumBlockSize(for: rule.rule)) | \(rule.blockPairs) | "
                + "\(rule.truePairsReached) | " + String(format: "%.4f", recall.recall(of: rule)) + " | \(rule.overflowBlocks) |")
        }
        var classes: [String: Int] = [:]
        for pair in recall.missed {
            classes[failureClass(result.normalized[pair.a], result.normalized[pair.b]), default: 0] += 1
        }
        print("\nMissed by blocking, by class (levels of name · birth date · citizen ID · card · phone · address):")
        for (name, count) in classes.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }).prefix(12) {
            print("  \(count)  \(name)")
        }
    }

    /// The true pairs (across the files, for linkage) not auto-linked, by class and veto.
    static func missReport(
        suite: Suite, result: Deduplicator.Result, truth: [Int], across: (Deduplicator.Pair) -> Bool, label: String
    ) {
        var linked = Set<RecordPair>()
        var falseLinks: [String: Int] = [:]
        var falseExamples: [String: [String]] = [:]
        let raw = suite.left + (suite.right ?? [])
        for pair in result.pairs where pair.decision == .autoLink && across(pair) {
            if truth[pair.a] == truth[pair.b] {
                linked.insert(RecordPair(pair.a, pair.b))
            } else {
                let label = failureClass(result.normalized[pair.a], result.normalized[pair.b])
                falseLinks[label, default: 0] += 1
                if falseExamples[label, default: []].count < exampleCount {
                    falseExamples[label, default: []].append(
                        describe(raw[pair.a]) + "  ~  " + describe(raw[pair.b]) + String(format: "  (W %.1f)", pair.weight))
                }
            }
        }
        let scorer = Scorer(model: result.model)
        var recordsOfPerson: [Int: [Int]] = [:]
        for (record, person) in truth.enumerated() { recordsOfPerson[person, default: []].append(record) }
        var classes: [String: Int] = [:]
        var examples: [String: [String]] = [:]
        let leftCount = suite.right == nil ? nil : suite.left.count
        for records in recordsOfPerson.values {
            for x in records.indices {
                for y in (x + 1)..<records.count {
                    let (i, j) = (records[x], records[y])
                    if let leftCount, (i < leftCount) == (j < leftCount) { continue }
                    guard !linked.contains(RecordPair(i, j)) else { continue }
                    let score = scorer.score(result.normalized[i], result.normalized[j])
                    let vetoes = score.vetoes.isEmpty ? "" : " veto " + score.vetoes.vetoes.map { $0.rawValue }.joined(separator: "+")
                    let reason = score.decision == .autoLink ? "auto-link (cluster)" : "p " + (score.probability < 0.5 ? "<0.5" : "<0.99") + vetoes
                    let label = reason + " · " + failureClass(result.normalized[i], result.normalized[j])
                    classes[label, default: 0] += 1
                    if examples[label, default: []].count < exampleCount {
                        examples[label, default: []].append(
                            describe(raw[i]) + "  ~  " + describe(raw[j]) + String(format: "  (W %.1f)", score.weight))
                    }
                }
            }
        }
        print("\nNot auto-linked, \(suite.name) \(label), by class:")
        for (name, count) in classes.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }).prefix(25) {
            print("  \(count)  \(name)")
            for example in examples[name] ?? [] { print("        " + example) }
        }
        print("False links, \(suite.name) \(label), by class:")
        for (name, count) in falseLinks.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }).prefix(10) {
            print("  \(count)  \(name)")
            for example in falseExamples[name] ?? [] { print("        " + example) }
        }
    }

    /// `EMPI_SUITE_EXAMPLES=N`: N raw record pairs printed under each class of misses (default 0).
    static let exampleCount = EMPIBenchmarks.environment("EMPI_SUITE_EXAMPLES", 0)

    /// A record's raw fields on one line, for the examples of a miss class.
    static func describe(_ record: PersonRecord) -> String {
        let name = record.fullName ?? [record.familyName, record.givenName].compactMap { $0 }.joined(separator: "|")
        let fields: [String?] = [
            name, record.birthDate, record.sex, record.identifiers.map(\.value).joined(separator: "/"), record.phone,
            record.addressLines.first, record.locality, record.postcode,
        ]
        return fields.map { $0 ?? "-" }.joined(separator: "; ")
    }

    /// The comparison levels of the identifying fields of a pair, as one label.
    static func failureClass(_ a: NormalizedRecord, _ b: NormalizedRecord) -> String {
        let levels = Comparator.levels(a, b)
        let name = levels[.nameHanzi] != 0 ? MatchField.nameHanzi.levels[levels[.nameHanzi]] : "latin:" + MatchField.nameLatin.levels[levels[.nameLatin]]
        return [name, MatchField.birthDate.levels[levels[.birthDate]], MatchField.citizenID.levels[levels[.citizenID]],
            MatchField.identifier.levels[levels[.identifier]], MatchField.phone.levels[levels[.phone]],
            MatchField.address.levels[levels[.address]]].joined(separator: " · ")
    }

    /// Runs the Splink script on the suite files; its rows, or one row saying why not.
    static func splink(script: URL, directory: URL) -> [[String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, directory.path]
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            return [["-", "Splink", "not run: \(error)"]]
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return [["-", "Splink", "not run: splink_suites.py exited \(process.terminationStatus)"]]
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard line.hasPrefix("|") else { return nil }
            return line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }
}
