import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The PostgreSQL database that several `hcard serve --postgres URL` nodes share: a connection
/// pool (postgres-nio's `PostgresClient`), the schema (``PostgresSchema``), and transactions that
/// are retried when PostgreSQL aborts them for a conflict with another node.
///
/// Why retries: concurrent transactions on different nodes can be aborted by PostgreSQL with
/// `40001` (serialization failure) or `40P01` (deadlock detected); the work of such a transaction
/// is undone completely, so running it again from the start is safe and is what PostgreSQL's
/// documentation prescribes ("Serialization Failure Handling", §13.4). Every other error ends the
/// operation.
///
/// This file and the other `*+Postgres.swift` files of this folder are the only ones that import
/// PostgresNIO (Scripts/check-architecture.sh).
public final class SharedDatabase: Sendable {
    /// Where the database is, as given (`postgres://user[:password]@host[:port]/database`); the
    /// password is never logged or shown (``redactedURL``).
    public let url: String
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger
    /// How many times a transaction aborted by a conflict is run again before the error is reported.
    static let attempts = 8
    /// How long one operation (a statement, or a transaction with its retries) may take before it
    /// is abandoned as ``ServerError/databaseUnavailable(_:)``: a request must not hang because
    /// PostgreSQL is down or every connection is busy.
    static let operationLimit: Duration = .seconds(30)
    /// How long the start-up check (``checkReachable(within:)``) waits for a first answer.
    public static let startLimit: Duration = .seconds(10)

    /// Connects lazily (the first query opens the first connection) to the database at `url`.
    ///
    /// - Throws: ``ServerError/invalidConfiguration(_:)`` naming what is wrong with the URL.
    public init(url: String, logger: Logger = Logger(label: "hcard.postgres")) throws {
        self.url = url
        self.logger = logger
        // The pool's own messages at error level only: it warns about queries queued before its
        // run loop has started, which is the normal case at start-up.
        var background = logger
        background.logLevel = .error
        client = PostgresClient(configuration: try Self.configuration(url), backgroundLogger: background)
        let client = self.client
        runner = Task { await client.run() }
    }

    /// Fails unless PostgreSQL answers `SELECT 1` within `limit`: run before anything else, so a
    /// node with a wrong URL or an unreachable database stops with a message instead of waiting.
    public func checkReachable(within limit: Duration = SharedDatabase.startLimit) async throws {
        _ = try await Self.deadline(limit, "\(redactedURL) did not answer within \(limit)") {
            try await self.client.withConnection { connection in
                _ = try await connection.query("SELECT 1", logger: self.logger)
            }
        }
    }

    /// `body`, or ``ServerError/databaseUnavailable(_:)`` with `message` once it has taken
    /// `limit`. At the deadline the caller gets the error at once and the body is cancelled; the
    /// body is not waited for (the pool may be stuck connecting to a database that is down).
    static func deadline<T: Sendable>(
        _ limit: Duration, _ message: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = DeadlineRace<T>()
        return try await withCheckedThrowingContinuation { continuation in
            race.start(
                continuation,
                work: Task {
                    do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
                },
                timer: Task {
                    guard (try? await Task.sleep(for: limit)) != nil else { return }
                    race.finish(.failure(ServerError.databaseUnavailable(message)))
                })
        }
    }

    /// Stops the pool: connections are closed and queries fail from then on.
    public func shutdown() async {
        runner.cancel()
        // The pool ends its run loop on cancellation; a pool stuck connecting to a database that
        // is down is not waited for longer than 2 s.
        let runner = self.runner
        _ = try? await Self.deadline(.seconds(2), "pool shutdown") { await runner.value }
    }

    /// The URL with its password replaced by `***`, for messages.
    public var redactedURL: String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgres://***"
    }

    /// Parses `postgres://` or `postgresql://` URLs: user, optional password, host, optional port
    /// (5432), database (default: the user's name). TLS is not negotiated: the nodes are expected
    /// to reach PostgreSQL on a private network or loopback [U].
    static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty
        else {
            throw ServerError.invalidConfiguration(
                "postgres URL must be postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (got a value without scheme, user or host)")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard components.query == nil || components.query!.isEmpty else {
            throw ServerError.invalidConfiguration("postgres URL: query parameters are not supported")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? user : database, tls: .disable)
        configuration.options.maximumConnections = 16
        return configuration
    }

    // MARK: Queries

    /// Runs `body` in one transaction (`READ COMMITTED`, PostgreSQL's default), committing if it
    /// returns and rolling back if it throws; a transaction aborted by a conflict with another
    /// session (`40001`, `40P01`) is run again, up to ``attempts`` times.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await Self.deadline(Self.operationLimit, "\(redactedURL): no answer within \(Self.operationLimit)") {
            try await self.retryingTransaction(body)
        }
    }

    func retryingTransaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { connection in
                    // BEGIN/COMMIT by hand (not `withTransaction`, which wraps the body's own
                    // errors), so an error of the body reaches the caller as it was thrown.
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        let value = try await body(connection)
                        try await connection.query("COMMIT", logger: logger)
                        return value
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                }
            } catch let error where Self.isConflict(error) && attempt < Self.attempts {
                attempt += 1
                // A short random pause, so two nodes that collided do not collide again at once.
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
            }
        }
    }

    /// Runs one statement outside an explicit transaction and returns its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await Self.deadline(Self.operationLimit, "\(redactedURL): no answer within \(Self.operationLimit)") {
            var rows: [PostgresRow] = []
            for try await row in try await self.client.query(query, logger: self.logger) { rows.append(row) }
            return rows
        }
    }

    /// ``rows(_:)`` for a statement of a hot path, run as the prepared statement of `site` (``PreparedSite``).
    func rows<Site: PreparedSite>(_ query: PostgresQuery, preparedAs site: Site.Type) async throws -> [PostgresRow] {
        guard let prepared = PreparedQuery<Site>.of(query) else { return try await rows(query) }
        return try await Self.deadline(Self.operationLimit, "\(redactedURL): no answer within \(Self.operationLimit)") {
            var rows: [PostgresRow] = []
            for try await row in try await self.client.execute(prepared, logger: self.logger) { rows.append(row) }
            return rows
        }
    }

    /// Whether `error` is PostgreSQL aborting a transaction for a conflict with another session.
    static func isConflict(_ error: any Error) -> Bool {
        guard let sqlState = sqlState(error) else { return false }
        return sqlState == "40001" || sqlState == "40P01"
    }

    /// The SQLSTATE of a server error (`23505` unique violation, …), `nil` for other errors.
    static func sqlState(_ error: any Error) -> String? {
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}

extension PostgresConnection {
    /// Runs one statement in this connection's transaction and returns its rows.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await self.query(query, logger: logger) { rows.append(row) }
        return rows
    }
}

/// The two tasks of ``SharedDatabase/deadline(_:_:_:)``, the body and the timer: whichever ends
/// first answers the caller once and cancels the other.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var result: Result<T, any Error>?
        var tasks: [Task<Void, Never>] = []
    }
    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>, work: Task<Void, Never>, timer: Task<Void, Never>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            state.tasks = [work, timer]
            guard let result = state.result else {
                state.continuation = continuation
                return nil
            }
            return result
        }
        if let early {
            work.cancel()
            timer.cancel()
            continuation.resume(with: early)
        }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard state.result == nil else { return (nil, []) }
            state.result = result
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}
