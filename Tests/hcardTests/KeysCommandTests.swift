import ArgumentParser
import Foundation
import Testing

@testable import hcard

@Suite("hcard keys and hcard qr (text)")
struct KeysCommandTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hck-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("generate (0600, not printed) → trust add → issue → verify valid; empty trust list → unknown key id")
    func endToEnd() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        let generated = try await HCardRunner.run(
            ["keys", "generate", "--out", "issuer.key", "--public", "issuer.pub"], in: directory)
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(!generated.stdout.contains("PRIVATE KEY") && !generated.stderr.contains("PRIVATE KEY"))
        #expect(generated.stdout.contains("key id: "))
        #expect(try Self.mode(directory.appendingPathComponent("issuer.key")) == 0o600)
        let keyText = try String(contentsOf: directory.appendingPathComponent("issuer.key"), encoding: .utf8)
        #expect(keyText.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let keyIDLine = try #require(generated.stdout.split(separator: "\n").first { $0.hasPrefix("key id: ") })
        let keyID = String(keyIDLine.dropFirst("key id: ".count))
        #expect(keyID.count == 16)

        // A second generate refuses to overwrite.
        let again = try await HCardRunner.run(["keys", "generate", "--out", "issuer.key"], in: directory)
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists; pass --force"))
        #expect(try String(contentsOf: directory.appendingPathComponent("issuer.key"), encoding: .utf8) == keyText)

        let exported = try await HCardRunner.run(["keys", "public", "--key", "issuer.key"], in: directory)
        #expect(exported.status == 0)
        #expect(exported.stdout.hasPrefix("key id: \(keyID)\n-----BEGIN PUBLIC KEY-----"))
        #expect(!exported.stdout.contains("PRIVATE"))

        let added = try await HCardRunner.run(
            [
                "keys", "trust", "add", "--trust", "trust.json", "--public", "issuer.pub", "--issuer", "Test HC",
                "--valid-from", "2026-01-01T00:00:00Z", "--valid-to", "2027-01-01T00:00:00Z",
            ], in: directory)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("added key \(keyID)"))
        let listed = try await HCardRunner.run(["keys", "trust", "list", "--trust", "trust.json"], in: directory)
        #expect(listed.stdout.contains("\(keyID)  2026-01-01T00:00:00Z .. 2027-01-01T00:00:00Z  Test HC"))

        let issued = try await HCardRunner.run(
            [
                "qr", "issue", "--card-id", "26B5A1FE56681", "--dynamic", "--key", "issuer.key",
                "--now", "2026-03-01T08:00:00Z",
            ], in: directory)
        #expect(issued.status == 0, "\(issued.stderr)")
        let text = issued.stdout.trimmingCharacters(in: .newlines)
        #expect(text.hasPrefix("HCK1-"))

        let verified = try await HCardRunner.run(
            ["qr", "verify", "--text", text, "--trust", "trust.json", "--now", "2026-03-01T08:01:00Z"], in: directory)
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        #expect(verified.stdout.contains("valid: card 26B5A1FE56681"))
        #expect(verified.stdout.contains("Test HC"))

        // The text on standard input, JSON out.
        let piped = try await HCardRunner.run(
            ["qr", "verify", "--trust", "trust.json", "--now", "2026-03-01T08:01:00Z", "--json"], stdin: text + "\n",
            in: directory)
        #expect(piped.status == 0)
        let json = try #require(JSONSerialization.jsonObject(with: Data(piped.stdout.utf8)) as? [String: Any])
        #expect(json["valid"] as? Bool == true)
        #expect((json["code"] as? [String: Any])?["cardId"] as? String == "26B5A1FE56681")
        #expect((json["code"] as? [String: Any])?["keyId"] as? String == keyID)

        // Expired ten minutes later.
        let late = try await HCardRunner.run(
            ["qr", "verify", "--text", text, "--trust", "trust.json", "--now", "2026-03-01T08:10:00Z"], in: directory)
        #expect(late.status == 1)
        #expect(late.stdout.contains("INVALID: expired"))

        // Empty trust list.
        try Data("{\"version\": 1, \"keys\": []}".utf8).write(to: directory.appendingPathComponent("empty.json"))
        let unknown = try await HCardRunner.run(
            ["qr", "verify", "--text", text, "--trust", "empty.json", "--now", "2026-03-01T08:01:00Z"], in: directory)
        #expect(unknown.status == 1)
        #expect(unknown.stdout.contains("unknown key id \(keyID)"))

        // Revoked card.
        let revoke = try await HCardRunner.run(
            ["keys", "revoke", "--revoked", "revoked.json", "--card-id", "26B5A1FE56681"], in: directory)
        #expect(revoke.status == 0)
        #expect(revoke.stdout.contains("revoked card 26B5A1FE56681"))
        let revoked = try await HCardRunner.run(
            [
                "qr", "verify", "--text", text, "--trust", "trust.json", "--revoked", "revoked.json", "--now",
                "2026-03-01T08:01:00Z", "--json",
            ], in: directory)
        #expect(revoked.status == 1)
        #expect(revoked.stdout.contains("\"reason\" : \"revokedCard\""))

        // Malformed: the offset is in the message.
        let broken = try await HCardRunner.run(
            ["qr", "verify", "--text", "HCK1-abc", "--trust", "trust.json"], in: directory)
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("INVALID: malformed: offset 5: 'a' is not a base45 character"))
    }

    @Test("generate --json names the files and key id; keys public --json has the PEM")
    func generateJSON() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await HCardRunner.run(["keys", "generate", "--out", "k.pem", "--json"], in: directory)
        #expect(result.status == 0)
        let json = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((json["keyId"] as? String)?.count == 16)
        #expect(json["privateKey"] as? String == "k.pem")
        #expect(json["algorithm"] as? String == "SM2")
        #expect(!result.stdout.contains("PRIVATE KEY"))
        let exported = try await HCardRunner.run(["keys", "public", "--key", "k.pem", "--json"], in: directory)
        let pub = try #require(JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [String: Any])
        #expect(pub["keyId"] as? String == json["keyId"] as? String)
        #expect((pub["publicKey"] as? String)?.hasPrefix("-----BEGIN PUBLIC KEY-----") == true)
    }

    @Test("argument validation")
    func validation() throws {
        #expect(throws: (any Error).self) { try HCard.parseAsRoot(["keys", "revoke", "--revoked", "r.json"]) }
        #expect(throws: (any Error).self) {
            try HCard.parseAsRoot(["keys", "revoke", "--revoked", "r.json", "--card-id", "A-B"])
        }
        #expect(throws: (any Error).self) {
            try HCard.parseAsRoot(["keys", "revoke", "--revoked", "r.json", "--key-id", "XYZ"])
        }
        #expect(throws: (any Error).self) {
            try HCard.parseAsRoot(["qr", "issue", "--card-id", "ABC", "--key", "k.pem"])
        }
        #expect(throws: (any Error).self) {
            try HCard.parseAsRoot(["qr", "issue", "--card-id", "ABC", "--static", "--window", "60", "--key", "k.pem"])
        }
        #expect(throws: (any Error).self) {
            try HCard.parseAsRoot(["qr", "issue", "--card-id", "ABC", "--dynamic", "--window", "0", "--key", "k.pem"])
        }
        #expect(throws: (any Error).self) {
            try HCard.parseAsRoot(["qr", "verify", "--text", "x", "--trust", "t.json", "--now", "2026-03-01"])
        }
        #expect(throws: (any Error).self) {
            try HCard.parseAsRoot([
                "keys", "trust", "add", "--trust", "t.json", "--public", "p", "--issuer", "X",
                "--valid-from", "2027-01-01T00:00:00Z", "--valid-to", "2026-01-01T00:00:00Z",
            ])
        }
        let parsed = try HCard.parseAsRoot(["qr", "issue", "--card-id", "ABC", "--dynamic", "--key", "k.pem"])
        let issue = try #require(parsed as? QRCommand.Issue)
        #expect(issue.kind == .dynamic && issue.window == nil)
    }
}
