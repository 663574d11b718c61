/// A valid citizen identity number (公民身份号码), GB 11643-1999: 6-digit address code, 8-digit
/// birth date, 3-digit sequence and an ISO 7064 MOD 11-2 check character
/// (../shared/specs/empi.md §3.1).
///
/// A value of this type has passed the hard checks (format, check character, a real birth date);
/// soft findings such as a retired region code are reported by ``CitizenIDValidator``, not here.
/// Legacy 15-digit numbers (GB 11643-1989) are accepted and upgraded, and ``legacyForm`` keeps
/// the original so both forms compare as one identifier.
public struct CitizenID: Hashable, Sendable, CustomStringConvertible {
    /// The 18-character form, check character upper-case.
    public let value: String
    /// The 15-digit number this was upgraded from, if it was.
    public let legacyForm: String?

    /// Parses and checks an ID; throws a ``HealthCardError`` whose reason is the first failed rule.
    public init(_ text: String) throws {
        let report = CitizenIDValidator(regions: nil).validate(text)
        guard let normalized = report.normalized, report.isValid else {
            throw HealthCardError.invalidValue(report.firstError ?? "invalid citizen ID")
        }
        self.value = normalized
        self.legacyForm = report.upgradedFrom15 ? CitizenIDValidator.withoutSeparators(text) : nil
    }

    /// The GB/T 2260 address code of the place of household registration at issue.
    public var regionCode: String { String(value.prefix(6)) }
    public var birthDate: CalendarDate { CalendarDate(yyyymmdd: value.dropFirst(6).prefix(8))! }
    /// The 3-digit sequence code; its last digit is odd for men and even for women.
    public var sequence: String { String(value.dropFirst(14).prefix(3)) }
    public var sex: Sex { CitizenID.sex(sequenceDigit: value.utf8[value.utf8.index(value.utf8.startIndex, offsetBy: 16)]) }
    public var checkCharacter: Character { value.last! }
    public var description: String { value }

    /// ISO 7064 MOD 11-2 over the 17-digit body: S = Σ dᵢ·Wᵢ, W = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
    /// then S mod 11 maps 0…10 → `1 0 X 9 8 7 6 5 4 3 2`.
    public static func checkCharacter(forBody body: some StringProtocol) -> Character? {
        let digits = Array(body.utf8)
        guard digits.count == 17, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        var sum = 0
        for (digit, weight) in zip(digits, weights) { sum += Int(digit - 0x30) * weight }
        return checkCharacters[sum % 11]
    }

    /// Upgrades a 15-digit legacy number: insert `19` before the 2-digit year, append the check character.
    public static func upgrade(legacy: String) -> String? {
        let digits = Array(legacy.utf8)
        guard digits.count == 15, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let body = String(decoding: digits[0..<6], as: UTF8.self) + "19" + String(decoding: digits[6...], as: UTF8.self)
        return checkCharacter(forBody: body).map { body + String($0) }
    }

    static func sex(sequenceDigit: UInt8) -> Sex { (sequenceDigit - 0x30) % 2 == 1 ? .male : .female }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]
}

extension CitizenID: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch let error as HealthCardError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.reason))
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
