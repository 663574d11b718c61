import Foundation
import Testing
@testable import HealthCardFixtures
@testable import HealthCardFoundation
@testable import HealthQR
@testable import HealthQRImaging
@testable import ResidentCard
import HealthCardTestSupport
@testable import HealthCardCrypto
@testable import PersonalHealthCode


/// A copy of the repository's `Fixtures/` in a temporary directory, to break on purpose.
struct FixtureCopy {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fixtures-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.repository, to: root)
    }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    func validate(_ validator: FixtureValidator = FixtureValidator(imageReader: QRImageCodec())) -> FixtureValidator.Report {
        validator.validate([root.path])
    }

    /// Edits the card image's JSON object.
    func editImage(_ edit: (inout [[String: Any]]) -> Void) throws {
        let url = root.appendingPathComponent("cards/sample.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var files = try #require(object["files"] as? [[String: Any]])
        edit(&files)
        object["files"] = files
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    func write(_ text: String, to relative: String) throws {
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent(relative).deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: root.appendingPathComponent(relative), atomically: true, encoding: .utf8)
    }
}

extension [[String: Any]] {
    /// The index of the file `path` in an image's `files`.
    func index(of path: String) -> Int { firstIndex { $0["path"] as? String == path }! }

    /// Recomputes the CRC-32 of the file at `index` after an edit (the checksum is required, so a
    /// test that wants the field or the index to speak, not the checksum, fixes it).
    mutating func fixCRC(at index: Int) {
        let hex = (self[index]["records"] as? [String])?.joined() ?? self[index]["data"] as? String ?? ""
        self[index]["crc32"] = CRC32.hex(try! Hex.decode(hex))
    }
}

/// Replaces the hex digit at `index` with another.
private func flipHexDigit(_ hex: String, at index: Int) -> String {
    var characters = Array(hex)
    characters[index] = characters[index] == "0" ? "1" : "0"
    return String(characters)
}

@Suite("Fixtures: hcard fixtures validate, library side")
struct FixtureValidatorTests {
    @Test("the repository's Fixtures/ pass with no errors and no warnings, and every kind is checked")
    func repositoryFixturesPass() throws {
        let report = FixtureValidator(imageReader: QRImageCodec()).validate([FixtureCopy.repository.path])
        #expect(report.findings.isEmpty, "\(report.findings.map(\.description))")
        let names = report.files.map { URL(fileURLWithPath: $0).lastPathComponent }
        for expected in [
            "sample.json", "outpatient.json", "holder.json", "codes.txt", "static.png", "trust.json",
            "people.csv", "people.mapping.json",
        ] {
            #expect(names.contains(expected), "\(expected) not checked: \(names)")
        }
        #expect(!names.contains("test-issuer.key") && !names.contains("README.md"))
    }

    @Test("a flipped byte in a card image: the CRC names the file; without the CRC the field or signature does")
    func flippedByte() throws {
        let copy = try FixtureCopy()
        // A byte inside the outpatient record's data area (offset 20), with the stored CRC left as is.
        try copy.editImage { files in
            let index = files.index(of: "DF03/ED01")
            files[index]["data"] = flipHexDigit(files[index]["data"] as! String, at: 41)
        }
        let report = copy.validate()
        #expect(!report.passed)
        let crc = try #require(report.findings.first { $0.location == "DF03/ED01" })
        #expect(crc.file.hasSuffix("cards/sample.json") && crc.message.contains("CRC-32"))
        // The signature covers the data area, so the change is also caught by the record's own check.
        #expect(report.findings.contains { $0.location == "DF03/ED01 offset 3013" && $0.message.contains("signature") })

        // The CRC recomputed (as a careful hand edit would): a broken TLV header is named by record and field.
        let second = try FixtureCopy()
        try second.editImage { files in
            let index = files.index(of: "DDF1/EF05")
            var records = files[index]["records"] as! [String]
            records[0] = "99" + records[0].dropFirst(2)
            files[index]["records"] = records
            files.fixCRC(at: index)
        }
        let findings = second.validate().findings
        #expect(findings.count == 1)
        #expect(findings.first?.location == "DDF1/EF05 record 1 (cardType)")
        #expect(findings.first?.message == "expected tag 01, found 99")
    }

