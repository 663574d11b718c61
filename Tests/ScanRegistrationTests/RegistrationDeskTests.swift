import Foundation
import HealthCardFoundation
import HealthQR
import PersonalHealthCode
import Testing
import ScanRegistration

@Suite("Registration desk: real signed codes prefill and store; refused scans store nothing")
struct RegistrationDeskTests {
    static let now = RegistrationFixture.now

    static func stored(_ outcome: RegistrationOutcome, sourceLocation: SourceLocation = #_sourceLocation) -> Int64? {
        guard case .stored(let id, _, _) = outcome else {
            Issue.record("expected stored, got \(outcome)", sourceLocation: sourceLocation)
            return nil
        }
        return id
    }

    static func violations(_ outcome: RegistrationOutcome) -> [FormViolation] {
        if case .rejected(let violations) = outcome { return violations }
        return []
    }

    @Test("fever clinic: an HCC1 scan fills name, ID, phone and residence from the platform; the visit turns the code yellow")
    func feverClinic() async throws {
        let f = try RegistrationFixture()
        try f.addSites()
        let person = try f.enrol(RegistrationFixture.adult, name: "王芳")
        let code = try await f.code(for: person)
        let outcome = try await f.desk().register(
            RegistrationRequest(
                site: "FC1", operatorID: "nurse-07", form: "fever-clinic",
                credential: .init(scanned: code), values: ["temperature": 38.2]))
        let id = try #require(Self.stored(outcome))
        guard case .stored(_, let eventIDs, let status) = outcome else { return }
        #expect(eventIDs.count == 1)
        #expect(status?.colour == .yellow)
        let row = try #require(try f.registrations.registrations(matching: RegistrationFilter(site: "FC1")).first)
        #expect(row.id == id)
        #expect(row.operatorID == "nurse-07")
        #expect(row.site == "FC1")
        #expect(row.credential == "healthCode")
        #expect(row.colour == "green")
        #expect(row.idNumber == RegistrationFixture.adult)
        #expect(row.fields["name"] == "王芳")
        #expect(row.fields["phone"] == "13800138000")
        #expect(row.fields["residence"] == "海口市龙华区滨海大道1号")
        #expect(row.events == eventIDs)
        // The event is in the platform's store, attributed to the site and operator.
        let stored = try f.events.events(of: person)
        #expect(stored.map(\.kind) == ["feverClinicVisit"])
        #expect(stored.first?.actor == "site:FC1/nurse-07")
    }

    @Test("refused scans: tampered, expired, untrusted and plain codes are refused with the verifier's reason; nothing stored")
    func refused() async throws {
        let f = try RegistrationFixture()
        try f.addSites()
        let person = try f.enrol(RegistrationFixture.adult, name: "王芳")
        let code = try await f.code(for: person)
        let decoded = try HealthCodeFormat.decode(code)
        var body = decoded.body
        body[body.count - 1] ^= 0x01
        let tampered = HealthCodeFormat.text(body: body, signature: decoded.signature)
        let expired = try await f.code(for: person, at: Self.now.addingTimeInterval(-2 * 86_400))
        let stranger = try RegistrationFixture()
        let strangerPerson = try stranger.enrol(RegistrationFixture.adult, name: "王芳")
        let untrusted = try await stranger.code(for: strangerPerson)
        let card = try await f.card()
        var cardBytes = Array(card.utf8)
        cardBytes[cardBytes.count - 3] = cardBytes[cardBytes.count - 3] == 0x41 ? 0x42 : 0x41
        let cases: [(Credential, String)] = [
            (.init(scanned: tampered), "badSignature"), (.init(scanned: expired), "expired"),
            (.init(scanned: untrusted), "unknownKeyID"), (.init(scanned: "E1D10AAC73D0B947:1:ABCDEF"), "unrecognised"),
            (.init(scanned: String(decoding: cardBytes, as: UTF8.self)), "badSignature"),
            (.healthCode(code, presentedBy: RegistrationFixture.child), "subjectMismatch"),
            (.idNumber("460106198001010010"), "invalidIDNumber"), (.unreadable(reason: "no symbol"), "unreadable"),
        ]
        for (credential, reason) in cases {
            do {
                _ = try await f.desk().register(
                    RegistrationRequest(
                        site: "FC1", operatorID: "nurse-07", form: "fever-clinic", credential: credential,
                        values: ["temperature": 38.2]))
                Issue.record("\(reason): accepted")
            } catch let refusal as ScanRefusal {
                #expect(refusal.reasonCode == reason, "\(refusal)")
            }
        }
        #expect(try f.registrations.registrations(matching: RegistrationFilter()).isEmpty)
        #expect(try f.events.events(of: person).isEmpty)
    }

