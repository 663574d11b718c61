import HealthCardFoundation

/// SM4, the Chinese national 128-bit block cipher, with a 16-byte key.
///
/// Real resident health cards and SAMs use SM1, whose algorithm is secret and only available in
/// certified hardware. The virtual card and virtual SAM (`HealthCardCore/Emulator`) use SM4 as a
/// documented stand-in: the same block and key size, so every command, key derivation and MAC has
/// the same shape, but the cryptograms differ from a real card's. Never expect an SM4 cryptogram
/// to match a trace from a real card.
///
/// The key bytes are kept in an ordinary array; they are not wiped from memory. The value is
/// cheap to copy and safe to share between threads (each operation uses its own cipher context).
///
/// - SeeAlso: GB/T 32907-2016 (SM4); health-card.md §7 (the SAM).
public struct SM4: Sendable {
    /// The key length in bytes.
    public static let keyByteCount = 16

    let key: [UInt8]

    /// A cipher keyed with `key`, which must be exactly 16 bytes.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for any other key length.
    public init(key: [UInt8]) throws {
        guard key.count == Self.keyByteCount else {
            throw HealthCardError.invalidValue("SM4 key is \(key.count) bytes, expected \(Self.keyByteCount)")
        }
        self.key = key
    }
}

extension SM4: BlockCipher {
    public static var blockByteCount: Int { 16 }
}
