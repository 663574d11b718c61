import Foundation
import HealthCardFoundation
import HealthCardServer

/// The served OpenAPI document, and a check of a response against it: the status must be
/// documented for the operation (exactly, or by its `4XX` range) and the JSON body must satisfy
/// the schema. The validator covers the JSON Schema keywords the document uses (`$ref`, `type`,
/// `enum`, `required`, `properties`, `additionalProperties: false`, `items`, `minimum`,
/// `maximum`, `minLength`); a keyword it does not know fails the check rather than passing it.
struct OpenAPIContract: Sendable {
    let document: [String: JSONValue]

    static func load() throws -> OpenAPIContract {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(try OpenAPIDocument.bytes()))
        guard case .object(let document) = value else { throw ContractViolation("the document is not an object") }
        return OpenAPIContract(document: document)
    }

    var paths: [String: JSONValue] { document["paths"]?.objectValue ?? [:] }

    /// The operations as `METHOD path` strings.
    var operations: Set<String> {
        var result: Set<String> = []
        for (path, item) in paths {
            for method in (item.objectValue ?? [:]).keys { result.insert("\(method.uppercased()) \(path)") }
        }
        return result
    }

    func operation(_ method: String, _ path: String) -> [String: JSONValue]? {
        paths[path]?.objectValue?[method.lowercased()]?.objectValue
    }

    /// Checks one response; throws naming the operation, status and the first violation.
    func check(method: String, path: String, status: Int, contentType: String?, body: Data) throws {
        let where_ = "\(method) \(path) → \(status)"
        guard let operation = operation(method, path) else { throw ContractViolation("\(where_): not in the document") }
        let responses = operation["responses"]?.objectValue ?? [:]
        guard let response = responses["\(status)"] ?? responses["\(status / 100)XX"] else {
            throw ContractViolation("\(where_): status not documented")
        }
        guard let content = response.objectValue?["content"]?.objectValue, let (mediaType, media) = content.first else {
            return
        }
        guard let contentType, contentType.hasPrefix(mediaType) else {
            throw ContractViolation("\(where_): content type \(contentType ?? "none"), documented \(mediaType)")
        }
        guard mediaType == "application/json", let schema = media.objectValue?["schema"] else { return }
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: body) } catch {
            throw ContractViolation("\(where_): body is not JSON")
        }
        try validate(value, against: schema, at: "\(where_) $")
    }

    func validate(_ value: JSONValue, against schema: JSONValue, at location: String) throws {
        guard var rules = schema.objectValue else { throw ContractViolation("\(location): schema is not an object") }
        if case .string(let reference)? = rules["$ref"] {
            let name = String(reference.split(separator: "/").last ?? "")
            guard let target = document["components"]?.objectValue?["schemas"]?.objectValue?[name] else {
                throw ContractViolation("\(location): unresolved \(reference)")
            }
            return try validate(value, against: target, at: location)
        }
        let known: Set<String> = [
            "type", "enum", "required", "properties", "additionalProperties", "items", "minimum", "maximum",
            "minLength", "description",
        ]
        for key in rules.keys where !known.contains(key) {
            throw ContractViolation("\(location): the test's validator does not know \"\(key)\"")
        }
        if case .string(let type)? = rules.removeValue(forKey: "type") {
            let matches: Bool =
                switch (type, value) {
                case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
                    ("number", .number):
                    true
                case ("integer", .number(let number)): number.rounded() == number
                default: false
                }
            guard matches else { throw ContractViolation("\(location): \(value) is not \(type)") }
        }
        if case .array(let allowed)? = rules["enum"], !allowed.contains(value) {
            throw ContractViolation("\(location): \(value) is not one of \(allowed)")
        }
        if case .number(let number) = value {
            if case .number(let minimum)? = rules["minimum"], number < minimum {
                throw ContractViolation("\(location): \(number) < \(minimum)")
            }
            if case .number(let maximum)? = rules["maximum"], number > maximum {
                throw ContractViolation("\(location): \(number) > \(maximum)")
            }
        }
        if case .string(let text) = value, case .number(let minimum)? = rules["minLength"], Double(text.count) < minimum {
            throw ContractViolation("\(location): \"\(text)\" is shorter than \(minimum)")
        }
        if case .array(let items) = value, let itemSchema = rules["items"] {
            for (index, item) in items.enumerated() { try validate(item, against: itemSchema, at: "\(location)[\(index)]") }
        }
        if case .object(let object) = value {
            for case .string(let key) in rules["required"]?.arrayValue ?? [] where object[key] == nil {
                throw ContractViolation("\(location): missing required \"\(key)\"")
            }
            let properties = rules["properties"]?.objectValue ?? [:]
            for (key, member) in object {
                if let propertySchema = properties[key] {
                    try validate(member, against: propertySchema, at: "\(location).\(key)")
                } else if rules["additionalProperties"] == .bool(false) {
                    throw ContractViolation("\(location): undocumented property \"\(key)\"")
                }
            }
        }
    }
}

struct ContractViolation: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension JSONValue {
    var objectValue: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
    var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    var numberValue: Double? { if case .number(let value) = self { value } else { nil } }
    var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    subscript(key: String) -> JSONValue? { objectValue?[key] }
}
