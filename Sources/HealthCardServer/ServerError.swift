import HealthCardFoundation

/// Errors of the server's own making: configuration and API keys. Errors of the library
/// (`HealthCardError`) pass through unchanged and are mapped to HTTP statuses by ``APIProblem``.
public enum ServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A configuration file, environment variable or option is wrong; the text names it.
    case invalidConfiguration(String)
    /// An API key operation was refused (unknown key name, duplicate name).
    case apiKey(String)
    /// PostgreSQL did not answer in time (down, unreachable, or every connection busy): answered 503.
    case databaseUnavailable(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let text): "configuration: \(text)"
        case .apiKey(let text): "API key: \(text)"
        case .databaseUnavailable(let text): "database unavailable: \(text)"
        }
    }
}
