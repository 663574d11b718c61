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

    func run(_ arguments: [String]) async throws -> HCardRunner.Result { try await HCardRunner.run(arguments, in: directory) }

    func contents(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    @Test("empi dedupe refuses an --out or --clusters that is its input, by name, by another spelling or by symlink")
    func outputIsInput() async throws {
        let people = try contents("people.csv")
        let dedupe = ["empi", "dedupe", "--csv", "people.csv", "--mapping", "people.mapping.json"]
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("link.csv").path, withDestinationPath: "people.csv")
        for out in [["--out", "people.csv"], ["--out", "./people.csv"], ["--out", "link.csv"],
            ["--out", "pairs.csv", "--clusters", "people.mapping.json"]]
        {
            let result = try await run(dedupe + out)
            #expect(result.status != 0, "\(out): \(result.stdout)")
            #expect(result.stderr.contains("refusing to overwrite it"), "\(out): \(result.stderr)")
        }
        #expect(try contents("people.csv") == people)
        #expect(try contents("people.mapping.json").contains("recordDomain"))
        let link = try await run(["empi", "link-files", "--left", "people.csv", "--right", "people.csv",
            "--mapping", "people.mapping.json", "--out", "link.csv"])
        #expect(try link.status != 0 && contents("people.csv") == people)
        #expect(try await run(dedupe + ["--out", "pairs.csv"]).status == 0)
    }

    @Test("empi dedupe writes record ids that start a formula with a leading quote")
    func dedupeCSVInjection() async throws {
        let people = try contents("people.csv")
            .replacingOccurrences(of: "H0001,", with: "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",")
            .replacingOccurrences(of: "H0002,", with: "@SUM(A1),")
        try people.write(to: directory.appendingPathComponent("people.csv"), atomically: true, encoding: .utf8)
        let result = try await run(["empi", "dedupe", "--csv", "people.csv", "--mapping", "people.mapping.json", "--out", "pairs.csv"])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let pairs = try contents("pairs.csv")
        let clusters = try contents("pairs.clusters.csv")
        #expect(pairs.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), "\(pairs)")
        #expect(pairs.contains("'@SUM(A1)"), "\(pairs)")
        #expect(clusters.contains("'@SUM(A1),"), "\(clusters)")
        for line in (pairs + clusters).split(separator: "\n") {
            #expect(!["=", "+", "-", "@"].contains(line.first), "\(line)")
        }
    }

    @Test("passlog export --csv neutralises a checkpoint name and department that start a formula")
    func passlogCSVInjection() async throws {
        let scan = try await run([
            "checkpoint", "scan", "--log", "pass.db", "--checkpoint", "G1", "--name", "=1+cmd|' /C calc'!A0",
            "--department=-2+3", "--id", "11010519491231002X", "--id-suffices", "--temperature", "36.5",
            "--trust", Self.fixtures.appendingPathComponent("qr/trust.json").path, "--now", "2026-03-01T09:00:00+08:00",
        ])
        #expect(scan.status == 0, "\(scan.stdout) \(scan.stderr)")
        let export = try await run(["passlog", "export", "--log", "pass.db", "--csv"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains(",'=1+cmd|' /C calc'!A0,"), "\(export.stdout)")
        #expect(export.stdout.contains(",'-2+3,"), "\(export.stdout)")
        let refused = try await run(["passlog", "export", "--log", "pass.db", "--csv", "--out", "pass.db"])
        #expect(refused.status != 0 && refused.stderr.contains("refusing to overwrite it"), "\(refused.stderr)")
    }

    @Test("qr decode and qr verify escape ESC, OSC, CR and LF from the code; a verdict stays one line")
    func terminalEscapes() async throws {
        let hostile = "\u{1B}]0;owned\u{07}\u{1B}[2Jvalid\r\nHCK1-"
        let image = directory.appendingPathComponent("hostile.png")
        try QRImage.writePNG(try QREncoder().encode(text: hostile), to: image)
        let decode = try await run(["qr", "decode", "hostile.png"])
        #expect(!decode.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\r" }, "\(decode.stdout)")
        #expect(decode.stdout.contains("\\x1B]0;owned\\x07\\x1B[2Jvalid\\x0D\\x0AHCK1-"), "\(decode.stdout)")

        let trust = Self.fixtures.appendingPathComponent("qr/trust.json").path
        let verify = try await run(["qr", "verify", "--trust", trust, "--text", "HCK1-\u{1B}]0;x\u{07}\r\n"])
        #expect(verify.status == 1)
        #expect(verify.stdout.hasPrefix("INVALID: malformed") && verify.stdout.filter(\.isNewline).count == 1, "\(verify.stdout)")
        #expect(!verify.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\r" }, "\(verify.stdout)")
        let images = try await run(["qr", "verify", "--trust", trust, "hostile.png"])
        #expect(images.stdout.filter(\.isNewline).count == 1, "\(images.stdout)")
        #expect(!images.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\r" }, "\(images.stdout)")
    }
}
