import Foundation
import HealthCardTestSupport
import HealthCardCore
import Testing

/// Card images and record input that are wrong in ways an adversarial review found: short and
/// missing files, a removed checksum, misspelt record keys, concurrent writers, and a misspelt
/// revocation list. Each test failed before its fix (a crash, a lost write, data cleared, a
/// revoked card verified as valid).
@Suite("hcard: malformed card images, record keys, concurrent writes, strict lists")
struct CardImageIntegrityCommandTests {
    static let records = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/records")
    static let qr = records.deletingLastPathComponent().appendingPathComponent("qr")

    let directory: URL
    let image: URL

    /// A fresh `hcard card new` image, `c.json`, in its own directory.
    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hcard-integrity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        image = directory.appendingPathComponent("c.json")
        let new = try await HCardRunner.run([
            "card", "new", "--holder", Self.records.appendingPathComponent("holder.json").path, "--image", image.path,
        ])
        #expect(new.status == 0, "\(new.stderr)")
    }

    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Edits the image's `files` as JSON; `fixCRC` recomputes the edited entries' checksums.
    func editImage(fixCRC: Bool = true, _ edit: (inout [[String: Any]]) throws -> Void) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: image)) as? [String: Any])
        var files = try #require(object["files"] as? [[String: Any]])
        try edit(&files)
        if fixCRC {
            for index in files.indices where files[index]["crc32"] != nil {
                let hex = (files[index]["records"] as? [String])?.joined() ?? files[index]["data"] as? String ?? ""
                files[index]["crc32"] = CRC32.hex(try Hex.decode(hex))
            }
        }
        object["files"] = files
        try JSONSerialization.data(withJSONObject: object).write(to: image)
    }

    func index(of path: String, in files: [[String: Any]]) throws -> Int {
        try #require(files.firstIndex { $0["path"] as? String == path })
    }

    @Test("a file shorter than the layout is an error naming the image, the file and its size, not a crash (exit 132)")
    func shortFiles() async throws {
        let photo = try file("x.jpg", "\u{FF}\u{D8}not really a jpeg")
        try editImage { files in files[try index(of: "DDF1/EF07", in: files)]["data"] = "FFFF" }
        let write = try await HCardRunner.run(["write", "photo", "--from", photo, "--image", image.path])
        #expect(write.status == 1, "exit \(write.status): \(write.stderr)")
        #expect(write.stderr.contains(image.path) && write.stderr.contains("DDF1/EF07"), "\(write.stderr)")
        #expect(write.stderr.contains("has 2 bytes, the layout has 3074"), "\(write.stderr)")

        let second = try await CardImageIntegrityCommandTests()
        try second.editImage { files in files[try index(of: "DF03/ED01", in: files)]["data"] = "00112233445566778899" }
        let visit = Self.records.appendingPathComponent("outpatient.json").path
        let outpatient = try await HCardRunner.run(["write", "outpatient", "--from", visit, "--image", second.image.path])
        #expect(outpatient.status == 1, "exit \(outpatient.status): \(outpatient.stderr)")
        #expect(outpatient.stderr.contains("DF03/ED01 (outpatient1) has 10 bytes, the layout has 3267"), "\(outpatient.stderr)")
    }

    @Test("a file missing from the image: writes fail, and the image is left exactly as it was")
    func missingFiles() async throws {
        let photo = try file("x.jpg", "\u{FF}\u{D8}jpeg")
        try editImage { files in files.remove(at: try index(of: "DDF1/EF07", in: files)) }
        let before = try Data(contentsOf: image)
        let write = try await HCardRunner.run(["write", "photo", "--from", photo, "--image", image.path])
        #expect(write.status != 0 && !write.stdout.contains("written"), "\(write.stdout)")
        #expect(write.stderr.contains("DDF1/EF07 (photo) is missing"), "\(write.stderr)")
        #expect(try Data(contentsOf: image) == before)

        let second = try await CardImageIntegrityCommandTests()
        try second.editImage { files in files.remove(at: try index(of: "DF03/ED01", in: files)) }
        let unchanged = try Data(contentsOf: second.image)
        let visit = Self.records.appendingPathComponent("outpatient.json").path
        let outpatient = try await HCardRunner.run(["write", "outpatient", "--from", visit, "--image", second.image.path])
        #expect(outpatient.status != 0 && outpatient.stderr.contains("DF03/ED01"), "\(outpatient.stderr)")
        #expect(try Data(contentsOf: second.image) == unchanged, "slot 1 must not be marked valid")
    }

    @Test("an image without a file's crc32 is refused by hcard read and hcard fixtures validate")
    func checksumRequired() async throws {
        try editImage(fixCRC: false) { files in
            let holder = try index(of: "DDF1/EF06", in: files)
            files[holder]["crc32"] = nil
            var records = try #require(files[holder]["records"] as? [String])
            // The name (tag 0B, 30 bytes) edited by hand: "啊啊啊" in GBK.
            records[0] = "0B1E" + String(repeating: "B0A1", count: 3) + String(repeating: "00", count: 24)
            files[holder]["records"] = records
        }
        let read = try await HCardRunner.run(["read", "--image", image.path])
        #expect(read.status != 0 && !read.stdout.contains("啊啊啊"), "\(read.stdout)")
        #expect(read.stderr.contains("DDF1/EF06 has no \"crc32\""), "\(read.stderr)")
        let validate = try await HCardRunner.run(["fixtures", "validate", image.path])
        #expect(validate.status != 0, "\(validate.stdout)")
        #expect(validate.stdout.contains("DDF1/EF06") && validate.stdout.contains("crc32"), "\(validate.stdout)")
    }

    @Test("an unknown key in record JSON is an error naming it and the closest known key; the card keeps its data")
    func unknownRecordKey() async throws {
        let good = try file("good.json", #"{"phone1": "13900000000"}"#)
        #expect(try await HCardRunner.run(["write", "payment", "--from", good, "--image", image.path]).status == 0)
        let bad = try file("p.json", #"{"Phone1": "13800000000"}"#)
        let write = try await HCardRunner.run(["write", "payment", "--from", bad, "--image", image.path])
        #expect(write.status != 0, "\(write.stdout)")
        #expect(write.stderr.contains(#"p.json: unknown key "Phone1" (closest known key: "phone1")"#), "\(write.stderr)")
        let read = try await HCardRunner.run(["read", "--image", image.path, "--json"])
        #expect(read.stdout.contains("13900000000"), "the payment file must not be cleared")

        // Inside a group entry too.
        let visit = try file("v.json", #"{"symptoms": [{"symptomNmae": "发热"}]}"#)
        let outpatient = try await HCardRunner.run(["write", "outpatient", "--from", visit, "--image", image.path])
        #expect(outpatient.status != 0)
        #expect(outpatient.stderr.contains(#"symptoms[0]: unknown key "symptomNmae" (closest known key: "symptomName")"#))
    }

    @Test("five concurrent writes to one image: five slots used, every acknowledged visit present")
    func concurrentWrites() async throws {
        let visit = Self.records.appendingPathComponent("outpatient.json").path
        let write = ["write", "outpatient", "--from", visit, "--image", image.path, "--json"]
        let results = try await ConcurrentWritersTests.runTogether(Array(repeating: write, count: 5), in: nil)
        var slots: [Int] = []
        for run in results {
            #expect(run.status == 0, "\(run.stderr)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            slots.append(try #require(result["slot"] as? Int))
        }
        #expect(slots.sorted() == [1, 2, 3, 4, 5], "acknowledged slots \(slots)")
        let read = try await HCardRunner.run(["read", "--image", image.path, "--json"])
        let card = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any])
        let visits = try #require(card["outpatient"] as? [[String: Any]])
        #expect(visits.compactMap { $0["slot"] as? Int }.sorted() == [1, 2, 3, 4, 5])
    }

    @Test("an image in use (locked by another process, as by a running emulation) is refused by hcard emulate at once")
    func emulateLockedImage() async throws {
        let held = try AtomicFile.ExclusiveLock(image.path)
        // Port 9 (discard) has no vpcd: were the lock not checked first, the error would be about vpcd.
        let emulate = try await HCardRunner.run(["emulate", "--image", image.path, "--port", "9", "--no-sam"])
        #expect(emulate.status == 1, "\(emulate.stderr)")
        #expect(emulate.stderr.contains("cannot lock \(image.path): in use by another process"), "\(emulate.stderr)")
        #expect(emulate.duration < .seconds(10), "emulate waited for the lock instead of refusing at once")
        withExtendedLifetime(held) {}
    }

    @Test("a misspelt revocation list key is an error, not an empty list that lets a revoked card verify")
    func misspeltRevocationList() async throws {
        let code = try #require(
            try String(contentsOf: Self.qr.appendingPathComponent("codes.txt"), encoding: .utf8)
                .split(separator: "\n").first { $0.hasPrefix("HCK1-") })
        let trust = Self.qr.appendingPathComponent("trust.json").path
        let misspelt = try file("r.json", #"{"version":1,"cardIDs":["26B5A1FE56681"]}"#)
        let verify = try await HCardRunner.run(["qr", "verify", "--trust", trust, "--revoked", misspelt, "--text", String(code)])
        #expect(verify.status != 0 && !verify.stdout.hasPrefix("valid"), "\(verify.stdout)")
        #expect(verify.stderr.contains(#"r.json: unknown key "cardIDs" (closest known key: "cardIds")"#), "\(verify.stderr)")

        let spelt = try file("ok.json", #"{"version":1,"cardIds":["26B5A1FE56681"],"keyIds":[]}"#)
        let revoked = try await HCardRunner.run(["qr", "verify", "--trust", trust, "--revoked", spelt, "--text", String(code)])
        #expect(revoked.status == 1 && revoked.stdout.contains("revoked card 26B5A1FE56681"), "\(revoked.stdout)")
    }
}
