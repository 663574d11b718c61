import ArgumentParser
import Foundation
import HealthCardCore

/// What every offline verifier takes: whom to trust, what is revoked, how far clocks may differ.
/// Shared by `hcard qr verify`, `hcard code verify` and `hcard checkpoint scan`, so the three read
/// the same files the same way (Docs/qr-payload.md §5).
struct VerificationOptions: ParsableArguments {
    @Option(help: "The trust list file.")
    var trust: String

    @Option(help: "The revocation list file.")
    var revoked: String?

    @Option(help: "An account database: cancelled e-cards and refused card numbers count as revoked (Docs/accounts.md).")
    var statusDb: String?

    @Option(help: "Allowed clock difference in seconds. Default: 30.")
    var skew: Int = 30

    func validate() throws {
        guard (0...86_400).contains(skew) else { throw ValidationError("--skew must be 0...86400 seconds") }
    }

    var clockSkew: Duration { .seconds(skew) }

    func trustList() throws -> TrustList { try TrustList.load(from: trust) }

    /// The revocation file's entries plus the account database's refused numbers.
    func revocations() throws -> RevocationList {
        var list = try revoked.map { try RevocationList.load(from: $0) } ?? RevocationList()
        if let statusDb { list = list.merging(try AccountStoreOptions.statusDatabase(statusDb).revocationList()) }
        return list
    }
}
