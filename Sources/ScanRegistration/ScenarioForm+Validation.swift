import Foundation
import HealthCardFoundation

extension ScenarioForm {
    /// A mainland mobile number, or a landline with its area code (`0898-66668888`). [U] The
    /// Hainan forms' own pattern is not public.
    static let phonePattern = "^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$"

    /// Every violation of `values` (field id → value), in form order; unknown fields are
    /// violations too, so a misspelt field never passes silently.
    ///
    /// - Parameters:
    ///   - values: the form as submitted, after prefilling.
    ///   - date: the registration day (China time): ages for `requiredWhen.ageUnder` are counted to it.
    ///   - regions: the GB/T 2260 table for `region` fields.
    public func validate(_ values: [String: JSONValue], on date: CalendarDate, regions: RegionTable = .shipped)
        -> [FormViolation]
    {
        var violations: [FormViolation] = []
        validate(values, fields: fields, prefix: "", on: date, regions: regions, into: &violations)
        return violations
    }

    private func validate(
        _ values: [String: JSONValue], fields: [Field], prefix: String, on date: CalendarDate, regions: RegionTable,
        into violations: inout [FormViolation]
    ) {
        for key in values.keys.sorted() where !fields.contains(where: { $0.id == key }) {
            var message = "not a field of \(qualifiedName)"
            if let closest = JSONShape.closestKey(to: key, in: fields.map(\.id)) { message += " (closest: \(closest))" }
            violations.append(.init(form: qualifiedName, field: prefix + key, label: prefix + key, rule: "unknownField", message: message))
        }
        for field in fields {
            let path = prefix + field.id
            func fail(_ rule: String, _ message: String) {
                violations.append(.init(form: qualifiedName, field: path, label: field.label, rule: rule, message: message))
            }
            guard let value = values[field.id], value != .null, value != .string("") else {
                if field.required == true {
                    fail("required", "required")
                } else if let condition = field.requiredWhen, let why = Self.holds(condition, in: values, on: date) {
                    fail("requiredWhen", "required \(why)")
                }
                continue
            }
            violations += check(value, field: field, path: path, on: date, regions: regions)
        }
    }

    /// The violations of one given value of `field`.
    private func check(_ value: JSONValue, field: Field, path: String, on date: CalendarDate, regions: RegionTable)
        -> [FormViolation]
    {
        var violations: [FormViolation] = []
        func fail(_ rule: String, _ message: String) {
            violations.append(.init(form: qualifiedName, field: path, label: field.label, rule: rule, message: message))
        }
        switch field.type {
        case .text, .choice, .citizenID, .phone, .region, .date:
            guard case .string(let text) = value else {
                fail("type", "expected text")
                break
            }
            if let max = field.maxLength, text.count > max { fail("maxLength", "\(text.count) characters, at most \(max)") }
            if let pattern = field.pattern, text.range(of: pattern, options: .regularExpression) == nil {
                fail("pattern", "'\(TerminalText.escaped(text))' does not match \(pattern)")
            }
            switch field.type {
            case .choice:
                if let allowed = field.values, !allowed.contains(text) {
                    fail("values", "'\(TerminalText.escaped(text))' is not one of \(allowed.joined(separator: ", "))")
                }
            case .citizenID:
                let report = CitizenIDValidator(regions: nil).validate(text)
                if !report.isValid { fail("citizenID", report.firstError ?? "not a valid citizen ID") }
            case .phone:
                if text.range(of: Self.phonePattern, options: .regularExpression) == nil {
                    fail("phone", "'\(TerminalText.escaped(text))' is not a mobile or landline number")
                }
            case .region:
                if regions.region(code: text)?.isCurrent != true {
                    fail("region", "'\(TerminalText.escaped(text))' is not a current GB/T 2260 code")
                }
            case .date:
                if Self.date(text) == nil { fail("date", "'\(TerminalText.escaped(text))' is not a date YYYY-MM-DD") }
            default:
                break
            }
        case .integer, .decimal:
            guard case .number(let x) = value, x.isFinite else {
                fail("type", "expected a number")
                break
            }
            if field.type == .integer, x.rounded() != x {
                fail("type", "expected a whole number, got \(x)")
                break
            }
            let shown = field.type == .integer ? "\(Int(x))" : "\(x)"
            if let min = field.minimum, x < min { fail("minimum", "\(shown)\(field.unit ?? "") is below \(Self.number(min))") }
            if let max = field.maximum, x > max { fail("maximum", "\(shown)\(field.unit ?? "") is above \(Self.number(max))") }
        case .boolean:
            if case .bool = value {} else { fail("type", "expected true or false") }
        case .lines:
            guard case .array(let rows) = value else {
                fail("type", "expected a list of rows")
                break
            }
            if let min = field.minItems, rows.count < min { fail("minItems", "\(rows.count) rows, at least \(min)") }
            if let max = field.maxItems, rows.count > max { fail("maxItems", "\(rows.count) rows, at most \(max)") }
            for (index, row) in rows.enumerated() {
                guard case .object(let object) = row else {
                    violations.append(.init(form: qualifiedName, field: "\(path)[\(index)]", label: field.label, rule: "type", message: "expected a row object"))
                    continue
                }
                validate(object, fields: field.fields ?? [], prefix: "\(path)[\(index)].", on: date, regions: regions, into: &violations)
            }
        }
        return violations
    }

