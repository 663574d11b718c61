import HealthCardFoundation

/// The two status bytes SW1 SW2 that end every response (ISO/IEC 7816-4:2005 §5.1.3, Tables 5 and 6).
///
/// A status word is **data, not an error**: `6984` after EXTERNAL AUTHENTICATE means a
/// stale challenge but after VERIFY an invalidated PIN; `6282` after READ BINARY is a normal short
/// read; `63C2` is a failed authentication after EXTERNAL AUTHENTICATE but a successful write after
/// two internal retries after UPDATE BINARY. This type therefore only names and decodes the bytes;
/// turning one into an error happens per command in ``StatusWordInterpretation``.
///
/// A struct over `UInt16` rather than an enum because cards return values no table lists, and an
/// unknown status word must survive a round trip unchanged.
///
/// - SeeAlso: health-card.md §6 "Status words" for the values seen on resident health cards.
public struct StatusWord: RawRepresentable, Hashable, Sendable {
    /// `SW1 << 8 | SW2`, e.g. `0x9000`.
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public init(sw1: UInt8, sw2: UInt8) { self.rawValue = UInt16(sw1) << 8 | UInt16(sw2) }

    public var sw1: UInt8 { UInt8(rawValue >> 8) }
    public var sw2: UInt8 { UInt8(rawValue & 0xFF) }

    /// The two bytes as they appear at the end of a response.
    public var bytes: [UInt8] { [sw1, sw2] }
}

// MARK: - Named status words

extension StatusWord {
    /// `9000` normal processing. [T] health-card.md §6.
    public static let success = StatusWord(rawValue: 0x9000)
    /// `6581` memory failure: the card could not write its non-volatile memory.
    public static let memoryFailure = StatusWord(rawValue: 0x6581)
    /// `6700` wrong length: Lc or Le is not what the command needs.
    public static let wrongLength = StatusWord(rawValue: 0x6700)
    /// `6981` command incompatible with file structure (e.g. READ BINARY on a record EF).
    public static let fileIncompatible = StatusWord(rawValue: 0x6981)
    /// `6982` security status not satisfied: the access condition needs an authentication first.
    public static let securityStatusNotSatisfied = StatusWord(rawValue: 0x6982)
    /// `6983` authentication method blocked: the key or PIN has no tries left.
    public static let authenticationMethodBlocked = StatusWord(rawValue: 0x6983)
    /// `6984` reference data not usable (ISO: "invalidated"); for EXTERNAL AUTHENTICATE
    /// cards of this family use it for a missing or stale challenge.
    public static let referenceDataInvalidated = StatusWord(rawValue: 0x6984)
    /// `6985` conditions of use not satisfied.
    public static let conditionsNotSatisfied = StatusWord(rawValue: 0x6985)
    /// `6986` command not allowed (no current EF).
    public static let commandNotAllowed = StatusWord(rawValue: 0x6986)
    /// `6988` incorrect secure messaging data objects (typically a wrong MAC).
    public static let incorrectSecureMessaging = StatusWord(rawValue: 0x6988)
    /// `6A80` incorrect parameters in the command data field.
    public static let wrongData = StatusWord(rawValue: 0x6A80)
    /// `6A82` file or application not found.
    public static let fileNotFound = StatusWord(rawValue: 0x6A82)
    /// `6A83` record not found.
    public static let recordNotFound = StatusWord(rawValue: 0x6A83)
    /// `6A84` not enough memory space in the file.
    public static let notEnoughMemory = StatusWord(rawValue: 0x6A84)
    /// `6A86` incorrect parameters P1-P2.
    public static let incorrectP1P2 = StatusWord(rawValue: 0x6A86)
    /// `6A88` referenced data or reference data not found (on this card: an unknown key reference).
    public static let referencedDataNotFound = StatusWord(rawValue: 0x6A88)
    /// `6B00` wrong parameters P1-P2; for READ/UPDATE BINARY: offset outside the EF.
    public static let wrongOffset = StatusWord(rawValue: 0x6B00)
    /// `6D00` instruction code not supported or invalid.
    public static let insNotSupported = StatusWord(rawValue: 0x6D00)
    /// `6E00` class not supported.
    public static let claNotSupported = StatusWord(rawValue: 0x6E00)
    /// `6F00` no precise diagnosis.
    public static let noPreciseDiagnosis = StatusWord(rawValue: 0x6F00)
}

