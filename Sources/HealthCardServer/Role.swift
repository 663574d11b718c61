import Foundation

/// What a client of `hcard serve` may do. Each API key carries one or more roles, and every
/// endpoint names the roles it admits (``Endpoint/roles``); an endpoint with none is public
/// (health, readiness, metrics, the OpenAPI document).
///
/// Why these six: they are the parties of the platforms the server stands for (issue 16): a
/// health-code or e-card **issuer**, a gate or clinic **verifier** (terminal) without a local trust
/// list, a hospital **registrar** that feeds and queries the EMPI (IHE ITI-8/ITI-9 roles), the
/// **steward** who resolves reviews and merges persons, an **auditor** who reads the audit log
/// and never changes anything, and an **exchange** partner (another city's platform) that swaps
/// blacklists. Docs/serve.md has the table of endpoints and roles.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case issuer
    case verifier
    case registrar
    case steward
    case auditor
    case exchange

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Parses a comma-separated role list (`registrar,steward`), refusing unknown names.
    public static func parseList(_ text: String) throws -> Set<Role> {
        var roles: Set<Role> = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let role = Role(rawValue: trimmed) else {
                throw ServerError.invalidConfiguration(
                    "unknown role \"\(trimmed)\" (roles: \(allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            roles.insert(role)
        }
        return roles
    }
}
