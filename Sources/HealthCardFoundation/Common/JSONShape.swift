import Foundation

/// The shape a JSON input must have: the keys each object may hold and must hold, and the type of
/// every value. Inputs are checked against it before they are decoded.
///
/// Why: `JSONDecoder` skips keys it does not know, and a decoder whose fields are optional reads a
/// missing key as absent. A misspelt key therefore vanishes without a word: `"cardIDs"` for
/// `"cardIds"` made a revocation list that revokes nothing, `"Phone1"` for `"phone1"` cleared the
/// card's phone numbers. Files that carry security decisions (trust and revocation lists,
/// checkpoint policies, replay caches) and the records written to a card are checked first, so a
/// typo is an error that names the file, the JSON path and the closest key the format does know.
public indirect enum JSONShape: Sendable {
    /// A string.
    case string
    /// A number without a fractional part.
    case integer
    /// Any number.
    case number
    /// `true` or `false`.
    case bool
    /// Anything, checked later by the decoder (a record field whose value the codec checks).
    case any
    /// An array whose every element has the shape.
    case array(JSONShape)
    /// An object holding only the keys of `fields` (each value of its shape), and every key of
    /// `required`.
    case object([String: JSONShape], required: Set<String> = [])

    /// Parses `bytes` as JSON and checks the value against this shape.
    ///
    /// - Parameters:
    ///   - bytes: the JSON text.
    ///   - source: the file name (or another name for the input) that starts every message.
    /// - Throws: ``HealthCardError/Code/malformed`` naming `source`, the JSON path and what was wrong,
    ///   e.g. `r.json: unknown key "cardIDs" (closest known key: "cardIds")`.
    @discardableResult
    public func check(json bytes: [UInt8], source: String) throws -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw HealthCardError.malformed("\(source): not JSON (\(Self.summary(error)))")
        }
        try check(value, source: source)
        return value
    }

    /// Checks `value` against this shape; `path` is the JSON path of `value` (empty at the top).
    ///
    /// - Throws: ``HealthCardError/Code/malformed`` naming `source`, the path and what was wrong.
    public func check(_ value: JSONValue, source: String, path: String = "") throws {
        func fail(_ message: String) -> HealthCardError {
            HealthCardError.malformed(path.isEmpty ? "\(source): \(message)" : "\(source): \(path): \(message)")
        }
        switch (self, value) {
        case (.any, _), (.string, .string), (.bool, .bool), (.number, .number):
            return
        case (.integer, .number(let number)):
            guard number.isFinite, number.rounded() == number else {
                throw fail("expected a whole number, got \(number)")
            }
        case (.array(let element), .array(let elements)):
            for (index, item) in elements.enumerated() {
                try element.check(item, source: source, path: "\(path)[\(index)]")
            }
        case (.object(let fields, let required), .object(let object)):
            for key in object.keys.sorted() where fields[key] == nil {
                var message = "unknown key \"\(key)\""
                if let closest = Self.closestKey(to: key, in: fields.keys) {
                    message += " (closest known key: \"\(closest)\")"
                }
                throw fail(message)
            }
            for key in required.sorted() where object[key] == nil {
                throw fail("missing required key \"\(key)\"")
            }
            for key in object.keys.sorted() {
                try fields[key]!.check(object[key]!, source: source, path: path.isEmpty ? key : "\(path).\(key)")
            }
        default:
            throw fail("expected \(name), got \(Self.name(of: value))")
        }
    }

    /// The known key nearest to `key` by edit distance, ignoring case first (`"Phone1"` → `"phone1"`);
    /// ties go to the alphabetically first. `nil` only when there are no known keys.
    public static func closestKey(to key: String, in known: some Sequence<String>) -> String? {
        let lowered = Array(key.lowercased())
        return known.map { candidate in
            (candidate, editDistance(lowered, Array(candidate.lowercased())), editDistance(Array(key), Array(candidate)))
        }
        .min { ($0.1, $0.2, $0.0) < ($1.1, $1.2, $1.0) }?.0
    }

    /// Levenshtein distance: insertions, deletions and substitutions of one character.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    private var name: String {
        switch self {
        case .string: "a string"
        case .integer: "a whole number"
        case .number: "a number"
        case .bool: "true or false"
        case .any: "a value"
        case .array: "an array"
        case .object: "an object"
        }
    }

    private static func name(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "true or false"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    private static func summary(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError, case .dataCorrupted(let context) = decoding else {
            return "\(error)"
        }
        return context.debugDescription
    }
}
