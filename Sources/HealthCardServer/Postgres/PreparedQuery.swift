import Logging
import PostgresNIO
import Synchronization

/// A statement of a hot path that PostgreSQL parses once per connection instead of at every
/// call: a feed batch runs about ten statements, and parsing and planning them was a third of
/// PostgreSQL's CPU at a million records (Docs/serve.md §9). After five runs PostgreSQL keeps a
/// generic plan when it costs no more than the custom ones (`plan_cache_mode = auto`), so a
/// statement whose best plan depends on its arguments is still planned per call.
///
/// The statement is still written as an interpolated `PostgresQuery` at its call site, which
/// names a site type of its own (an empty enum conforming to this protocol). The first call's
/// text is the site's statement; a later call whose text differs is a mistake (two call sites
/// sharing a site, or a statement whose text depends on its arguments): it fails a debug build's
/// assertion and runs unprepared. Every parameter must carry a cast (`\(value)::bigint`): a
/// prepared statement's parameter types are what PostgreSQL infers from its text.
protocol PreparedSite: SendableMetatype {}

/// The statement text of each ``PreparedSite``, as its first call had it.
private let siteTexts = Mutex<[ObjectIdentifier: String]>([:])

/// The `PostgresPreparedStatement` of a ``PreparedSite``: the query's bindings, its rows as they come.
struct PreparedQuery<Site: PreparedSite>: PostgresPreparedStatement {
    typealias Row = PostgresRow

    static var name: String { "hcard." + String(describing: Site.self) }
    static var sql: String { siteTexts.withLock { $0[ObjectIdentifier(Site.self)] ?? "" } }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }

    /// The prepared form of `query`, or `nil` when its text is not the site's.
    static func of(_ query: PostgresQuery) -> PreparedQuery? {
        let site = siteTexts.withLock { texts in
            if texts[ObjectIdentifier(Site.self)] == nil { texts[ObjectIdentifier(Site.self)] = query.sql }
            return texts[ObjectIdentifier(Site.self)]!
        }
        guard query.sql == site else {
            assertionFailure("the statement at \(Site.self) differs from its first:\n\(query.sql)\n---\n\(site)")
            return nil
        }
        return PreparedQuery(bindings: query.binds)
    }
}

extension PostgresConnection {
    /// Runs `query` in this connection's transaction as the prepared statement of `site`, and
    /// returns its rows.
    func rows<Site: PreparedSite>(_ query: PostgresQuery, preparedAs site: Site.Type, logger: Logger) async throws -> [PostgresRow] {
        guard let prepared = PreparedQuery<Site>.of(query) else { return try await rows(query, logger: logger) }
        var rows: [PostgresRow] = []
        for try await row in try await execute(prepared, logger: logger) { rows.append(row) }
        return rows
    }
}
