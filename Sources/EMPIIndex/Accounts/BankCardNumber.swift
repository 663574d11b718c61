import HealthCardCrypto
import HealthCardFoundation

/// A bank card number being bound to an account (二码合一, health-code.md §4.8).
///
/// Only two things are ever stored: a **token** (HMAC-SM3 under the database secret, so equal
/// numbers give equal tokens and an unbind can find the binding) and the **masked** form
/// `622848******1234` (first 6 and last 4 digits, as printed on receipts). The full number is
/// never written to the database, the operation log or an exchange file.
public struct BankCardNumber: Sendable {
    private let digits: String

    /// - Throws: `HealthCardError/Code/invalidValue` unless 12-19 digits with a valid Luhn check digit.
    public init(_ text: String) throws {
        let digits = text.filter { $0 != " " && $0 != "-" }
        guard (12...19).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else {
            throw HealthCardError.invalidValue("a bank card number is 12-19 digits")
        }
        guard Self.luhnValid(digits) else {
            throw HealthCardError.invalidValue("bank card number fails its Luhn check digit")
        }
        self.digits = digits
    }

    /// `622848******1234`.
    public var masked: String {
        String(digits.prefix(6)) + String(repeating: "*", count: digits.count - 10) + String(digits.suffix(4))
    }

    /// The stored token: 64 hex digits of HMAC-SM3(secret, "hcard-bank/1:" ‖ number).
    package func token(secret: [UInt8]) -> String {
        Hex.encode(HMACSM3.authenticationCode(key: secret, message: Array("hcard-bank/1:\(digits)".utf8))).uppercased()
    }

    static func luhnValid(_ digits: String) -> Bool {
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            var value = Int(character.asciiValue! - 48)
            if index % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }
}