    @Test("a file without its crc32 is an error: the checksum is required, so a hand edit cannot skip it")
    func missingChecksum() throws {
        let copy = try FixtureCopy()
        try copy.editImage { files in files[files.index(of: "DDF1/EF06")]["crc32"] = NSNull() }
        let report = copy.validate()
        #expect(!report.passed)
        #expect(report.findings.contains { $0.location == "DDF1/EF06" && $0.message.hasPrefix("no \"crc32\"") })
    }

    @Test("a field that does not decode is named by file, byte offset and field")
    func badField() throws {
        let copy = try FixtureCopy()
        // The outpatient visit time is BCD; A0 is not two digits. Fix the CRC so only the field speaks.
        let field = try #require(ResidentCardFileSystem.EF.outpatient[0].allFields.first { $0.format == .dateTime })
        try copy.editImage { files in
            let index = files.index(of: "DF03/ED01")
            var hex = Array(files[index]["data"] as! String)
            hex[field.offset * 2] = "A"
            files[index]["data"] = String(hex)
            files.fixCRC(at: index)
        }
        let findings = copy.validate().findings.filter { $0.severity == .error }
        let located = try #require(findings.first { $0.location?.contains("offset \(field.offset)") == true })
        #expect(located.location == "DF03/ED01 offset \(field.offset) (\(field.key))")
    }

    @Test("DF03 index against slots: bad mark, valid mark on an empty slot are errors; data in an empty slot warns")
    func indexConsistency() throws {
        let copy = try FixtureCopy()
        try copy.editImage { files in
            let index = files.index(of: "DF03/EF06")
            var marks = files[index]["records"] as! [String]
            #expect(marks[0] == "00" && marks[1] == "FF")
            marks[1] = "00"  // slot 2 marked valid but empty
            marks[2] = "07"  // not a mark
            files[index]["records"] = marks
            files.fixCRC(at: index)
        }
        let findings = copy.validate().findings
        #expect(findings.contains { $0.location == "DF03/EF06 record 2" && $0.message.contains("is empty") })
        #expect(findings.contains { $0.location == "DF03/EF06 record 3" && $0.message.contains("index byte 07") })

        // Erased slot 1 (index FF, bytes kept): only a warning, the run passes.
        let erased = try FixtureCopy()
        try erased.editImage { files in
            let index = files.index(of: "DF03/EF06")
            var marks = files[index]["records"] as! [String]
            marks[0] = "FF"
            files[index]["records"] = marks
            files.fixCRC(at: index)
        }
        let report = erased.validate()
        #expect(report.passed)
        #expect(report.findings.map(\.severity) == [.warning])
        #expect(report.findings.first?.location == "DF03/ED01")
    }

    @Test("a missing file, an unknown file and a wrongly sized file are errors")
    func structure() throws {
        let copy = try FixtureCopy()
        try copy.editImage { files in
            files.remove(at: files.index(of: "DF01/EF05"))
            files.append(["path": "DF09/EF01", "data": "00"])
            let index = files.index(of: "DF03/ED02")
            files[index]["data"] = String((files[index]["data"] as! String).dropLast(2))
            files.fixCRC(at: index)
        }
        let findings = copy.validate().findings
        #expect(findings.contains { $0.location == "DF01/EF05" && $0.message.hasPrefix("missing") })
        #expect(findings.contains { $0.location == "DF09/EF01" && $0.message.contains("no file") })
        #expect(findings.contains { $0.location == "DF03/ED02" && $0.message == "3266 bytes, the layout has 3267" })
    }

