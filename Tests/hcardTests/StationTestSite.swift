import Foundation
import HealthCardCore

/// A gate test's folder: a fresh temporary directory with `trust.json` holding one health-code
/// issuer's key (valid from a day ago to a day ahead), and that issuer to make codes with.
struct StationTestSite {
    let directory: URL
    let issuer: HealthCodeIssuer

    init(prefix: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = try SM2PrivateKey()
        issuer = try HealthCodeIssuer(privateKey: key)
        let now = Date()
        try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test Hainan HC", validFrom: now.addingTimeInterval(-86_400),
                validTo: now.addingTimeInterval(86_400))
        ]).save(to: directory.appendingPathComponent("trust.json").path)
    }
}
