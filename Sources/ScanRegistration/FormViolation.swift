/// One broken rule of a registration, named by form file, field and rule: what the desk shows next
/// to the field, and what `hcard register` prints, one per line, for every violation at once.
public struct FormViolation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The form and its version: `fever-clinic@1`.
    public var form: String
    /// The field's path: `guardianName`, `drugs[1].quantity`.
    public var field: String
    /// The field's label on the form (`监护人姓名`), or the path for an unknown field.
    public var label: String
    /// The rule: `required`, `requiredWhen`, `unknownField`, `type`, `maxLength`, `pattern`,
    /// `minimum`, `maximum`, `values`, `minItems`, `maxItems`, `citizenID`, `phone`, `region`,
    /// `date`, `identity` (conflicts with the scan), `admitColours`, `requiresForm`.
    public var rule: String
    public var message: String

    public init(form: String, field: String, label: String, rule: String, message: String) {
        self.form = form
        self.field = field
        self.label = label
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(form): \(field) (\(label)): \(message) [\(rule)]" }
}
