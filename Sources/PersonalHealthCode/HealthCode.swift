import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthQR

/// The content of a signed personal health information code (健康码): which key signed it, its own
/// id, the colour, the issuing region, whose code it is, and when it is valid.
///
/// Why these fields: issue 6 asks for "id, colour, issuing region (GB/T 2260), issue and expiry
/// time and the key id". GB/T 38961-2020 names the code's *composition* and *code ID* but its
/// normative layout is not public (health-code.md §1.4, §2.4 [U]), so this is the project's own
/// format, ``HealthCodeFormat`` (`HCC1-`), built like the e-health-card `SignedCodeFormat`.
///
/// The code carries no name and no ID number. ``subject`` is 8 bytes of SM3 over the holder's
/// ``PersonID``, so a checkpoint that is shown an ID card can check that the code belongs to it
/// (``HealthCodeVerifier/verify(_:now:presentedBy:)``) without the code disclosing the number to
/// everyone who scans it. [U] This hides the number from a casual reader; it does not make it
/// secret: an 18-digit citizen ID has little entropy (region, birth date, sequence), so anyone
/// holding a code can test candidate IDs offline.
///
/// The colour is held as its wire byte (``colourCode``), because a code decoded before its
/// signature is checked may carry a byte this reader does not know; ``colour`` maps it through
/// ``HealthCodeFormat/colourTable``.
///
/// - SeeAlso: `Docs/health-code.md`; health-code.md §1 (GB/T 38961), §2.3 (region, GB/T 2260).
public struct HealthCode: Hashable, Sendable {
    /// The 8 random bytes that name one issued code: the key of the issuer's register and of
    /// revocation (`RevocationList` `cardIds`, see ``HealthCodeVerifier``).
    public struct ID: Hashable, Sendable, Comparable, CustomStringConvertible {
        public static let byteCount = 8
        /// The 8 bytes.
        public let bytes: [UInt8]

        /// - Throws: `HealthCardError/Code/invalidValue` for another length.
        public init(bytes: [UInt8]) throws {
            guard bytes.count == Self.byteCount else {
                throw HealthCardError.invalidValue("code id is \(bytes.count) bytes, expected \(Self.byteCount)")
            }
            self.bytes = bytes
        }

        /// From 16 hex digits (either case).
        ///
        /// - Throws: `HealthCardError` for a non-hex character or another length.
        public init(hex: String) throws {
            guard hex.utf8.count == 2 * Self.byteCount else {
                throw HealthCardError.invalidValue("code id '\(hex)' must be \(2 * Self.byteCount) hex digits")
            }
            try self.init(bytes: Hex.decode(hex))
        }

        /// Fresh random bytes from `SystemRandomNumberGenerator` (the OS's cryptographic generator).
        ///
        /// 64 bits: ids only have to be unique per issuer (birthday bound ≈ 2³² codes).
        public static func random() -> Self {
            var generator = SystemRandomNumberGenerator()
            let value: UInt64 = generator.next()
            // Force-try: always 8 bytes.
            return try! Self(bytes: (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) })
        }

