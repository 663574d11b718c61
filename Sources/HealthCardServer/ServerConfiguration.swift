import Foundation
import HealthCardFoundation

/// How `hcard serve` runs: where it listens, where its data lives, whom it trusts.
///
/// Sources, later ones winning: the defaults below, a JSON configuration file (`--config`), the
/// environment (`HCARD_SERVE_*`), then command-line options. Every source is checked exactly: an
/// unknown key in the file, an unparsable value in a variable or a missing trust file is an error
/// naming the file, key or variable, and the server does not start.
///
/// With nothing configured the server listens on `127.0.0.1:8080` with its data in
/// `hcard-serve.sqlite` in the working directory, created on first start.
public struct ServerConfiguration: Sendable, Hashable, Codable {
    /// `HOST:PORT` (`[::1]:8080` for IPv6). Port 0 picks a free port (tests).
    public var listen: String = "127.0.0.1:8080"
    /// The EMPI index and e-health-card accounts (SQLite); the server's own state is beside it
    /// (``ServerStorage``).
    public var db: String = "hcard-serve.sqlite"
    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`: keep the API keys, audit log, replay
    /// claims, the EMPI, the e-health-card accounts, the pass log and the GB/T 38963 event store in
    /// this PostgreSQL database, shared by every node given the same URL (Docs/serve.md). `nil`:
    /// SQLite files at ``db``.
    public var postgres: String?
    /// The trust list verification uses; none trusts no key (every signed code: unknown key).
    public var trust: String?
    /// A revocation list added to the accounts' refused cards.
    public var revoked: String?
    /// The clock difference verification allows, in seconds (0...86400).
    public var skew: Int = 30
    /// `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`.
    public var logLevel: String = "info"
    /// The GB/T 38963 health-code event store (SQLite); `nil`: beside `db`
    /// (``ServerStorage/healthCode``). Not used with ``postgres`` (the shared database keeps it).
    public var healthCodeDb: String?
    /// The colour rule set of the health-code service (a shipped name).
    public var rules: String = "hainan-2022-09"
    /// The SM2 private key (PEM) that signs issued health codes; none: issuing answers 409.
    public var issuerKey: String?
    /// The checkpoint pass log (SQLite); `nil`: beside `db` (``ServerStorage/passLog``).
    public var passLog: String?
    /// The checkpoint policy (JSON, as `hcard checkpoint scan --policy`); none: the default policy.
    public var checkpointPolicy: String?
    /// Whether issuing a health code needs a grant from `POST /v1/health-code/applications`
    /// (GB/T 38963 §6.5; `LocalHealthCodeService.requiresApplication`). Off by default.
    public var requireCodeApplication: Bool = false

    public init() {}

    /// The environment variable for each key.
    public static let environmentNames: [String: String] = [
        "listen": "HCARD_SERVE_LISTEN", "db": "HCARD_SERVE_DB", "postgres": "HCARD_SERVE_POSTGRES", "trust": "HCARD_SERVE_TRUST",
        "revoked": "HCARD_SERVE_REVOKED", "skew": "HCARD_SERVE_SKEW", "logLevel": "HCARD_SERVE_LOG_LEVEL",
        "healthCodeDb": "HCARD_SERVE_HEALTH_CODE_DB", "rules": "HCARD_SERVE_RULES", "issuerKey": "HCARD_SERVE_ISSUER_KEY",
        "passLog": "HCARD_SERVE_PASS_LOG", "checkpointPolicy": "HCARD_SERVE_CHECKPOINT_POLICY",
        "requireCodeApplication": "HCARD_SERVE_REQUIRE_CODE_APPLICATION",
    ]

    /// The defaults, then `file` (if given), then `environment`.
    public static func load(file: String?, environment: [String: String]) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let file {
            let bytes = try AtomicFile.read(file, limit: 1 << 20)
            let object: [String: JSONValue]
            do {
                object = try JSONDecoder().decode([String: JSONValue].self, from: Data(bytes))
            } catch {
                throw ServerError.invalidConfiguration("\(file) is not a JSON object (\(error))")
            }
            for key in object.keys where environmentNames[key] == nil {
                throw ServerError.invalidConfiguration(
                    "\(file): unknown key \"\(key)\" (keys: \(environmentNames.keys.sorted().joined(separator: ", ")))")
            }
            do {
                configuration = try JSONDecoder().decode(ServerConfiguration.self, from: Data(bytes))
            } catch {
                throw ServerError.invalidConfiguration("\(file): \(error)")
            }
        }
        for (key, variable) in environmentNames {
            guard let value = environment[variable] else { continue }
            switch key {
            case "listen": configuration.listen = value
            case "db": configuration.db = value
            case "postgres": configuration.postgres = value
            case "trust": configuration.trust = value
            case "revoked": configuration.revoked = value
            case "logLevel": configuration.logLevel = value
            case "healthCodeDb": configuration.healthCodeDb = value
            case "rules": configuration.rules = value
            case "issuerKey": configuration.issuerKey = value
            case "passLog": configuration.passLog = value
            case "checkpointPolicy": configuration.checkpointPolicy = value
            case "skew":
                guard let seconds = Int(value) else {
                    throw ServerError.invalidConfiguration("\(variable)=\(value) is not a whole number of seconds")
                }
                configuration.skew = seconds
            case "requireCodeApplication":
                guard let flag = Bool(value) else {
                    throw ServerError.invalidConfiguration("\(variable)=\(value) is not true or false")
                }
                configuration.requireCodeApplication = flag
            default: break
            }
        }
        return configuration
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ServerConfiguration()
        listen = try container.decodeIfPresent(String.self, forKey: .listen) ?? defaults.listen
        db = try container.decodeIfPresent(String.self, forKey: .db) ?? defaults.db
        postgres = try container.decodeIfPresent(String.self, forKey: .postgres)
        trust = try container.decodeIfPresent(String.self, forKey: .trust)
        revoked = try container.decodeIfPresent(String.self, forKey: .revoked)
        skew = try container.decodeIfPresent(Int.self, forKey: .skew) ?? defaults.skew
        logLevel = try container.decodeIfPresent(String.self, forKey: .logLevel) ?? defaults.logLevel
        healthCodeDb = try container.decodeIfPresent(String.self, forKey: .healthCodeDb)
        rules = try container.decodeIfPresent(String.self, forKey: .rules) ?? defaults.rules
        issuerKey = try container.decodeIfPresent(String.self, forKey: .issuerKey)
        passLog = try container.decodeIfPresent(String.self, forKey: .passLog)
        checkpointPolicy = try container.decodeIfPresent(String.self, forKey: .checkpointPolicy)
        requireCodeApplication =
            try container.decodeIfPresent(Bool.self, forKey: .requireCodeApplication) ?? defaults.requireCodeApplication
    }

    /// Checks the values that the loaders cannot: the address, the skew, the log level.
    public func validated() throws -> ServerConfiguration {
        _ = try address()
        guard (0...86_400).contains(skew) else {
            throw ServerError.invalidConfiguration("skew \(skew) must be 0...86400 seconds")
        }
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw ServerError.invalidConfiguration("log level \"\(logLevel)\" is not one of trace … critical")
        }
        return self
    }

    /// `listen` as host and port.
    public func address() throws -> (host: String, port: Int) {
        var host: Substring
        let portText: Substring
        if listen.hasPrefix("[") {
            guard let close = listen.firstIndex(of: "]"), listen[listen.index(after: close)...].hasPrefix(":") else {
                throw ServerError.invalidConfiguration("listen \"\(listen)\" must be HOST:PORT or [IPv6]:PORT")
            }
            host = listen[listen.index(after: listen.startIndex)..<close]
            portText = listen[listen.index(close, offsetBy: 2)...]
        } else {
            guard let colon = listen.lastIndex(of: ":") else {
                throw ServerError.invalidConfiguration("listen \"\(listen)\" must be HOST:PORT")
            }
            host = listen[..<colon]
            portText = listen[listen.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port) else {
            throw ServerError.invalidConfiguration("listen \"\(listen)\" must be HOST:PORT with a port 0-65535")
        }
        if host == "localhost" { host = "127.0.0.1" }
        return (String(host), port)
    }
}

/// Where the server keeps its files: the index at `db`, its own state beside it.
public struct ServerStorage: Sendable, Hashable {
    /// The EMPI index and accounts.
    public var index: String
    /// API keys and the audit log: `<db without .sqlite/.db>-server.sqlite`.
    public var server: String

    public init(db: String) {
        index = db
        var stem = db
        for suffix in [".sqlite", ".db"] where stem.hasSuffix(suffix) {
            stem.removeLast(suffix.count)
            break
        }
        server = stem + "-server.sqlite"
    }
}
