/// The one error type of `HealthCardCore`: an extensible ``Code`` plus the context a person needs
/// to act on it (what was wrong and where).
///
/// Why a struct and not an enum: new codes can be added without breaking callers that switch on
/// them, and equality looks at the code only, so tests can write
/// `#expect(throws: HealthCardError.truncated(""))`. (After swift-asn1's `ASN1Error`.)
public struct HealthCardError: Error, Hashable, CustomStringConvertible, Sendable {
    /// What kind of failure this is. Compare codes, not messages.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Input ended before a complete value was read.
        public static let truncated = Code("truncated")
        /// A value does not fit its fixed-length field.
        public static let valueTooLong = Code("valueTooLong")
        /// Bytes are not valid in the declared encoding (a non-BCD nibble, bad GBK bytes).
        public static let invalidEncoding = Code("invalidEncoding")
        /// A character has no representation in the target character set.
        public static let unencodable = Code("unencodable")
        /// The structure of the input is wrong (bad TLV tag, trailing bytes, bad format).
        public static let malformed = Code("malformed")
        /// A value is syntactically fine but not allowed (an impossible date, a code out of range).
        public static let invalidValue = Code("invalidValue")
        /// A resource shipped with the library could not be loaded.
        public static let resourceMissing = Code("resourceMissing")

        // Patient index (``PatientIndex``). The PIX cases are distinct on purpose (empi.md §2.3;
        // PIXm answers 404 for an unknown identifier, 403-style for an unknown domain).
        /// The source domain of a query, record or identifier is not registered.
        public static let unknownSourceDomain = Code("unknownSourceDomain")
        /// A requested target domain of a query is not registered.
        public static let unknownTargetDomain = Code("unknownTargetDomain")
        /// The domain is known, the identifier value is not.
        public static let unknownIdentifier = Code("unknownIdentifier")
        /// No such source record (`domain:id`), person (enterprise ID) or review item.
        public static let unknownRecord = Code("unknownRecord")
        public static let unknownPerson = Code("unknownPerson")
        public static let unknownReview = Code("unknownReview")
        /// The operation does not apply in the current state (merging a person into itself,
        /// unmerging what is not merged, unlinking a person's only record, …).
        public static let invalidOperation = Code("invalidOperation")
        /// A unique-domain identifier is held by more than one person.
        public static let ambiguousIdentifier = Code("ambiguousIdentifier")
    }

    public let code: Code
    /// Human-readable explanation, including the location (field, record, byte offset) when known.
    public let reason: String
    private let sourceFile: String
    private let sourceLine: UInt

    public init(code: Code, reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.sourceFile = file
        self.sourceLine = line
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public static func truncated(_ reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .truncated, reason: reason, file: file, line: line)
    }
    public static func valueTooLong(_ reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .valueTooLong, reason: reason, file: file, line: line)
    }
    public static func invalidEncoding(_ reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidEncoding, reason: reason, file: file, line: line)
    }
    public static func unencodable(_ reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .unencodable, reason: reason, file: file, line: line)
    }
    public static func malformed(_ reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .malformed, reason: reason, file: file, line: line)
    }
    public static func invalidValue(_ reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidValue, reason: reason, file: file, line: line)
    }
    public static func resourceMissing(_ reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .resourceMissing, reason: reason, file: file, line: line)
    }

    /// The same error with a location prefixed to its reason, e.g. `"EF06 record 1: "`.
    /// Lower layers say *what* is wrong; the layer that knows *where* adds it.
    public func located(_ location: String) -> Self {
        Self(code: code, reason: "\(location): \(reason)", file: sourceFile, line: sourceLine)
    }
}
