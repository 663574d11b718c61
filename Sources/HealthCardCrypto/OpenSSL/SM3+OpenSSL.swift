internal import COpenSSL
import HealthCardFoundation

extension SM3 {
    /// The SM3 digest of `bytes`, 32 bytes.
    ///
    /// Computed with OpenSSL's `EVP_Digest`. Hashing cannot fail on valid input; if OpenSSL itself
    /// fails (no memory, SM3 disabled in the build) this traps with OpenSSL's error queue, as
    /// swift-crypto's digests do, rather than make every caller handle an impossible error.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestByteCount)
        var length: UInt32 = 0
        let result = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sm3(), nil)
            }
        }
        guard result == 1, length == digestByteCount else {
            fatalError("SM3 via OpenSSL failed: \(OpenSSLError.drain("EVP_Digest"))")
        }
        return digest
    }
}
