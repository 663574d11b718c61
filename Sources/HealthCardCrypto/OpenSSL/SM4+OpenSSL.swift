internal import COpenSSL
import HealthCardFoundation

extension SM4 {
    public func encryptECB(_ data: [UInt8]) throws -> [UInt8] {
        try crypt(data, cipher: EVP_sm4_ecb(), iv: nil, encrypt: true)
    }

    public func decryptECB(_ data: [UInt8]) throws -> [UInt8] {
        try crypt(data, cipher: EVP_sm4_ecb(), iv: nil, encrypt: false)
    }

    public func encryptCBC(_ data: [UInt8], iv: [UInt8]) throws -> [UInt8] {
        try crypt(data, cipher: EVP_sm4_cbc(), iv: iv, encrypt: true)
    }

    public func decryptCBC(_ data: [UInt8], iv: [UInt8]) throws -> [UInt8] {
        try crypt(data, cipher: EVP_sm4_cbc(), iv: iv, encrypt: false)
    }

    /// One pass through OpenSSL's EVP cipher API with padding disabled, on a fresh context, so
    /// one `SM4` value can be used from several threads.
    private func crypt(_ data: [UInt8], cipher: OpaquePointer?, iv: [UInt8]?, encrypt: Bool) throws -> [UInt8] {
        guard data.count % Self.blockByteCount == 0 else {
            throw HealthCardError.invalidValue(
                "SM4 input is \(data.count) bytes, not a multiple of \(Self.blockByteCount); pad it first")
        }
        if let iv, iv.count != Self.blockByteCount {
            throw HealthCardError.invalidValue("SM4 IV is \(iv.count) bytes, expected \(Self.blockByteCount)")
        }
        if data.isEmpty { return [] }

        let context = try openssl_nonNull(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new")
        defer { EVP_CIPHER_CTX_free(context) }
        let initialised = key.withUnsafeBufferPointer { key in
            (iv ?? []).withUnsafeBufferPointer { iv in
                EVP_CipherInit_ex(
                    context, cipher, nil, key.baseAddress, iv.count == 0 ? nil : iv.baseAddress,
                    encrypt ? 1 : 0)
            }
        }
        try openssl_check(initialised, "EVP_CipherInit_ex")
        try openssl_check(EVP_CIPHER_CTX_set_padding(context, 0), "EVP_CIPHER_CTX_set_padding")

        var output = [UInt8](repeating: 0, count: data.count + Self.blockByteCount)
        var written: Int32 = 0
        var finalWritten: Int32 = 0
        let updated = data.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_CipherUpdate(context, out.baseAddress, &written, input.baseAddress, Int32(input.count))
            }
        }
        try openssl_check(updated, "EVP_CipherUpdate")
        let finished = output.withUnsafeMutableBufferPointer { out in
            EVP_CipherFinal_ex(context, out.baseAddress! + Int(written), &finalWritten)
        }
        try openssl_check(finished, "EVP_CipherFinal_ex")
        output.removeSubrange(Int(written + finalWritten)...)
        return output
    }
}
