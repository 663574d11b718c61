import Foundation
import PostgresNIO
import Testing
@testable import HealthCardServer

/// The storage a server test runs on: SQLite files, or the PostgreSQL database of the test run.
enum Backend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Every backend this run tests: SQLite always; PostgreSQL when `HCARD_TEST_POSTGRES_URL` is
    /// set (Scripts/test.sh starts a cluster and sets it) — and under `CI=true` even without it,
    /// so that a CI run without PostgreSQL fails instead of skipping (``PostgresTestDatabase/fresh()``).
    static let all: [Backend] = PostgresTestDatabase.url != nil || PostgresTestDatabase.required ? [.sqlite, .postgres] : [.sqlite]
    /// Only PostgreSQL, for the multi-node tests (empty when it is not available and not required).
    static let postgresOnly: [Backend] = all.filter { $0 == .postgres }
}

/// The PostgreSQL cluster of the test run (`HCARD_TEST_POSTGRES_URL`), and a fresh database in
/// it for each test, so tests running in parallel never see each other's rows.
enum PostgresTestDatabase {
    static var url: String? { ProcessInfo.processInfo.environment["HCARD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    static var required: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Creates an empty database and returns its URL.
    ///
    /// - Throws: when `HCARD_TEST_POSTGRES_URL` is not set (only reached under `CI=true`: the
    ///   PostgreSQL tests must not silently skip in CI).
    static func fresh() async throws -> String {
        guard let url else {
            throw ContractViolation(
                "CI=true but HCARD_TEST_POSTGRES_URL is not set: the PostgreSQL backend must be tested in CI (Scripts/test.sh starts a cluster)")
        }
        let name = "hcard_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let admin = try SharedDatabase(url: url)
        do {
            _ = try await admin.rows(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        } catch {
            await admin.shutdown()
            throw error
        }
        await admin.shutdown()
        var components = URLComponents(string: url)!
        components.path = "/" + name
        return components.string!
    }
}
