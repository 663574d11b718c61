import HealthCardFoundation

/// Who passed (or was turned away), as far as the checkpoint could establish it.
///
/// Why not always a ``PersonID``: a health code carries only a hash of its holder's ID
/// (``HealthCode/Subject``, `Docs/health-code.md`), and an e-health-card code carries a card id,
/// not an ID number (health-code.md §4.3). The log keeps what was established, so that the same
/// code shown twice is the same holder in a trajectory, without the checkpoint pretending to know
/// an ID number it was never shown. A health code shown with an ID card is logged under the
/// ``PersonID`` (the code was checked to belong to it).
///
/// Only authenticated facts become a holder: the fields of a code whose signature did not verify
/// are not logged as anyone's (`CodeVerifier` explains why a forged code's fields are not facts).
///
/// Stored as one text column (``storedValue``) so that one index serves every kind: a ``PersonID``
/// as itself (`11010519491231002X`, `03:E12345678`), a card as `EHC:<card id>`, a subject as
/// `HCS:<16 hex>`. A ``PersonID`` never starts with three letters and `:` (its type is two digits),
/// so the forms cannot collide.
public enum PassHolder: Hashable, Sendable, Comparable, CustomStringConvertible {
    case person(PersonID)
    case eHealthCard(cardID: String)
    case healthCodeSubject(HealthCode.Subject)

    static let cardPrefix = "EHC:"
    static let subjectPrefix = "HCS:"

    /// The form stored in the log and accepted by ``init(_:)``.
    public var storedValue: String {
        switch self {
        case .person(let id): id.rawValue
        case .eHealthCard(let cardID): Self.cardPrefix + cardID
        case .healthCodeSubject(let subject): Self.subjectPrefix + subject.hex
        }
    }

    /// A holder from its stored form, or a citizen ID / `TT:NUMBER` as typed.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue`.
    public init(_ text: String) throws {
        if text.hasPrefix(Self.cardPrefix) {
            let cardID = String(text.dropFirst(Self.cardPrefix.count))
            guard (1...64).contains(cardID.utf8.count), cardID.utf8.allSatisfy(Self.isCardIDByte) else {
                throw HealthCardError.invalidValue("card id '\(cardID)' must be 1...64 characters of 0-9, A-Z, a-z")
            }
            self = .eHealthCard(cardID: cardID)
        } else if text.hasPrefix(Self.subjectPrefix) {
            self = .healthCodeSubject(
                try HealthCode.Subject(bytes: Hex.decode(String(text.dropFirst(Self.subjectPrefix.count)))))
        } else {
            self = .person(try PersonID(text))
        }
    }

    /// For display and default output: an ID as ``PersonID/masked`` (`110105********002X`), a card id
    /// with all but its first and last four characters hidden; a subject hash as is (it is already
    /// one-way).
    public var masked: String {
        switch self {
        case .person(let id): return id.masked
        case .eHealthCard(let cardID):
            let characters = Array(cardID)
            let shown =
                characters.count > 8
                ? String(characters.prefix(4)) + String(repeating: "*", count: characters.count - 8)
                    + String(characters.suffix(4))
                : String(repeating: "*", count: characters.count)
            return Self.cardPrefix + shown
        case .healthCodeSubject: return storedValue
        }
    }

    public var description: String { storedValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.storedValue < rhs.storedValue }

    private static func isCardIDByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