    @Test("QR payloads: tampered, malformed, unknown key, revoked → errors; expired → warning; no trust → warning")
    func qrPayloads() async throws {
        let copy = try FixtureCopy()
        let fixture = try QRPayloadFixture()
        let now = QRPayloadFixture.now
        let valid = try await fixture.issue("CARD1", .static)
        let revoked = try await fixture.issue("CARD2", .static)
        let expired = try await fixture.issue("CARD3", .dynamic(window: .seconds(300)), at: now.addingTimeInterval(-3600))
        var tampered = Array(valid)
        tampered[40] = tampered[40] == "A" ? "B" : "A"
        let healthIssuer = try HealthCodeIssuer(privateKey: SM2PrivateKey())  // a key no trust list holds
        let foreign = try await healthIssuer.issue(
            colour: .green, region: "460100", person: PersonID("11010519491231002X"), now: now)
        let text = [
            "# comment", valid, String(tampered), "HCK1-%%", revoked, expired, foreign.text, "26B5A1FE56681:1", "",
        ].joined(separator: "\n")
        try copy.write(text, to: "qr/extra.txt")
        let validator = FixtureValidator(
            trustList: fixture.trust, revocations: try RevocationList(cardIDs: ["CARD2"]), now: now)
        let findings = validator.validateFile(copy.path("qr/extra.txt")) ?? []
        let byLine = Dictionary(grouping: findings) { $0.location?.split(separator: " ").prefix(2).joined(separator: " ") ?? "" }
        #expect(byLine["line 2"] == nil)
        #expect(byLine["line 3"]?.first?.message == "signed code: bad signature")
        #expect(byLine["line 4"]?.first?.location == "line 4 character 6")
        #expect(byLine["line 5"]?.first?.message == "signed code: revoked card CARD2")
        #expect(byLine["line 6"]?.first?.severity == .warning)
        #expect(byLine["line 7"]?.first?.message.contains("unknown key id") == true)
        #expect(byLine["line 8"] == nil)
        #expect(findings.count == 5)

        // Without any trust list (none given, no trust.json beside the file), signed codes are
        // decoded and flagged as unverified (warnings).
        try copy.write(text, to: "elsewhere/extra.txt")
        let unverified = FixtureValidator(now: now).validateFile(copy.path("elsewhere/extra.txt")) ?? []
        #expect(unverified.first { $0.location == "line 2" }?.severity == .warning)
    }

    @Test("QR images: a rendered code passes through libqrencode and zbar; a blank image is an error")
    func qrImages() async throws {
        let copy = try FixtureCopy()
        let fixture = try QRPayloadFixture()
        let text = try await fixture.issue("CARD1", .static)
        let matrix = try QREncoder().encode(text: text)
        try Data(matrix.png()).write(to: copy.root.appendingPathComponent("qr/card1.png"))
        let blank = try QRMatrix(version: 1, width: 21, modules: [Bool](repeating: false, count: 21 * 21))
        try Data(blank.png()).write(to: copy.root.appendingPathComponent("qr/blank.png"))
        let validator = FixtureValidator(trustList: fixture.trust, now: QRPayloadFixture.now, imageReader: QRImageCodec())
        #expect(validator.validateFile(copy.path("qr/card1.png")) == [])
        #expect(validator.validateFile(copy.path("qr/blank.png"))?.first?.message == "no QR code found in the image")
    }

    @Test("EMPI: malformed date and invalid ID per line; unknown mapping column; QR batch CSV rows")
    func empiAndCSV() throws {
        let copy = try FixtureCopy()
        try copy.write(
            "patient_id,name,dob,sex,sfz,mobile,address\n"
                + "X1,张伟,1985-02-30,1,110105198503120012,13800138000,北京\n"
                + "X2,王芳,1990-07-01,2,110105198503120013,13912345678,上海\n"
                + "X3,李娜,2001-11-30,2,,13700001111,广州\n",
            to: "empi/people.csv")
        let findings = FixtureValidator().validateFile(copy.path("empi/people.csv")) ?? []
        #expect(findings.map(\.location) == ["line 2", "line 3"])
        #expect(findings.first?.message.contains("X1") == true)

        try copy.write(#"{"columns": [{"column": "id", "kind": "recordID"}, {"column": "nom", "kind": "fullName"}]}"#, to: "empi/people.mapping.json")
        let unknown = FixtureValidator().validateFile(copy.path("empi/people.csv")) ?? []
        #expect(unknown.contains { $0.location == "line 1" && $0.message.contains("\"id\"") })

        try copy.write("card_id,kind,window\nABC,static,\nBAD-ID,static,\nABD,weekly,\n", to: "qr/batch.csv")
        let batch = FixtureValidator().validateFile(copy.path("qr/batch.csv")) ?? []
        #expect(batch.map(\.location) == ["line 3", "line 4"])
    }

    @Test("record fixtures: a value that does not fit its field, an unknown kind")
    func records() throws {
        let copy = try FixtureCopy()
        try copy.write(#"{"name": "\#(String(repeating: "张", count: 40))", "sex": "1"}"#, to: "records/holder.bad.json")
        let findings = FixtureValidator().validateFile(copy.path("records/holder.bad.json")) ?? []
        #expect(findings.count == 1 && findings.first?.message.hasPrefix("holder record: ") == true)
        try copy.write("{}", to: "records/visit.json")
        #expect(FixtureValidator().validateFile(copy.path("records/visit.json"))?.first?.message.contains("'visit'") == true)
    }
}
