import HealthCardFoundation

/// One platform's rule for the card id of an e-health-card payload, checked on top of the
/// grammar's `[0-9A-Za-z]{1,64}`.
///
/// Why profiles instead of one rule: the sources disagree (health-code.md §4.3 and §6 item 3).
/// Every Tencent sample is 64 upper-case hex, Wenzhou allows "≤ 64" characters (a 13-character
/// example), and Qinghai's `ecardId` is 20. Hard-coding any one of them would reject valid codes from
/// the others, so the grammar accepts the union and a deployment picks the profile of its platform.
///
/// - SeeAlso: health-code.md §4.3.
public struct CardIDProfile: Hashable, Sendable, CustomStringConvertible {
    /// The characters a profile allows.
    public enum Alphabet: String, Hashable, Sendable {
        /// `[0-9A-Za-z]`, the grammar itself.
        case alphanumeric
        /// `[0-9A-Z]`.
        case upperAlphanumeric
        /// `[0-9A-F]`.
        case upperHex

        func allows(_ character: Character) -> Bool {
            guard let ascii = character.asciiValue else { return false }
            switch self {
            case .alphanumeric: return EHealthCardPayload.isCardIDCharacter(character)
            case .upperAlphanumeric: return (0x30...0x39).contains(ascii) || (0x41...0x5A).contains(ascii)
            case .upperHex: return (0x30...0x39).contains(ascii) || (0x41...0x46).contains(ascii)
            }
        }

        var summary: String {
            switch self {
            case .alphanumeric: "a letter or digit [0-9A-Za-z]"
            case .upperAlphanumeric: "an upper-case letter or digit [0-9A-Z]"
            case .upperHex: "an upper-case hex digit [0-9A-F]"
            }
        }
    }

    /// The name used in messages, e.g. `"tencent64Hex"`.
    public let name: String
    /// The allowed lengths in characters.
    public let lengths: ClosedRange<Int>
    /// The allowed characters.
    public let alphabet: Alphabet

    public init(name: String, lengths: ClosedRange<Int>, alphabet: Alphabet) {
        self.name = name
        self.lengths = lengths
        self.alphabet = alphabet
    }

    /// The grammar alone: `[0-9A-Za-z]{1,64}`.
    public static let any = CardIDProfile(name: "any", lengths: 1...64, alphabet: .alphanumeric)

    /// The Tencent health-card open platform: 64 upper-case hex characters in every sample
    /// (health-code.md §4.2, §4.3). [U] whether the platform also issues other lengths.
    public static let tencent64Hex = CardIDProfile(name: "tencent64Hex", lengths: 64...64, alphabet: .upperHex)

    /// Qinghai QWB 002—2017 `ecardId`: 20 characters (health-code.md §4.3). [U] The character set is
    /// not stated; upper case is assumed from its error 6002 "ID letters must be upper case" (§4.7).
    public static let qinghai20 = CardIDProfile(name: "qinghai20", lengths: 20...20, alphabet: .upperAlphanumeric)

    public var description: String { name }

    /// Checks `cardID` against this profile.
    ///
    /// - Throws: ``Mismatch`` naming the profile, and the offset of the first bad character.
    public func check(_ cardID: some StringProtocol) throws(Mismatch) {
        for (offset, character) in cardID.enumerated() where !alphabet.allows(character) {
            throw Mismatch(
                profile: name, offset: offset,
                reason: "card id does not fit profile \(name): character '\(character)' at offset \(offset) "
                    + "is not \(alphabet.summary)")
        }
        let count = cardID.count
        guard lengths.contains(count) else {
            let expected =
                lengths.count == 1 ? "\(lengths.lowerBound)" : "\(lengths.lowerBound)...\(lengths.upperBound)"
            throw Mismatch(
                profile: name, offset: nil,
                reason: "card id does not fit profile \(name): \(count) characters, expected \(expected)")
        }
    }

    /// Whether `cardID` fits this profile.
    public func accepts(_ cardID: some StringProtocol) -> Bool {
        (try? check(cardID)) != nil
    }

    /// A card id that is well-formed but not what the chosen platform issues.
    ///
    /// Kept apart from ``PayloadSyntaxError`` on purpose: a grammar error means the scan is
    /// damaged, a profile mismatch means the code is from another platform (or masked, as the
    /// spec's negative sample), which a checkpoint reports differently.
    public struct Mismatch: Error, Hashable, Sendable, CustomStringConvertible {
        /// The profile's ``CardIDProfile/name``.
        public let profile: String
        /// The offset of the first bad character; `nil` when only the length is wrong.
        public let offset: Int?
        /// The full message.
        public let reason: String

        public var description: String { reason }
    }
}
