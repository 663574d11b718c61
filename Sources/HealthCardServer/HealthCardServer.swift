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
/// on an embedded SQLite file.
///
/// The server is a thin layer: each endpoint parses its request, calls the library (the same
/// `CodeVerifier`, `HealthCodeVerifier`, `PatientIndex` and `AccountService` the CLI calls) and
/// encodes the answer. What it adds is what a network needs: API keys and roles
/// (``ServerStore``, ``Role``), the audit log, health and readiness probes, Prometheus metrics,
/// structured logs and graceful shutdown (SIGTERM/SIGINT finish the requests in flight).
public final class HealthCardServer: Sendable {
    public let configuration: ServerConfiguration
    public let storage: ServerStorage
    public let store: ServerStore
    public let index: PatientIndex
    public let accounts: AccountService
    let verification: VerificationContext
    let stewardSessions = StewardSessions(clock: SystemClock())
    let healthCode: LocalHealthCodeService
    let checkpoints: CheckpointContext
    let logger: Logger

    /// Opens (creating on first start) the files of `configuration`.
    public init(configuration: ServerConfiguration, logger: Logger = Logger(label: "hcard.serve")) throws {
        self.configuration = try configuration.validated()
        var logger = logger
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        self.logger = logger
        storage = ServerStorage(db: configuration.db)
        store = try ServerStore(path: storage.server)
        index = try PatientIndex(path: storage.index)
        accounts = try AccountService(index: index)
        verification = try VerificationContext(configuration: configuration, accounts: accounts)
        healthCode = try Self.healthCodeService(configuration: self.configuration, storage: storage)
        checkpoints = try CheckpointContext(configuration: self.configuration, storage: storage)
    }

    /// Every endpoint, public ones first. The router is built from this list only.
    public var endpoints: [Endpoint] {
        operationsEndpoints + verificationEndpoints + empiEndpoints + accountEndpoints + exchangeEndpoints + auditEndpoints
            + pdqEndpoints + stewardEndpoints + healthCodeEndpoints + checkpointEndpoints + eventStreamEndpoints
    }

    /// The router: each endpoint wrapped in authentication, the role check and the audit.
    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(MetricsMiddleware())
        for endpoint in endpoints {
            router.on(RouterPath(endpoint.routerPath), method: endpoint.method) { request, context in
                await self.respond(to: request, context: context, endpoint: endpoint)
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
        do {
            if !endpoint.isPublic {
                guard let found = try authenticate(request, endpoint) else { throw APIProblem.unauthenticated }
                client = found
                guard !found.roles.isDisjoint(with: endpoint.roles) else { throw APIProblem.forbidden(endpoint.roles) }
            }
            response = try await endpoint.handler(request, context, client)
        } catch {
            let problem = APIProblem.from(error)
            if problem.status >= 500 {
                context.logger.error("request failed", metadata: ["route": "\(endpoint.path)", "error": "\(error)"])
            }
            response = endpoint.isPage ? stewardProblemPage(problem, request) : problem.response
        }
        if endpoint.audit != .none {
            do {
                try store.audit(
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
                "ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            ])
        return response
    }

    /// The key from `Authorization: Bearer …` or `X-API-Key: …`.
    static func presentedKey(_ request: Request) -> String? {
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") {
            return String(authorization.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
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

    /// Runs until SIGTERM or SIGINT, then stops accepting and finishes the requests in flight.
    public func run() async throws {
        ServerMetrics.bootstrap()
        try await application().runService()
    }
}
