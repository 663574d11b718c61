import Foundation
import HealthCardFoundation
import PersonalHealthCode
import Testing
import ScanRegistration

/// Done-when, per scenario: a valid signed health code prefills the identity and stores; the same
/// code tampered with (one body bit) is refused with the verifier's reason and stores nothing.
@Suite("Every scenario: a valid scan prefills and stores, a tampered one is refused")
struct ScenarioScanTests {
    static let now = RegistrationFixture.now

    /// The scenario's site and the fields the scan does not fill.
    static let scenarios: [(form: String, site: String, values: [String: JSONValue])] = [
        ("fever-clinic", "FC1", ["temperature": 38.1]),
        ("medical-observation", "OB1", [
            "caseNumber": "HK-7", "caseType": "closeContact", "observationStart": "2026-03-01", "dryCough": false,
            "temperature": 36.9,
        ]),
        ("pharmacy", "PH1", [
            "drugs": [["name": "右美沙芬", "category": "antitussive", "quantity": 1]], "temperature": 36.5,
            "travelRiskArea": false, "contactWithCase": false, "proxyPurchase": false,
        ]),
        ("return-to-work", "EM1", ["temperature": 36.4]),
        ("checkpoint-passage", "CP1", ["direction": "out", "reason": "上班", "temperature": 36.3]),
    ]

    @Test("valid and tampered HCC1 codes", arguments: 0..<5)
    func scan(_ index: Int) async throws {
        let (form, site, values) = Self.scenarios[index]
        let f = try RegistrationFixture()
        try f.addSites()
        let person = try f.enrol(RegistrationFixture.adult, name: "周八")
        if form == "return-to-work" {
            let filed = try await f.desk().register(
                RegistrationRequest(
                    site: "EM1", operatorID: "hr-1", form: "employer-resumption", credential: nil,
                    values: [
                        "resumptionDate": "2026-03-01", "employeeCount": 5, "contactName": "张", "contactPhone": "13900139000",
                        "measures": "测温",
                    ]))
            guard case .stored = filed else {
                Issue.record("\(filed)")
                return
            }
        }
        let code = try await f.code(for: person)
        let decoded = try HealthCodeFormat.decode(code)
        var body = decoded.body
        body[body.count - 1] ^= 0x80
        let tampered = HealthCodeFormat.text(body: body, signature: decoded.signature)
        let before = try f.registrations.registrations(matching: RegistrationFilter(form: form)).count
        await #expect(throws: ScanRefusal(reasonCode: "badSignature", reason: "")) {
            _ = try await f.desk().register(
                RegistrationRequest(site: site, operatorID: "op-1", form: form, credential: .init(scanned: tampered), values: values))
        }
        #expect(try f.registrations.registrations(matching: RegistrationFilter(form: form)).count == before)

        let outcome = try await f.desk().register(
            RegistrationRequest(site: site, operatorID: "op-1", form: form, credential: .init(scanned: code), values: values))
        guard case .stored(let id, _, _) = outcome else {
            Issue.record("\(form): \(outcome)")
            return
        }
        let row = try #require(try f.registrations.registrations(matching: RegistrationFilter(form: form)).last)
        #expect(row.id == id)
        #expect(row.idNumber == RegistrationFixture.adult)
        #expect(row.fields["name"] == "周八")
        #expect(row.colour == "green")
        #expect(row.site == site)
        #expect(row.operatorID == "op-1")
    }
}