// MARK: - Decoding the variable part

extension StatusWord {
    /// For `61xx` (T=0: "xx more response bytes, fetch them with GET RESPONSE"), the number of
    /// bytes available; `6100` means 256 or more. `nil` for any other status word.
    public var bytesAvailable: Int? {
        sw1 == 0x61 ? (sw2 == 0 ? 256 : Int(sw2)) : nil
    }

    /// For `6Cxx` ("wrong Le field; xx is the exact length available"), the length to resend the
    /// command with; `6C00` means 256. `nil` for any other status word.
    public var correctLength: Int? {
        sw1 == 0x6C ? (sw2 == 0 ? 256 : Int(sw2)) : nil
    }

    /// For `63Cx`, the counter `x` (0...15): tries left after a failed VERIFY or EXTERNAL
    /// AUTHENTICATE (health-card.md §6: `63CE`, `63CD` after a wrong diversification factor).
    /// `nil` for any other status word.
    public var retriesLeft: Int? {
        rawValue & 0xFFF0 == 0x63C0 ? Int(sw2 & 0x0F) : nil
    }

    /// Whether the command completed normally: `9000`, or `61xx`, which ISO 7816-4 §5.1.3 counts
    /// as normal processing with more data still to fetch.
    public var isSuccess: Bool { self == .success || sw1 == 0x61 }

    /// Whether this is a warning (`62xx`, `63xx`): processing completed, possibly with the
    /// non-volatile memory changed (ISO 7816-4 §5.1.3). Whether a given warning is acceptable
    /// depends on the command.
    public var isWarning: Bool { sw1 == 0x62 || sw1 == 0x63 }

    /// A short English name for well-known status words, `nil` for unknown ones.
    public var name: String? {
        if let count = bytesAvailable { return "\(count) bytes available" }
        if let length = correctLength { return "wrong Le, exact length is \(length)" }
        if let tries = retriesLeft { return "verification failed, \(apduTriesLeft(tries))" }
        return Self.names[rawValue]
    }

    private static let names: [UInt16: String] = [
        0x9000: "success",
        0x6281: "part of returned data may be corrupted",
        0x6282: "end of file or record reached before reading Ne bytes",
        0x6283: "selected file deactivated",
        0x6300: "verification failed",
        0x6581: "memory failure",
        0x6700: "wrong length",
        0x6881: "logical channel not supported",
        0x6882: "secure messaging not supported",
        0x6981: "command incompatible with file structure",
        0x6982: "security status not satisfied",
        0x6983: "authentication method blocked",
        0x6984: "reference data invalidated",
        0x6985: "conditions of use not satisfied",
        0x6986: "command not allowed",
        0x6987: "expected secure messaging data objects missing",
        0x6988: "incorrect secure messaging data objects",
        0x6A80: "wrong data",
        0x6A81: "function not supported",
        0x6A82: "file not found",
        0x6A83: "record not found",
        0x6A84: "not enough memory",
        0x6A86: "incorrect P1-P2",
        0x6A87: "Lc inconsistent with P1-P2",
        0x6A88: "referenced data not found",
        0x6B00: "wrong offset",
        0x6D00: "instruction not supported",
        0x6E00: "class not supported",
        0x6F00: "no precise diagnosis",
    ]

    /// Four hex digits, e.g. `"6982"`.
    public var hex: String { Hex.encode(bytes) }
}

// MARK: - Conformances

extension StatusWord: CustomStringConvertible {
    /// `"6982 security status not satisfied"`, or `"6F01 unknown"` for a value no table names.
    public var description: String { "\(hex) \(name ?? "unknown")" }
}

extension StatusWord: ExpressibleByIntegerLiteral {
    /// `let sw: StatusWord = 0x6A82` — status words are written as 4-digit hex in every spec.
    public init(integerLiteral value: UInt16) { self.init(rawValue: value) }
}

/// `"1 try left"`, `"2 tries left"`: the wording of every retry-counter message.
func apduTriesLeft(_ count: Int) -> String {
    count == 1 ? "1 try left" : "\(count) tries left"
}
