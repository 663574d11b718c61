import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard keys`: issuer keys for signed QR codes, the trust list and the revocation list
/// (Docs/qr-payload.md, "Keys and files").
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Issuer keys for signed QR codes: generate, export, trust, revoke.",
        discussion: """
            An issuer signs codes with an SM2 private key (PKCS#8 PEM, file mode 0600). Checkpoints \
            verify with a trust list of public keys and a revocation list. See Docs/qr-payload.md.

            Examples:
              hcard keys generate --out issuer.key --public issuer.pub
              hcard keys trust add --trust trust.json --public issuer.pub --issuer "Hainan HC"
              hcard keys revoke --revoked revoked.json --card-id 26B5A1FE56681
            """,
        subcommands: [Generate.self, Public.self, Trust.self, Revoke.self]
    )

    // MARK: generate

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate an SM2 issuer key; the private key goes only to a 0600 file.",
            discussion: """
                Writes the private key as unencrypted PKCS#8 PEM to a new file created with mode 0600 \
                (never to the terminal), and optionally the public key as PEM. Prints the key id: the \
                first 8 bytes of SM3 over the public point, as codes and trust lists name the key. \
                Existing files are kept unless --force is given.

                Examples:
                  hcard keys generate --out issuer.key
                  hcard keys generate --out issuer.key --public issuer.pub --json
                """
        )

        @Option(help: "The private key file to create (mode 0600).")
        var out: String

        @Option(name: .customLong("public"), help: "Also write the public key (PEM) to this file.")
        var publicOut: String?

        @Flag(help: "Replace existing files.")
        var force = false

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard !out.isEmpty else { throw ValidationError("--out must name a file") }
            if let publicOut, publicOut == out {
                throw ValidationError("--public and --out must be different files")
            }
            guard !force else { return }
            for path in [out, publicOut].compactMap({ $0 }) where FileManager.default.fileExists(atPath: path) {
                throw ValidationError("\(path) already exists; pass --force to replace it")
            }
        }

        func run() throws {
            let key = try SM2PrivateKey()
            let keyID = try KeyID(publicKey: key.publicKey)
            try KeyFiles.writePrivateKey(key, to: out, overwrite: force)
            if let publicOut { try KeyFiles.writePublicKey(key.publicKey, to: publicOut, overwrite: force) }
            if json {
                try printJSON(GeneratedJSON(keyId: keyID.hex, algorithm: "SM2", privateKey: out, publicKey: publicOut))
            } else {
                print("key id: \(keyID)")
                print("private key: \(out) (mode 0600; keep it secret)")
                if let publicOut { print("public key: \(publicOut)") }
            }
        }

        struct GeneratedJSON: Encodable {
            let keyId: String
            let algorithm: String
            let privateKey: String
            let publicKey: String?
        }
    }

    // MARK: public

    struct Public: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public",
            abstract: "Print (or write) the public key and key id of a key file.",
            discussion: """
                Reads a private or public key PEM file. The output starts with a "key id:" line and then \
                the PEM; PEM readers (OpenSSL, hcard) skip text before the BEGIN line, so the output can \
                be saved as a public key file as it is.

                Examples:
                  hcard keys public --key issuer.key
                  hcard keys public --key issuer.key --out issuer.pub
                  hcard keys public --key issuer.pub --json
                """
        )

        @Option(help: "A private or public key PEM file.")
        var key: String

        @Option(help: "Write the public key PEM to this file instead of printing it.")
        var out: String?

        @Flag(help: "Replace an existing --out file.")
        var force = false

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            if let out, !force, FileManager.default.fileExists(atPath: out) {
                throw ValidationError("\(out) already exists; pass --force to replace it")
            }
        }

        func run() throws {
            warnIfReadableByOthers(key)
            let publicKey = try KeyFiles.readPublicKey(at: key)
            let keyID = try KeyID(publicKey: publicKey)
            let pem = try publicKey.pemRepresentation
            if let out { try AtomicFile.refuseOverwritingInput(out, inputs: [key]) }
            if let out { try KeyFiles.writePublicKey(publicKey, to: out, overwrite: force) }
            if json {
                try printJSON(PublicJSON(keyId: keyID.hex, publicKey: pem, file: out))
            } else if let out {
                print("key id: \(keyID)")
                print("public key: \(out)")
            } else {
                print("key id: \(keyID)")
                print(pem, terminator: pem.hasSuffix("\n") ? "" : "\n")
            }
        }

        struct PublicJSON: Encodable {
            let keyId: String
            let publicKey: String
            let file: String?
        }
    }
}

/// Warns on standard error when a private key file can be read by group or others
/// (``KeyFiles/permissionWarning(forPrivateKeyAt:)``).
func warnIfReadableByOthers(_ path: String) {
    guard let warning = KeyFiles.permissionWarning(forPrivateKeyAt: path) else { return }
    printError("warning: " + warning)
}