        /// 16 upper-case hex digits, as the register, the revocation list and the CLI write it.
        public var hex: String { Hex.encode(bytes) }
        public var description: String { hex }
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
    }

    /// The first 8 bytes of `SM3(UTF-8(personID))`: matches a code to a presented identity document.
    public struct Subject: Hashable, Sendable, CustomStringConvertible {
        public static let byteCount = 8
        public let bytes: [UInt8]

        /// - Throws: `HealthCardError/Code/invalidValue` for another length.
        public init(bytes: [UInt8]) throws {
            guard bytes.count == Self.byteCount else {
                throw HealthCardError.invalidValue("subject is \(bytes.count) bytes, expected \(Self.byteCount)")
            }
            self.bytes = bytes
        }

        /// The subject of `person`: `SM3(UTF-8(person.rawValue))[0..<8]`.
        public init(person: PersonID) {
            bytes = Array(SM3.hash(Array(person.rawValue.utf8)).prefix(Self.byteCount))
        }

        public var hex: String { Hex.encode(bytes) }
        public var description: String { hex }
    }

    /// The issuer key that signed (or is to sign) the code.
    public let keyID: KeyID
    /// This code's id.
    public let id: ID
    /// The colour's wire byte; see ``HealthCodeFormat/colourTable``.
    public let colourCode: UInt8
    /// The issuing region, a 6-digit GB/T 2260 code.
    public let region: String
    /// Whose code it is (hashed).
    public let subject: Subject
    /// The issue time in Unix seconds.
    public let issuedAtSeconds: UInt32
    /// The end of validity in Unix seconds, after ``issuedAtSeconds``.
    public let expiresAtSeconds: UInt32

    /// A code from its wire values, checked so that it encodes: a 6-digit region, expiry after issue.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue`.
    public init(
        keyID: KeyID, id: ID, colourCode: UInt8, region: String, subject: Subject, issuedAtSeconds: UInt32,
        expiresAtSeconds: UInt32
    ) throws {
        guard region.utf8.count == 6, region.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw HealthCardError.invalidValue("issuing region '\(region)' must be a 6-digit GB/T 2260 code")
        }
        guard expiresAtSeconds > issuedAtSeconds else {
            throw HealthCardError.invalidValue(
                "expiry \(expiresAtSeconds) must be after the issue time \(issuedAtSeconds) (Unix seconds)")
        }
        self.keyID = keyID
        self.id = id
        self.colourCode = colourCode
        self.region = region
        self.subject = subject
        self.issuedAtSeconds = issuedAtSeconds
        self.expiresAtSeconds = expiresAtSeconds
    }

    /// A code for a colour of the table and two instants (truncated to whole seconds).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for a colour without a wire code (an open-set
    ///   colour such as a province's orange), a time outside 1970...2106, or an expiry not after issue.
    public init(
        keyID: KeyID, id: ID = .random(), colour: HealthColour, region: String, subject: Subject, issuedAt: Date,
        expiresAt: Date
    ) throws {
        guard let code = HealthCodeFormat.code(of: colour) else {
            throw HealthCardError.invalidValue(
                "colour '\(colour)' has no code in the HCC1 colour table "
                    + "(\(HealthCodeFormat.colourTable.map { "\($0.colour)" }.joined(separator: ", ")))")
        }
        try self.init(
            keyID: keyID, id: id, colourCode: code, region: region, subject: subject,
            issuedAtSeconds: Self.unixSeconds(issuedAt, "issue time"),
            expiresAtSeconds: Self.unixSeconds(expiresAt, "expiry"))
    }

    /// The colour, or `nil` for a byte outside ``HealthCodeFormat/colourTable``.
    public var colour: HealthColour? { HealthCodeFormat.colour(of: colourCode) }
    /// The issue time.
    public var issuedAt: Date { Date(timeIntervalSince1970: TimeInterval(issuedAtSeconds)) }
    /// The end of validity.
    public var expiresAt: Date { Date(timeIntervalSince1970: TimeInterval(expiresAtSeconds)) }

    static func unixSeconds(_ date: Date, _ what: String) throws -> UInt32 {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds >= 0, seconds <= Double(UInt32.max) else {
            throw HealthCardError.invalidValue("\(what) \(date) is outside 32-bit Unix seconds (1970...2106)")
        }
        return UInt32(seconds)
    }
}

