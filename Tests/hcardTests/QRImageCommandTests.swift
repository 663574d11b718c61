import Foundation
import HealthCardCore
import HealthCardTestSupport
import Testing

/// `hcard qr issue --png/--svg/--terminal`, `qr decode`, `qr verify IMAGE` and `qr batch`, run as a
/// user runs them, through real libqrencode, libpng and zbar.
@Suite("QRImage: hcard qr with images", .serialized)
struct QRImageCommandTests {
    /// A temporary directory with an issuer key, its trust list and a second, untrusted key.
    struct Setup {
        let directory: URL

        init() async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-qrimg-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (key, pub) in [("issuer.key", "issuer.pub"), ("other.key", "other.pub")] {
                let generated = try await run(["keys", "generate", "--out", key, "--public", pub])
                #expect(generated.status == 0, "\(generated.stderr)")
            }
            let added = try await run([
                "keys", "trust", "add", "--trust", "trust.json", "--public", "issuer.pub", "--issuer", "Test HC",
                "--valid-from", "2026-01-01T00:00:00Z", "--valid-to", "2027-01-01T00:00:00Z",
            ])
            #expect(added.status == 0, "\(added.stderr)")
        }

        func run(_ arguments: [String], stdin: String? = nil) async throws -> HCardRunner.Result {
            try await HCardRunner.run(arguments, stdin: stdin, in: directory)
        }

        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        func remove() { try? FileManager.default.removeItem(at: directory) }

        /// Issues a code as a PNG at 2026-03-01T08:00:00Z and returns its text (from --json).
        func issuePNG(
            _ file: String, cardID: String = "26B5A1FE56681", kind: String = "--dynamic", key: String = "issuer.key",
            extra: [String] = []
        ) async throws -> String {
            let issued = try await run(
                [
                    "qr", "issue", "--card-id", cardID, kind, "--key", key, "--now", "2026-03-01T08:00:00Z", "--png",
                    file,
                    "--json",
                ] + extra)
            #expect(issued.status == 0, "\(issued.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(issued.stdout.utf8)) as? [String: Any])
            return try #require(json["text"] as? String)
        }

        /// Writes `text` as a PNG with the library (libqrencode + libpng), as any other issuer could.
        func writePNG(_ text: String, to file: String) throws {
            let matrix = try QREncoder().encode(text: text)
            try QRImage.writePNG(matrix, to: directory.appendingPathComponent(file))
        }

