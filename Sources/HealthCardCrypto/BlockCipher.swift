import HealthCardFoundation

/// A 128-bit block cipher with the modes the card and SAM protocols use: ECB, CBC without
/// padding, and the PBOC-style MAC.
///
/// Padding is never applied implicitly: card commands fix the exact bytes that are encrypted, so
/// callers pad explicitly (``ISO9797Padding``) and every method rejects input that is not a whole
/// number of blocks.
///
/// - SeeAlso: health-card.md §7.4-§7.5 (external authentication, secure-messaging record write).
public protocol BlockCipher: Sendable {
    /// The block length in bytes.
    static var blockByteCount: Int { get }

    /// Encrypts whole blocks independently (ECB). One block is the single-block primitive.
    func encryptECB(_ data: [UInt8]) throws -> [UInt8]
    /// Decrypts whole blocks independently (ECB).
    func decryptECB(_ data: [UInt8]) throws -> [UInt8]
    /// Encrypts whole blocks in CBC mode with `iv`, without padding.
    func encryptCBC(_ data: [UInt8], iv: [UInt8]) throws -> [UInt8]
    /// Decrypts whole blocks in CBC mode with `iv`, without padding.
    func decryptCBC(_ data: [UInt8], iv: [UInt8]) throws -> [UInt8]
}

extension BlockCipher {
    /// The PBOC-style MAC used by the SAM for secure messaging: pad with `80 00…` (always, ISO/IEC
    /// 9797-1 padding method 2), encrypt in CBC mode with `iv`, and take the first `byteCount`
    /// bytes of the last cipher block (ISO/IEC 9797-1 MAC algorithm 1).
    ///
    /// - Parameters:
    ///   - data: the bytes to authenticate, unpadded (for a record write: the command header
    ///     `04 DC P1 P2 Lc'` followed by the ciphertext).
    ///   - iv: the initial vector, one block; the SAM commands in the traces use all zeros.
    ///   - byteCount: how many MAC bytes to keep; 4 on the card.
    /// - SeeAlso: health-card.md §7.5 step 4; JR/T 0025 (PBOC) secure messaging.
    public func pbocMAC(for data: [UInt8], iv: [UInt8], byteCount: Int = 4) throws -> [UInt8] {
        guard (1...Self.blockByteCount).contains(byteCount) else {
            throw HealthCardError.invalidValue("MAC length \(byteCount) is not 1...\(Self.blockByteCount)")
        }
        let padded = ISO9797Padding.method2(data, blockByteCount: Self.blockByteCount)
        let chained = try encryptCBC(padded, iv: iv)
        return Array(chained.suffix(Self.blockByteCount).prefix(byteCount))
    }

    /// ``pbocMAC(for:iv:byteCount:)`` with an all-zero IV.
    public func pbocMAC(for data: [UInt8], byteCount: Int = 4) throws -> [UInt8] {
        try pbocMAC(for: data, iv: [UInt8](repeating: 0, count: Self.blockByteCount), byteCount: byteCount)
    }
}

/// ISO/IEC 9797-1 padding method 2: append `80`, then `00` up to a whole number of blocks.
///
/// The marker is always appended, so input that is already block-aligned grows by a whole block.
/// This is what the PBOC MAC needs; the card's encrypted data (health-card.md §7.5 step 3) uses
/// the same padding.
public enum ISO9797Padding {
    /// `data` followed by `80` and as many `00` as needed to reach a multiple of `blockByteCount`.
    public static func method2(_ data: [UInt8], blockByteCount: Int = 16) -> [UInt8] {
        precondition(blockByteCount > 0, "block length must be positive")
        var padded = data
        padded.append(0x80)
        let remainder = padded.count % blockByteCount
        if remainder != 0 {
            padded.append(contentsOf: repeatElement(0, count: blockByteCount - remainder))
        }
        return padded
    }

    /// Removes method-2 padding: trailing `00` bytes and the `80` marker before them.
    ///
    /// - Throws: `HealthCardError/Code/malformed` if there is no `80` marker within the last block.
    public static func removeMethod2(_ padded: [UInt8], blockByteCount: Int = 16) throws -> [UInt8] {
        var end = padded.endIndex
        while end > padded.startIndex, padded[end - 1] == 0x00, padded.endIndex - end < blockByteCount - 1 {
            end -= 1
        }
        guard end > padded.startIndex, padded[end - 1] == 0x80 else {
            throw HealthCardError.malformed("no ISO 9797-1 method 2 padding marker 80 in the last block")
        }
        return Array(padded[..<(end - 1)])
    }
}
