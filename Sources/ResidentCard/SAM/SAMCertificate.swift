import HealthCardFoundation

/// The 190-byte SAM certificate stored after every encounter record's signature (health-card.md
/// §7.6, SAM file DF01/001C) and the 180-byte issuer certificate of DDF1/EF05 item 5.
///
/// Their real formats are not public [U]. This project defines compact formats with the right
/// lengths, so that a record's signature can be checked end to end with the virtual SAM:
///
/// ```
/// SAM certificate (190): "HCK1" ‖ SAM serial (10, ASCII) ‖ SM2 public key X‖Y (64)
///                        ‖ valid from (cn 4) ‖ valid to (cn 4) ‖ issuer name (40, ans)
///                        ‖ issuer's SM2 signature over bytes 0..<126 (64)
/// Issuer certificate (180): "HCI1" ‖ SM2 public key X‖Y (64) ‖ issuer name (40, ans)
///                        ‖ valid from (cn 4) ‖ valid to (cn 4) ‖ self-signature over bytes 0..<116 (64)
/// ```
/// A real card carries vendor certificates; ``parse(_:)`` then fails with a clear error and the
/// signature can only be checked by the back end that knows the format.
public struct SAMCertificate: Hashable, Sendable {
    public static let byteCount = 190
    static let magic = Array("HCK1".utf8)

    public var serial: String
    /// SM2 public key, X‖Y.
    public var publicKey: [UInt8]
    public var validFrom: CalendarDate
    public var validTo: CalendarDate
    public var issuerName: String
    /// The issuer's SM2 signature (r‖s) over the first 126 bytes.
    public var signature: [UInt8]

    public init(serial: String, publicKey: [UInt8], validFrom: CalendarDate, validTo: CalendarDate, issuerName: String,
        signature: [UInt8] = [UInt8](repeating: 0, count: 64))
    {
        self.serial = serial
        self.publicKey = publicKey
        self.validFrom = validFrom
        self.validTo = validTo
        self.issuerName = issuerName
        self.signature = signature
    }

    /// The bytes the issuer signs.
    public func signedBytes() throws -> [UInt8] {
        guard publicKey.count == 64 else { throw HealthCardError.invalidValue("SAM public key must be 64 bytes (X‖Y)") }
        return Self.magic + (try FieldEncoding.encodeText(serial, length: 10)) + publicKey
            + FieldEncoding.encodeDate(validFrom) + FieldEncoding.encodeDate(validTo)
            + (try FieldEncoding.encodeText(issuerName, length: 40))
    }

    public func encoded() throws -> [UInt8] {
        guard signature.count == 64 else { throw HealthCardError.invalidValue("certificate signature must be 64 bytes") }
        return try signedBytes() + signature
    }

    public static func parse(_ bytes: some Collection<UInt8>) throws -> SAMCertificate {
        let bytes = Array(bytes)
        guard bytes.count == byteCount else {
            throw HealthCardError.truncated("SAM certificate is \(bytes.count) bytes, expected \(byteCount)")
        }
        guard Array(bytes[0..<4]) == magic else {
            throw HealthCardError.malformed("SAM certificate is not in the HealthCardKit test format (no 'HCK1' at offset 0)")
        }
        guard let from = try FieldEncoding.decodeDate(bytes[78..<82]), let to = try FieldEncoding.decodeDate(bytes[82..<86]) else {
            throw HealthCardError.malformed("SAM certificate has no validity dates at offset 78")
        }
        return SAMCertificate(
            serial: try FieldEncoding.decodeText(bytes[4..<14]) ?? "", publicKey: Array(bytes[14..<78]), validFrom: from,
            validTo: to, issuerName: try FieldEncoding.decodeText(bytes[86..<126]) ?? "", signature: Array(bytes[126..<190]))
    }
}
