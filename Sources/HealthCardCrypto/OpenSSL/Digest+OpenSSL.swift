internal import COpenSSL
import HealthCardFoundation

extension SM3 {
    /// The SM3 digest of `bytes`, 32 bytes (OpenSSL's `EVP_sm3`).
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        openSSLDigest(bytes, fetchedSM3 ?? EVP_sm3(), byteCount: digestByteCount, name: "SM3")
    }
}

extension SHA256 {
    /// The SHA-256 digest of `bytes`, 32 bytes (OpenSSL's `EVP_sha256`).
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        openSSLDigest(bytes, fetchedSHA256 ?? EVP_sha256(), byteCount: digestByteCount, name: "SHA-256")
    }
}

/// The digests fetched from OpenSSL's default provider once per process (immutable, and OpenSSL's
/// fetched methods may be shared between threads). `EVP_sm3()` and `EVP_sha256()` are only names:
/// `EVP_Digest` fetches the implementation behind them again on every call, a locked lookup that
/// showed in the server's profile (it hashes an API key per request). `nil` if the fetch failed;
/// then the name is passed, and `EVP_Digest` reports the failure as before.
nonisolated(unsafe) let fetchedSM3: OpaquePointer? = EVP_MD_fetch(nil, "SM3", nil)
nonisolated(unsafe) private let fetchedSHA256: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)

/// One-shot `EVP_Digest`. Hashing cannot fail on valid input; if OpenSSL itself fails (no memory,
/// the algorithm disabled in the build) this traps with OpenSSL's error queue, as swift-crypto's
/// digests do, rather than make every caller handle an impossible error.
private func openSSLDigest(_ bytes: [UInt8], _ type: OpaquePointer?, byteCount: Int, name: String) -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: byteCount)
    var length: UInt32 = 0
    let result = bytes.withUnsafeBytes { input in
        digest.withUnsafeMutableBufferPointer { output in
            EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, type, nil)
        }
    }
    guard result == 1, length == byteCount else {
        fatalError("\(name) via OpenSSL failed: \(OpenSSLError.drain("EVP_Digest"))")
    }
    return digest
}
