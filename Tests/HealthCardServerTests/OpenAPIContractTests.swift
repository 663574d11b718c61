import Foundation
import Testing

/// The contract check itself can fail: an undocumented status, a missing required field, a
/// wrong type, a value outside an enum and an undocumented property are each caught.
@Suite("the OpenAPI contract check")
struct OpenAPIContractTests {
    let contract = LiveServer.contract

    func check(_ status: Int, _ body: String, path: String = "/v1/codes/verify") throws {
        try contract.check(method: "POST", path: path, status: status, contentType: "application/json", body: Data(body.utf8))
    }

    @Test("good answers pass; each kind of violation is caught")
    func violations() throws {
        try check(200, #"{"kind": "plain", "valid": false, "message": "x"}"#)
        try check(403, #"{"error": "forbidden", "message": "x"}"#)
        try check(503, #"{"error": "databaseBusy", "message": "x"}"#)
        #expect(throws: ContractViolation.self) { try check(502, #"{"error": "x", "message": "x"}"#) }
        #expect(throws: ContractViolation.self) { try check(503, #"{"error": "x"}"#) }
        #expect(throws: ContractViolation.self) { try check(200, #"{"kind": "plain", "valid": false}"#) }
        #expect(throws: ContractViolation.self) { try check(200, #"{"kind": "plain", "valid": "no", "message": "x"}"#) }
        #expect(throws: ContractViolation.self) { try check(200, #"{"kind": "other", "valid": false, "message": "x"}"#) }
        #expect(throws: ContractViolation.self) { try check(200, #"{"kind": "plain", "valid": false, "message": "x", "extra": 1}"#) }
        #expect(throws: ContractViolation.self) { try check(200, "not json") }
        #expect(throws: ContractViolation.self) { try check(200, "{}", path: "/v1/nowhere") }
        #expect(throws: ContractViolation.self) {
            try contract.check(method: "POST", path: "/v1/codes/verify", status: 200, contentType: "text/plain", body: Data())
        }
    }
}
