import Foundation
import Testing

/// The committed completions and man page (Scripts/generate-docs.sh) stay true to the commands.
@Suite("Docs: shell completions and man page are current")
struct GeneratedDocsTests {
    static let docs = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Docs")

    @Test("Docs/completions/hcard.SHELL is what hcard --generate-completion-script SHELL prints", arguments: ["bash", "zsh", "fish"])
    func completions(shell: String) async throws {
        let committed = try String(
            contentsOf: Self.docs.appendingPathComponent("completions/hcard.\(shell)"), encoding: .utf8)
        let current = try await HCardRunner.run(["--generate-completion-script", shell])
        #expect(current.status == 0)
        #expect(committed == current.stdout, "stale: run bash Scripts/generate-docs.sh")
    }

    @Test("Docs/man/hcard.1 names every top-level command")
    func manPage() async throws {
        let page = try String(contentsOf: Self.docs.appendingPathComponent("man/hcard.1"), encoding: .utf8)
        let help = try await HCardRunner.run(["--help"])
        let section = try #require(help.stdout.components(separatedBy: "SUBCOMMANDS:").last)
        let commands = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }
        #expect(commands.count > 10)
        for command in commands where command != "help" && command != "See" {
            #expect(page.contains(".It Em \(command)"), "\(command) missing: run bash Scripts/generate-docs.sh")
        }
    }
}
