import Foundation
import Testing
@testable import HealthCardFoundation
@testable import PersonalHealthCode


@Suite("Health code: GB/T 38962 schema")
struct HealthInformationSchemaTests {
    func record(_ json: String) throws -> [String: JSONValue] {
        try JSONDecoder().decode([String: JSONValue].self, from: Data(json.utf8))
    }

    @Test("a complete declaration passes")
    func valid() throws {
        let declaration = try record("""
            {"name": "张三", "sex": "1", "nationality": "CHN", "documentType": "01", "documentNumber": "11010519491231002X",
             "householdRegion": "110105", "address": "建国路1号", "phone": "13800138000", "medicalHistory": ["高血压"],
             "temperature": 36.6, "symptoms": [], "riskAreaStay": false, "overseas": false}
            """)
        #expect(HealthInformationSchema.shipped.validate(declaration).isEmpty)
    }

    @Test("every violation is listed with its element: bad ID, impossible temperature, unknown region, …")
    func violations() throws {
        let declaration = try record("""
            {"sex": "7", "documentType": "01", "documentNumber": "110105194912310021", "householdRegion": "990000",
             "temperature": 45.5, "riskAreaStay": "no", "phone": "12345", "symptoms": "咳嗽", "colour": "green"}
            """)
        let violations = HealthInformationSchema.shipped.validate(declaration)
        let byElement = Dictionary(grouping: violations, by: \.element)
        #expect(byElement["name"]?.first?.message == "required")
        #expect(byElement["sex"]?.first?.message == "unknown code '7' in GB/T 2261.1-2003")
        #expect(byElement["documentNumber"]?.first?.message == "wrong check character: expected X, got 1")
        #expect(byElement["householdRegion"]?.first?.message == "unknown region '990000' (GB/T 2260)")
        #expect(byElement["temperature"]?.first?.message == "45.5℃ is above 43.0")
        #expect(byElement["riskAreaStay"]?.first?.message == "expected true or false")
        #expect(byElement["phone"] != nil)
        #expect(byElement["symptoms"]?.first?.message == "expected a list of text")
        #expect(byElement["colour"]?.first?.message.hasPrefix("not an element") == true)
        #expect(violations.count == 9)
        #expect(violations.contains { $0.description == "体温 (temperature): 45.5℃ is above 43.0" })
    }
}
