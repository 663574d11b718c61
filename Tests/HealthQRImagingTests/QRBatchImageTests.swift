import Foundation
import Testing
@testable import HealthCardFoundation
@testable import HealthQR
@testable import HealthQRImaging
import HealthCardTestSupport


/// Signed codes through real libqrencode, libpng and zbar: issue → draw → scan → verify.
@Suite("QRBatch: signed codes as images")
struct QRBatchImageTests {
    typealias F = QRPayloadFixture

    /// Issues, draws as PNG, decodes the PNG bytes, and returns the scanned text.
    static func roundTrip(_ text: String, options: QRRenderOptions = .standard) throws -> (String, QRMatrix) {
        let matrix = try QREncoder().encode(text: text, options: options)
        let png = try QRImageCodec().render(matrix, as: .png, options: options)
        #expect(ImageFile.format(of: png) == .png)
        let texts = try QRImageCodec().texts(inFile: png)
        return (try #require(texts.first), matrix)
    }

    @Test(
        "static and dynamic codes survive libqrencode → PNG → zbar at every EC level and verify as valid",
        arguments: QRErrorCorrection.allCases)
    func roundTrip(level: QRErrorCorrection) async throws {
        let fixture = try F()
        for kind in [SignedCode.Kind.static, .dynamic(window: .seconds(300))] {
            let text = try await fixture.issue(F.tencentID, kind)
            let options = try QRRenderOptions(errorCorrection: level, moduleSize: 2)
            let (scanned, matrix) = try Self.roundTrip(text, options: options)
            #expect(scanned == text)
            let verdict = fixture.verifier().verify(scanned, now: F.now.addingTimeInterval(60))
            guard case .valid(let decoded) = verdict else {
                Issue.record("\(verdict)")
                continue
            }
            #expect(decoded.code.kind == kind && decoded.code.cardID == F.tencentID)
            // HCK1 text is alphanumeric: version 8 at M for the 64-hex id (Docs/qr-payload.md §2.6).
            if level == .medium { #expect(matrix.version == 8) }
        }
    }

    @Test("SVG output draws the same matrix; the terminal form has two module rows per line")
    func svgAndTerminal() async throws {
        let fixture = try F()
        let text = try await fixture.issue("26B5A1FE56681", .static)
        let matrix = try QREncoder().encode(text: text)
        let svg = try QRImageCodec().render(matrix, as: .svg, options: .standard)
        #expect(String(decoding: svg, as: UTF8.self).hasPrefix("<?xml"))
        #expect(try QRImageCodec().texts(inFile: svg) == [])  // not scannable, and not an error
        let lines = matrix.terminal(quietZone: 2).split(separator: "\n")
        #expect(lines.count == (matrix.width + 4 + 1) / 2)
    }

    @Test("every rejection reason through an image: tampered, wrong key, expired, revoked, not yet valid")
    func rejections() async throws {
        let fixture = try F()
        let other = try F()
        let dynamic = try await fixture.issue("26B5A1FE56681", .dynamic(window: .seconds(60)))
        let (scanned, _) = try Self.roundTrip(dynamic)

        // One character of the signature changed: still base45, so the verdict is bad signature.
        var characters = Array(scanned)
        let index = characters.count - 6 - (characters.count - 5) % 3
        let alphabet = Base45.alphabet
        let position = try #require(alphabet.firstIndex(of: characters[index]))
        characters[index] = alphabet[position == 0 ? 1 : position - 1]
        let (tampered, _) = try Self.roundTrip(String(characters))
        #expect(fixture.verifier().verify(tampered, now: F.now) == .badSignature)

        // Signed by a key that is not trusted.
        let (foreign, _) = try Self.roundTrip(try await other.issue("26B5A1FE56681", .static))
        #expect(fixture.verifier().verify(foreign, now: F.now) == .unknownKeyID(other.keyID))

        // The other key's signature under this key's id: bad signature.
        let forged = try F.rewriting(try await other.issue("26B5A1FE56681", .static)) { bytes in
            bytes.replaceSubrange(2..<10, with: fixture.keyID.bytes)
        }
        #expect(fixture.verifier().verify(try Self.roundTrip(forged).0, now: F.now) == .badSignature)

        // Expired, one second past window + skew.
        let late = F.now.addingTimeInterval(60 + 30 + 1)
        #expect(fixture.verifier().verify(scanned, now: late).reasonCode == "expired")
        #expect(fixture.verifier().verify(scanned, now: F.now.addingTimeInterval(90)).isValid)

        // Not yet valid.
        #expect(fixture.verifier().verify(scanned, now: F.now.addingTimeInterval(-31)).reasonCode == "notYetValid")

        // Revoked card and key.
        let revokedCard = try RevocationList(cardIDs: ["26B5A1FE56681"])
        #expect(fixture.verifier(revocations: revokedCard).verify(scanned, now: F.now) == .revokedCard("26B5A1FE56681"))
        let revokedKey = try RevocationList(keyIDs: [fixture.keyID])
        #expect(fixture.verifier(revocations: revokedKey).verify(scanned, now: F.now) == .revokedKey(fixture.keyID))

        // Replayed within the window with a cache; malformed for a plain payload.
        let verifier = fixture.verifier(cache: SeenNonceCache())
        #expect(verifier.verify(scanned, now: F.now).isValid)
        #expect(verifier.verify(scanned, now: F.now).reasonCode == "replayed")
        let (plain, _) = try Self.roundTrip("26B5A1FE56681:1")
        #expect(fixture.verifier().verify(plain, now: F.now).reasonCode == "malformed")
    }

    @Test("scanned payloads are classified without verification")
    func classify() async throws {
        let fixture = try F()
        let text = try await fixture.issue("26B5A1FE56681", .static)
        guard case .signed(let decoded) = ScannedPayload(bytes: Array(text.utf8)) else {
            Issue.record("not signed")
            return
        }
        #expect(decoded.code.cardID == "26B5A1FE56681")
        #expect(ScannedPayload(text: text).text == text)
        #expect(ScannedPayload(text: "HCK1-AB").kindName == "malformedSigned")
        #expect(
            ScannedPayload(text: "26B5A1FE56681:0:TOKEN")
                == .plain(try EHealthCardPayload(parsing: "26B5A1FE56681:0:TOKEN")))
        #expect(ScannedPayload(text: "hello world").kindName == "text")
        #expect(ScannedPayload(bytes: [0xFF, 0x00]) == .binary([0xFF, 0x00]))
    }

    @Test("a replay cache file remembers dynamic codes across runs and drops expired entries")
    func replayCacheFile() async throws {
        let fixture = try F()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qrbatch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("seen.json").path
        let dynamic = try await fixture.issue("26B5A1FE56681", .dynamic(window: .seconds(60)))
        let staticCode = try await fixture.issue("26B5A1FE56681", .static)
        let now = Int64(F.now.timeIntervalSince1970)

        func run(at seconds: Int64, _ text: String) throws -> Verdict {
            let file = try ReplayCacheFile(path: path, now: seconds)
            let verdict = fixture.verifier(cache: file.cache)
                .verify(text, now: Date(timeIntervalSince1970: TimeInterval(seconds)))
            file.record(verdict, clockSkew: .seconds(30))
            try file.save()
            return verdict
        }
        #expect(try run(at: now, dynamic).isValid)
        #expect(try run(at: now + 10, dynamic).reasonCode == "replayed")
        #expect(try run(at: now, staticCode).isValid)
        #expect(try run(at: now + 1, staticCode).isValid)
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved.contains(fixture.keyID.hex) && saved.contains("\"until\":\(now + 90)"))
        // After the window the entry is pruned on load (and the code is expired anyway).
        _ = try run(at: now + 200, dynamic)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"entries\":[]"))
        // flush writes what was recorded while keeping the lock (a batch scanner, mid-run).
        let other = try await fixture.issue("26B5A1FE56681", .dynamic(window: .seconds(60)), nonce: 99)
        let open = try ReplayCacheFile(path: path, now: now)
        open.record(fixture.verifier(cache: open.cache).verify(other, now: F.now), clockSkew: .seconds(30))
        try open.flush()
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains(SignedCode.Nonce(rawValue: 99).hex))
        try open.save()
        try "not json".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: HealthCardError.malformed("")) { try ReplayCacheFile(path: path, now: now) }
    }
}

