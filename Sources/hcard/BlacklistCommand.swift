import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard blacklist`: card numbers terminals must refuse.
struct BlacklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blacklist",
        abstract: "The card blacklist: add, remove (a found card goes to the whitelist), list, export, import.",
        discussion: """
            export/import are `hcard platform export/import --kind blacklist` (Docs/accounts.md).

            Examples:
              hcard blacklist add --db empi.sqlite --card 110105198503120012 --reason "stolen"
              hcard blacklist remove --db empi.sqlite --card 110105198503120012 --reason "found"
              hcard blacklist export --db empi.sqlite --source CITY-110100 --out blacklist.txt
              hcard blacklist export --db empi.sqlite --since 42 --out blacklist-changes.txt
              hcard blacklist import --db empi.sqlite blacklist.txt
            """,
        subcommands: [Add.self, Remove.self, List.self, Export.self, Import.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Blacklist a card number.",
            discussion: "Example:\n  hcard blacklist add --db empi.sqlite --card HC0001 --reason stolen")
        @OptionGroup var store: AccountStoreOptions
        @Option(help: "The card number.") var card: String
        @Option(help: "Why.") var reason: String

        func run() throws {
            try store.open().addToBlacklist(card, reason: reason, actor: store.actor)
            print("blacklisted \(card): \(reason)")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a number off the blacklist; it is recorded on the whitelist, a lost card is issued again.",
            discussion: "Example:\n  hcard blacklist remove --db empi.sqlite --card HC0001 --reason found")
        @OptionGroup var store: AccountStoreOptions
        @Option(help: "The card number.") var card: String
        @Option(help: "Why.") var reason = "found"

        func run() throws {
            try store.open().removeFromBlacklist(card, reason: reason, actor: store.actor)
            print("removed \(card) from the blacklist (whitelisted: \(reason))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the blacklist.", discussion: "Example:\n  hcard blacklist list --db empi.sqlite --json")
        @OptionGroup var store: AccountStoreOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let entries = try store.open(mode: .readOnly).blacklistEntries()
            if json { return try printJSON(entries, isoDates: true) }
            for entry in entries { print("\(entry.number)\t\(ISO8601Instant.format(entry.added))\t\(entry.reason)") }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the blacklist as a platform file.",
            discussion: "Example:\n  hcard blacklist export --db empi.sqlite --source CITY-110100 --out blacklist.txt")
        @OptionGroup var exchange: PlatformExportOptions

        func run() throws { try exchange.export(.blacklist) }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a blacklist platform file (all or nothing, idempotent).",
            discussion: "Example:\n  hcard blacklist import --db empi.sqlite blacklist.txt")
        @OptionGroup var exchange: PlatformImportOptions

        func run() throws { try exchange.import(.blacklist) }
    }
}

/// `hcard platform`: exchange files between city and province platforms.
struct PlatformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform",
        abstract: "Platform exchange files (card, blacklist, whitelist, resident, oplog) and request signing.",
        discussion: """
            Line format: header HCKPLAT|1|KIND|SOURCE|CREATED|COUNT, one |-separated record per \
            line, trailer SM3|<digest of the records> (Docs/accounts.md). An import checks \
            everything first: a bad header, count, checksum or any bad line rejects the whole file \
            (every bad line is named) and nothing is applied. Importing a file twice changes nothing. \
            Import residents before cards.

            Examples:
              hcard platform export --db city.sqlite --kind resident --source CITY-110100 --out resident.txt
              hcard platform import --db province.sqlite --kind resident resident.txt
            """,
        subcommands: [Export.self, Import.self, SignRequest.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a platform file.",
            discussion: "Example:\n  hcard platform export --db empi.sqlite --kind card --source CITY-110100 --out card.txt")
        @Option(help: "card, blacklist, whitelist, resident, oplog, blacklist-changes or whitelist-changes.")
        var kind: PlatformFile.Kind
        @OptionGroup var exchange: PlatformExportOptions

        func run() throws { try exchange.export(kind) }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a platform file (all or nothing, idempotent).",
            discussion: "Example:\n  hcard platform import --db province.sqlite --kind card card.txt --json")
        @Option(help: "card, blacklist, whitelist, resident or oplog.") var kind: PlatformFile.Kind
        @OptionGroup var exchange: PlatformImportOptions

        func run() throws { try exchange.import(kind) }
    }
}

extension PlatformFile.Kind: ExpressibleByArgument {}

struct PlatformExportOptions: ParsableArguments {
    @OptionGroup var store: AccountStoreOptions
    @Option(help: "This platform's name, written in the header.") var source = "hcard"
    @Option(help: "The file to write (default: standard output).") var out: String?
    @Option(
        help: """
            Blacklist or whitelist only: write just the changes after this list version (a \
            blacklist-changes file of numbered adds and removes). The version a file brings the \
            receiver to is printed (on standard error when the file goes to standard output).
            """)
    var since: Int64?

    func export(_ kind: PlatformFile.Kind) throws {
        if let out { try AtomicFile.refuseOverwritingInput(out, inputs: [store.db]) }
        let accounts = try store.open()
        var text: String
        var version: Int64?
        if kind.changes != nil {
            let download = try accounts.downloadList(kind, since: since, source: source)
            (text, version) = (download.file.text, download.version)
        } else {
            guard since == nil else {
                throw ValidationError("--since applies to the blacklist and whitelist, not to \(kind.rawValue) files")
            }
            text = try accounts.export(kind, source: source).text
        }
        let versionNote = version.map { " (list version \($0))" } ?? ""
        guard let out else {
            print(text, terminator: "")
            if let version { FileHandle.standardError.write(Data("list version \(version)\n".utf8)) }
            return
        }
        try AtomicFile.write(Array(text.utf8), to: out)
        print("wrote \(out)\(versionNote)")
    }
}

struct PlatformImportOptions: ParsableArguments {
    @OptionGroup var store: AccountStoreOptions
    @Argument(help: "The platform file.") var file: String
    @Flag(help: "Print JSON.") var json = false

    func `import`(_ kind: PlatformFile.Kind) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        do {
            let parsed = try PlatformFile(parsing: text, importingInto: kind, file: file)
            let summary = try store.open().import(parsed, name: file, actor: store.actor)
            if json { return try printJSON(summary, isoDates: true) }
            print("\(file): \(summary.records) \(parsed.kind.rawValue) records, \(summary.applied) applied, "
                + "\(summary.records - summary.applied) already present")
        } catch let rejected as PlatformFile.Rejected {
            FileHandle.standardError.write(Data((rejected.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
