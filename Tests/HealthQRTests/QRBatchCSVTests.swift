import Foundation
import Testing
@testable import HealthCardFoundation
@testable import HealthQR


@Suite("QRBatch: CSV input, names and reports")
struct QRBatchCSVTests {
    @Test("header in any order, optional window, quotes, CRLF, BOM, comments and blank lines")
    func goodRows() throws {
        let csv =
            "\u{FEFF}kind , CARD_ID,window\r\n# a comment\r\n\r\nstatic,26B5A1FE56681,\r\n"
            + "dynamic,\"26B5A1FE56681\",120\r\nDYNAMIC,abc\n"
        let input = try QRBatch.parseCSV(csv)
        #expect(input.errors.isEmpty)
        #expect(
            input.rows == [
                QRBatch.Row(line: 4, cardID: "26B5A1FE56681", kind: .static),
                QRBatch.Row(line: 5, cardID: "26B5A1FE56681", kind: .dynamic(window: .seconds(120))),
                QRBatch.Row(line: 6, cardID: "abc", kind: .dynamic(window: SignedCode.defaultDynamicWindow)),
            ])
        #expect(input.rows[0].fileName(format: .png) == "26B5A1FE56681-static.png")
        #expect(input.rows[1].fileName(format: .svg) == "26B5A1FE56681-dynamic-L5.svg")
    }

    static let badRows: [(line: String, reason: String)] = [
        ("AB-12,static,", "bad card id 'AB-12': segment 1 at offset 2"),
        (",static,", "card id is empty"),
        (String(repeating: "A", count: 65) + ",static,", "longer than 64"),
        ("CARD1,weekly,", "unknown kind 'weekly'; must be static or dynamic"),
        ("CARD1,,", "kind is empty"),
        ("CARD1", "missing column 'kind'"),
        ("CARD1,dynamic,0", "window must be 1...65535 seconds, got '0'"),
        ("CARD1,dynamic,65536", "window must be 1...65535 seconds"),
        ("CARD1,dynamic,5m", "window must be 1...65535 seconds, got '5m'"),
        ("CARD1,static,60", "window '60' applies to dynamic codes only"),
        ("CARD1,static,,extra", "4 fields, but the header has 3 columns"),
        ("\"CARD1,static,", "unterminated quoted field"),
    ]

    @Test("each bad row is reported with its line number and the batch goes on", arguments: badRows)
    func badRow(_ bad: (line: String, reason: String)) throws {
        let input = try QRBatch.parseCSV("card_id,kind,window\nOK1,static,\n\(bad.line)\nOK2,dynamic,60\n")
        #expect(input.rows.map(\.cardID) == ["OK1", "OK2"])
        let error = try #require(input.errors.first)
        #expect(input.errors.count == 1)
        #expect(error.line == 3)
        #expect(error.reason.contains(bad.reason), "\(error.reason)")
        #expect(error.description.hasPrefix("line 3: "))
    }

    @Test("a second static code for the same card is a duplicate; dynamic codes may repeat")
    func duplicates() throws {
        let input = try QRBatch.parseCSV("card_id,kind\nA1,static\nA1,dynamic\nA1,static\nA1,dynamic\n")
        #expect(input.rows.map(\.line) == [2, 3, 5])
        #expect(input.errors.map(\.line) == [4])
        #expect(input.errors[0].reason.contains("already on line 2"))
    }

    @Test("a missing or bad header refuses the whole file")
    func header() {
        #expect(throws: HealthCardError.malformed("")) { try QRBatch.parseCSV("26B5A1FE56681,static\n") }
        #expect(throws: HealthCardError.malformed("")) { try QRBatch.parseCSV("card_id,window\nA,1\n") }
        #expect(throws: HealthCardError.malformed("")) { try QRBatch.parseCSV("card_id,kind,kind\n") }
        #expect(throws: HealthCardError.malformed("")) { try QRBatch.parseCSV("\n# only a comment\n") }
        do {
            _ = try QRBatch.parseCSV("26B5A1FE56681,static\n")
        } catch let error as HealthCardError {
            #expect(error.reason.contains("a header line card_id,kind[,window] is required"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("errors.csv quotes reasons that contain commas or quotes")
    func errorReport() {
        let report = QRBatch.errorReport([
            QRBatch.RowError(line: 3, cardID: "A", reason: "plain"),
            QRBatch.RowError(line: 9, cardID: nil, reason: "a, \"b\""),
        ])
        #expect(report == "line,card_id,reason\n3,A,plain\n9,,\"a, \"\"b\"\"\"\n")
    }

    @Test("render options are checked")
    func renderOptions() throws {
        #expect(throws: HealthCardError.invalidValue("")) { try QRRenderOptions(moduleSize: 0) }
        #expect(throws: HealthCardError.invalidValue("")) { try QRRenderOptions(moduleSize: 65) }
        #expect(throws: HealthCardError.invalidValue("")) { try QRRenderOptions(quietZone: -1) }
        #expect(throws: HealthCardError.invalidValue("")) { try QRRenderOptions(minimumVersion: 41) }
        #expect(try QRRenderOptions() == .standard)
    }
}