@Suite("QRBatch: the pure-Swift PNG writer")
struct QRBatchPNGTests {
    @Test(
        "libpng reads back exactly the pixels of greyPixels, for small and large symbols and sizes",
        arguments: [(1, 1, 0), (1, 4, 4), (8, 3, 2), (8, 4, 4), (17, 7, 1), (40, 1, 4), (40, 5, 0)])
    func pixels(_ sizes: (version: Int, moduleSize: Int, quietZone: Int)) throws {
        let matrix = try QREncoder().encode(
            Array(String(repeating: "HCK1-", count: 4).utf8), mode: .alphanumeric, errorCorrection: .low,
            minimumVersion: sizes.version)
        #expect(matrix.version == sizes.version)
        let png = matrix.png(moduleSize: sizes.moduleSize, quietZone: sizes.quietZone)
        let decoded = try ImageFile.decodePNG(png)
        let expected = matrix.greyImage(moduleSize: sizes.moduleSize, quietZone: sizes.quietZone)
        #expect(decoded == expected)
        // Under twice the size of libpng's output at the default zlib level (1.5-1.7 times measured).
        let libpng = try QRImage.pngData(matrix, moduleSize: sizes.moduleSize, quietZone: sizes.quietZone)
        #expect(png.count < libpng.count * 2 + 100, "\(png.count) vs libpng \(libpng.count)")
    }

    @Test("zbar reads the written PNG; CRC-32 and Adler-32 match their reference values")
    func scanAndChecksums() throws {
        let matrix = try QREncoder().encode(text: "26B5A1FE56681:1")
        #expect(try QRImageCodec().texts(inFile: matrix.png()) == ["26B5A1FE56681:1"])
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        var adler = Adler32()
        adler.update(Array("Wikipedia".utf8))
        #expect(adler.value == 0x11E6_0398)
        var long = Adler32()
        long.update([UInt8](repeating: 0xFF, count: 100_000))
        var reference: (a: UInt32, b: UInt32) = (1, 0)
        for _ in 0..<100_000 {
            reference.a = (reference.a + 0xFF) % 65521
            reference.b = (reference.b + reference.a) % 65521
        }
        #expect(long.value == reference.b << 16 | reference.a)
    }
}
