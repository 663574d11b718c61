import ArgumentParser
import Foundation
import HealthCardCore

/// The `hcard empi` batch modes: no database, ``Deduplicator`` over one or two files.
extension EMPICommand {
    /// Options shared by the batch modes.
    struct BatchOptions: ParsableArguments {
        @Option(help: "The JSON column mapping.") var mapping: String
        @Option(help: "Where to write the pairs: id_a,id_b,match_probability,decision.") var out: String
        @Option(help: "Where to write the clusters: record_id,person (default: OUT with .clusters.csv).")
        var clusters: String?
        @Option(help: "A MatchModel JSON file (default: the built-in model, as a new index uses).")
        var model: String?
        @Flag(help: "Estimate m, u and λ from the data first (no labels needed); prints the chosen values.")
        var estimate = false
        @Option(help: "With --estimate: write the estimated model (a MatchModel JSON file for --model).")
        var saveModel: String?
        @Flag(help: "Print a summary as JSON.") var json = false

        func deduplicator() throws -> Deduplicator {
            let matchModel = try model.map { try decodeJSONFile(MatchModel.self, at: $0, what: "not a match model") } ?? .default
            return Deduplicator(model: matchModel, estimator: estimate ? Estimator() : nil)
        }

        /// Where the clusters go: --clusters, or OUT with `.clusters.csv`.
        var clustersPath: String {
            clusters ?? (out.hasSuffix(".csv") ? String(out.dropLast(4)) : out) + ".clusters.csv"
        }

        /// Refuses, before any work, outputs that are inputs (`--csv p.csv --out p.csv`) or each other.
        func refuseOverwritingInputs(_ inputs: [String]) throws {
            let inputs: [String?] = inputs.map { $0 } + [mapping, model]
            if saveModel != nil && !estimate { throw ValidationError("--save-model needs --estimate") }
            if let saveModel { try AtomicFile.refuseOverwritingInput(saveModel, inputs: inputs + [out, clustersPath]) }
            try AtomicFile.refuseOverwritingInput(out, inputs: inputs)
            try AtomicFile.refuseOverwritingInput(clustersPath, inputs: inputs + [out])
            if clustersPath == out { throw ValidationError("--clusters is the same file as --out (\(out))") }
        }

        /// Writes both files and the summary; exit 1 when any line had a problem.
        func finish(_ result: Deduplicator.Result, records: [PersonRecord], issues: [RecordIssue]) throws {
            try AtomicFile.write(Array(result.pairsCSV(records: records).utf8), to: out)
            try AtomicFile.write(Array(result.clustersCSV(records: records).utf8), to: clustersPath)
            if let estimation = result.estimation {
                if let saveModel {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    try AtomicFile.write(Array(try encoder.encode(estimation.model)) + [0x0A], to: saveModel)
                }
                // The chosen values go to standard error, so --json output stays one document.
                FileHandle.standardError.write(Data(("estimated model:\n" + estimation.summary + "\n").utf8))
            }
            let summary = Summary(
                records: records.count, pairs: result.pairs.count,
                autoLinks: result.pairs.filter { $0.decision == .autoLink }.count,
                reviews: result.pairs.filter { $0.decision == .review }.count, persons: result.clusters.count,
                candidatePairs: result.blocking.candidatePairs, problems: issues.count, pairsFile: out,
                clustersFile: clustersPath)
            if json {
                try printJSON(summary)
            } else {
                print(
                    "\(summary.records) records, \(summary.candidatePairs) candidate pairs: \(summary.autoLinks) auto-link, "
                        + "\(summary.reviews) review; \(summary.persons) persons; \(summary.problems) problems")
                print("pairs:    \(out)\nclusters: \(clustersPath)")
            }
            if !issues.isEmpty { throw ExitCode(1) }
        }

        struct Summary: Encodable {
            let records: Int
            let pairs: Int
            let autoLinks: Int
            let reviews: Int
            let persons: Int
            let candidatePairs: Int
            let problems: Int
            let pairsFile: String
            let clustersFile: String
        }
    }

    struct Dedupe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find duplicate records in one CSV file (no database).",
            discussion: """
                Writes every auto-link and review pair and a clusters file. With the same model \
                (default: the built-in one) the decisions are those `hcard empi ingest` takes into an \
                empty index. Problems are printed as FILE:LINE; exit 1 if there were any.

                Examples:
                  hcard empi dedupe --csv patients.csv --mapping mapping.json --out pairs.csv
                  hcard empi dedupe --csv patients.csv --mapping mapping.json --out pairs.csv --estimate --json
                """)

        @Option(help: "The CSV file (header first).") var csv: String
        @OptionGroup var options: BatchOptions

        func run() throws {
            try options.refuseOverwritingInputs([csv])
            let input = try EMPICommand.read(csv: csv, mapping: options.mapping)
            let result = try options.deduplicator().run(input.records)
            let issues = input.issues + result.issues
            EMPICommand.report(issues, file: csv)
            try options.finish(result, records: input.records, issues: issues)
        }
    }

    struct LinkFiles: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "link-files",
            abstract: "Link the records of two CSV files (no database); only pairs across the files are written.",
            discussion: """
                Both files are read with --mapping unless --right-mapping is given. The clusters file \
                covers the records of both files.

                Example:
                  hcard empi link-files --left a.csv --right b.csv --mapping mapping.json --out pairs.csv
                """)

        @Option(help: "The first CSV file.") var left: String
        @Option(help: "The second CSV file.") var right: String
        @Option(help: "The mapping of the second file, when it differs.") var rightMapping: String?
        @OptionGroup var options: BatchOptions

        func run() throws {
            try options.refuseOverwritingInputs([left, right] + [rightMapping].compactMap { $0 })
            let a = try EMPICommand.read(csv: left, mapping: options.mapping)
            let b = try EMPICommand.read(csv: right, mapping: rightMapping ?? options.mapping)
            let result = try options.deduplicator().link(a.records, b.records)
            // Normaliser issues name a record and its line; attribute them to the file that holds it.
            let leftKeys = Set(a.records.map { "\($0.line ?? 0):\($0.id)" })
            let fromLeft = result.issues.filter { leftKeys.contains("\($0.line ?? 0):\($0.recordID ?? "")") }
            let leftIssues = a.issues + fromLeft
            let rightIssues = b.issues + result.issues.filter { !fromLeft.contains($0) }
            EMPICommand.report(leftIssues, file: left)
            EMPICommand.report(rightIssues, file: right)
            try options.finish(result, records: a.records + b.records, issues: leftIssues + rightIssues)
        }
    }
}
