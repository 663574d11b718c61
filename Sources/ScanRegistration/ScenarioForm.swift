import Foundation
import HealthCardFoundation
import PersonalHealthCode

/// A scenario's registration form as data (issue 20 §2), like the GB/T 38962 schema
/// (`HealthInformationSchema`): the fields a fever clinic, pharmacy, observation site, employer or
/// checkpoint fills in after the scan, their types, required rules, value lists and conditional
/// rules, in a versioned JSON file (`Resources/forms/*.json`; a province may load its own with
/// ``init(json:source:)``).
///
/// Why data: the forms changed with every edition of the local rules, and a district office asks
/// for a new question without a release. Every key of a form file is checked
/// (`JSONShape`), and so are its rules (a `requiredWhen` naming a field the form lacks, a `choice`
/// without values): a form that does not load exactly is refused naming the file, field and rule.
public struct ScenarioForm: Hashable, Sendable, Codable {
    /// The form's id, also the scenario's name in queries: `fever-clinic`, `pharmacy`, ….
    public var form: String
    /// Bumped on every change; each registration records the version it was validated against.
    public var version: Int
    public var title: String
    /// Where the fields come from, and what is assumed [U].
    public var source: String
    /// The kinds of site that may register with this form.
    public var siteTypes: [SiteType]
    /// `person` (default): the registration is about a scanned person; `none`: a site's own filing
    /// (the employer's resumption declaration).
    public var identity: IdentityRequirement?
    /// Only these colours may register (return to work: green); `nil`: any colour, or none.
    public var admitColours: [String]?
    /// A form the same site must have filed before this one (return to work: the employer's
    /// resumption declaration).
    public var requiresForm: String?
    public var fields: [Field]

    public enum IdentityRequirement: String, Hashable, Sendable, Codable {
        case person, none
    }

    /// One field of the form, or of one row of a `lines` field.
    public struct Field: Hashable, Sendable, Codable {
        public var id: String
        public var label: String
        /// `text`, `integer`, `decimal`, `boolean`, `date` (YYYY-MM-DD), `choice` (one of
        /// ``values``), `citizenID` (GB 11643), `phone` (a mainland mobile or landline number),
        /// `region` (GB/T 2260), `lines` (repeating rows of ``fields``).
        public var type: FieldType
        public var required: Bool?
        public var requiredWhen: Condition?
        public var maxLength: Int?
        public var pattern: String?
        public var minimum: Double?
        public var maximum: Double?
        public var unit: String?
        public var values: [String]?
        public var minItems: Int?
        public var maxItems: Int?
        /// The identity fact the scan fills in (``ScannedIdentity/Fact``).
        public var prefill: ScannedIdentity.Fact?
        /// The fields of each row of a `lines` field.
        public var fields: [Field]?
    }

    public enum FieldType: String, Hashable, Sendable, Codable, CaseIterable {
        case text, integer, decimal, boolean, date, choice, citizenID, phone, region, lines
    }

    /// When a field without `required` must be given.
    ///
    /// - `{"field": "proxyPurchase", "equals": true}`: when another field has this value;
    /// - `{"ageUnder": 14, "ageFrom": "idNumber"}`: when the person is younger than this many whole
    ///   years on the registration day, by the birth date in the citizen ID of field `ageFrom`.
    public struct Condition: Hashable, Sendable, Codable {
        public var field: String?
        public var equals: JSONValue?
        public var ageUnder: Int?
        public var ageFrom: String?
    }

    /// The version-qualified name a violation and a stored registration carry: `fever-clinic@1`.
    public var qualifiedName: String { "\(form)@\(version)" }

    /// The forms that ship with the library, by id.
    public static let shipped: [String: ScenarioForm] = {
        var forms: [String: ScenarioForm] = [:]
        for id in shippedIDs {
            guard let url = Bundle.module.url(forResource: id, withExtension: "json", subdirectory: "forms"),
                let data = try? Data(contentsOf: url),
                let form = try? ScenarioForm(json: Array(data), source: "forms/\(id).json")
            else { preconditionFailure("ScanRegistration resource forms/\(id).json is missing or invalid") }
            forms[id] = form
        }
        return forms
    }()

    static let shippedIDs = [
        "fever-clinic", "medical-observation", "pharmacy", "employer-resumption", "return-to-work",
        "checkpoint-passage",
    ]

    /// A shipped form by id.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` listing the shipped forms.
    public static func named(_ id: String) throws -> ScenarioForm {
        guard let form = shipped[id] else {
            throw HealthCardError.invalidValue("no form '\(id)'; shipped: \(shippedIDs.joined(separator: ", "))")
        }
        return form
    }

