import Foundation
import Testing
@testable import HealthCardFoundation
@testable import HealthCardTestSupport
@testable import PersonalHealthCode

/// Text from outside in what a checkpoint writes and shows: pass-log CSV cells a spreadsheet must
/// not run, policy files with misspelt keys, verdicts that must stay one inert line.
@Suite("Checkpoint: CSV injection, strict policy files, one-line verdicts")
struct UntrustedTextTests {
    @Test("a policy file with an unknown key or a wrong type is an error naming the file and the key")
    func strictPolicy() {
        func reason(_ json: String) -> String {
            errorReason { _ = try CheckpointPolicy(json: Array(json.utf8), source: "gate.json") }
        }
        #expect(reason(#"{"temperatureLimt": 38.0}"#) == #"gate.json: unknown key "temperatureLimt" (closest known key: "temperatureLimit")"#)
        #expect(reason(#"{"allowedColors": ["red"]}"#) == #"gate.json: unknown key "allowedColors" (closest known key: "allowedColours")"#)
        #expect(reason(#"{"temperatureRequired": "no"}"#).hasPrefix("gate.json: not a checkpoint policy"))
        #expect(reason(#"{"temperatureLimit": 37.5, "identification": "validCode"}"#) == "no error")
    }
}
