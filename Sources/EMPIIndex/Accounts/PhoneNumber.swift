import HealthCardFoundation

/// The phone numbers an account accepts, so that `account update --phone abc` is refused rather
/// than stored and fed to the master index as a contact.
///
/// The rule (Docs/accounts.md, "Phone numbers"), after spaces are removed:
/// - a mainland mobile number: 11 digits, `1` then `3`–`9` (`13800138000`);
/// - a landline: the area code (`0` and 2–3 digits), an optional `-`, the subscriber number
///   (7–8 digits, not starting with `0` or `1`), and an optional extension `-` + 1–6 digits
///   (`010-62345678`, `0898-66881234-12`).
///
/// Numbers abroad and `+86` prefixes are not accepted: the account is a mainland real-name
/// registration, and its contact number is dialled from the mainland.
public enum PhoneNumber {
    /// `text` without spaces, if it is a mobile or landline number by the rule above.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` quoting the text and the rule.
    public static func normalized(_ text: String) throws -> String {
        let compact = String(text.filter { $0 != " " })
        let bytes = Array(compact.utf8)
        guard isMobile(bytes) || isLandline(bytes) else {
            throw HealthCardError.invalidValue(
                "phone '\(text)': not a mobile number (11 digits starting with 13-19) or a landline "
                    + "(area code 0 + 2-3 digits, optional '-', 7-8 digits, optional '-' extension)")
        }
        return compact
    }

    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    static func isMobile(_ bytes: [UInt8]) -> Bool {
        bytes.count == 11 && bytes.allSatisfy(isDigit) && bytes[0] == 0x31 && (0x33...0x39).contains(bytes[1])
    }

    static func isLandline(_ bytes: [UInt8]) -> Bool {
        let parts = bytes.split(separator: 0x2D, omittingEmptySubsequences: false).map(Array.init)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isDigit) }) else {
            return false
        }
        let area: [UInt8]
        let subscriber: [UInt8]
        var extensionDigits: [UInt8]? = nil
        if parts.count == 1 {
            // Without a separator: the split is ambiguous only in length, so try 3- then 4-digit area codes.
            let digits = parts[0]
            guard let split = [3, 4].first(where: { validAreaCode(Array(digits.prefix($0))) && validSubscriber(Array(digits.dropFirst($0))) })
            else { return false }
            area = Array(digits.prefix(split))
            subscriber = Array(digits.dropFirst(split))
        } else {
            area = parts[0]
            subscriber = parts[1]
            if parts.count == 3 { extensionDigits = parts[2] }
        }
        if let extensionDigits, !(1...6).contains(extensionDigits.count) { return false }
        return validAreaCode(area) && validSubscriber(subscriber)
    }

    static func validAreaCode(_ digits: [UInt8]) -> Bool {
        (3...4).contains(digits.count) && digits[0] == 0x30 && digits[1] != 0x30
    }

    static func validSubscriber(_ digits: [UInt8]) -> Bool {
        (7...8).contains(digits.count) && digits[0] >= 0x32
    }
}
