import Foundation
import HealthCardCore
import Testing

/// `hcard fixtures validate` as a CI job runs it.
@Suite("Fixtures: hcard fixtures validate")
struct FixturesCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    @Test("the repository's Fixtures/ pass: exit 0 and a summary line")
    func repositoryPasses() async throws {
        let result = try await HCardRunner.run(["fixtures", "validate", Self.fixtures.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("files checked: 0 errors, 0 warnings"))
    }

    @Test("a flipped byte in a card image, a foreign-key code and a tampered code fail with the file and location named")
    func brokenFixturesFail() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fixtures-cli-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.fixtures, to: root)
        // A flipped hex digit in the holder file of the card image.
        let image = root.appendingPathComponent("cards/sample.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: image)) as? [String: Any])
        var files = try #require(object["files"] as? [[String: Any]])
        let holder = try #require(files.firstIndex { $0["path"] as? String == "DDF1/EF06" })
        var records = try #require(files[holder]["records"] as? [String])
        var digits = Array(records[0])
        digits[6] = digits[6] == "0" ? "1" : "0"
        records[0] = String(digits)
        files[holder]["records"] = records
        object["files"] = files
        try JSONSerialization.data(withJSONObject: object).write(to: image)
        // A QR image whose code was signed by a key the trust list does not have.
        let key = root.appendingPathComponent("other.key").path
        #expect(try await HCardRunner.run(["keys", "generate", "--out", key]).status == 0)
        let issue = try await HCardRunner.run([
            "qr", "issue", "--card-id", "26B5A1FE56681", "--static", "--key", key,
            "--png", root.appendingPathComponent("qr/foreign.png").path,
        ])
        #expect(issue.status == 0, "\(issue.stderr)")
        try FileManager.default.removeItem(atPath: key)
        // A code signed by the trusted test issuer with one character changed: the signature, not
        // the key, must catch it.
        let codes = try String(contentsOf: root.appendingPathComponent("qr/codes.txt"), encoding: .utf8)
        var tampered = Array(try #require(codes.split(separator: "\n").first { $0.hasPrefix("HCK1-") }))
        let middle = tampered.count / 2
        tampered[middle] = tampered[middle] == "A" ? "B" : "A"
        try QRImage.writePNG(
            try QREncoder().encode(Array(String(tampered).utf8)), to: root.appendingPathComponent("qr/tampered.png"))

        let result = try await HCardRunner.run(["fixtures", "validate", root.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("cards/sample.json: DDF1/EF06: error: the bytes do not match"), "\(result.stdout)")
        #expect(result.stdout.contains("qr/foreign.png: error: signed code: unknown key id"), "\(result.stdout)")
        #expect(result.stdout.contains("qr/tampered.png: error: signed code: bad signature"), "\(result.stdout)")

        let report = try await HCardRunner.run(["fixtures", "validate", root.path, "--json"])
        #expect(report.status == 1)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        #expect(summary["passed"] as? Bool == false)
        let findings = try #require(summary["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["location"] as? String == "DDF1/EF06" && $0["severity"] as? String == "error" })
        #expect(findings.contains { ($0["file"] as? String)?.hasSuffix("qr/foreign.png") == true })
    }

    @Test("a missing path is an error, not a silent pass")
    func missingPath() async throws {
        let result = try await HCardRunner.run(["fixtures", "validate", "/nonexistent/fixtures"])
        #expect(result.status == 1 && result.stdout.contains("no such file or directory"))
    }
}
