import Foundation
import Testing
@testable import HealthCardFoundation
@testable import HealthCardTestSupport
@testable import PersonalHealthCode

/// Text from outside in what a checkpoint writes and shows: pass-log CSV cells a spreadsheet must
/// not run, policy files with misspelt keys, verdicts that must stay one inert line.
@Suite("Checkpoint: CSV injection, strict policy files, one-line verdicts")
struct UntrustedTextTests {
    @Test("passlog CSV export neutralises cells that start a formula and quotes line breaks")
    func csvInjection() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passlog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try PassLog(path: directory.appendingPathComponent("pass.db").path)
        let site = try CheckpointSite(id: "G1", name: "=HYPERLINK(\"http://x\",\"ok\")", area: "460105", department: "@SUM(A1)")
        let decision = CheckpointDecision(
            reasons: [], credential: .unreadable, holder: nil, colour: nil, temperature: 36.5)
        _ = try log.append(contentsOf: [
            Passage(time: Date(timeIntervalSince1970: 1_772_294_400), checkpoint: site, direction: .entering,
                decision: decision, plate: "+cmd|' /C calc'!A0\r\nx")
        ])
        var csv = ""
        try PassLogExport.write(log, matching: PassLogFilter(), format: .csv) { csv += $0 }
        let row = try #require(csv.components(separatedBy: "\r\n").dropFirst().first)
        #expect(row.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"ok\"\")\","), "\(row)")
        #expect(row.contains(",'@SUM(A1),"), "\(row)")
        #expect(csv.contains(",\"'+cmd|' /C calc'!A0\r\nx\"\r\n"), "\(csv)")
        for cell in row.split(separator: ",") {
            #expect(!["=", "+", "-", "@"].contains(cell.first), "\(cell)")
        }
    }

    @Test("a policy file with an unknown key or a wrong type is an error naming the file and the key")
    func strictPolicy() {
        func reason(_ json: String) -> String {
            errorReason { _ = try CheckpointPolicy(json: Array(json.utf8), source: "gate.json") }
        }
        #expect(reason(#"{"temperatureLimt": 38.0}"#) == #"gate.json: unknown key "temperatureLimt" (closest known key: "temperatureLimit")"#)
        #expect(reason(#"{"allowedColors": ["red"]}"#) == #"gate.json: unknown key "allowedColors" (closest known key: "allowedColours")"#)
        #expect(reason(#"{"temperatureRequired": "no"}"#) == "gate.json: temperatureRequired: expected true or false, got a string")
        #expect(reason(#"{"allowedColours": ["green", "purple"]}"#).hasPrefix("gate.json: allowedColours: 'purple' is not a colour"))
        #expect(reason(#"{"temperatureLimit": 37.5, "identification": "validCode"}"#) == "no error")
    }

    @Test("a malformed health code's verdict is one line without control characters, even with CR/LF and ESC in the text")
    func oneLineVerdict() {
        let verdict = HealthCodeVerdict.malformed(reason: "offset 5: '\u{1B}]0;x\u{07}' then \r\n", offset: 5)
        #expect(!verdict.description.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(verdict.description.contains("\\x1B]0;x\\x07"))
    }
}
