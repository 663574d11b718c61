import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard empi`: the enterprise master patient index and PIX cross-index (issue 8 item 6,
/// ../shared/specs/empi.md). Thin: the index is ``PatientIndex``, the batch modes ``Deduplicator``.
struct EMPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "empi",
        abstract: "Patient identity: a persistent EMPI/PIX index, explained matching, batch linkage.",
        discussion: """
            The index is one SQLite file. Register every identifier domain first (unknown domains \
            are rejected), then ingest CSV files through a JSON column mapping. Decisions use \
            Fellegi-Sunter scores with two thresholds (auto-link p ≥ 0.99, review ≥ 0.5) and come \
            with explanations. See Docs/empi.md.

            Examples:
              hcard empi init idx.db
              hcard empi domain add --db idx.db --code citizen-id --type citizen-id --oid 2.16.156.1
              hcard empi domain add --db idx.db --code hosp-a --type visit-card --trust 2
              hcard empi ingest --db idx.db --csv patients.csv --mapping mapping.json
              hcard empi query --db idx.db --domain hosp-a --id R0001 --target citizen-id
              hcard empi dedupe --csv patients.csv --mapping mapping.json --out pairs.csv
            """,
        subcommands: [
            Init.self, Domain.self, Ingest.self, Match.self, Query.self, Find.self, Link.self, Unlink.self,
            Merge.self, Unmerge.self, Review.self, Events.self, Stats.self, Explain.self, Dedupe.self, LinkFiles.self,
        ]
    )

    /// The `--db` option of every index command.
    struct IndexOptions: ParsableArguments {
        @Option(help: "The index SQLite file (created by `hcard empi init`).")
        var db: String

        /// The index at `--db`, which must exist; `mode: .readOnly` for commands that only read.
        func open(mode: StoreKind.AccessMode = .readWrite) throws -> PatientIndex {
            guard FileManager.default.fileExists(atPath: db) else {
                throw ValidationError("\(db): no such index; create it with `hcard empi init \(db)`")
            }
            return try PatientIndex(path: db, mode: mode)
        }
    }

    /// Who made a manual decision, for the link and the event.
    struct ActorOption: ParsableArguments {
        @Option(help: "Who acts (stored with the link and the event).")
        var actor = ProcessInfo.processInfo.environment["USER"] ?? "steward"
    }


    /// Reads a CSV through a mapping file, with the mapping's own errors named by file.
    /// The records of `csv` through the mapping file; records without an ID are named by `naming`.
    static func read(csv: String, mapping: String, naming: FieldMapping.LineNaming = .line) throws -> FieldMapping.Result {
        let text = String(decoding: try readFile(mapping), as: UTF8.self)
        let fieldMapping: FieldMapping
        do { fieldMapping = try FieldMapping(json: text) } catch {
            throw FileContentError(mapping, "not a field mapping", error)
        }
        return fieldMapping.read(csv: String(decoding: try readFile(csv), as: UTF8.self), naming: naming)
    }

    /// Prints each issue as `FILE:LINE (record) field: message` on standard error.
    static func report(_ issues: [RecordIssue], file: String) {
        for issue in issues {
            printError(
                issue.line.map { line in
                    // "line 7 (R1) field: …" → "FILE:7: (R1) field: …"; "line 7: …" → "FILE:7: …".
                    let rest = issue.description.dropFirst("line \(line)".count)
                    return "\(file):\(line):" + (rest.hasPrefix(":") ? rest.dropFirst() : rest)
                } ?? "\(file): \(issue)")
        }
    }

    static func record(_ text: String) throws -> RecordReference {
        guard let reference = RecordReference(text) else {
            throw ValidationError("'\(text)': expected DOMAIN:RECORD-ID")
        }
        return reference
    }

    // MARK: init, domain

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an index file; its scoring model is fixed at creation.",
            discussion: """
                Example:
                  hcard empi init idx.db
                  hcard empi init idx.db --model model.json    # partial MatchModel JSON, see Docs/empi.md
                """)

        @Argument(help: "The SQLite file to create.")
        var db: String

        @Option(help: "A MatchModel JSON file (every key optional; defaults otherwise).")
        var model: String?

        func run() throws {
            guard !FileManager.default.fileExists(atPath: db) else { throw ValidationError("\(db) already exists") }
            let matchModel = try model.map { try decodeJSONFile(MatchModel.self, at: $0, what: "not a match model") }
            _ = try PatientIndex(path: db, model: matchModel)
            print("created \(db)")
        }
    }

    struct Domain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register and list identifier domains (assigning authorities).",
            discussion: """
                Examples:
                  hcard empi domain add --db idx.db --code hosp-a --type visit-card
                  hcard empi domain list --db idx.db --json
                """,
            subcommands: [Add.self, List.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add or update a domain.",
                discussion: """
                    Types: \(IdentifierDomain.DomainType.allCases.map(\.rawValue).joined(separator: ", ")). \
                    A citizen-id domain validates GB 11643 unless --validator none.

                    Example:
                      hcard empi domain add --db idx.db --code hosp-a --name "A 医院" --type visit-card \\
                        --oid 1.2.156.999.1 --uniqueness unique --trust 2
                    """)

            @OptionGroup var index: IndexOptions
            @Option(help: "The short code records use (no ':' or spaces).") var code: String
            @Option(help: "Display name.") var name: String?
            @Option(help: "The domain's OID.") var oid: String?
            @Option(help: "The identifier type.") var type = "other"
            @Option(help: "gb11643 or none (default: gb11643 for citizen-id, else none).") var validator: String?
            @Option(help: "unique or reusable.") var uniqueness = "unique"
            @Option(help: "Issuing organisation.") var issuer: String?
            @Option(help: "Survivorship rank for golden records: higher is more trusted.") var trust = 0

            func run() throws {
                guard let kind = IdentifierDomain.DomainType(rawValue: type) else {
                    throw ValidationError("--type '\(type)': not a domain type")
                }
                guard let policy = IdentifierDomain.Uniqueness(rawValue: uniqueness) else {
                    throw ValidationError("--uniqueness '\(uniqueness)': unique or reusable")
                }
                var domain = IdentifierDomain(
                    code: code, name: name, oid: oid, type: kind, uniqueness: policy, issuer: issuer, trust: trust)
                if let validator {
                    guard validator == "none" || IdentifierDomain.Validator(rawValue: validator) != nil else {
                        throw ValidationError("--validator '\(validator)': gb11643 or none")
                    }
                    domain.validator = IdentifierDomain.Validator(rawValue: validator)
                }
                try index.open().registerDomain(domain)
                print("registered \(code)")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the registered domains.", discussion: "Example:\n  hcard empi domain list --db idx.db --json")
            @OptionGroup var index: IndexOptions
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                let domains = try index.open(mode: .readOnly).domains()
                if json { return try printJSON(domains) }
                for domain in domains {
                    print(
                        [domain.code, domain.type.rawValue, domain.oid ?? "-", domain.validator?.rawValue ?? "-",
                         domain.uniqueness.rawValue, "trust \(domain.trust)", domain.name].joined(separator: "\t"))
                }
            }
        }
    }
}
