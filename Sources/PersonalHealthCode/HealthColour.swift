import HealthCardFoundation

/// A health-code colour. An open set (provinces added orange, purple, grey …;
/// health-code.md §1.4, §2.4), ordered by severity so that the colour of a person is the most
/// severe colour among their active reasons (§5.3).
public struct HealthColour: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let green = HealthColour(rawValue: "green")
    public static let yellow = HealthColour(rawValue: "yellow")
    public static let red = HealthColour(rawValue: "red")
    /// Not enough data to decide (Hainan: no check-in yet).
    public static let grey = HealthColour(rawValue: "grey")

    /// Higher is more severe; unknown colours rank between yellow and red.
    public var severity: Int {
        switch self {
        case .green: 0
        case .grey: 1
        case .yellow: 2
        case .red: 4
        default: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.severity < rhs.severity }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
