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
        issuer = try CheckpointStationCommandTests.issuer(trustingAt: directory.appendingPathComponent("trust.json").path)
    }
}
