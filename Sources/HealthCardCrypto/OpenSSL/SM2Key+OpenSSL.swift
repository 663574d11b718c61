internal import CHealthShimsOpenSSL
internal import COpenSSL
import HealthCardFoundation

/// Owns one OpenSSL `EVP_PKEY` and frees it with the last reference.
///
/// `@unchecked Sendable`: the key is never mutated after construction, and OpenSSL 3 allows
/// concurrent signing and verification with one `EVP_PKEY` as long as every operation has its own
/// contexts, which ours do (a kept pair serves one call at a time: `SM2KeptContexts`).
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }
}

/// An SM2 private key on the SM2 recommended curve (sm2p256v1), held by OpenSSL.
///
/// A value type over a shared, immutable OpenSSL key: copies are cheap and the key can sign from
/// several threads at once. It never exposes the private scalar except as PKCS#8 PEM.
///
/// - SeeAlso: GB/T 32918.1-2016 / GB/T 32918.5-2017 (curve); pcsc-virtual-card.md §6.
public struct SM2PrivateKey: Sendable {
    let key: EVPKey
    /// The matching public key.
    public let publicKey: SM2PublicKey

    /// Generates a new random key.
    ///
    /// - Throws: ``OpenSSLError`` if OpenSSL cannot generate a key.
    public init() throws {
        let pointer = try openssl_nonNull(chs_evp_pkey_q_keygen_sm2(), "EVP_PKEY_Q_keygen")
        try self.init(adopting: EVPKey(pointer))
    }

    /// Loads a key from PEM: PKCS#8 `PRIVATE KEY` (what ``pemRepresentation`` writes and
    /// `openssl genpkey -algorithm SM2` produces) or the traditional `EC PRIVATE KEY` form of
    /// `openssl ecparam -name SM2 -genkey`.
    ///
    /// Encrypted PEM is rejected; OpenSSL is never allowed to prompt for a passphrase.
    ///
    /// - Throws: `HealthCardError/Code/malformed` if the text is not a readable, unencrypted
    ///   private key; `HealthCardError/Code/invalidValue` if it is a key of another type (e.g. a
    ///   NIST P-256 key).
    public init(pemRepresentation pem: String) throws {
        let pointer = try openssl_withMemoryBIO(reading: Array(pem.utf8)) { bio in
            PEM_read_bio_PrivateKey(bio, nil, openssl_refusePassphrase, nil)
        }
        guard let pointer else {
            throw HealthCardError.malformed("not an unencrypted PEM private key", openSSL: "PEM_read_bio_PrivateKey")
        }
        try self.init(adopting: EVPKey(pointer))
    }

