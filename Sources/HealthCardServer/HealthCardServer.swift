import EMPIIndex
import Foundation
import HealthCardFoundation
import HealthQR
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PersonalHealthCode
import ServiceLifecycle

/// `hcard serve`: the platform interfaces of the library over HTTP (Docs/serve.md), one process
/// on an embedded SQLite file, or several sharing one PostgreSQL database (`--postgres`).
///
/// The server is a thin layer: each endpoint parses its request, calls the library (the same
/// `CodeVerifier`, `HealthCodeVerifier`, `PatientIndex` and `AccountService` the CLI calls) and
/// encodes the answer. What it adds is what a network needs: API keys and roles
/// (``ServerStateStore``, ``Role``), the audit log, health and readiness probes, Prometheus metrics,
/// structured logs and graceful shutdown (SIGTERM/SIGINT finish the requests in flight).
public final class HealthCardServer: Sendable {
    public let configuration: ServerConfiguration
    public let storage: ServerStorage
    /// API keys, the audit log and replay claims: ``ServerStore`` (SQLite) or
    /// ``PostgresServerStore``.
    public let store: any ServerStateStore
    /// The shared database with `--postgres`; `nil` on SQLite.
    public let postgres: SharedDatabase?
    /// The EMPI the endpoints use: the SQLite ``PatientIndex``, or ``PostgresPatientIndex``.
    public let empi: any EMPIStore
    /// The e-health-card accounts: `AccountService` in the SQLite index file, or
    /// ``PostgresAccountStore``.
    public let accounts: any AccountStore
    /// On SQLite: the index file; `nil` with `--postgres`.
    let sqlite: PatientIndex?
    let verification: VerificationContext
    /// The steward's browser sessions, kept by ``store`` (per process on SQLite, shared on PostgreSQL).
    let stewardSessions: StewardSessions
    /// The GB/T 38963 interfaces over their event store: an SQLite file (`healthCodeDb`), or the
    /// shared database's tables (``PostgresHealthEventStore``).
    public let healthCode: LocalHealthCodeService
    /// Checkpoint scans and the pass log: a local SQLite file, or a table every node shares.
    let checkpoints: CheckpointContext
    let logger: Logger

    /// Opens (creating on first start) the SQLite files of `configuration`; a configuration with
    /// `postgres` needs ``open(configuration:logger:)``.
    public convenience init(configuration: ServerConfiguration, logger: Logger = Logger(label: "hcard.serve")) throws {
        guard configuration.postgres == nil else {
            throw ServerError.invalidConfiguration("a PostgreSQL configuration is opened with HealthCardServer.open")
        }
        let storage = ServerStorage(db: configuration.db)
        let index = try PatientIndex(path: storage.index)
        try self.init(
            configuration: configuration, store: ServerStore(path: storage.server), empi: index,
            accounts: try AccountService(index: index), sqlite: index, postgres: nil, logger: logger)
    }

    /// Opens the stores of `configuration`: the SQLite files, or with `postgres` the shared
    /// database (its tables created or migrated first, ``PostgresSchema``).
    public static func open(
        configuration: ServerConfiguration, logger: Logger = Logger(label: "hcard.serve")
    ) async throws -> HealthCardServer {
        // Metrics first: opening the PostgreSQL stores already loads the EMPI matcher, which is counted.
        ServerMetrics.bootstrap()
        guard let url = configuration.postgres else { return try HealthCardServer(configuration: configuration, logger: logger) }
        let database = try SharedDatabase(url: url, logger: logger)
        do {
            try await database.checkReachable()
            let index = try await PostgresPatientIndex.open(database)
            return try HealthCardServer(
                configuration: configuration, store: try await PostgresServerStore.open(database), empi: index,
                accounts: try await PostgresAccountStore.open(index), sqlite: nil, postgres: database, logger: logger)
        } catch {
            await database.shutdown()
            throw error
        }
    }

    init(
        configuration: ServerConfiguration, store: any ServerStateStore, empi: any EMPIStore, accounts: any AccountStore,
        sqlite: PatientIndex?, postgres: SharedDatabase?, logger: Logger
    ) throws {
        self.configuration = try configuration.validated()
        var logger = logger
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        self.logger = logger
        storage = ServerStorage(db: configuration.db)
        self.store = store
        stewardSessions = StewardSessions(store: store, clock: SystemClock())
        self.empi = empi
        self.accounts = accounts
        self.sqlite = sqlite
        self.postgres = postgres
        verification = try VerificationContext(configuration: configuration, accounts: accounts)
        healthCode = try Self.healthCodeService(configuration: self.configuration, storage: storage, postgres: postgres)
        let passLog: any PassLogStore =
            if let postgres { PostgresPassLog(database: postgres) } else {
                try PassLog(path: self.configuration.passLog ?? storage.passLog)
            }
        checkpoints = try CheckpointContext(passLog: passLog, configuration: self.configuration)
    }

    /// Every endpoint, public ones first. The router is built from this list only.
    public var endpoints: [Endpoint] {
        operationsEndpoints + verificationEndpoints + empiEndpoints + accountEndpoints + exchangeEndpoints + auditEndpoints
            + pdqEndpoints + stewardEndpoints + healthCodeEndpoints + checkpointEndpoints + eventStreamEndpoints
    }

