import Foundation
import Synchronization
import Testing
@testable import HealthCardCrypto
@testable import HealthCardFoundation
@testable import HealthQR
import HealthCardTestSupport
@testable import HealthQRImaging


@Suite("QRBatch: the batch engine")
struct QRBatchIssuerTests {
    typealias F = QRPayloadFixture

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qrbatch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func engine(_ fixture: F, format: QRImageFormat = .png, jobs: Int = 2) -> QRBatchIssuer {
        QRBatchIssuer(
            issuer: fixture.issuer, encoder: QREncoder(), renderer: QRImageCodec(), reader: QRImageCodec(),
            format: format, options: try! QRRenderOptions(moduleSize: 2), jobs: jobs)
    }

    static func csv(rows: Int, bad: [Int: String] = [:]) -> String {
        var lines = ["card_id,kind,window"]
        for index in 0..<rows {
            let line = index + 2
            if let row = bad[line] {
                lines.append(row)
            } else if index % 4 == 0 {
                lines.append("C\(index),dynamic,\(60 + index)")
            } else {
                lines.append(String(format: "%016X,static,", index))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func manifest(in directory: URL) throws -> QRBatch.Manifest {
        try JSONDecoder().decode(
            QRBatch.Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    }

    @Test("issues every good row as a verifiable PNG, records it in the manifest, reports bad lines")
    func batch() async throws {
        let fixture = try F()
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try QRBatchDirectory(path: directory.path)
        let calls = Mutex(0)
        let summary = try await Self.engine(fixture).run(
            csv: Self.csv(rows: 40, bad: [5: "X-1,static,", 9: "C9,sometimes,"]), source: "in.csv", into: store,
            now: F.now
        ) { done, total in
            #expect(done <= total && total == 38)
            calls.withLock { $0 += 1 }
        }
        #expect(summary.issued.count == 38 && summary.skipped.isEmpty)
        #expect(summary.errors.map(\.line) == [5, 9])
        #expect(!summary.succeeded)
        #expect(calls.withLock { $0 } == 39)  // the start, then once per row

        let manifest = try Self.manifest(in: directory)
        #expect(manifest.codes.count == 38 && manifest.source == "in.csv" && manifest.keyId == fixture.keyID.hex)
        #expect(manifest.codes.map(\.line) == manifest.codes.map(\.line).sorted())
        let errors = try String(contentsOf: directory.appendingPathComponent("errors.csv"), encoding: .utf8)
        #expect(errors.hasPrefix("line,card_id,reason\n5,X-1,"))

        let verifier = fixture.verifier()
        for entry in manifest.codes.prefix(8) {
            let bytes = try store.read(entry.file)
            #expect(Hex.encode(SM3.hash(bytes)) == entry.sm3)
            let texts = try QRImageCodec().texts(inFile: bytes)
            #expect(texts == [entry.text])
            guard case .valid(let decoded) = verifier.verify(entry.text, now: F.now) else {
                Issue.record("\(entry.file) does not verify")
                continue
            }
            #expect(decoded.code.cardID == entry.cardId && decoded.code.nonce.hex == entry.nonce)
            #expect(entry.issuedAt == "2026-03-01T08:00:00Z")
            #expect(entry.kind == "dynamic" ? entry.expiresAt != nil : entry.expiresAt == nil)
        }
        // Nonces are unique.
        #expect(Set(manifest.codes.map(\.nonce)).count == 38)
    }

    @Test("resumable: a rerun skips existing files, reissues deleted ones and rebuilds lost manifest entries")
    func resume() async throws {
        let fixture = try F()
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try QRBatchDirectory(path: directory.path)
        let engine = Self.engine(fixture)
        let csv = Self.csv(rows: 12)
        let first = try await engine.run(csv: csv, source: "in.csv", into: store, now: F.now)
        #expect(first.issued.count == 12 && first.succeeded)
        let before = try Self.manifest(in: directory)

        let second = try await engine.run(csv: csv, source: "in.csv", into: store, now: F.now)
        #expect(second.issued.isEmpty && second.skipped.count == 12 && second.succeeded)
        #expect(try Self.manifest(in: directory).codes == before.codes)

        // One file lost, the manifest lost: the file is reissued, the others are recovered by scanning.
        let lost = before.codes[3]
        try FileManager.default.removeItem(at: directory.appendingPathComponent(lost.file))
        try FileManager.default.removeItem(at: directory.appendingPathComponent("manifest.json"))
        let third = try await engine.run(csv: csv, source: "in.csv", into: store, now: F.now)
        #expect(third.issued.map(\.file) == [lost.file])
        #expect(third.skipped.count == 11)
        let rebuilt = try Self.manifest(in: directory)
        #expect(rebuilt.codes.count == 12)
        #expect(rebuilt.codes.filter { $0.recovered == true }.count == 11)
        for entry in rebuilt.codes where entry.file != lost.file {
            let original = try #require(before.codes.first { $0.file == entry.file })
            #expect(entry.nonce == original.nonce && entry.sm3 == original.sm3 && entry.text == original.text)
        }

        // A foreign file under an expected name is reported, not silently accepted.
        try Data("junk".utf8).write(to: directory.appendingPathComponent(before.codes[0].file))
        let fourth = try await engine.run(csv: csv, source: "in.csv", into: store, now: F.now)
        #expect(fourth.errors.map(\.line) == [before.codes[0].line])
        #expect(fourth.errors[0].reason.contains("delete it to issue it again"))
    }

    @Test("SVG batches, one job or several, give the same files")
    func svgAndJobs() async throws {
        let fixture = try F()
        // What must not depend on the number of jobs: which file each line becomes, and what each
        // file holds apart from its random nonce (the card, kind, window, key, time, symbol size).
        var runs: [[String: String]] = []
        for jobs in [1, 4] {
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try QRBatchDirectory(path: directory.path)
            let summary = try await Self.engine(fixture, format: .svg, jobs: jobs)
                .run(csv: Self.csv(rows: 9), source: "in.csv", into: store, now: F.now)
            #expect(summary.issued.count == 9)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(files.filter { $0.hasSuffix(".svg") }.count == 9)
            #expect(files.contains("C0-dynamic-L2.svg") && files.contains("manifest.json"))
            #expect(!files.contains { $0.contains(".tmp-") })
            var run: [String: String] = [:]
            for entry in try Self.manifest(in: directory).codes {
                let svg = try String(contentsOf: directory.appendingPathComponent(entry.file), encoding: .utf8)
                let size = svg.firstRange(of: "viewBox=\"").map { svg[$0.upperBound...].prefix(while: { $0 != "\"" }) }
                run[entry.file] =
                    "\(entry.line) \(entry.cardId) \(entry.kind) \(entry.windowSeconds ?? 0) \(entry.keyId) "
                    + "\(entry.issuedAt) \(entry.qrVersion ?? 0) \(size ?? "?")"
            }
            #expect(run.count == 9)
            runs.append(run)
        }
        #expect(runs[0] == runs[1])
    }

    @Test("a failing store turns each row into an error, and the batch still finishes")
    func failingStore() async throws {
        struct Failing: QRBatchStore {
            func contains(_ name: String) -> Bool { false }
            func read(_ name: String) throws -> [UInt8] { throw HealthCardError.invalidValue("no") }
            func write(_ bytes: [UInt8], to name: String) throws {
                guard name.hasSuffix(".png") else { return }
                throw HealthCardError.invalidValue("disk full")
            }
        }
        let fixture = try F()
        let summary = try await Self.engine(fixture).run(
            csv: Self.csv(rows: 5), source: "in.csv", into: Failing(), now: F.now)
        #expect(summary.issued.isEmpty)
        #expect(summary.errors.map(\.line) == [2, 3, 4, 5, 6])
        #expect(summary.errors.allSatisfy { $0.reason.contains("disk full") })
    }

    @Test("manifest.json, joined from entries encoded once, is byte for byte what JSONEncoder writes for the whole")
    func manifestBytes() async throws {
        let fixture = try F()
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var engine = Self.engine(fixture)
        engine.checkpointInterval = .zero  // a checkpoint after (nearly) every row
        _ = try await engine.run(
            csv: Self.csv(rows: 12), source: "in \"quoted\" 批次/x.csv", into: try QRBatchDirectory(path: directory.path),
            now: F.now)
        let written = try [UInt8](Data(contentsOf: directory.appendingPathComponent("manifest.json")))
        let manifest = try JSONDecoder().decode(QRBatch.Manifest.self, from: Data(written))
        #expect(manifest.codes.count == 12 && manifest.source == "in \"quoted\" 批次/x.csv")
        #expect(written == (try [UInt8](QRBatch.manifestEncoder.encode(manifest))) + [0x0A])
        // One entry, and none.
        var one = manifest
        one.codes = [manifest.codes[3]]
        #expect(
            try QRBatch.manifestJSON(one, entries: [QRBatch.EncodedManifestEntry(manifest.codes[3])])
                == [UInt8](QRBatch.manifestEncoder.encode(one)) + [0x0A])
        var none = manifest
        none.codes = []
        #expect(try QRBatch.manifestJSON(none, entries: []) == [UInt8](QRBatch.manifestEncoder.encode(none)) + [0x0A])
    }

    @Test("a manifest entry written directly is byte for byte JSONEncoder's, with every optional field present or not; escapes take JSONEncoder")
    func entryBytes() throws {
        let fixture = try F()
        let matrix = try QREncoder().encode(text: "HCK1-TEST")
        for (index, kind) in [SignedCode.Kind.static, .dynamic(window: .seconds(300))].enumerated() {
            let code = try SignedCode(
                kind: kind, keyID: fixture.keyID, cardID: "26B5A1FE56681", issuedAt: F.now, nonce: .random())
            for withMatrix in [true, false] {
                for recovered in [false, true] {
                    let entry = QRBatch.ManifestEntry(
                        line: 7 + index, code: code, text: "HCK1-AB $%*+-./:", file: "26B5A1FE56681-static.png",
                        fileBytes: [1, 2, 3], matrix: withMatrix ? matrix : nil, recovered: recovered)
                    let direct = try #require(QRBatch.EncodedManifestEntry.plainJSON(entry))
                    #expect(direct == QRBatch.EncodedManifestEntry.encoderJSON(entry), "\(kind) \(withMatrix) \(recovered)")
                }
            }
            for awkward in ["a\"b", "a\\b", "tab\there", "批次", "\u{7F}"] {
                var entry = QRBatch.ManifestEntry(
                    line: 2, code: code, text: "HCK1-AB", file: "x.png", fileBytes: [], matrix: matrix)
                entry.file = awkward
                #expect(QRBatch.EncodedManifestEntry.plainJSON(entry) == nil)
                #expect(QRBatch.EncodedManifestEntry(entry).json == QRBatch.EncodedManifestEntry.encoderJSON(entry))
            }
        }
    }
}
