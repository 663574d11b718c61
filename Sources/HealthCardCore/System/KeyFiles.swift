import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Key files on disk: private keys written owner-only (mode 0600) and never left half-visible,
/// public keys and small JSON lists replaced atomically.
///
/// Why POSIX calls and not `Data.write`: a private key must never exist on disk, even for an
/// instant, with a mode that lets another user read it. `open(O_CREAT | O_EXCL, 0600)` creates the
/// file with its final mode in one step and fails if anything (a file, a symlink planted by someone
/// else) is already there. `Data.write` creates the file with the default mode first. The mode is
/// also set with `fchmod` after creation, so a restrictive umask cannot leave it at, say, 0400 and a
/// permissive one cannot widen it.
///
/// Replacing (`overwrite: true`) writes a temporary file next to the target with the same care and
/// `rename`s it over the target, so readers see the old file or the new one, never a mix.
///
/// - SeeAlso: `Docs/qr-payload.md`, "Keys and files".
public enum KeyFiles {
    /// The mode of private key files: read and write for the owner only.
    public static let privateKeyMode: UInt16 = 0o600
    /// The mode of public keys, trust lists and revocation lists: readable by everyone.
    public static let publicFileMode: UInt16 = 0o644
    /// The largest file these helpers read; keys and lists are far smaller.
    public static let maximumFileSize = 16 << 20

    // MARK: Keys

    /// Writes `key` as unencrypted PKCS#8 PEM to a new file with mode 0600.
    ///
    /// - Parameter overwrite: replace an existing file. Without it an existing path is an error,
    ///   so a key is never destroyed by a repeated command.
    /// - Throws: ``FileAccessError`` (``FileAccessError/alreadyExists`` if the file exists and
    ///   `overwrite` is false); ``OpenSSLError`` if the key cannot be serialized.
    public static func writePrivateKey(_ key: SM2PrivateKey, to path: String, overwrite: Bool = false) throws {
        try writeFile(Array(try key.pemRepresentation.utf8), to: path, mode: privateKeyMode, overwrite: overwrite)
    }

    /// Writes `key` as PEM SubjectPublicKeyInfo with mode 0644.
    public static func writePublicKey(_ key: SM2PublicKey, to path: String, overwrite: Bool = false) throws {
        try writeFile(Array(try key.pemRepresentation.utf8), to: path, mode: publicFileMode, overwrite: overwrite)
    }

    /// Reads an SM2 private key from a PEM file (PKCS#8 or `EC PRIVATE KEY`, unencrypted).
    ///
    /// - Throws: ``FileAccessError`` if the file cannot be read; ``HealthCardError`` (reason
    ///   prefixed with the path) if it is not an SM2 private key.
    public static func readPrivateKey(at path: String) throws -> SM2PrivateKey {
        let text = String(decoding: try readFile(at: path), as: UTF8.self)
        do {
            return try SM2PrivateKey(pemRepresentation: text)
        } catch let error as HealthCardError {
            throw error.located(path)
        }
    }

    /// Reads an SM2 public key from a PEM file: a `PUBLIC KEY`, or a private key whose public half
    /// is taken (convenient for `hcard keys trust add`; only the public half is ever used).
    ///
    /// - Throws: ``FileAccessError`` if the file cannot be read; ``HealthCardError`` (reason
    ///   prefixed with the path) if it holds no SM2 key.
    public static func readPublicKey(at path: String) throws -> SM2PublicKey {
        let text = String(decoding: try readFile(at: path), as: UTF8.self)
        do {
            if text.contains("PRIVATE KEY-----") { return try SM2PrivateKey(pemRepresentation: text).publicKey }
            return try SM2PublicKey(pemRepresentation: text)
        } catch let error as HealthCardError {
            throw error.located(path)
        }
    }

    /// The permission bits of the file at `path` (e.g. `0o600`).
    public static func permissions(ofFileAt path: String) throws(FileAccessError) -> UInt16 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileAccessError(path: path, operation: "stat", code: errno) }
        return UInt16(info.st_mode & 0o7777)
    }

    // MARK: Files

    /// The whole content of a regular file of at most ``maximumFileSize`` bytes.
    public static func readFile(at path: String) throws(FileAccessError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileAccessError(path: path, operation: "open", code: errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileAccessError(path: path, operation: "read", code: errno)
            }
            if count == 0 { break }
            bytes += chunk[..<count]
            guard bytes.count <= maximumFileSize else {
                throw FileAccessError(path: path, operation: "read", code: EFBIG)
            }
        }
        return bytes
    }

    /// Writes `bytes` to `path` with exactly `mode`.
    ///
    /// Without `overwrite`, the file is created with `O_CREAT | O_EXCL` (an existing file or symlink
    /// is an error) and removed again if writing fails. With `overwrite`, a temporary file in the
    /// same directory is written, synced and renamed over `path`.
    public static func writeFile(
        _ bytes: [UInt8], to path: String, mode: UInt16, overwrite: Bool
    ) throws(FileAccessError) {
        guard overwrite else {
            try createAndWrite(bytes, at: path, mode: mode)
            return
        }
        var temporary = ""
        for _ in 0..<8 {
            temporary = "\(path).tmp-\(String(UInt32.random(in: .min ... .max), radix: 16))"
            do throws(FileAccessError) {
                try createAndWrite(bytes, at: temporary, mode: mode)
                break
            } catch {
                guard error.alreadyExists else { throw error }
                temporary = ""
            }
        }
        guard !temporary.isEmpty else {
            throw FileAccessError(path: path, operation: "create a temporary file for", code: EEXIST)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileAccessError(path: path, operation: "replace", code: code)
        }
    }

    /// Creates `path` exclusively with `mode`, writes `bytes`, syncs and closes; on failure removes it.
    private static func createAndWrite(_ bytes: [UInt8], at path: String, mode: UInt16) throws(FileAccessError) {
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW
        let descriptor = open(path, flags, mode_t(mode))
        guard descriptor >= 0 else { throw FileAccessError(path: path, operation: "create", code: errno) }
        var failure: FileAccessError?
        if fchmod(descriptor, mode_t(mode)) != 0 {
            failure = FileAccessError(path: path, operation: "chmod", code: errno)
        }
        var written = 0
        while failure == nil, written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(descriptor, base + written, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                failure = FileAccessError(path: path, operation: "write", code: errno)
            } else {
                written += count
            }
        }
        if failure == nil, fsync(descriptor) != 0 {
            failure = FileAccessError(path: path, operation: "sync", code: errno)
        }
        if close(descriptor) != 0, failure == nil {
            failure = FileAccessError(path: path, operation: "close", code: errno)
        }
        if let failure {
            unlink(path)
            throw failure
        }
    }
}

/// A file operation that failed, with the path and the `errno` it failed with.
///
/// - SeeAlso: STYLE §4, "C-boundary errors" (after swift-system's `Errno`).
public struct FileAccessError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// What was being done: `"open"`, `"create"`, `"read"`, `"write"`, `"replace"`, ….
    public let operation: String
    /// The `errno` value.
    public let code: Int32

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// Whether the failure is that the file already exists (`EEXIST`).
    public var alreadyExists: Bool { code == EEXIST }
    /// Whether the failure is that the file does not exist (`ENOENT`).
    public var notFound: Bool { code == ENOENT }

    public var description: String {
        let message = String(cString: strerror(code))
        if alreadyExists { return "\(path) already exists (refusing to overwrite it)" }
        return "cannot \(operation) \(path): \(message)"
    }
}