    /// The router: each endpoint wrapped in authentication, the role check and the audit, and run
    /// on ``RequestThreads`` (the stores block while they wait for SQLite; the pool must not).
    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(MetricsMiddleware())
        for endpoint in endpoints {
            router.on(RouterPath(endpoint.routerPath), method: endpoint.method) { request, context in
                await withTaskExecutorPreference(RequestThreads.shared) {
                    await self.respond(to: request, context: context, endpoint: endpoint)
                }
            }
        }
        return router
    }

    /// Authenticate → authorise → handle → audit. Errors become ``APIProblem`` answers here, so
    /// the audit sees the status the client sees.
    func respond(to request: Request, context: BasicRequestContext, endpoint: Endpoint) async -> Response {
        let started = ContinuousClock.now
        var client: Client?
        var response: Response
        var auditLine: RequestAudit?
        do {
            if !endpoint.isPublic {
                guard let found = try await authenticate(request, endpoint) else { throw APIProblem.unauthenticated }
                client = found
                guard !found.roles.isDisjoint(with: endpoint.roles) else { throw APIProblem.forbidden(endpoint.roles) }
            }
            let audit = endpoint.audit == .none
                ? nil : RequestAudit(client: client?.name ?? "-", method: endpoint.method.rawValue, route: endpoint.path)
            auditLine = audit
            response = try await RequestAudit.$current.withValue(audit) { try await endpoint.handler(request, context, client) }
        } catch {
            let problem = APIProblem.from(error)
            if problem.status >= 500 {
                context.logger.error("request failed", metadata: ["route": "\(endpoint.path)", "error": "\(error)"])
            }
            response = endpoint.isPage ? stewardProblemPage(problem, request) : problem.response
        }
        // A line the store committed with the request's own writes (``RequestAudit``) is not written twice.
        if endpoint.audit != .none, auditLine?.isCommitted(status: Int(response.status.code)) != true {
            do {
                try await store.audit(
                    client: client?.name ?? "-", method: endpoint.method.rawValue, route: endpoint.path,
                    status: Int(response.status.code))
            } catch {
                // Fail closed: an operation whose audit line could not be written is not reported as done.
                context.logger.critical("audit log write failed", metadata: ["error": "\(error)"])
                response = APIProblem(status: 500, error: "auditFailed", message: "the audit log could not be written").response
            }
        }
        // One line per request: the route template, never the path or query (they may hold an ID
        // number), the client's key name, the status and the time taken.
        let elapsed = ContinuousClock.now - started
        context.logger.info(
            "request",
            metadata: [
                "method": "\(endpoint.method.rawValue)", "route": "\(endpoint.path)", "status": "\(response.status.code)",
                "client": "\(client?.name ?? "-")",
                "ms": "\(Self.milliseconds(elapsed))",
            ])
        return response
    }

    /// The key from `Authorization: Bearer …` or `X-API-Key: …`.
    static func presentedKey(_ request: Request) -> String? {
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") {
            let value = authorization.dropFirst("Bearer ".count)
            // Nothing to trim when the value starts and ends with a printable ASCII character (any
            // whitespace would be an ASCII space or tab, or a non-ASCII byte): the usual header,
            // taken as it is without a scan by character set, which every request paid for.
            let printable = UInt8(ascii: "!")...UInt8(ascii: "~")
            if let first = value.utf8.first, let last = value.utf8.last, printable.contains(first), printable.contains(last) {
                return String(value)
            }
            return String(value).trimmingCharacters(in: .whitespaces)
        }
        if let name = HTTPField.Name("X-API-Key"), let key = request.headers[name] { return key }
        return nil
    }

    /// The application, listening on the configured address; `onRunning` gets the bound port.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        throws -> some ApplicationProtocol
    {
        let (host, port) = try configuration.address()
        let logger = self.logger
        return Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "hcard"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                logger.notice("listening", metadata: ["host": "\(host)", "port": "\(bound)"])
                await onRunning(bound)
            },
            logger: logger)
    }

    /// Whole milliseconds of `duration`, as the logs give times.
    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// Builds the SQLite index's matcher on a thread of its own while the server starts listening,
    /// as opening the PostgreSQL store does before it, so that the first feed or PDQ query after a
    /// start does not pay for it. Requests that need the matcher meanwhile wait for it; the others
    /// (PIX, verification, accounts) do not. A failure is logged, and the first request that needs
    /// the matcher tries again and reports it.
    func loadMatcherInBackground() {
        guard let index = sqlite else { return }
        let logger = logger
        Thread.detachNewThread {
            let start = ContinuousClock.now
            do {
                let records = try index.loadMatcher()
                let elapsed = start.duration(to: .now)
                logger.info(
                    "EMPI matcher loaded",
                    metadata: ["records": "\(records)", "ms": "\(Self.milliseconds(elapsed))"])
            } catch {
                logger.error("EMPI matcher not loaded at start", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Runs `serve` (an application's `runService`) with the server's connections on
    /// ``RequestThreads``.
    ///
    /// Why the whole server and not only the handlers: each connection is a child task of the
    /// server's task group, and a child task keeps its parent's executor preference, so a request
    /// is read, handled and answered on one of these threads. With only the handlers there, each
    /// request went from the event loop to the cooperative pool, to a request thread and back to
    /// the pool: two thread wake-ups more per request (Docs/serve.md §9). Handlers keep their own
    /// preference too (``router()``), so they never run on the pool whoever runs the application.
    public static func withConnectionsOnRequestThreads(_ serve: () async throws -> Void) async throws {
        try await withTaskExecutorPreference(RequestThreads.shared) { try await serve() }
    }

    /// Runs until SIGTERM or SIGINT, then stops accepting and finishes the requests in flight
    /// (and then closes the PostgreSQL connections).
    public func run() async throws {
        ServerMetrics.bootstrap()
        loadMatcherInBackground()
        do {
            let application = try application()
            try await Self.withConnectionsOnRequestThreads { try await application.runService() }
        } catch {
            await postgres?.shutdown()
            throw error
        }
        await postgres?.shutdown()
    }
}