    @Test("an ID number prefills the ID, age and platform facts; an e-health card needs the ID typed")
    func idAndCard() async throws {
        let f = try RegistrationFixture()
        try f.addSites()
        _ = try f.enrol(RegistrationFixture.adult, name: "陈明")
        let observation: [String: JSONValue] = [
            "caseNumber": "HK-2026-0042", "caseType": "closeContact", "observationStart": "2026-03-01", "dryCough": false,
            "temperature": 36.8,
        ]
        let outcome = try await f.desk().register(
            RegistrationRequest(site: "OB1", operatorID: "doc-1", form: "medical-observation", credential: .idNumber(RegistrationFixture.adult), values: observation))
        _ = try #require(Self.stored(outcome))
        let row = try #require(try f.registrations.registrations(matching: RegistrationFilter(form: "medical-observation")).first)
        #expect(row.fields["age"] == 46)
        #expect(row.fields["name"] == "陈明")
        #expect(row.fields["currentAddress"] == "海口市龙华区滨海大道1号")
        // v2022-09 leaves the observation's effect out: no event.
        #expect(row.events == [])

        let card = try await f.card()
        let missing = try await f.desk().register(
            RegistrationRequest(site: "OB1", operatorID: "doc-1", form: "medical-observation", credential: .init(scanned: card), values: observation))
        #expect(Self.violations(missing).map(\.field) == ["name", "idNumber", "age", "currentAddress"])
        var typed = observation
        typed.merge(["name": "赵六", "idNumber": .string(RegistrationFixture.adult), "age": 46, "currentAddress": "琼山区"]) { _, new in new }
        let withID = try await f.desk().register(
            RegistrationRequest(site: "OB1", operatorID: "doc-1", form: "medical-observation", credential: .init(scanned: try await f.card(at: Self.now.addingTimeInterval(-20))), values: typed))
        _ = try #require(Self.stored(withID))
        let cardRow = try #require(try f.registrations.registrations(matching: RegistrationFilter(form: "medical-observation")).last)
        #expect(cardRow.credential == "eHealthCard")
        #expect(cardRow.codeID == "E1D10AAC73D0B947")
    }

    @Test("a typed ID that contradicts the scan is a violation, not a silent overwrite")
    func identityConflict() async throws {
        let f = try RegistrationFixture()
        try f.addSites()
        let person = try f.enrol(RegistrationFixture.adult, name: "王芳")
        let code = try await f.code(for: person)
        let outcome = try await f.desk().register(
            RegistrationRequest(
                site: "FC1", operatorID: "nurse-07", form: "fever-clinic", credential: .init(scanned: code),
                values: ["temperature": 38.2, "idNumber": .string(RegistrationFixture.child), "residence": "三亚市"]))
        let violations = Self.violations(outcome)
        #expect(violations.map(\.rule) == ["identity"])
        #expect(violations.first?.field == "idNumber")
        // The residence is editable: a typed one wins over the platform's.
        let edited = try await f.desk().register(
            RegistrationRequest(
                site: "FC1", operatorID: "nurse-07", form: "fever-clinic", credential: .init(scanned: code),
                values: ["temperature": 38.2, "residence": "三亚市吉阳区"]))
        _ = try #require(Self.stored(edited))
        #expect(try f.registrations.registrations(matching: RegistrationFilter()).first?.fields["residence"] == "三亚市吉阳区")
    }