/// Who a health record and a health code belong to: the normalised 18-character citizen ID, or,
/// for another document, its 2-digit type (CV02.01.101), `:` and the document number (`03:E12345678`).
///
/// Why one string: it is the key of the event store's `person` table and the input of
/// ``HealthCode/Subject``, so the same person must always give the same bytes. A citizen ID is
/// normalised by `CitizenIDValidator` (full-width digits folded, `x` → `X`, a 15-digit legacy
/// number upgraded to 18), so `11010519491231002x` and `11010519491231002X` are one person. Other
/// numbers are trimmed, folded to half-width and upper-cased; they may hold `[0-9A-Z]` and `-`.
/// The type and the `:` keep a passport number from ever equalling a citizen ID or another
/// document's number.
///
/// [U] GB/T 38962's identifier element is not public; the document-type code set is also open
/// (health-code.md §2.3, §6 item 9): this uses CV02.01.101, as the shipped schema does.
public struct PersonID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The normalised form.
    public let rawValue: String

    /// A person from a citizen ID (document type 01).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` with the validator's first error.
    public init(citizenID: String) throws {
        let report = CitizenIDValidator(regions: nil).validate(citizenID)
        guard report.isValid, let normalized = report.normalized else {
            throw HealthCardError.invalidValue(
                "citizen ID '\(citizenID)': \(report.firstError ?? "not a valid citizen ID")")
        }
        rawValue = normalized
    }

    /// A person from a document type code and number; type `01` (or `1`) is a citizen ID.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for an unknown type or a bad number.
    public init(documentType: String, number: String) throws {
        guard let entry = IdentityDocumentTypeTable.entry(for: documentType) else {
            throw HealthCardError.invalidValue(
                "unknown document type '\(documentType)' (\(IdentityDocumentTypeTable.standard))")
        }
        if entry.code == "01" {
            self = try PersonID(citizenID: number)
            return
        }
        var scalars = String.UnicodeScalarView()
        for scalar in number.trimmingWhitespace().unicodeScalars {
            let value = (0xFF01...0xFF5E).contains(scalar.value) ? scalar.value - 0xFEE0 : scalar.value
            scalars.append(Unicode.Scalar(value) ?? scalar)
        }
        let folded = String(scalars).uppercased()
        guard (1...32).contains(folded.utf8.count),
            folded.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || $0 == 0x2D })
        else {
            throw HealthCardError.invalidValue(
                "document number '\(number)' must be 1...32 characters of 0-9, A-Z and '-'")
        }
        rawValue = entry.code + ":" + folded
    }

    /// A person as the command line and the store write it: a citizen ID (18 or 15 characters), or
    /// `TT:NUMBER` with a document type code (`03:E12345678`).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue`.
    public init(_ text: String) throws {
        // A citizen ID in its normal form (as the stores and logs keep it) has nothing to trim.
        let trimmed = CitizenIDValidator.isNormalForm(text) ? text : text.trimmingWhitespace()
        if let colon = trimmed.firstIndex(of: ":") {
            self = try PersonID(
                documentType: String(trimmed[..<colon]), number: String(trimmed[trimmed.index(after: colon)...]))
        } else {
            self = try PersonID(citizenID: trimmed)
        }
    }

    /// The document type code: `01` for a citizen ID.
    public var documentType: String {
        guard let colon = rawValue.firstIndex(of: ":") else { return "01" }
        return String(rawValue[..<colon])
    }

    /// The ID masked for display and logs: `110105********002X`, `03:E****5678`.
    public var masked: String {
        let characters = Array(rawValue)
        guard characters.count > 8 else { return String(repeating: "*", count: characters.count) }
        let keep = documentType == "01" ? 6 : 4
        return String(characters.prefix(keep)) + String(repeating: "*", count: characters.count - keep - 4)
            + String(characters.suffix(4))
    }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// China Standard Time (UTC+8, no daylight saving): the civil time of every health event and
/// colour rule (health-code.md §5.3 counts calendar days in Asia/Shanghai).
///
/// Events are stored as `CalendarDateTime` in this zone; codes carry Unix seconds. These two
/// functions convert between them.
public enum ChinaTime {
    /// +8 hours.
    public static let utcOffsetSeconds = 8 * 3600

    /// The civil date and time in China at `instant` (whole seconds, rounded down).
    public static func dateTime(at instant: Date) -> CalendarDateTime {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + utcOffsetSeconds
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        // Force-unwrap: hour, minute and second are in range by construction.
        return CalendarDateTime(
            date: CalendarDate(daysSinceEpoch: days), hour: rest / 3600, minute: rest / 60 % 60, second: rest % 60)!
    }

    /// The instant of a civil China time.
    public static func instant(of dateTime: CalendarDateTime) -> Date {
        let seconds =
            dateTime.date.daysSinceEpoch * 86_400 + dateTime.hour * 3600 + dateTime.minute * 60
            + dateTime.second - utcOffsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
