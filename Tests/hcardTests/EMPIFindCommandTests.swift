import Foundation
import HealthCardCore
import Testing

/// `hcard empi find` through the built binary: the PDQ query of `PatientIndex.demographics(_:)`.
@Suite("hcard empi find (PDQ)")
struct EMPIFindCommandTests {
    @Test("pages by --after cover what one large page has; bad criteria exit 1")
    func pagesAndErrors() async throws {
        let (directory, _) = try await EMPICommandTests.setUp(persons: 60)
        try await EMPICommandTests.run(
            ["empi", "ingest", "--db", "idx.db", "--csv", "people.csv", "--mapping", "mapping.json"], in: directory,
            status: 1)
        let whole = try EMPICommandTests.json(
            try await EMPICommandTests.run(["empi", "find", "--db", "idx.db", "--sex", "女", "--limit", "1000", "--json"], in: directory).stdout)
        let all = try #require(whole["matches"] as? [[String: Any]]).compactMap { $0["person"] as? Int }
        #expect(all.count > 10 && whole["next"] == nil && whole["total"] as? Int == all.count)
        var paged: [Int] = []
        var after: Int?
        repeat {
            let arguments = ["empi", "find", "--db", "idx.db", "--sex", "2", "--limit", "7", "--json"]
                + (after.map { ["--after", "\($0)"] } ?? [])
            let page = try EMPICommandTests.json(try await EMPICommandTests.run(arguments, in: directory).stdout)
            paged += try #require(page["matches"] as? [[String: Any]]).compactMap { $0["person"] as? Int }
            after = page["next"] as? Int
        } while after != nil
        #expect(paged == all)
        let text = try await EMPICommandTests.run(["empi", "find", "--db", "idx.db", "--sex", "F", "--limit", "5"], in: directory)
        #expect(text.stdout.hasSuffix("\(all.count) matching; next page: --after \(all[4])\n"))
        try await EMPICommandTests.run(["empi", "find", "--db", "idx.db"], in: directory, status: 1)
        try await EMPICommandTests.run(["empi", "find", "--db", "idx.db", "--birth-date", "1990-02-30"], in: directory, status: 1)
    }
}