    @Test("return to work: only a green code, only after the employer's resumption declaration")
    func returnToWork() async throws {
        let f = try RegistrationFixture()
        try f.addSites()
        let green = try f.enrol(RegistrationFixture.adult, name: "员工甲")
        let yellow = try f.enrol(RegistrationFixture.id("46010619900202004"), name: "员工乙")
        _ = try await f.service.recordEvent(
            HealthEvent(ChinaTime.dateTime(at: Self.now.addingTimeInterval(-86_400)), .feverClinicVisit(excludesCOVID: false)),
            for: yellow, actor: "test")
        let greenCode = try await f.code(for: green)
        let yellowCode = try await f.code(for: yellow)
        let values: [String: JSONValue] = ["temperature": 36.5, "department": "研发部"]
        func returning(_ credential: Credential) async throws -> RegistrationOutcome {
            try await f.desk().register(
                RegistrationRequest(site: "EM1", operatorID: "hr-1", form: "return-to-work", credential: credential, values: values))
        }
        // Before the declaration, even a green code is rejected.
        #expect(Self.violations(try await returning(.init(scanned: greenCode))).map(\.rule) == ["requiresForm"])
        let declaration = try await f.desk().register(
            RegistrationRequest(
                site: "EM1", operatorID: "hr-1", form: "employer-resumption", credential: nil,
                values: [
                    "resumptionDate": "2026-03-02", "employeeCount": 120, "contactName": "张经理", "contactPhone": "0898-66668888",
                    "measures": "每日测温，错峰就餐",
                ]))
        _ = try #require(Self.stored(declaration))
        let refused = Self.violations(try await returning(.init(scanned: yellowCode)))
        #expect(refused.map(\.rule) == ["admitColours"])
        #expect(refused.first?.message.contains("this code is yellow") == true)
        #expect(Self.violations(try await returning(.idNumber(RegistrationFixture.adult))).map(\.rule) == ["admitColours"])
        _ = try #require(Self.stored(try await returning(.init(scanned: greenCode))))
        let employees = try await f.desk().employeeStatus(site: "EM1", now: Self.now)
        #expect(employees.map(\.name) == ["员工甲"])
        #expect(employees.first?.currentColour == .green)
        #expect(employees.first?.registeredColour == "green")
    }

    @Test("done-when: a fever-medicine purchase turns the code yellow under a rule set that configures it, in a replay")
    func feverMedicine() async throws {
        var rules = RuleSet.shipped["hainan-2022-09"]!
        #expect(rules.feverMedicinePurchaseYellowDays == nil)
        rules.id = "test-pharmacy"
        rules.feverMedicinePurchaseYellowDays = 7
        let f = try RegistrationFixture(rules: rules)
        try f.addSites()
        let person = try f.enrol(RegistrationFixture.adult, name: "李强")
        let code = try await f.code(for: person)
        let outcome = try await f.desk().register(
            RegistrationRequest(
                site: "PH1", operatorID: "clerk-2", form: "pharmacy", credential: .init(scanned: code),
                values: [
                    "drugs": [["name": "布洛芬", "category": "antipyretic", "quantity": 1]], "temperature": 36.7,
                    "travelRiskArea": false, "contactWithCase": false, "proxyPurchase": false,
                ]))
        guard case .stored(_, let eventIDs, let status) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(eventIDs.count == 1)
        #expect(status?.colour == .yellow)
        // Replay of the stored events: yellow under the configuring rule set for 7 days, green without it.
        let events = HealthEventStore.effectiveEvents(try f.events.events(of: person))
        #expect(events.map(\.kind) == [.feverMedicinePurchase])
        let day = ChinaTime.dateTime(at: Self.now).date
        let timeline = ColourEngine.timeline(of: events, rules: rules, from: day, to: day.adding(days: 8)).map(\.colour)
        #expect(timeline == Array(repeating: .yellow, count: 7) + [.green, .green])
        #expect(ColourEngine.status(of: events, rules: RuleSet.shipped["hainan-2022-09"]!, on: day).colour == .green)
        // A negative NAT after the purchase clears it early.
        let tested = events + [HealthEvent(ChinaTime.dateTime(at: Self.now.addingTimeInterval(86_400)), .testResult(positive: false))]
        #expect(ColourEngine.status(of: tested, rules: rules, on: day.adding(days: 1)).colour == .green)
        // A purchase of only non-fever medicine raises nothing.
        let cold = try await f.desk().register(
            RegistrationRequest(
                site: "PH1", operatorID: "clerk-2", form: "pharmacy", credential: .idNumber(RegistrationFixture.adult),
                values: [
                    "drugs": [["name": "阿莫西林", "category": "antibiotic", "quantity": 1]], "temperature": 36.7,
                    "travelRiskArea": false, "contactWithCase": false, "proxyPurchase": false,
                ]))
        guard case .stored(_, let none, _) = cold else {
            Issue.record("\(cold)")
            return
        }
        #expect(none.isEmpty)
    }

