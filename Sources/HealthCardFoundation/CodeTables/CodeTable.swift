/// One row of a national code table: the code as the standard writes it, the Chinese name the
/// standard gives, and an English gloss for people who read the JSON.
public struct CodeEntry: Hashable, Sendable {
    public let code: String
    public let name: String
    public let english: String
    /// Another code the standard gives for the same entry (GB 3304's two-letter codes).
    public let alternateCode: String?

    public init(_ code: String, _ name: String, _ english: String, alternate: String? = nil) {
        self.code = code
        self.name = name
        self.english = english
        self.alternateCode = alternate
    }
}

/// A national code table (GB/T 2261.1 sex, GB 3304 ethnicity, WS 364 CV lists, …) described as data.
///
/// Each table is a caseless enum conforming to this protocol; values of the table are
/// ``CodedValue``s. Why data and not one enum per table: cards and messages carry codes the
/// library does not know (a newer edition, a vendor list), and those must survive a round trip
/// as an explicit "unknown code N", never a crash or a silent default.
public protocol CodeTable: Sendable {
    /// The standard and edition, e.g. `"GB/T 2261.1-2003"`.
    static var standard: String { get }
    /// What the table classifies, in English, e.g. `"sex"`.
    static var subject: String { get }
    static var entries: [CodeEntry] { get }
}

extension CodeTable {
    /// Finds an entry by its code, its alternate code, or a numerically equal code
    /// (`"1"` finds `"01"`): cards store 1-digit and 2-digit editions of the same list in one
    /// `cn` byte (../shared/specs/health-card.md §11 item 10), so lookups are lenient.
    public static func entry(for code: String) -> CodeEntry? {
        if let exact = entries.first(where: { $0.code == code || $0.alternateCode == code }) { return exact }
        guard let number = Int(code) else { return nil }
        return entries.first { Int($0.code) == number }
    }
}

/// A value of the code table `Table`: a code, known or not.
///
/// JSON form: `{"code": "1", "name": "男性"}`; decoding also accepts the bare code string (`"1"`)
/// so hand-written record files stay short.
public struct CodedValue<Table: CodeTable>: Hashable, Sendable, CustomStringConvertible {
    /// The code as stored (on a card, in a message).
    public let code: String

    public init(code: String) { self.code = code }

    /// The table row, or `nil` for a code the table does not list.
    public var entry: CodeEntry? { Table.entry(for: code) }
    public var isKnown: Bool { entry != nil }
    /// The Chinese name from the standard, or `"unknown code N"`.
    public var name: String { entry?.name ?? "unknown code \(code)" }

    /// `"2 女性 (female)"`, or `"unknown code 7 (GB/T 2261.1-2003 sex)"`.
    public var description: String {
        if let entry { return "\(code) \(entry.name) (\(entry.english))" }
        return "unknown code \(code) (\(Table.standard) \(Table.subject))"
    }

    /// All the values the table lists.
    public static var allKnown: [Self] { Table.entries.map { Self(code: $0.code) } }
}

extension CodedValue: Codable {
    private enum Keys: String, CodingKey { case code, name }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let code = try? single.decode(String.self) {
            self.init(code: code)
            return
        }
        if let single = try? decoder.singleValueContainer(), let number = try? single.decode(Int.self) {
            self.init(code: String(number))
            return
        }
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(code: try container.decode(String.self, forKey: .code))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(code, forKey: .code)
        try container.encode(name, forKey: .name)
    }
}