    private init(adopting key: EVPKey) throws {
        try SM2PublicKey.requireSM2(key)
        self.key = key
        self.publicKey = try SM2PublicKey(x963Representation: SM2PublicKey.encodedPoint(of: key))
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), as
    /// `openssl genpkey -algorithm SM2` writes it.
    ///
    /// This is the private key in the clear: store it as you would any secret.
    public var pemRepresentation: String {
        get throws {
            let bytes = try openssl_withMemoryBIO(
                writing: { bio in
                    PEM_write_bio_PrivateKey(bio, key.pointer, nil, nil, 0, nil, nil)
                }, "PEM_write_bio_PrivateKey")
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// An SM2 public key on the SM2 recommended curve, held by OpenSSL.
///
/// Three encodings, for three audiences: PEM SubjectPublicKeyInfo for files and the `openssl`
/// tool, DER SubjectPublicKeyInfo (91 bytes) for certificates, and the raw point for cards and
/// key identifiers.
public struct SM2PublicKey: Sendable {
    let key: EVPKey

    /// The DER SubjectPublicKeyInfo header OpenSSL writes for an SM2 key: algorithm
    /// id-ecPublicKey (1.2.840.10045.2.1) with curve sm2 (1.2.156.10197.1.301), then a BIT STRING
    /// of 66 bytes. The uncompressed point follows.
    static let spkiPrefix: [UInt8] = [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01,
        0x06, 0x08, 0x2A, 0x81, 0x1C, 0xCF, 0x55, 0x01, 0x82, 0x2D, 0x03, 0x42, 0x00,
    ]

    /// Loads a public key from PEM SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`).
    ///
    /// - Throws: `HealthCardError/Code/malformed` if the text is not a readable public key;
    ///   `HealthCardError/Code/invalidValue` if it is a key of another type.
    public init(pemRepresentation pem: String) throws {
        let pointer = try openssl_withMemoryBIO(reading: Array(pem.utf8)) { bio in
            PEM_read_bio_PUBKEY(bio, nil, openssl_refusePassphrase, nil)
        }
        guard let pointer else {
            throw HealthCardError.malformed("not a PEM public key", openSSL: "PEM_read_bio_PUBKEY")
        }
        let key = EVPKey(pointer)
        try Self.requireSM2(key)
        self.key = key
    }

    /// Loads a public key from DER SubjectPublicKeyInfo, the form inside X.509 certificates.
    ///
    /// - Throws: `HealthCardError/Code/malformed` for bytes that are not exactly one
    ///   SubjectPublicKeyInfo with a point on the curve; `HealthCardError/Code/invalidValue` if
    ///   it is a key of another type.
    public init(derRepresentation der: [UInt8]) throws {
        var consumed = 0
        let pointer = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            let key = d2i_PUBKEY(nil, &cursor, buffer.count)
            if let start = buffer.baseAddress, let cursor { consumed = cursor - start }
            return key
        }
        guard let pointer else {
            throw HealthCardError.malformed("not a DER SubjectPublicKeyInfo with a valid point", openSSL: "d2i_PUBKEY")
        }
        let key = EVPKey(pointer)
        guard consumed == der.count else {
            throw HealthCardError.malformed("\(der.count - consumed) trailing bytes after the SubjectPublicKeyInfo")
        }
        try Self.requireSM2(key)
        self.key = key
    }

    /// Loads a public key from the uncompressed point `04‖X‖Y` (65 bytes, SEC 1 / X9.63 form).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for another length or a leading byte other
    ///   than `04`; `HealthCardError/Code/malformed` if the point is not on the curve.
    public init(x963Representation point: [UInt8]) throws {
        guard point.count == 65, point.first == 0x04 else {
            throw HealthCardError.invalidValue(
                "SM2 public point must be 65 bytes starting 04, got \(point.count) bytes")
        }
        try self.init(derRepresentation: Self.spkiPrefix + point)
    }

    /// Loads a public key from the bare coordinates `X‖Y` (64 bytes), the form some card files
    /// and certificates store.
    public init(rawRepresentation coordinates: [UInt8]) throws {
        guard coordinates.count == 64 else {
            throw HealthCardError.invalidValue("SM2 public coordinates must be 64 bytes, got \(coordinates.count)")
        }
        try self.init(x963Representation: [0x04] + coordinates)
    }

    /// The uncompressed point `04‖X‖Y`, 65 bytes: the stable input for key identifiers.
    public var x963Representation: [UInt8] {
        get throws { try Self.encodedPoint(of: key) }
    }

    /// The bare coordinates `X‖Y`, 64 bytes.
    public var rawRepresentation: [UInt8] {
        get throws { Array(try x963Representation.dropFirst()) }
    }

    /// DER SubjectPublicKeyInfo, 91 bytes.
    public var derRepresentation: [UInt8] {
        get throws {
            let length = i2d_PUBKEY(key.pointer, nil)
            guard length > 0 else { throw OpenSSLError.drain("i2d_PUBKEY") }
            var der = [UInt8](repeating: 0, count: Int(length))
            let written = der.withUnsafeMutableBufferPointer { buffer in
                var cursor = buffer.baseAddress
                return i2d_PUBKEY(key.pointer, &cursor)
            }
            try openssl_check(written == length ? 1 : 0, "i2d_PUBKEY")
            return der
        }
    }

    /// PEM SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`), as `openssl pkey -pubout` writes it.
    public var pemRepresentation: String {
        get throws {
            let bytes = try openssl_withMemoryBIO(
                writing: { bio in
                    PEM_write_bio_PUBKEY(bio, key.pointer)
                }, "PEM_write_bio_PUBKEY")
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Rejects keys that OpenSSL does not classify as SM2 (an EC key on P-256 is "EC", not "SM2").
    static func requireSM2(_ key: EVPKey) throws {
        guard EVP_PKEY_is_a(key.pointer, "SM2") == 1 else {
            let type = EVP_PKEY_get0_type_name(key.pointer).map { String(cString: $0) } ?? "unknown"
            throw HealthCardError.invalidValue("key type is \(type), expected SM2")
        }
    }

    /// The public point `04‖X‖Y` of an OpenSSL SM2 key (private or public).
    static func encodedPoint(of key: EVPKey) throws -> [UInt8] {
        var point = [UInt8](repeating: 0, count: 65)
        var length = 0
        let result = point.withUnsafeMutableBufferPointer { buffer in
            EVP_PKEY_get_octet_string_param(
                key.pointer, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buffer.baseAddress, buffer.count, &length)
        }
        try openssl_check(result, "EVP_PKEY_get_octet_string_param")
        guard length == 65, point[0] == 0x04 else {
            throw OpenSSLError(
                function: "EVP_PKEY_get_octet_string_param",
                queue: ["unexpected \(length)-byte public point encoding"])
        }
        return point
    }
}

extension SM2PublicKey: Equatable {
    /// Two keys are equal when their points are equal.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        EVP_PKEY_eq(lhs.key.pointer, rhs.key.pointer) == 1
    }
}

// MARK: - BIO helpers

/// A `pem_password_cb` that refuses: encrypted PEM fails instead of OpenSSL prompting on the tty.
private let openssl_refusePassphrase:
    @convention(c) (
        UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?
    ) -> Int32 = { _, _, _, _ in -1 }

/// Runs `body` with a read-only memory BIO over `bytes`.
private func openssl_withMemoryBIO<T>(reading bytes: [UInt8], _ body: (OpaquePointer) -> T) throws -> T {
    try bytes.withUnsafeBytes { buffer in
        let bio = try openssl_nonNull(BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)), "BIO_new_mem_buf")
        defer { BIO_free(bio) }
        return body(bio)
    }
}

/// Runs `write` against an empty memory BIO and returns everything written.
private func openssl_withMemoryBIO(writing write: (OpaquePointer) -> Int32, _ function: String) throws -> [UInt8] {
    let bio = try openssl_nonNull(BIO_new(BIO_s_mem()), "BIO_new")
    defer { BIO_free(bio) }
    try openssl_check(write(bio), function)
    let pending = Int(BIO_ctrl_pending(bio))
    var bytes = [UInt8](repeating: 0, count: pending)
    let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
    guard read == pending else { throw OpenSSLError.drain("BIO_read") }
    return bytes
}
