import HealthCardCrypto
import HealthCardFoundation

/// The electronic resident health card ID (电子健康卡ID) of an account, derived from the person's
/// master index ID (issue 10: "derives the electronic card ID from it").
///
/// Derivation: `HMAC-SM3(secret, "hcard-ehc-id/1:" ‖ decimal EnterpriseID)`, as 64 upper-case hex
/// digits, the Tencent card-id profile of health-code.md §4.3 (`CardIDProfile`), so the ID goes
/// into HCK1 QR codes unchanged.
///
/// Why this way:
/// - **Not reversible to the ID number**: the input is the master index ID, not the citizen ID,
///   and the HMAC key is a random 32-byte secret kept in the database (`accountMeta`), so the ID
///   reveals neither, and nobody without the secret can compute a person's ID.
/// - **Stable**: the same person always gets the same ID (registering twice returns the same
///   account); a merged person keeps the survivor's account.
/// - **Unique**: 256-bit outputs do not collide in practice; the `account.ecardId` primary key
///   turns the impossible case into an error rather than a shared ID.
///
/// [U] The national platform assigns these IDs itself; its algorithm is not public. An account
/// imported from a platform file keeps the ID the file gives.
public struct ElectronicCardID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// The ID of `person` under `secret`.
    public init(person: EnterpriseID, secret: [UInt8]) {
        let digest = HMACSM3.authenticationCode(key: secret, message: Array("hcard-ehc-id/1:\(person.rawValue)".utf8))
        rawValue = Hex.encode(digest).uppercased()
    }

    public var description: String { rawValue }

    /// A plain JSON string, as it appears in QR codes and exchange files.
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
