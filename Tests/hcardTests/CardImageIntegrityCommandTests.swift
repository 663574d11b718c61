import Foundation
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
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hcard-integrity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        image = directory.appendingPathComponent("c.json")
        let new = try HCardRunner.run([
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

    @Test("an unknown key in record JSON is an error naming it and the closest known key; the card keeps its data")
    func unknownRecordKey() throws {
        let good = try file("good.json", #"{"phone1": "13900000000"}"#)
        #expect(try HCardRunner.run(["write", "payment", "--from", good, "--image", image.path]).status == 0)
        let bad = try file("p.json", #"{"Phone1": "13800000000"}"#)
        let write = try HCardRunner.run(["write", "payment", "--from", bad, "--image", image.path])
        #expect(write.status != 0, "\(write.stdout)")
        #expect(write.stderr.contains(#"p.json: unknown key "Phone1" (closest known key: "phone1")"#), "\(write.stderr)")
        let read = try HCardRunner.run(["read", "--image", image.path, "--json"])
        #expect(read.stdout.contains("13900000000"), "the payment file must not be cleared")

        // Inside a group entry too.
        let visit = try file("v.json", #"{"symptoms": [{"symptomNmae": "发热"}]}"#)
        let outpatient = try HCardRunner.run(["write", "outpatient", "--from", visit, "--image", image.path])
        #expect(outpatient.status != 0)
        #expect(outpatient.stderr.contains(#"symptoms[0]: unknown key "symptomNmae" (closest known key: "symptomName")"#))
    }

    @Test("five concurrent writes to one image: five slots used, every acknowledged visit present")
    func concurrentWrites() throws {
        let visit = Self.records.appendingPathComponent("outpatient.json").path
        var processes: [(Process, Pipe, Pipe)] = []
        for _ in 1...5 {
            let process = Process()
            process.executableURL = HCardRunner.productsDirectory.appendingPathComponent("hcard")
            process.arguments = ["write", "outpatient", "--from", visit, "--image", image.path, "--json"]
            let (out, err) = (Pipe(), Pipe())
            process.standardOutput = out
            process.standardError = err
            processes.append((process, out, err))
        }
        for (process, _, _) in processes { try process.run() }
        var slots: [Int] = []
        for (process, out, err) in processes {
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(stderr)")
            let result = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
            slots.append(try #require(result["slot"] as? Int))
        }
        #expect(slots.sorted() == [1, 2, 3, 4, 5], "acknowledged slots \(slots)")
        let read = try HCardRunner.run(["read", "--image", image.path, "--json"])
        let card = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any])
        let visits = try #require(card["outpatient"] as? [[String: Any]])
        #expect(visits.compactMap { $0["slot"] as? Int }.sorted() == [1, 2, 3, 4, 5])
    }

    @Test("a misspelt revocation list key is an error, not an empty list that lets a revoked card verify")
    func misspeltRevocationList() throws {
        let code = try #require(
            try String(contentsOf: Self.qr.appendingPathComponent("codes.txt"), encoding: .utf8)
                .split(separator: "\n").first { $0.hasPrefix("HCK1-") })
        let trust = Self.qr.appendingPathComponent("trust.json").path
        let misspelt = try file("r.json", #"{"version":1,"cardIDs":["26B5A1FE56681"]}"#)
        let verify = try HCardRunner.run(["qr", "verify", "--trust", trust, "--revoked", misspelt, "--text", String(code)])
        #expect(verify.status != 0 && !verify.stdout.hasPrefix("valid"), "\(verify.stdout)")
        #expect(verify.stderr.contains(#"r.json: unknown key "cardIDs" (closest known key: "cardIds")"#), "\(verify.stderr)")

        let spelt = try file("ok.json", #"{"version":1,"cardIds":["26B5A1FE56681"],"keyIds":[]}"#)
        let revoked = try HCardRunner.run(["qr", "verify", "--trust", trust, "--revoked", spelt, "--text", String(code)])
        #expect(revoked.status == 1 && revoked.stdout.contains("revoked card 26B5A1FE56681"), "\(revoked.stdout)")
    }
}
