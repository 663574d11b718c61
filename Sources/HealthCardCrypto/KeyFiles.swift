import Foundation
import HealthCardFoundation

/// Key files on disk: private keys written owner-only (mode 0600) and never left half-visible,
/// public keys readable by all, both through `AtomicFile`.
///
/// - SeeAlso: `Docs/qr-payload.md`, "Keys and files".
public enum KeyFiles {
    /// The mode of private key files: read and write for the owner only.
    public static let privateKeyMode: UInt16 = AtomicFile.ownerOnlyMode
    /// The mode of public keys: readable by everyone.
    public static let publicKeyMode: UInt16 = AtomicFile.publicMode
    /// The largest key file read; keys are far smaller.
    public static let maximumFileSize = 1 << 20

    // MARK: Keys

    /// Writes `key` as unencrypted PKCS#8 PEM to a new file with mode 0600.
    ///
    /// - Parameters:
    ///   - key: the private key.
    ///   - path: where to write it.
    ///   - overwrite: replace an existing file. Without it an existing path is an error, so a key
    ///     is never destroyed by a repeated command.
    /// - Throws: `FileAccessError` (`FileAccessError/alreadyExists` if the file exists and
    ///   `overwrite` is false); ``OpenSSLError`` if the key cannot be serialized.
    public static func writePrivateKey(_ key: SM2PrivateKey, to path: String, overwrite: Bool = false) throws {
        try AtomicFile.write(Array(try key.pemRepresentation.utf8), to: path, mode: privateKeyMode, replace: overwrite)
    }

    /// Writes `key` as PEM SubjectPublicKeyInfo with mode 0644.
    public static func writePublicKey(_ key: SM2PublicKey, to path: String, overwrite: Bool = false) throws {
        try AtomicFile.write(Array(try key.pemRepresentation.utf8), to: path, mode: publicKeyMode, replace: overwrite)
    }

    /// Reads an SM2 private key from a PEM file (PKCS#8 or `EC PRIVATE KEY`, unencrypted).
    ///
    /// - Throws: `FileAccessError` if the file cannot be read; `HealthCardError` (reason
    ///   prefixed with the path) if it is not an SM2 private key.
    public static func readPrivateKey(at path: String) throws -> SM2PrivateKey {
        let text = String(decoding: try AtomicFile.read(path, limit: maximumFileSize), as: UTF8.self)
        do {
            return try SM2PrivateKey(pemRepresentation: text)
        } catch let error as HealthCardError {
            throw error.located(path)
        }
    }

    /// Reads an SM2 public key from a PEM file: a `PUBLIC KEY`, or a private key whose public half
    /// is taken (convenient for `hcard keys trust add`; only the public half is ever used).
    ///
    /// - Throws: `FileAccessError` if the file cannot be read; `HealthCardError` (reason
    ///   prefixed with the path) if it holds no SM2 key.
    public static func readPublicKey(at path: String) throws -> SM2PublicKey {
        let text = String(decoding: try AtomicFile.read(path, limit: maximumFileSize), as: UTF8.self)
        do {
            if text.contains("PRIVATE KEY-----") { return try SM2PrivateKey(pemRepresentation: text).publicKey }
            return try SM2PublicKey(pemRepresentation: text)
        } catch let error as HealthCardError {
            throw error.located(path)
        }
    }

    // MARK: Permissions

    /// The warning to show when the file at `path` holds a private key that group or others may
    /// access (any of the mode bits 0o077), or `nil` when it does not (or cannot be read).
    ///
    /// Why a warning and not an error: the key still works, and refusing it would stop an issuer
    /// in the middle of a shift; but a key readable by other users is as good as published, so
    /// every command that reads one says so, with the fix.
    public static func permissionWarning(forPrivateKeyAt path: String) -> String? {
        guard let text = try? AtomicFile.read(path, limit: maximumFileSize),
            String(decoding: text, as: UTF8.self).contains("PRIVATE KEY"),
            let mode = try? AtomicFile.permissions(of: path), mode & 0o077 != 0
        else { return nil }
        let octal = String(mode, radix: 8)
        return "private key \(path) is accessible by other users (mode \(octal)); run chmod 600 \(path)"
    }
}
