import HealthCardFoundation

/// Which command an APDU is, for interpreting its status word and for naming it in errors
/// ("record 7 not found in EF05" comes from READ RECORD, "file DF04 not found" from SELECT).
///
/// A struct with a name rather than an enum so that other layers can add kinds (the SAM layer's
/// `80 DE` / `80 FA`) without changing this file, as `HealthCardError/Code` does. Compare kinds
/// with `==` or match them in a `switch` (`case .select:`).
///
/// - SeeAlso: health-card.md §6 (the user-card command set), ISO/IEC 7816-4:2005 §7 (the INS codes).
public struct CardCommandKind: Hashable, Sendable {
    /// The command's name as ISO 7816-4 and the spec write it, e.g. `"READ RECORD"`.
    public let name: String

    public init(name: String) { self.name = name }

    /// `A4` SELECT (ISO 7816-4 §7.1.1).
    public static let select = CardCommandKind(name: "SELECT")
    /// `B0` READ BINARY (§7.2.3).
    public static let readBinary = CardCommandKind(name: "READ BINARY")
    /// `B2` READ RECORD (§7.3.3).
    public static let readRecord = CardCommandKind(name: "READ RECORD")
    /// `D6` UPDATE BINARY (§7.2.5).
    public static let updateBinary = CardCommandKind(name: "UPDATE BINARY")
    /// `DC` UPDATE RECORD (§7.3.5), plain or with secure messaging (CLA `04`).
    public static let updateRecord = CardCommandKind(name: "UPDATE RECORD")
    /// `D2` WRITE RECORD (§7.3.4): DF03 index "mark valid" (health-card.md §5).
    public static let writeRecord = CardCommandKind(name: "WRITE RECORD")
    /// `0C` ERASE RECORD (§7.3.8): DF03 index "mark empty" (health-card.md §5).
    public static let eraseRecord = CardCommandKind(name: "ERASE RECORD")
    /// `84` GET CHALLENGE (§7.5.3).
    public static let getChallenge = CardCommandKind(name: "GET CHALLENGE")
    /// `82` EXTERNAL AUTHENTICATE (§7.5.4).
    public static let externalAuthenticate = CardCommandKind(name: "EXTERNAL AUTHENTICATE")
    /// `C0` GET RESPONSE (§7.6.1).
    public static let getResponse = CardCommandKind(name: "GET RESPONSE")
    /// `20` VERIFY (§7.5.6); on this system only the SAM has a PIN.
    public static let verify = CardCommandKind(name: "VERIFY")
    /// `80 5E` the SAM vendor's CHANGE PIN (health-card.md §6, [V]).
    public static let changePIN = CardCommandKind(name: "CHANGE PIN")

    /// The kind of an arbitrary command, read from its INS byte (and CLA for `80 5E`).
    /// Unknown instructions get a kind named after the byte, e.g. `"INS CA"`.
    public init(_ command: CommandAPDU) {
        switch command.ins {
        case 0xA4: self = .select
        case 0xB0: self = .readBinary
        case 0xB2: self = .readRecord
        case 0xD6: self = .updateBinary
        case 0xDC: self = .updateRecord
        case 0xD2: self = .writeRecord
        case 0x0C: self = .eraseRecord
        case 0x84: self = .getChallenge
        case 0x82: self = .externalAuthenticate
        case 0xC0: self = .getResponse
        case 0x20: self = .verify
        case 0x5E where command.cla == 0x80: self = .changePIN
        default: self.init(name: "INS \(Hex.encode([command.ins]))")
        }
    }
}

extension CardCommandKind: CustomStringConvertible {
    public var description: String { name }
}
