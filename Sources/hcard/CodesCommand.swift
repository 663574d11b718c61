import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard codes`: the national code tables the card and health code use.
struct CodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes",
        abstract: "List the national code tables, or the entries of one table.",
        discussion: """
            Examples:
              hcard codes                      # every table: subject, standard, entry count
              hcard codes ethnicity            # GB 3304 codes with their letter codes and names
              hcard codes sex --json
            """
    )

    @Argument(help: "A table's subject (e.g. ethnicity, sex, \"payment method\") or type name.")
    var table: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        guard let table else {
            let rows = CodeTables.all.map { TableJSON(subject: $0.subject, standard: $0.standard, entries: $0.entries.count) }
            if json { return try printJSON(rows) }
            for row in rows { print("\(row.subject.padding(toLength: 28, withPad: " ", startingAt: 0)) \(row.standard) (\(row.entries) codes)") }
            return
        }
        guard let found = CodeTables.table(named: table) else {
            throw ValidationError("no code table '\(table)'; `hcard codes` lists them")
        }
        let entries = found.entries.map { EntryJSON(code: $0.code, alternateCode: $0.alternateCode, name: $0.name, english: $0.english) }
        if json { return try printJSON(entries) }
        print("\(found.standard) \(found.subject)")
        for entry in entries {
            print("  \(entry.code)\(entry.alternateCode.map { " \($0)" } ?? "")  \(entry.name)  (\(entry.english))")
        }
    }

    struct TableJSON: Encodable {
        let subject: String
        let standard: String
        let entries: Int
    }

    struct EntryJSON: Encodable {
        let code: String
        let alternateCode: String?
        let name: String
        let english: String
    }
}

/// Pretty, sorted JSON on standard output: the one JSON style of every `--json` flag.
///
/// - Parameter isoDates: `Date`s as ISO 8601 strings (the account commands); otherwise Foundation's
///   default (seconds since 2001), which earlier commands' JSON already carries.
func printJSON(_ value: some Encodable, isoDates: Bool = false) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if isoDates { encoder.dateEncodingStrategy = .iso8601 }
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