    /// Why `condition` holds for `values` ("when proxyPurchase is true", "under 14 (age 9 from
    /// idNumber)"), or `nil` when it does not. An age condition whose ID field is missing or
    /// invalid does not hold: that field's own violation is reported instead.
    static func holds(_ condition: Condition, in values: [String: JSONValue], on date: CalendarDate) -> String? {
        if let other = condition.field, let expected = condition.equals {
            return values[other] == expected ? "when \(other) is \(Self.text(expected))" : nil
        }
        if let years = condition.ageUnder, let from = condition.ageFrom,
            case .string(let text)? = values[from], let id = try? CitizenID(text)
        {
            let age = id.birthDate.years(until: date)
            return age < years ? "under \(years) (age \(age) from \(from))" : nil
        }
        return nil
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .bool(let flag): "\(flag)"
        case .string(let text): "'\(text)'"
        case .number(let x): number(x)
        default: "\(value)"
        }
    }

    /// Exactly `YYYY-MM-DD`, a real date.
    static func date(_ text: String) -> CalendarDate? {
        CalendarDate(lenient: text).flatMap { $0.description == text ? $0 : nil }
    }

    static func number(_ x: Double) -> String { x.rounded() == x && abs(x) < 1e15 ? "\(Int(x))" : "\(x)" }
}

extension ScenarioForm {
    /// The value of field `id` from text typed on a command line or in a web form: a number for
    /// `integer` and `decimal` fields, `true`/`false` for `boolean`, the text itself otherwise.
    /// (`lines` fields take JSON: `[{"name": …}]`.) The value is then validated with the rest.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` naming the form and field: an unknown field
    ///   (with the closest one), a number or boolean that does not parse, lines that are not JSON.
    public func value(text: String, for id: String) throws -> JSONValue {
        guard let field = fields.first(where: { $0.id == id }) else {
            let closest = JSONShape.closestKey(to: id, in: fields.map(\.id)).map { " (closest: \($0))" } ?? ""
            throw HealthCardError.invalidValue("\(qualifiedName): '\(TerminalText.escaped(id))' is not a field\(closest)")
        }
        switch field.type {
        case .integer, .decimal:
            guard let number = Double(text), number.isFinite, text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) else {
                throw HealthCardError.invalidValue("\(qualifiedName): \(id): '\(TerminalText.escaped(text))' is not a number")
            }
            return .number(number)
        case .boolean:
            switch text {
            case "true", "yes": return .bool(true)
            case "false", "no": return .bool(false)
            default: throw HealthCardError.invalidValue("\(qualifiedName): \(id): '\(TerminalText.escaped(text))' is not true or false")
            }
        case .lines:
            do {
                return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            } catch {
                throw HealthCardError.invalidValue("\(qualifiedName): \(id): the rows are not JSON (a list of objects: [{\"name\": …}])")
            }
        default:
            return .string(text)
        }
    }
}
