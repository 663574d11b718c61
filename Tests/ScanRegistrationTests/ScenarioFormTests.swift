import Foundation
import HealthCardFoundation
import Testing
import ScanRegistration

@Suite("Scenario forms: data files, strict loading, every violation listed")
struct ScenarioFormTests {
    static let day = CalendarDate(year: 2026, month: 3, day: 1)!

    static func fever(_ changes: [String: JSONValue] = [:]) -> [String: JSONValue] {
        var values: [String: JSONValue] = [
            "name": "王芳", "idNumber": .string(RegistrationFixture.adult), "phone": "13800138000", "temperature": 37.9,
            "residence": "海口市龙华区",
        ]
        values.merge(changes) { _, new in new }
        return values
    }

    static func pharmacy(_ changes: [String: JSONValue] = [:]) -> [String: JSONValue] {
        var values: [String: JSONValue] = [
            "name": "李强", "idNumber": .string(RegistrationFixture.adult), "phone": "13800138000",
            "drugs": [["name": "布洛芬缓释胶囊", "category": "antipyretic", "quantity": 2]], "temperature": 36.6,
            "travelRiskArea": false, "contactWithCase": false, "proxyPurchase": false,
        ]
        values.merge(changes) { _, new in new }
        return values
    }

    @Test("every shipped form loads, versioned, with its site types")
    func shipped() throws {
        #expect(Set(ScenarioForm.shipped.keys) == [
            "fever-clinic", "medical-observation", "pharmacy", "employer-resumption", "return-to-work", "checkpoint-passage",
        ])
        #expect(try ScenarioForm.named("pharmacy").qualifiedName == "pharmacy@1")
        #expect(try ScenarioForm.named("return-to-work").admitColours == ["green"])
        #expect(throws: HealthCardError.invalidValue("")) { try ScenarioForm.named("bakery") }
    }

    @Test("guardian: required under 14 by the ID's birth date, not at 14 or over")
    func guardian() throws {
        let form = try ScenarioForm.named("fever-clinic")
        let child = form.validate(Self.fever(["idNumber": .string(RegistrationFixture.child)]), on: Self.day)
        #expect(child.map(\.field) == ["guardianName"])
        #expect(child.first?.rule == "requiredWhen")
        #expect(child.first?.description.contains("under 14 (age 10 from idNumber)") == true)
        #expect(form.validate(Self.fever(["idNumber": .string(RegistrationFixture.child), "guardianName": "王建国"]), on: Self.day).isEmpty)
        #expect(form.validate(Self.fever(["idNumber": .string(RegistrationFixture.justFourteen)]), on: Self.day).isEmpty)
        // The day before the 14th birthday (2026-02-28 for 29 February) the guardian is still required.
        let before = CalendarDate(year: 2026, month: 2, day: 27)!
        #expect(form.validate(Self.fever(["idNumber": .string(RegistrationFixture.justFourteen)]), on: before).map(\.rule) == ["requiredWhen"])
        #expect(form.validate(Self.fever(), on: Self.day).isEmpty)
    }

    @Test("proxy purchase: the patient's phone is required then, and only then")
    func proxyPurchase() throws {
        let form = try ScenarioForm.named("pharmacy")
        #expect(form.validate(Self.pharmacy(), on: Self.day).isEmpty)
        let proxy = form.validate(Self.pharmacy(["proxyPurchase": true]), on: Self.day)
        #expect(proxy.map(\.field) == ["patientName", "patientPhone"])
        #expect(proxy.allSatisfy { $0.rule == "requiredWhen" && $0.message == "required when proxyPurchase is true" })
        #expect(form.validate(Self.pharmacy(["proxyPurchase": true, "patientName": "李母", "patientPhone": "13900139000"]), on: Self.day).isEmpty)
        #expect(form.validate(Self.pharmacy(["proxyPurchase": true, "patientName": "李母", "patientPhone": "12345"]), on: Self.day).map(\.rule) == ["phone"])
    }

    @Test("drug lines: rows added and removed, each row checked, row paths in the violations")
    func drugLines() throws {
        let form = try ScenarioForm.named("pharmacy")
        let two: JSONValue = [
            ["name": "布洛芬", "category": "antipyretic", "quantity": 1], ["name": "右美沙芬", "category": "antitussive", "quantity": 3],
        ]
        #expect(form.validate(Self.pharmacy(["drugs": two]), on: Self.day).isEmpty)
        #expect(form.validate(Self.pharmacy(["drugs": []]), on: Self.day).map(\.rule) == ["minItems"])
        let bad: JSONValue = [["name": "布洛芬", "category": "sweets", "quantity": 0.5, "dose": "x"]]
        let violations = form.validate(Self.pharmacy(["drugs": bad]), on: Self.day)
        #expect(violations.map(\.field) == ["drugs[0].dose", "drugs[0].category", "drugs[0].quantity"])
        #expect(violations.map(\.rule) == ["unknownField", "values", "type"])
    }

    @Test("every violation at once: unknown field, type, range, citizen ID, missing")
    func everyViolation() throws {
        let form = try ScenarioForm.named("fever-clinic")
        let values = Self.fever(["idNumber": "460106198001010010", "temperature": 45, "residence": .null, "phnoe": "1"])
        let violations = form.validate(values, on: Self.day)
        #expect(violations.map(\.field) == ["phnoe", "idNumber", "temperature", "residence"])
        #expect(violations.first?.message.contains("closest: phone") == true)
        #expect(violations.allSatisfy { $0.form == "fever-clinic@1" })
    }

    @Test("a form file is read strictly: unknown keys, broken rules and bad types name the file and field")
    func strictFile() throws {
        func load(_ text: String) -> String {
            do {
                _ = try ScenarioForm(json: Array(text.utf8), source: "f.json")
                return "loaded"
            } catch { return (error as? HealthCardError)?.reason ?? "\(error)" }
        }
        let head = #""form": "x", "version": 1, "title": "t", "source": "s", "siteTypes": ["pharmacy"]"#
        #expect(load("{\(head), \"fields\": [{\"id\": \"a\", \"label\": \"A\", \"type\": \"text\"}]}") == "loaded")
        #expect(load("{\(head), \"fields\": [{\"id\": \"a\", \"label\": \"A\", \"type\": \"text\", \"requierd\": true}]}")
            == #"f.json: fields[0]: unknown key "requierd" (closest known key: "required")"#)
        #expect(
            load("{\(head), \"fields\": [{\"id\": \"a\", \"label\": \"A\", \"type\": \"texte\"}]}")
                == "f.json: fields[0].type: Cannot initialize FieldType from invalid String value texte")
        #expect(load("{\(head), \"fields\": [{\"id\": \"g\", \"label\": \"G\", \"type\": \"text\", \"requiredWhen\": {\"ageUnder\": 14, \"ageFrom\": \"id\"}}]}")
            == "f.json: field g: requiredWhen.ageFrom 'id' is not a citizenID field of the form")
        #expect(load("{\(head), \"fields\": [{\"id\": \"c\", \"label\": \"C\", \"type\": \"choice\"}, {\"id\": \"c\", \"label\": \"C\", \"type\": \"text\"}]}")
            == "f.json: field c: a choice needs values; field c: defined twice")
        let bakery = #"{"form": "x", "version": 1, "title": "t", "source": "s", "siteTypes": ["bakery"], "fields": []}"#
        #expect(load(bakery).hasPrefix("f.json: siteTypes[0]: "))
    }
}
