import Foundation
import Testing
import HealthCardTestSupport
@testable import HealthCardFoundation
@testable import ResidentCard
@testable import ResidentCardEmulator

/// Card images that do not fit the layout: refused on load with the file and the size, and, when
/// built in memory without that check, answered by the virtual card with a status word instead of
/// a crash or a write into nothing.
@Suite("Malformed card images")
struct MalformedImageTests {
    static func image(_ edit: (inout [CardImage.FileContents]) throws -> Void) throws -> CardImage {
        var image = try VirtualTerminal.image()
        try edit(&image.files)
        return image
    }

    static func index(_ file: ElementaryFileSpec, in files: [CardImage.FileContents]) throws -> Int {
        try #require(files.firstIndex { $0.path == file.path })
    }

    @Test("a short photo file: writePhoto fails with a status word, it does not trap")
    func shortPhoto() async throws {
        let image = try Self.image { files in files[try Self.index(ResidentCardFileSystem.EF.photo, in: files)].data = BinaryBlob([0xFF, 0xFF]) }
        let terminal = try VirtualTerminal(image: image)
        await #expect(throws: CardCommandError.self) { try await terminal.session.writePhoto([0xFF, 0xD8, 0xFF, 0xD9]) }
        #expect(terminal.image == image, "nothing written")
    }

    @Test("a short outpatient file: the visit is not committed and the index stays empty")
    func shortEncounter() async throws {
        let first = ResidentCardFileSystem.EF.outpatient[0]
        let image = try Self.image { files in files[try Self.index(first, in: files)].data = BinaryBlob(Array(repeating: 0, count: 10)) }
        let terminal = try VirtualTerminal(image: image)
        await #expect(throws: SessionError.self) { try await terminal.session.writeOutpatient(CardRecordCodecTests.visit) }
        #expect(terminal.image.contents(of: ResidentCardFileSystem.EF.outpatientIndex) == image.contents(of: ResidentCardFileSystem.EF.outpatientIndex))
    }

    @Test("a missing file is not found: the photo write fails, and a visit for a missing slot leaves the index unmarked")
    func missingFiles() async throws {
        let noPhoto = try Self.image { files in files.remove(at: try Self.index(ResidentCardFileSystem.EF.photo, in: files)) }
        let terminal = try VirtualTerminal(image: noPhoto)
        do {
            try await terminal.session.writePhoto([0xFF, 0xD8, 0xFF, 0xD9])
            Issue.record("a photo written into a missing file must fail")
        } catch let error as CardCommandError {
            #expect(error.statusWord == .fileNotFound)
        }
        #expect(terminal.image == noPhoto)

        let noSlot = try Self.image { files in files.remove(at: try Self.index(ResidentCardFileSystem.EF.outpatient[0], in: files)) }
        let second = try VirtualTerminal(image: noSlot)
        await #expect(throws: (any Error).self) { try await second.session.writeOutpatient(CardRecordCodecTests.visit) }
        #expect(second.image.contents(of: ResidentCardFileSystem.EF.outpatientIndex)?.records?.first?.bytes == [0xFF])
        #expect(second.image == noSlot)
    }

    @Test("load refuses a short, a missing, an unknown file and a file without its crc32, naming the image and the file")
    func load() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("c.json")
        func loading(_ image: CardImage, stripCRC: String? = nil) throws -> String {
            try image.save(to: url)
            if let stripCRC {
                var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
                var files = try #require(object["files"] as? [[String: Any]])
                let index = try #require(files.firstIndex { $0["path"] as? String == stripCRC })
                files[index]["crc32"] = nil
                object["files"] = files
                try JSONSerialization.data(withJSONObject: object).write(to: url)
            }
            return errorReason { _ = try CardImage.load(from: url) }
        }
        let photo = ResidentCardFileSystem.EF.photo
        #expect(
            try loading(Self.image { $0[try Self.index(photo, in: $0)].data = BinaryBlob([0xFF, 0xFF]) })
                == "\(url.path): DDF1/EF07 (photo) has 2 bytes, the layout has 3074")
        #expect(
            try loading(Self.image { $0.remove(at: try Self.index(photo, in: $0)) })
                == "\(url.path): DDF1/EF07 (photo) is missing; the layout has it")
        #expect(
            try loading(Self.image { $0.append(.init(path: "DF09/EF01", data: BinaryBlob([0]))) })
                == "\(url.path): the card layout has no file DF09/EF01")
        let allergies = ResidentCardFileSystem.EF.allergies
        #expect(
            try loading(Self.image { $0[try Self.index(allergies, in: $0)].records?[1] = BinaryBlob([0xFF]) })
                == "\(url.path): DF02/EF07 (allergies) record 2 has 1 bytes, the layout has 120")
        #expect(
            try loading(Self.image { $0[try Self.index(ResidentCardFileSystem.EF.holder, in: $0)].records?[0] = BinaryBlob([0x0B, 0x01, 0x41]) })
                == "\(url.path): DDF1/EF06 (holder) record 1 (name) has 3 bytes, the layout has 32")
        #expect(
            try loading(VirtualTerminal.image(), stripCRC: "DDF1/EF06")
                == "\(url.path): DDF1/EF06 has no \"crc32\" (every file carries the checksum of its bytes)")
        #expect(try loading(VirtualTerminal.image()) == "no error")
    }

    @Test("record JSON with an unknown key is refused with the closest known key, at the top and inside groups")
    func unknownRecordKeys() {
        #expect(
            errorReason { _ = try PaymentRecord.fromJSON(Data(#"{"Phone1": "13800000000"}"#.utf8), source: "p.json") }
                == #"p.json: unknown key "Phone1" (closest known key: "phone1")"#)
        #expect(
            errorReason { _ = try PaymentRecord.fromJSON(Data(#"{"phone1": "13800000000"}"#.utf8)) } == "no error")
        #expect(
            errorReason { _ = try OutpatientRecord.fromJSON(Data(#"{"drugs": [{"nmae": "x"}]}"#.utf8), source: "v.json") }
                == #"v.json: drugs[0]: unknown key "nmae" (closest known key: "name")"#)
        // A coded value may be written as {code, name}, as `hcard read --json` prints it.
        #expect(
            errorReason { _ = try HolderRecord.fromJSON(Data(#"{"sex": {"code": "1", "name": "男"}}"#.utf8)) } == "no error")
    }

    @Test("every record type's JSON, as encoded, fits its shape: no field key the layout lacks")
    func encodedRecordsFitTheirShapes() throws {
        let records: [any CardRecord] = [
            VirtualTerminal.issuer, VirtualTerminal.holder, CardRecordCodecTests.visit,
            PaymentRecord(phone1: "13800000000"),
        ]
        for record in records {
            let data = try JSONEncoder().encode(record)
            let file = type(of: record).file
            #expect(errorReason { try CardRecordCodec.jsonShape(of: file).check(json: Array(data), source: file.name) } == "no error")
        }
    }
}
