import Foundation
import Testing

/// `hcard card new`, `read --image`, `write --image`, `erase`, and the generated layout document.
@Suite("hcard card, read, write, erase")
struct CardCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/records")

    func temporaryImage() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hcard-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("card.img")
    }

    @Test("personalise, write a visit and a stay, read them back as JSON")
    func roundTrip() async throws {
        let image = try temporaryImage()
        let new = try await HCardRunner.run(["card", "new", "--holder", Self.fixtures.appendingPathComponent("holder.json").path, "--image", image.path])
        #expect(new.status == 0, "\(new.stderr)")
        let write = try await HCardRunner.run(["write", "outpatient", "--from", Self.fixtures.appendingPathComponent("outpatient.json").path,
            "--image", image.path, "--json"])
        #expect(write.status == 0, "\(write.stderr)")
        #expect(write.stdout.contains(#""slot" : 1"#))
        let stay = try await HCardRunner.run(["write", "inpatient", "--from", Self.fixtures.appendingPathComponent("inpatient.json").path,
            "--image", image.path])
        #expect(stay.stdout.contains("slot 1 (DF03/EE01)"))

        let read = try await HCardRunner.run(["read", "--image", image.path, "--json"])
        #expect(read.status == 0)
        let card = try #require(JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any])
        let holder = try #require(card["holder"] as? [String: Any])
        #expect(holder["name"] as? String == "张三丰")
        let visits = try #require(card["outpatient"] as? [[String: Any]])
        #expect(visits.count == 1 && visits[0]["signatureValid"] as? Bool == true)
        let visit = try #require(visits[0]["record"] as? [String: Any])
        #expect(visit["department"] as? String == "内科")
        #expect(visit["visitTime"] as? String == "2026-11-22T09:30:00")
    }

    @Test("--trace prints every APDU to stderr and keeps stdout clean")
    func trace() async throws {
        let image = try temporaryImage()
        _ = try await HCardRunner.run(["card", "new", "--holder", Self.fixtures.appendingPathComponent("holder.json").path, "--image", image.path])
        let read = try await HCardRunner.run(["read", "--image", image.path, "--json", "--trace"])
        #expect(read.stderr.contains("A>> T=1 (4+0002) 00A40000 02 DDF1"))
        #expect(read.stderr.contains("# "))
        #expect((try? JSONSerialization.jsonObject(with: Data(read.stdout.utf8))) != nil)
    }

    @Test("a full card is refused with the slots named; erase frees one")
    func fullCard() async throws {
        let image = try temporaryImage()
        let visit = Self.fixtures.appendingPathComponent("outpatient.json").path
        _ = try await HCardRunner.run(["card", "new", "--holder", Self.fixtures.appendingPathComponent("holder.json").path, "--image", image.path])
        for _ in 1...5 { #expect(try await HCardRunner.run(["write", "outpatient", "--from", visit, "--image", image.path]).status == 0) }
        let sixth = try await HCardRunner.run(["write", "outpatient", "--from", visit, "--image", image.path])
        #expect(sixth.status != 0)
        #expect(sixth.stderr.contains("ED01, ED02, ED03, ED04, ED05"))
        #expect(try await HCardRunner.run(["erase", "outpatient", "4", "--image", image.path]).status == 0)
        #expect(try await HCardRunner.run(["write", "outpatient", "--from", visit, "--image", image.path]).stdout.contains("slot 4"))
    }

    @Test("bad input: an invalid holder ID, a malformed record, a corrupted image")
    func badInput() async throws {
        let image = try temporaryImage()
        let directory = image.deletingLastPathComponent()
        let badHolder = directory.appendingPathComponent("holder.json")
        try Data(#"{"name": "李四", "idNumber": "110105194912310021"}"#.utf8).write(to: badHolder)
        let new = try await HCardRunner.run(["card", "new", "--holder", badHolder.path, "--image", image.path])
        #expect(new.status != 0 && new.stderr.contains("wrong check character: expected X, got 1"))

        _ = try await HCardRunner.run(["card", "new", "--holder", Self.fixtures.appendingPathComponent("holder.json").path, "--image", image.path])
        let badVisit = directory.appendingPathComponent("visit.json")
        try Data(#"{"visitTime": "2026-02-30T09:00:00"}"#.utf8).write(to: badVisit)
        let write = try await HCardRunner.run(["write", "outpatient", "--from", badVisit.path, "--image", image.path])
        #expect(write.status != 0 && write.stderr.contains("visitTime"))

        var text = try String(contentsOf: image, encoding: .utf8)
        let marker = "\"0B1E"
        let range = try #require(text.range(of: marker))
        text.replaceSubrange(range, with: "\"0B1F")
        try text.write(to: image, atomically: true, encoding: .utf8)
        let read = try await HCardRunner.run(["read", "--image", image.path])
        #expect(read.status != 0 && read.stderr.contains("DDF1/EF06 does not match its checksum"))
    }

    @Test("Docs/card-layout.md is what `hcard card layout --markdown` prints")
    func layoutDocument() async throws {
        let docs = Self.fixtures.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Docs/card-layout.md")
        let committed = try String(contentsOf: docs, encoding: .utf8)
        let generated = try await HCardRunner.run(["card", "layout", "--markdown"]).stdout
        #expect(committed == generated, "regenerate with: hcard card layout --markdown > Docs/card-layout.md")
    }
}
