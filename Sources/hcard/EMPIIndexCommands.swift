import ArgumentParser
import Foundation
import HealthCardCore

/// The `hcard empi` commands over an index file.
extension EMPICommand {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a CSV file to the index through a column mapping; exit 1 if any line had a problem.",
            discussion: """
                Every problem (unknown mapping column, malformed date, invalid ID, unknown domain, wrong \
                field count) is printed to standard error as FILE:LINE; the other lines are processed. \
                Records already in the index keep their links. A progress bar is drawn when standard \
                error is a terminal.

                Example:
                  hcard empi ingest --db idx.db --csv patients.csv --mapping mapping.json --json
                """)

        @OptionGroup var index: IndexOptions
        @Option(help: "The CSV file (header first).") var csv: String
        @Option(help: "The JSON column mapping.") var mapping: String
        @OptionGroup var actor: ActorOption
        @Flag(help: "Print the summary as JSON.") var json = false

        func run() throws {
            let store = try index.open()
            let input = try EMPICommand.read(csv: csv, mapping: mapping, naming: .lineOfContent)
            let bar = isatty(2) == 1 ? ProgressBar() : nil
            let summary = try store.ingest(input.records, actor: actor.actor) { done, total in bar?.update(done, total) }
            bar?.finish()
            let issues = (input.issues + summary.issues).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
            EMPICommand.report(issues, file: csv)
            if json {
                var full = summary
                full.issues = issues
                try printJSON(full)
            } else {
                print(
                    "\(csv): \(summary.records) records: \(summary.registered) new, \(summary.updated) updated, "
                        + "\(summary.unchanged) unchanged, \(summary.rejected) rejected; \(summary.linked) linked to "
                        + "existing persons, \(summary.newPersons) new persons, \(summary.reviewItems) queued for review; "
                        + "\(issues.count) problems")
            }
            if !issues.isEmpty { throw ExitCode(1) }
        }
    }

    struct Match: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Match one record against the index without writing; prints decision, candidates, explanation.",
            discussion: """
                RECORD is a JSON PersonRecord: {"id", "domain", "fullName", "birthDate", "sex", \
                "identifiers": [{"domain", "value", "kind": "citizenID"|"other"}], "phone", \
                "addressLines": [], "regionCode", …}; - reads standard input.

                Example:
                  echo '{"id":"Q1","domain":"hosp-a","fullName":"陈小明","birthDate":"1990-05-06","identifiers":[],"addressLines":[]}' \\
                    | hcard empi match --db idx.db --json -
                """)

        @OptionGroup var index: IndexOptions
        @Option(name: .customLong("json"), help: "The record as a JSON file, or - for standard input.")
        var record: String

        func run() throws {
            let data = record == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try readFile(record)
            let parsed: PersonRecord
            do { parsed = try JSONDecoder().decode(PersonRecord.self, from: data) } catch {
                throw FileContentError(record, "not a PersonRecord", error)
            }
            try printJSON(try index.open(mode: .readOnly).match(parsed))
        }
    }

    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "PIX query: an identifier's person and their identifiers in other domains.",
            discussion: """
                An unknown domain, an unknown target domain and an unknown identifier are distinct \
                errors (exit 2, 3, 4); no identifiers in the targets is an empty answer (exit 0).

                Example:
                  hcard empi query --db idx.db --domain hosp-a-card --id K1 --target citizen-id --json
                """)

        @OptionGroup var index: IndexOptions
        @Option(help: "The source domain.") var domain: String
        @Option(help: "The identifier value in that domain.") var id: String
        @Option(help: "Target domains (repeatable); default: all.") var target: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let answer: CrossReference
            do {
                answer = try index.open(mode: .readOnly).crossReference(
                    domain: domain, value: id, targetDomains: target.isEmpty ? nil : target)
            } catch let error as HealthCardError {
                printError("error: \(error.reason)")
                switch error.code {
                case .unknownSourceDomain: throw ExitCode(2)
                case .unknownTargetDomain: throw ExitCode(3)
                case .unknownIdentifier: throw ExitCode(4)
                default: throw ExitCode(1)
                }
            }
            if json { return try printJSON(answer) }
            print("person \(answer.person)")
            for identifier in answer.identifiers { print("\(identifier.domain)\t\(identifier.value)") }
        }
    }

    struct Link: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Link a record to a person by hand (never undone by automatic matching).",
            discussion: "Example:\n  hcard empi link --db idx.db --record hosp-a:R0001 --person 42")

        @OptionGroup var index: IndexOptions
        @Option(help: "The record, DOMAIN:ID.") var record: String
        @Option(help: "The person (enterprise ID).") var person: Int64
        @OptionGroup var actor: ActorOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let result = try index.open().link(
                try EMPICommand.record(record), to: EnterpriseID(person), actor: actor.actor)
            if json { return try printJSON(result) }
            print("\(record): person \(result.other.map(String.init(describing:)) ?? "-") → \(result.person) (event \(result.event))")
        }
    }

    struct Unlink: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a record out of its person; later matching keeps them apart.",
            discussion: "Example:\n  hcard empi unlink --db idx.db --record hosp-a:R0001")

        @OptionGroup var index: IndexOptions
        @Option(help: "The record, DOMAIN:ID.") var record: String
        @OptionGroup var actor: ActorOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let result = try index.open().unlink(try EMPICommand.record(record), actor: actor.actor)
            if json { return try printJSON(result) }
            print("\(record): person \(result.other.map(String.init(describing:)) ?? "-") → new person \(result.person), not the same person (event \(result.event))")
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a person into a survivor; the subsumed ID redirects to it.",
            discussion: "Example:\n  hcard empi merge --db idx.db --subsumed 17 --survivor 4")

        @OptionGroup var index: IndexOptions
        @Option(help: "The person to retire.") var subsumed: Int64
        @Option(help: "The person that keeps both sets of records.") var survivor: Int64
        @OptionGroup var actor: ActorOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let result = try index.open().merge(
                EnterpriseID(subsumed), into: EnterpriseID(survivor), actor: actor.actor)
            if json { return try printJSON(result) }
            print("person \(subsumed) merged into \(result.person) (event \(result.event))")
        }
    }

    struct Unmerge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reverse the latest merge of a person, restoring the state before it.",
            discussion: "Example:\n  hcard empi unmerge --db idx.db --person 17")

        @OptionGroup var index: IndexOptions
        @Option(help: "The subsumed (retired) person.") var person: Int64
        @OptionGroup var actor: ActorOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let result = try index.open().unmerge(EnterpriseID(person), actor: actor.actor)
            if json { return try printJSON(result) }
            print("person \(person) restored from \(result.other.map(String.init(describing:)) ?? "-") (event \(result.event))")
        }
    }

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The review queue: list items, resolve them.",
            discussion: "Examples:\n  hcard empi review list --db idx.db\n  hcard empi review resolve --help",
            subcommands: [List.self, Resolve.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List open review items (all with --all).",
                discussion: "Example:\n  hcard empi review list --db idx.db --json")
            @OptionGroup var index: IndexOptions
            @Flag(help: "Resolved items too.") var all = false
            @Flag(help: "Print JSON (with explanations).") var json = false

            func run() throws {
                let items = try index.open(mode: .readOnly).reviews(all: all)
                if json { return try printJSON(items) }
                for item in items {
                    let candidates = item.candidates.map { "\($0.person) (p=\(String(format: "%.4f", $0.probability)))" }
                    print(
                        "#\(item.id)\t\(item.status.rawValue)\t\(item.record) (person \(item.person))\t\(item.reason)\t"
                            + candidates.joined(separator: ", ") + (item.resolution.map { "\t→ \($0)" } ?? ""))
                }
            }
        }

        struct Resolve: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Resolve a review item: link the record to a person, or keep it separate.",
                discussion: """
                    Examples:
                      hcard empi review resolve --db idx.db 3 --link 42
                      hcard empi review resolve --db idx.db 4 --separate
                    """)
            @OptionGroup var index: IndexOptions
            @Argument(help: "The review item.") var id: Int64
            @Option(help: "Link the record to this person.") var link: Int64?
            @Flag(help: "Not the same person as any candidate.") var separate = false
            @OptionGroup var actor: ActorOption
            @Flag(help: "Print JSON.") var json = false

            func validate() throws {
                guard (link != nil) != separate else { throw ValidationError("give exactly one of --link, --separate") }
            }

            func run() throws {
                let item = try index.open().resolveReview(
                    id, link.map { .link(EnterpriseID($0)) } ?? .separate, actor: actor.actor)
                if json { return try printJSON(item) }
                print("#\(item.id) \(item.record): \(item.resolution ?? "")")
            }
        }
    }

    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the event table after a sequence number (register, update, link, unlink, merge, unmerge, account).",
            discussion: "Example:\n  hcard empi events --db idx.db --since 120 --json")
        @OptionGroup var index: IndexOptions
        @Option(help: "Only events after this sequence number.") var since: Int64 = 0
        @Option(help: "At most this many events.") var limit = 10_000
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let events = try index.open(mode: .readOnly).events(since: since, limit: limit)
            if json { return try printJSON(events) }
            for event in events {
                print(
                    "\(event.sequence)\t\(event.time)\t\(event.kind.rawValue)\tperson \(event.person.map(String.init(describing:)) ?? "-")\t"
                        + "\(event.record.map(String.init(describing:)) ?? "-")\t\(event.actor)")
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Counts: domains, records, persons, links by provenance, reviews, merges, events.",
            discussion: "Example:\n  hcard empi stats --db idx.db --json")
        @OptionGroup var index: IndexOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let stats = try index.open(mode: .readOnly).statistics()
            if json { return try printJSON(stats) }
            print("domains      \(stats.domains)")
            print("records      \(stats.records)")
            print("persons      \(stats.persons) (\(stats.retiredPersons) retired IDs redirect)")
            print("identifiers  \(stats.identifiers)")
            print("links        " + stats.linksByProvenance.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            print("not-same     \(stats.notSameAssertions)")
            print("open reviews \(stats.openReviews)")
            print("merges       \(stats.merges)")
            print("events       \(stats.events) (last \(stats.lastEvent))")
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain how two stored records score against each other (JSON).",
            discussion: "Example:\n  hcard empi explain --db idx.db hosp-a:R0001 insurance:V0009")
        @OptionGroup var index: IndexOptions
        @Argument(help: "The first record, DOMAIN:ID.") var a: String
        @Argument(help: "The second record, DOMAIN:ID.") var b: String

        func run() throws {
            print(try index.open(mode: .readOnly).explain(try EMPICommand.record(a), try EMPICommand.record(b)).json())
        }
    }
}
