import Hummingbird

/// One route of the API: method, path, who may call it, whether it is audited, and what it does.
///
/// Why a table and not router calls scattered over files: the table is what the role test walks
/// (every endpoint, refused without a key and with each wrong role), what the OpenAPI test compares
/// with the document, and what ``HealthCardServer`` registers; a route cannot exist without its
/// roles, because the router is only ever fed from here.
public struct Endpoint: Sendable {
    /// What the audit log records of a call.
    public enum Audit: String, Sendable {
        /// Nothing (public probes, code verification: no identity is looked up).
        case none
        /// A write: every call, with its outcome.
        case write
        /// An identity lookup (PIX, person, events): every call, with its outcome.
        case lookup
    }

    public let method: HTTPRequest.Method
    /// The OpenAPI path template: `/v1/empi/persons/{id}`.
    public let path: String
    /// The roles admitted; empty means public (no key needed).
    public let roles: Set<Role>
    public let audit: Audit
    /// A page of the data steward's web interface: answers HTML (errors too), and accepts the
    /// steward session cookie as well as an API key (`StewardSessions`).
    public let isPage: Bool
    let handler: @Sendable (Request, BasicRequestContext, Client?) async throws -> Response

    init(
        _ method: HTTPRequest.Method, _ path: String, roles: Set<Role>, audit: Audit = .none, page: Bool = false,
        handler: @escaping @Sendable (Request, BasicRequestContext, Client?) async throws -> Response
    ) {
        self.method = method
        self.path = path
        self.roles = roles
        self.audit = audit
        self.isPage = page
        self.handler = handler
    }

    public var isPublic: Bool { roles.isEmpty }

    /// The path in the router's syntax: `{id}` becomes `:id`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
        }.joined(separator: "/")
    }
}
