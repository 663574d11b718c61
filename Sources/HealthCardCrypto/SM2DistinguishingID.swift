import HealthCardFoundation

/// The distinguishing identifier (user ID) that SM2 hashes into every signature.
///
/// An SM2 signature covers `SM3(Z ‖ message)`, where Z hashes the signer's ID, the curve and the
/// public key. Signer and verifier must use the same ID, or a valid signature fails to verify.
/// GM/T 0009-2012 (GB/T 35276-2017) fixes the default `"1234567812345678"`; everything in this package uses
/// ``default`` unless told otherwise.
///
/// Why a type rather than bytes: OpenSSL 3 has *no* default ID. Without one it silently signs with
/// an empty ID, a signature no standard Chinese verifier accepts (pcsc-virtual-card.md §6). The
/// signing code therefore always passes an ID explicitly, and this type makes the empty ID
/// impossible to pass by accident.
///
/// - SeeAlso: GB/T 32918.2-2016 (Z); GM/T 0009-2012 / GB/T 35276-2017 (default ID).
public struct SM2DistinguishingID: Hashable, Sendable {
    /// The longest ID accepted: 8190 bytes. ENTL, Z's 16-bit bit length, would hold 8191, but
    /// OpenSSL 3.0 refuses IDs of 8191 bytes or more, so a signature made with one could not be
    /// verified through it (ours included); such an ID is refused here, before anything is signed.
    public static let maximumByteCount = 8190

    /// `"1234567812345678"`, the GM/T 0009 default used by cards, SAMs and health-code platforms.
    public static let `default` = SM2DistinguishingID(unchecked: Array("1234567812345678".utf8))

    /// The ID as it enters Z.
    public let bytes: [UInt8]

    /// An ID of 1...8190 bytes (``maximumByteCount``).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` if `bytes` is empty or too long.
    public init(_ bytes: [UInt8]) throws {
        guard (1...Self.maximumByteCount).contains(bytes.count) else {
            throw HealthCardError.invalidValue(
                "SM2 distinguishing ID is \(bytes.count) bytes, expected 1...\(Self.maximumByteCount)")
        }
        self.bytes = bytes
    }

    /// An ID given as text, encoded as UTF-8 (IDs are ASCII in practice, e.g. an e-mail address).
    public init(_ text: String) throws {
        try self.init(Array(text.utf8))
    }

    private init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }
}
