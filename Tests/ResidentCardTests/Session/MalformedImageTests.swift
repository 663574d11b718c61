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
