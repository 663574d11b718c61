import HealthCardFoundation

/// A 2-byte file identifier (FID), the name every health-card file is selected by
/// (ISO/IEC 7816-4:2005 §5.3.1.1; health-card.md §2: `3F00`, `DDF1`, `DF01`…`DF03`, `EF05`…,
/// `EE01`…, `ED01`…).
///
/// The resident health card is always navigated by FID (`00 A4 00 00 02 <FID>`), never by DF
/// name or path, because the DF names vary between card families (health-card.md §2 notes, §11.6).
/// The same FID (`EF05`) exists under several DFs, so a FID alone does not name a file; the card
/// file map (in `Card/`) pairs it with its DF.
///
/// ISO reserves `3FFF` (path reference) and `FFFF`; this type does not reject them because it is
/// also used to *describe* what a card sent.
///
/// - SeeAlso: gematik `FileIdentifier` (gemSpec_COS 8.1.1), which this follows minus the unaligned
///   `UInt16` load.
public struct FileIdentifier: Hashable, Sendable, RawRepresentable {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// The FID as the two bytes of the SELECT data field, high byte first.
    public var bytes: [UInt8] { [UInt8(rawValue >> 8), UInt8(rawValue & 0xFF)] }

    /// `3F00`, the master file (ISO 7816-4 §5.3.1.1). On this card its DF name is `jmjkkyyhj`.
    public static let masterFile = FileIdentifier(0x3F00)
}

extension FileIdentifier: CustomStringConvertible {
    /// Four upper-case hex digits, as the spec and the traces write it: `"DDF1"`, `"EF05"`.
    public var description: String { Hex.encode(bytes) }
}

extension FileIdentifier: ExpressibleByIntegerLiteral {
    /// `let ddf1: FileIdentifier = 0xDDF1`.
    public init(integerLiteral value: UInt16) { self.init(rawValue: value) }
}