        func verify(_ file: String, at now: String = "2026-03-01T08:01:00Z", _ extra: [String] = [])
            async throws -> HCardRunner.Result
        {
            try await run(["qr", "verify", file, "--trust", "trust.json", "--now", now] + extra)
        }
    }

    @Test("issue --png → decode → verify, for static and dynamic codes", arguments: ["--static", "--dynamic"])
    func roundTrip(kind: String) async throws {
        let setup = try await Setup()
        defer { setup.remove() }
        let text = try await setup.issuePNG("code.png", kind: kind)
        #expect(text.hasPrefix("HCK1-"))

        let decoded = try await setup.run(["qr", "decode", "code.png"])
        #expect(decoded.status == 0, "\(decoded.stderr)")
        #expect(decoded.stdout.contains(text))
        #expect(decoded.stdout.contains("UNVERIFIED"))
        #expect(decoded.stdout.contains("card id:   26B5A1FE56681"))
        #expect(decoded.stdout.contains(kind == "--static" ? "kind:      static" : "window:    300 s"))

        let decodedJSON = try await setup.run(["qr", "decode", "code.png", "--json"])
        let images = try #require(
            try JSONSerialization.jsonObject(with: Data(decodedJSON.stdout.utf8)) as? [[String: Any]])
        let symbol = try #require((images.first?["symbols"] as? [[String: Any]])?.first)
        #expect(symbol["payload"] as? String == "signed")
        #expect((symbol["unverified"] as? [String: Any])?["cardId"] as? String == "26B5A1FE56681")

        let verified = try await setup.verify("code.png")
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        #expect(verified.stdout.hasPrefix("code.png: valid: card 26B5A1FE56681"))
        #expect(verified.stdout.contains("Test HC"))

        // The text path still works on the same code.
        let viaText = try await setup.run(
            ["qr", "verify", "--text", text, "--trust", "trust.json", "--now", "2026-03-01T08:01:00Z"])
        #expect(viaText.status == 0)
    }

    @Test("issue --svg, --terminal and --json report the symbol and the files")
    func issueOutputs() async throws {
        let setup = try await Setup()
        defer { setup.remove() }
        let issued = try await setup.run([
            "qr", "issue", "--card-id", "26B5A1FE56681", "--static", "--key", "issuer.key", "--svg", "code.svg",
            "--png", "code.png", "--ec", "H", "--module-size", "3", "--json",
        ])
        #expect(issued.status == 0, "\(issued.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(issued.stdout.utf8)) as? [String: Any])
        let qr = try #require(json["qr"] as? [String: Any])
        #expect(qr["errorCorrection"] as? String == "H" && qr["moduleSize"] as? Int == 3)
        let version = try #require(qr["version"] as? Int)
        #expect(qr["modules"] as? Int == 17 + 4 * version)
        #expect((json["files"] as? [[String: Any]])?.count == 2)
        let svg = try String(contentsOfFile: setup.path("code.svg"), encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("shape-rendering=\"crispEdges\""))

        let terminal = try await setup.run(
            ["qr", "issue", "--card-id", "26B5A1FE56681", "--static", "--key", "issuer.key", "--terminal"])
        #expect(terminal.status == 0)
        let lines = terminal.stdout.split(separator: "\n")
        #expect(lines.last?.hasPrefix("HCK1-") == true)
        #expect(lines.dropLast().allSatisfy { $0.unicodeScalars.allSatisfy { " ▀▄█".unicodeScalars.contains($0) } })

        let plain = try await setup.run(
            ["qr", "issue", "--card-id", "26B5A1FE56681", "--static", "--key", "issuer.key", "--png", "p.png"])
        #expect(plain.stdout.hasPrefix("wrote p.png: QR version "))

        let bad = try await setup.run(
            [
                "qr", "issue", "--card-id", "A", "--static", "--key", "issuer.key", "--module-size", "0", "--png",
                "x.png",
            ])
        #expect(bad.status != 0 && bad.stderr.contains("module size 0"))
    }

    @Test("module size: 1 pixel is refused with the reason; at the smallest size allowed our own scanner reads every code")
    func smallestModuleSize() async throws {
        let setup = try await Setup()
        defer { setup.remove() }
        let one = try await setup.run(
            ["qr", "issue", "--card-id", "26B5A1FE56681", "--static", "--key", "issuer.key", "--module-size", "1", "--png", "x.png"])
        #expect(one.status == 64 && one.stderr.contains("below 2 pixels, the smallest that zbar reads"), "\(one.stderr)")
        #expect(!FileManager.default.fileExists(atPath: setup.path("x.png")))
        var generator = SplitMix64(seed: 0x4D4F_4455_4C45)
        for index in 0..<16 {
            let cardID = Hex.encode((0..<7).map { _ in UInt8.random(in: 0...255, using: &generator) }).prefix(13)
            let kind = index % 2 == 0 ? "--static" : "--dynamic"
            let issued = try await setup.run(
                [
                    "qr", "issue", "--card-id", String(cardID), kind, "--key", "issuer.key", "--module-size",
                    "\(QRRenderOptions.minimumModuleSize)", "--quiet-zone", "\(index % 3)", "--png", "c\(index).png",
                ])
            #expect(issued.status == 0, "\(issued.stderr)")
            let decoded = try await setup.run(["qr", "decode", "c\(index).png"])
            #expect(decoded.status == 0 && decoded.stdout.contains(String(cardID)), "c\(index).png: \(decoded.stderr)")
        }
    }

    @Test("verify IMAGE rejects a tampered, foreign, expired, revoked or replayed code with the right reason")
    func rejections() async throws {
        let setup = try await Setup()
        defer { setup.remove() }
        let text = try await setup.issuePNG("dynamic.png", extra: ["--window", "60"])

        // Tampered: one character of the signature changed, re-encoded into a new PNG.
        var characters = Array(text)
        let index = characters.count - 6 - (characters.count - 5) % 3
        characters[index] = characters[index] == "0" ? "1" : "0"
        try setup.writePNG(String(characters), to: "tampered.png")
        let tampered = try await setup.verify("tampered.png")
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("tampered.png: INVALID: bad signature"), "\(tampered.stdout)")

        // Signed by a key that is not in the trust list.
        _ = try await setup.issuePNG("foreign.png", key: "other.key")
        let foreign = try await setup.verify("foreign.png")
        #expect(foreign.status == 1 && foreign.stdout.contains("INVALID: unknown key id"))

        // Expired: a 60 s window, checked 91 s later (skew 30).
        let expired = try await setup.verify("dynamic.png", at: "2026-03-01T08:01:31Z")
        #expect(expired.status == 1 && expired.stdout.contains("INVALID: expired at 2026-03-01T08:01:00Z"))
        let inTime = try await setup.verify("dynamic.png", at: "2026-03-01T08:01:30Z")
        #expect(inTime.status == 0)

        // Not yet valid.
        let early = try await setup.verify("dynamic.png", at: "2026-03-01T07:59:00Z")
        #expect(early.stdout.contains("INVALID: not yet valid"))

        // Revoked card.
        let revoke = try await setup.run(["keys", "revoke", "--revoked", "revoked.json", "--card-id", "26B5A1FE56681"])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        let revoked = try await setup.verify(
            "dynamic.png", at: "2026-03-01T08:00:10Z", ["--revoked", "revoked.json", "--json"])
        #expect(revoked.status == 1)
        let results = try #require(
            try JSONSerialization.jsonObject(with: Data(revoked.stdout.utf8)) as? [[String: Any]])
        let verdict = try #require(results.first?["verdict"] as? [String: Any])
        #expect(verdict["reason"] as? String == "revokedCard" && verdict["valid"] as? Bool == false)

        // Malformed: a plain platform payload is not a signed code.
        try setup.writePNG("26B5A1FE56681:1", to: "plain.png")
        let plain = try await setup.verify("plain.png")
        #expect(plain.status == 1 && plain.stdout.contains("INVALID: malformed: offset 0"))

        // Replay: accepted once, rejected the second time with a cache file; stateless without it.
        let first = try await setup.verify("dynamic.png", at: "2026-03-01T08:00:10Z", ["--replay-cache", "seen.json"])
        #expect(first.status == 0, "\(first.stdout) \(first.stderr)")
        let second = try await setup.verify("dynamic.png", at: "2026-03-01T08:00:20Z", ["--replay-cache", "seen.json"])
        #expect(second.status == 1 && second.stdout.contains("INVALID: replayed"))
        let stateless = try await setup.verify("dynamic.png", at: "2026-03-01T08:00:20Z")
        #expect(stateless.status == 0)
    }

    @Test("decode: plain payload segments; 'no QR code found' and unreadable files exit 1")
    func decode() async throws {
        let setup = try await Setup()
        defer { setup.remove() }
        try setup.writePNG("26B5A1FE56681:0:0123456789ABCDEF", to: "plain.png")
        let plain = try await setup.run(["qr", "decode", "plain.png"])
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("plain e-health-card payload"))
        #expect(plain.stdout.contains("card id:  26B5A1FE56681") && plain.stdout.contains("validity: 0123456789ABCDEF"))

        // A 32×32 white PNG.
        let blank = try #require(
            Data(
                base64Encoded:
                    "iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAAAAABWESUoAAAAFklEQVR4nGP4TwAwjCoYVTCqYKQqAAA/"
                        + "aPwuq5iY/wAAAABJRU5ErkJggg=="
            ))
        try blank.write(to: setup.directory.appendingPathComponent("x.png"))
        let none = try await setup.run(["qr", "decode", "x.png", "plain.png"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("no QR code found in x.png"))
        #expect(none.stdout.contains("plain.png: 1 QR code"))
        let verifyNone = try await setup.verify("x.png")
        #expect(verifyNone.status == 1 && verifyNone.stderr.contains("no QR code found in x.png"))

        try Data("hello".utf8).write(to: setup.directory.appendingPathComponent("notes.txt"))
        let unreadable = try await setup.run(["qr", "decode", "notes.txt"])
        #expect(unreadable.status == 1 && unreadable.stderr.contains("notes.txt: not a PNG, JPEG or WebP image"))

        // A raw grey frame: the PNG's pixels without the file format.
        let matrix = try QREncoder().encode(text: "26B5A1FE56681:1")
        let image = matrix.greyImage(moduleSize: 3)
        try Data(image.pixels).write(to: setup.directory.appendingPathComponent("frame.y800"))
        let frame = try await setup.run(["qr", "decode", "--grey", "\(image.width)x\(image.height)", "frame.y800"])
        #expect(frame.status == 0 && frame.stdout.contains("26B5A1FE56681:1"), "\(frame.stderr)")
    }

    @Test("batch: 1,000 rows with bad ones → codes, manifest, per-line errors, exit 1; a rerun skips them all")
    func batch() async throws {
        let setup = try await Setup()
        defer { setup.remove() }
        var lines = ["card_id,kind,window"]
        for index in 0..<1000 {
            lines.append(index % 5 == 0 ? "D\(index),dynamic,\(index % 3 == 0 ? "" : "120")" : "S\(index),static,")
        }
        let bad: [Int: String] = [
            7: "BAD-ID,static,", 100: "C100,monthly,", 500: "C500", 901: "C901,dynamic,0",
        ]
        for (line, row) in bad { lines[line - 1] = row }
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: setup.path("in.csv"), atomically: true, encoding: .utf8)

        let first = try await setup.run(
            ["qr", "batch", "--csv", "in.csv", "--out", "codes", "--key", "issuer.key", "--now", "2026-03-01T08:00:00Z"])
        #expect(first.status == 1)
        #expect(first.stdout.contains("in.csv: 1000 lines: 996 issued, 0 skipped"), "\(first.stdout)")
        for line in bad.keys.sorted() { #expect(first.stderr.contains("in.csv:\(line): ")) }
        #expect(first.stderr.contains("in.csv:7: bad card id 'BAD-ID'"))
        #expect(first.stderr.contains("in.csv:100: unknown kind 'monthly'"))
        #expect(first.stderr.contains("in.csv:500: missing column 'kind'"))
        #expect(first.stderr.contains("in.csv:901: window must be 1...65535 seconds, got '0'"))
        #expect(!first.stderr.contains("\r["))  // no progress bar when stderr is not a terminal

        let codes = setup.directory.appendingPathComponent("codes")
        let files = try FileManager.default.contentsOfDirectory(atPath: codes.path)
        #expect(files.filter { $0.hasSuffix(".png") }.count == 996)
        #expect(files.contains("S1-static.png") && files.contains("D5-dynamic-L7.png") == false)
        #expect(files.contains("D0-dynamic-L2.png"))
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: codes.appendingPathComponent("manifest.json")))
                as? [String: Any])
        let entries = try #require(manifest["codes"] as? [[String: Any]])
        #expect(entries.count == 996)
        let entry = try #require(entries.first { $0["file"] as? String == "S1-static.png" })
        for field in ["line", "cardId", "kind", "keyId", "issuedAt", "nonce", "file", "sm3", "qrVersion", "text"] {
            #expect(entry[field] != nil, "manifest entry lacks \(field)")
        }
        let errors = try String(contentsOf: codes.appendingPathComponent("errors.csv"), encoding: .utf8)
        #expect(errors.split(separator: "\n").count == 5)
        #expect(errors.contains("\n7,BAD-ID,"))

        // A code from the batch verifies (at a fixed time inside the trust list's validity).
        let verified = try await setup.verify("codes/S1-static.png")
        #expect(verified.status == 0, "\(verified.stdout)")

        // Rerun: everything already issued is skipped; the same lines fail again.
        let second = try await setup.run(
            [
                "qr", "batch", "--csv", "in.csv", "--out", "codes", "--key", "issuer.key", "--json", "--jobs", "1",
                "--now", "2026-03-01T08:00:00Z",
            ])
        #expect(second.status == 1)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        #expect(summary["issued"] as? Int == 0)
        #expect((summary["skipped"] as? [Any])?.count == 996)
        #expect((summary["errors"] as? [[String: Any]])?.compactMap { $0["line"] as? Int } == [7, 100, 500, 901])
        #expect(summary["codesInManifest"] as? Int == 996)

        // A header-less file is refused as a whole.
        try "S1,static\n".write(toFile: setup.path("nohead.csv"), atomically: true, encoding: .utf8)
        let refused = try await setup.run(["qr", "batch", "--csv", "nohead.csv", "--out", "codes2", "--key", "issuer.key"])
        #expect(refused.status != 0 && refused.stderr.contains("header line card_id,kind[,window] is required"))
    }
}
