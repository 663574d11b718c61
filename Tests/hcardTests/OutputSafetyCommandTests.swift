import Foundation
import HealthCardCore
import Testing

/// What the tool writes and prints when its input is hostile: an output that is an input, CSV
/// cells that a spreadsheet would run, and QR text that a terminal would obey. Each test failed
/// before its fix (the input replaced, a formula written as is, ESC printed raw).
@Suite("hcard: outputs that are inputs, CSV injection, terminal escapes")
struct OutputSafetyCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hcard-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["people.csv", "people.mapping.json"] {
            try FileManager.default.copyItem(
                at: Self.fixtures.appendingPathComponent("empi/\(name)"), to: directory.appendingPathComponent(name))
        }
    }

    func run(_ arguments: [String]) throws -> HCardRunner.Result { try HCardRunner.run(arguments, in: directory) }

    func contents(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    @Test("empi dedupe refuses an --out or --clusters that is its input, by name, by another spelling or by symlink")
    func outputIsInput() throws {
        let people = try contents("people.csv")
        let dedupe = ["empi", "dedupe", "--csv", "people.csv", "--mapping", "people.mapping.json"]
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("link.csv").path, withDestinationPath: "people.csv")
        for out in [["--out", "people.csv"], ["--out", "./people.csv"], ["--out", "link.csv"],
            ["--out", "pairs.csv", "--clusters", "people.mapping.json"]]
        {
            let result = try run(dedupe + out)
            #expect(result.status != 0, "\(out): \(result.stdout)")
            #expect(result.stderr.contains("refusing to overwrite it"), "\(out): \(result.stderr)")
        }
        #expect(try contents("people.csv") == people)
        #expect(try contents("people.mapping.json").contains("recordDomain"))
        let link = try run(["empi", "link-files", "--left", "people.csv", "--right", "people.csv",
            "--mapping", "people.mapping.json", "--out", "link.csv"])
        #expect(try link.status != 0 && contents("people.csv") == people)
        #expect(try run(dedupe + ["--out", "pairs.csv"]).status == 0)
    }
}
