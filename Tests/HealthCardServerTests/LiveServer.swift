import Foundation
import HealthCardFoundation
import HealthCardTestSupport
import Hummingbird
@testable import HealthCardServer

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `HealthCardServer` on a free loopback port, over files in a fresh temporary directory,
/// spoken to over real HTTP (URLSession). Every response is checked against the OpenAPI document
/// before a test sees it (``OpenAPIContract``), so each API test is also a contract test.
final class LiveServer: Sendable {
    let server: HealthCardServer
    let port: Int
    let directory: URL
    let task: Task<Void, any Error>
    static let contract: OpenAPIContract = try! OpenAPIContract.load()
    /// A session that does not follow redirects (a `303` of a steward form is the answer checked)
    /// and keeps no cookies (tests send their own; servers on other ports share the host).
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()

    struct Reply {
        let status: Int
        let body: Data
        var response: HTTPURLResponse? = nil
        func header(_ name: String) -> String? { response?.value(forHTTPHeaderField: name) }
        var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: body)) ?? .null }
    }

    /// A server on `backend`: fresh SQLite files, or on PostgreSQL the database at `url` (a
    /// second node of the same database) or else a fresh database.
    static func start(
        backend: Backend = .sqlite, url: String? = nil, configure: (inout ServerConfiguration) throws -> Void = { _ in }
    ) async throws -> LiveServer {
        ServerMetrics.bootstrap()
        let directory = try CryptoTestSupport.temporaryDirectory()
        var configuration = ServerConfiguration()
        configuration.listen = "127.0.0.1:0"
        configuration.logLevel = "critical"
        configuration.db = directory.appendingPathComponent("index.sqlite").path
        if backend == .postgres {
            if let url {
                configuration.postgres = url
            } else {
                configuration.postgres = try await PostgresTestDatabase.fresh()
            }
        }
        try configure(&configuration)
        let server = try await HealthCardServer.open(configuration: configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = try server.application { port in continuation.yield(port) }
        let task = Task {
            try await HealthCardServer.withConnectionsOnRequestThreads {
                try await application.runService(gracefulShutdownSignals: [])
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ContractViolation("the server did not start") }
        return LiveServer(server: server, port: port, directory: directory, task: task)
    }

    private init(server: HealthCardServer, port: Int, directory: URL, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.directory = directory
        self.task = task
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
        await server.postgres?.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A server on `backend` and the node that reads what it writes: on PostgreSQL a second node of
    /// the same database (its own connection pool and matcher, as a second `hcard serve` process
    /// has), so what one node writes must be read, streamed or clicked on the other; on SQLite the
    /// same server twice.
    static func twoNodes(_ backend: Backend) async throws -> (writer: LiveServer, reader: LiveServer) {
        let writer = try await LiveServer.start(backend: backend)
        guard backend == .postgres else { return (writer, writer) }
        return (writer, try await LiveServer.start(backend: .postgres, url: writer.server.configuration.postgres))
    }

    static func stop(_ nodes: (writer: LiveServer, reader: LiveServer)) async {
        if nodes.reader !== nodes.writer { await nodes.reader.stop() }
        await nodes.writer.stop()
    }

    /// A key with `roles`, created in the server's store as `hcard serve key add` does.
    func key(_ name: String, _ roles: Set<Role>) async throws -> APIKey {
        try await server.store.addKey(name: name, roles: roles)
    }

    /// Calls `method template` with path parameters filled in, checks the answer against the
    /// contract, and returns it.
    func call(
        _ method: String, _ template: String, parameters: [String: String] = [:], query: [String: String] = [:],
        key: APIKey? = nil, body: Data? = nil
    ) async throws -> Reply {
        var path = template
        for (name, value) in parameters {
            path = path.replacingOccurrences(
                of: "{\(name)}", with: value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? value)
        }
        var components = URLComponents(string: "http://127.0.0.1:\(port)\(path)")!
        if !query.isEmpty { components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await Self.session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw ContractViolation("no HTTP response") }
        try Self.contract.check(
            method: method, path: template, status: http.statusCode,
            contentType: http.value(forHTTPHeaderField: "Content-Type"), body: data)
        return Reply(status: http.statusCode, body: data, response: http)
    }

    func call(
        _ method: String, _ template: String, parameters: [String: String] = [:], query: [String: String] = [:],
        key: APIKey? = nil, json: some Encodable
    ) async throws -> Reply {
        try await call(method, template, parameters: parameters, query: query, key: key, body: try JSONEncoder().encode(json))
    }
}

/// Hands a redirect back to the caller instead of following it.
final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
