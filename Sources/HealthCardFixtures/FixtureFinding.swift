import HealthCardFoundation

/// One problem `hcard fixtures validate` found in a fixture file: what is wrong and exactly where.
///
/// Why a value and not a thrown error: a CI run wants every problem of every file in one pass,
/// one line each, so validators collect findings and go on; only the caller decides to fail.
public struct FixtureFinding: Codable, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Codable, Sendable, Comparable {
        /// Not a defect of the fixture, but worth knowing (an expired sample code, an empty slot
        /// that still holds bytes). Does not fail validation.
        case warning
        /// The fixture is broken: validation fails.
        case error

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs == .warning && rhs == .error }
    }

    public var severity: Severity
    /// The fixture file, as given on the command line (or found below a given directory).
    public var file: String
    /// Where in the file: `"DF03/ED02 offset 120 (visitDate)"`, `"line 7"`, `"character 17"`;
    /// `nil` for the file as a whole.
    public var location: String?
    public var message: String

    public init(_ severity: Severity, file: String, location: String? = nil, _ message: String) {
        self.severity = severity
        self.file = file
        self.location = location
        self.message = message
    }

    /// `Fixtures/cards/visit.json: DF03/ED01 offset 12 (visitDate): error: 20261340 is not a date`,
    /// the shape compilers use, so editors and CI annotate the line.
    public var description: String {
        var text = file + ": "
        if let location { text += location + ": " }
        return text + "\(severity.rawValue): \(message)"
    }
}
