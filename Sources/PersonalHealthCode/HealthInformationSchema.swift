import Foundation
import HealthCardFoundation

/// The personal health information data format (GB/T 38962-2020) as a schema file: element
/// definitions (identifier, Chinese name, type, length, value domain) live in data, and
/// validation reports *every* violation with the element's name (health-code.md §2).
///
/// The standard's normative tables are not public, so the shipped schema
/// (`Resources/health-information-schema.json`) carries the two groups the standard names with
/// assumed types and lengths; `source` in the file says so. Load another with ``init(json:)``.
public struct HealthInformationSchema: Sendable, Codable {
    public var schema: String
    public var title: String
    public var source: String
    public var groups: [Group]

    public struct Group: Sendable, Codable {
        public var id: String
        public var name: String
        public var elements: [Element]
    }

    public struct Element: Sendable, Codable {
        public var id: String
        public var name: String
        /// `text`, `code`, `region`, `decimal`, `boolean`, `list`.
        public var type: String
        public var required: Bool?
        public var maxLength: Int?
        public var maxItems: Int?
        public var pattern: String?
        public var minimum: Double?
        public var maximum: Double?
        public var unit: String?
        /// A `CodeTables` subject for `code` elements.
        public var codeTable: String?
        public var valueDomain: String?
        /// A named extra check: `citizenIDWhenDocumentType01`.
        public var validator: String?
    }

    /// One broken rule, named by element: what a declaration form shows next to the field.
    public struct Violation: Hashable, Sendable, Codable, CustomStringConvertible {
        public var element: String
        public var name: String
        public var message: String
        public var description: String { "\(name) (\(element)): \(message)" }
    }

    public static let shipped: HealthInformationSchema = {
        guard let url = Bundle.module.url(forResource: "health-information-schema", withExtension: "json"),
            let data = try? Data(contentsOf: url), let schema = try? HealthInformationSchema(json: data)
        else { preconditionFailure("HealthCardCore resource health-information-schema.json is missing or invalid") }
        return schema
    }()

    public init(json: Data) throws {
        self = try JSONDecoder().decode(HealthInformationSchema.self, from: json)
    }

    /// Every violation of `record` (a JSON object of element id → value), in schema order;
    /// unknown keys are violations too, so a typo never passes silently.
    public func validate(_ record: [String: JSONValue], regions: RegionTable = .shipped) -> [Violation] {
        var violations: [Violation] = []
        let elements = groups.flatMap(\.elements)
        for key in record.keys.sorted() where !elements.contains(where: { $0.id == key }) {
            violations.append(Violation(element: key, name: key, message: "not an element of \(schema)"))
        }
        for element in elements {
            func fail(_ message: String) { violations.append(Violation(element: element.id, name: element.name, message: message)) }
            guard let value = record[element.id], value != .null else {
                if element.required == true { fail("required") }
                continue
            }
            switch element.type {
            case "text", "code", "region":
                guard case .string(let text) = value else {
                    fail("expected text")
                    continue
                }
                if let max = element.maxLength, text.count > max { fail("\(text.count) characters, at most \(max)") }
                if let pattern = element.pattern, text.range(of: pattern, options: .regularExpression) == nil {
                    fail("'\(text)' does not match \(element.valueDomain ?? pattern)")
                }
                if element.type == "code", let subject = element.codeTable {
                    if let table = CodeTables.table(named: subject), table.entry(for: text) == nil {
                        fail("unknown code '\(text)' in \(table.standard)")
                    }
                }
                if element.type == "region", regions.region(code: text) == nil {
                    fail("unknown region '\(text)' (GB/T 2260)")
                }
                if element.validator == "citizenIDWhenDocumentType01",
                    case .string(let type) = record["documentType"], Int(type) == 1
                {
                    let report = CitizenIDValidator(regions: nil).validate(text)
                    if !report.isValid { fail(report.firstError ?? "invalid citizen ID") }
                }
            case "decimal":
                guard case .number(let x) = value else {
                    fail("expected a number")
                    continue
                }
                if let min = element.minimum, x < min { fail("\(x)\(element.unit ?? "") is below \(min)") }
                if let max = element.maximum, x > max { fail("\(x)\(element.unit ?? "") is above \(max)") }
            case "boolean":
                if case .bool = value {} else { fail("expected true or false") }
            case "list":
                guard case .array(let items) = value, items.allSatisfy({ if case .string = $0 { true } else { false } }) else {
                    fail("expected a list of text")
                    continue
                }
                if let max = element.maxItems, items.count > max { fail("\(items.count) items, at most \(max)") }
            default:
                fail("schema error: unknown type \(element.type)")
            }
        }
        return violations
    }
}