    @Test("a rule set file is read strictly, and an observation opens a case only where it says so")
    func observationRule() async throws {
        var text = String(decoding: try JSONEncoder().encode(RuleSet.shipped["hainan-2022-09"]!), as: UTF8.self)
        text.removeLast()
        let misspelt = text + #","feverMedicinPurchaseYellowDays":7}"#
        #expect(throws: HealthCardError.malformed("")) { try RuleSet(json: Array(misspelt.utf8), source: "r.json") }
        var rules = try RuleSet(json: Array((text + #","medicalObservationOpensCase":true}"#).utf8), source: "r.json")
        #expect(rules.medicalObservationOpensCase == true)
        rules.id = "test-observation"
        let f = try RegistrationFixture(rules: rules)
        try f.addSites()
        let person = try f.enrol(RegistrationFixture.adult, name: "陈明")
        let outcome = try await f.desk().register(
            RegistrationRequest(
                site: "OB1", operatorID: "doc-1", form: "medical-observation", credential: .idNumber(RegistrationFixture.adult),
                values: [
                    "caseNumber": "HK-1", "caseType": "closeContact", "observationStart": "2026-03-01", "dryCough": true,
                    "temperature": 37.0,
                ]))
        guard case .stored(_, _, let status) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(status?.colour == .red)
        #expect(try f.events.events(of: person).map(\.kind) == ["caseOpened"])
    }

    @Test("configuration errors: unknown site, a form for another site type, a bad operator")
    func configuration() async throws {
        let f = try RegistrationFixture()
        try f.addSites()
        let request = RegistrationRequest(site: "PH1", operatorID: "x", form: "fever-clinic", credential: .idNumber(RegistrationFixture.adult), values: [:])
        await #expect(throws: HealthCardError.invalidValue("")) { try await f.desk().register(request) }
        var unknown = request
        unknown.site = "NOPE"
        await #expect(throws: HealthCardError.invalidValue("")) { try await f.desk().register(unknown) }
        var badOperator = request
        badOperator.site = "FC1"
        badOperator.operatorID = "nurse 7"
        await #expect(throws: HealthCardError.invalidValue("")) { try await f.desk().register(badOperator) }
        #expect(throws: HealthCardError.invalidValue("")) {
            try f.registrations.addSite(RegistrationSite(id: "FC1", type: .feverClinic, name: "x", region: "460106", operatorName: "y"), now: Self.now)
        }
        #expect(throws: HealthCardError.invalidValue("")) {
            _ = try RegistrationSite(id: "S", type: .pharmacy, name: "x", region: "460100", operatorName: "y")
        }
    }
}