    /// A form from its file; `source` (the file name) starts every message.
    ///
    /// - Throws: `HealthCardError/Code/malformed` naming the file and the key, field or rule:
    ///   `"f.json: fields[2].requiredWhen: unknown key \"feild\""`, `"f.json: field guardianName:
    ///   requiredWhen.ageFrom names no field 'id'"`.
    public init(json bytes: [UInt8], source: String) throws {
        try Self.fileShape.check(json: bytes, source: source)
        do {
            self = try JSONDecoder().decode(ScenarioForm.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw HealthCardError.malformed("\(source): \(DecodingErrorText.describe(error))")
        }
        let problems = problems()
        guard problems.isEmpty else {
            throw HealthCardError.malformed("\(source): " + problems.joined(separator: "; "))
        }
    }

    /// Everything wrong with the form's own rules (empty when it may be used).
    func problems() -> [String] {
        var problems: [String] = []
        if form.isEmpty || form.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-") }) {
            problems.append("form '\(form)': letters, digits and '-' only")
        }
        if version < 1 { problems.append("version \(version): at least 1") }
        if siteTypes.isEmpty { problems.append("siteTypes: at least one") }
        for colour in admitColours ?? [] where colour.isEmpty { problems.append("admitColours: an empty colour") }
        Self.check(fields, in: "", problems: &problems, lines: true)
        return problems
    }

    private static func check(_ fields: [Field], in prefix: String, problems: inout [String], lines: Bool) {
        var seen = Set<String>()
        let ids = Set(fields.map(\.id))
        for field in fields {
            func fail(_ rule: String) { problems.append("field \(prefix)\(field.id): \(rule)") }
            if !seen.insert(field.id).inserted { fail("defined twice") }
            if field.required == true && field.requiredWhen != nil { fail("both required and requiredWhen") }
            if field.type == .choice && (field.values ?? []).isEmpty { fail("a choice needs values") }
            if field.type != .choice && field.values != nil { fail("values on a \(field.type.rawValue) field") }
            if field.type == .lines {
                if !lines { fail("lines inside lines") }
                guard let rows = field.fields, !rows.isEmpty else {
                    fail("a lines field needs fields")
                    continue
                }
                check(rows, in: "\(prefix)\(field.id).", problems: &problems, lines: false)
            } else if field.fields != nil {
                fail("fields on a \(field.type.rawValue) field")
            }
            if let pattern = field.pattern, (try? NSRegularExpression(pattern: pattern)) == nil {
                fail("pattern '\(pattern)' is not a regular expression")
            }
            if let minimum = field.minimum, let maximum = field.maximum, minimum > maximum {
                fail("minimum \(minimum) above maximum \(maximum)")
            }
            if let condition = field.requiredWhen {
                switch (condition.field, condition.equals, condition.ageUnder, condition.ageFrom) {
                case (let other?, _?, nil, nil):
                    if !ids.contains(other) { fail("requiredWhen.field names no field '\(other)'") }
                case (nil, nil, let years?, let from?):
                    if years < 1 { fail("requiredWhen.ageUnder \(years): at least 1") }
                    if fields.first(where: { $0.id == from })?.type != .citizenID {
                        fail("requiredWhen.ageFrom '\(from)' is not a citizenID field of the form")
                    }
                default:
                    fail("requiredWhen needs either field and equals, or ageUnder and ageFrom")
                }
            }
        }
    }

    private static let conditionShape = JSONShape.object([
        "field": .string, "equals": .any, "ageUnder": .integer, "ageFrom": .string,
    ])

    private static func fieldShape(rows: JSONShape?) -> JSONShape {
        var keys: [String: JSONShape] = [
            "id": .string, "label": .string, "type": .string, "required": .bool, "requiredWhen": conditionShape,
            "maxLength": .integer, "pattern": .string, "minimum": .number, "maximum": .number, "unit": .string,
            "values": .array(.string), "minItems": .integer, "maxItems": .integer, "prefill": .string,
        ]
        if let rows { keys["fields"] = .array(rows) }
        return .object(keys, required: ["id", "label", "type"])
    }

    private static let fileShape = JSONShape.object(
        [
            "form": .string, "version": .integer, "title": .string, "source": .string, "siteTypes": .array(.string),
            "identity": .string, "admitColours": .array(.string), "requiresForm": .string,
            "fields": .array(fieldShape(rows: fieldShape(rows: nil))),
        ],
        required: ["form", "version", "title", "source", "siteTypes", "fields"])
}
