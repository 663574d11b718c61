import ArgumentParser
import Foundation
import HealthCardServer

/// `hcard serve`: parse the options, start `HealthCardServer` (Docs/serve.md).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the platform interfaces over HTTP: code verification, the EMPI/PIX service, e-health-card accounts.",
        discussion: """
            Starts with no configuration: listens on 127.0.0.1:8080 with its data in hcard-serve.sqlite \
            (created on first start; the API keys and the audit log go beside it, in \
            hcard-serve-server.sqlite). With --postgres URL the API keys, audit log, replay claims and \
            the EMPI live in that PostgreSQL database instead, and several processes given the same URL \
            serve as one (Docs/serve.md, "Several nodes on PostgreSQL"). Configuration, later sources \
            winning: --config FILE (JSON with the keys listen, db, postgres, trust, revoked, skew, logLevel, \
            healthCodeDb, rules, issuerKey, passLog, checkpointPolicy, requireCodeApplication), the environment (HCARD_SERVE_ and \
            the key in upper snake case: HCARD_SERVE_LISTEN, HCARD_SERVE_DB, HCARD_SERVE_POSTGRES, …, \
            HCARD_SERVE_CHECKPOINT_POLICY), then these options. Logs are JSON lines on standard error. SIGTERM or \
            SIGINT stops accepting and finishes the requests in flight.

            Every endpoint but /healthz, /readyz, /metrics and /openapi.json needs an API key with a role \
            (hcard serve key add). Endpoints, roles and curl examples: Docs/serve.md.

            Examples:
              hcard serve
              hcard serve --db /var/lib/hcard/index.sqlite --listen 0.0.0.0:8080 --trust trust.json
              hcard serve key add --db /var/lib/hcard/index.sqlite --name gate-7 --roles verifier
              hcard serve --postgres postgres://hcard@db.internal/hcard --listen 0.0.0.0:8080
            """,
        subcommands: [Run.self, Key.self, CopyIndex.self],
        defaultSubcommand: Run.self
    )

    /// The options every `serve` subcommand shares: where the data is.
    struct StorageOptions: ParsableArguments {
        @Option(help: "A JSON configuration file.")
        var config: String?
        @Option(help: "The index file (SQLite); the server's own state is kept beside it. Default: hcard-serve.sqlite.")
        var db: String?
        @Option(help: "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE: share this PostgreSQL database with other nodes instead of the SQLite files.")
        var postgres: String?

        func load() throws -> ServerConfiguration {
            var configuration = try ServerConfiguration.load(
                file: config, environment: ProcessInfo.processInfo.environment)
            if let db { configuration.db = db }
            if let postgres { configuration.postgres = postgres }
            return configuration
        }

        /// The key store of the configuration (SQLite or PostgreSQL), for `body`.
        func withStore<T>(_ body: (any ServerStateStore) async throws -> T) async throws -> T {
            let configuration = try load()
            guard let url = configuration.postgres else {
                return try await body(try ServerStore(path: ServerStorage(db: configuration.db).server))
            }
            let database = try SharedDatabase(url: url)
            do {
                try await database.checkReachable()
                let result = try await body(try await PostgresServerStore.open(database))
                await database.shutdown()
                return result
            } catch {
                await database.shutdown()
                throw error
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the server (the default).")

        @OptionGroup var storage: StorageOptions
        @Option(help: "HOST:PORT to listen on. Default: 127.0.0.1:8080.")
        var listen: String?
        @Option(help: "The trust list for code verification.")
        var trust: String?
        @Option(help: "A revocation list, added to the cards the accounts refuse.")
        var revoked: String?
        @Option(help: "Allowed clock difference in seconds for verification. Default: 30.")
        var skew: Int?
        @Option(help: "trace, debug, info, notice, warning, error or critical. Default: info.")
        var logLevel: String?
        @Option(help: "The GB/T 38963 health-code event store. Default: beside --db, <db>-health-code.sqlite (with --postgres: the shared database).")
        var healthCodeDb: String?
        @Option(help: "The health-code colour rule set. Default: hainan-2022-09.")
        var rules: String?
        @Option(help: "The SM2 private key (PEM) that signs issued health codes. Default: none (no issuing).")
        var issuerKey: String?
        @Option(help: "The checkpoint pass log. Default: beside --db, <db>-pass-log.sqlite.")
        var passLog: String?
        @Option(help: "The checkpoint policy JSON (as for hcard checkpoint scan). Default: the default policy.")
        var checkpointPolicy: String?
        @Flag(help: "Issue a health code only with a grant from POST /v1/health-code/applications (GB/T 38963 §6.5).")
        var requireCodeApplication = false

        func run() async throws {
            var configuration = try storage.load()
            if let listen { configuration.listen = listen }
            if let trust { configuration.trust = trust }
            if let revoked { configuration.revoked = revoked }
            if let skew { configuration.skew = skew }
            if let logLevel { configuration.logLevel = logLevel }
            if let healthCodeDb { configuration.healthCodeDb = healthCodeDb }
            if let rules { configuration.rules = rules }
            if let issuerKey { configuration.issuerKey = issuerKey }
            if let passLog { configuration.passLog = passLog }
            if let checkpointPolicy { configuration.checkpointPolicy = checkpointPolicy }
            if requireCodeApplication { configuration.requireCodeApplication = true }
            configuration = try configuration.validated()
            JSONLogHandler.bootstrap(level: configuration.logLevel)
            try await HealthCardServer.open(configuration: configuration).run()
        }
    }

    struct CopyIndex: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy-index",
            abstract: "Copy the SQLite EMPI index into an empty PostgreSQL database, to move to several nodes.",
            discussion: """
                Copies the index of --db (read-only; default hcard-serve.sqlite) into the database of \
                --postgres: domains, persons, records, the cross-index, links, assertions, reviews, the merge \
                history and the events with their numbers, in one transaction that the target's EMPI tables \
                must be empty for, and checks every table's row count at the end. Run it before starting the \
                --postgres nodes. Not copied: the accounts, API keys, audit log, health-code store and pass log \
                (Docs/serve.md §8, "Moving a SQLite index to PostgreSQL").

                Example:
                  hcard serve copy-index --db /var/lib/hcard/index.sqlite --postgres postgres://hcard@db.internal/hcard
                """)
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let configuration = try storage.load()
            guard let url = configuration.postgres else {
                throw ValidationError("--postgres URL is required: the database to copy the index into")
            }
            let summary = try await PostgresIndexCopy.copy(indexFile: ServerStorage(db: configuration.db).index, into: url) {
                print("\($0.table)\t\($0.rows)")
            }
            print("copied at revision \(summary.revision): \(summary.rows.map(\.rows).reduce(0, +)) rows")
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the API keys: add (prints the key once), list, revoke.",
            subcommands: [Add.self, List.self, Revoke.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a key and print it; only its salted SM3 hash is stored.",
                discussion: "Roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
            @OptionGroup var storage: StorageOptions
            @Option(help: "The client's name (letters, digits, '-', '_', '.').")
            var name: String
            @Option(help: "Comma-separated roles.")
            var roles: String

            func run() async throws {
                let roles = try Role.parseList(roles)
                print(try await storage.withStore { try await $0.addKey(name: name, roles: roles) })
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the keys: name, id, roles, state (never secrets).")
            @OptionGroup var storage: StorageOptions

            func run() async throws {
                for client in try await storage.withStore({ try await $0.clients() }) {
                    let roles = client.roles.sorted().map(\.rawValue).joined(separator: ",")
                    print("\(client.name)\t\(client.id)\t\(roles)\t\(client.revoked.map { "revoked \($0)" } ?? "active")")
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke the key with this name.")
            @OptionGroup var storage: StorageOptions
            @Option(help: "The key's name.")
            var name: String

            func run() async throws {
                try await storage.withStore { try await $0.revokeKey(name: name) }
            }
        }
    }
}
