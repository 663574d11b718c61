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

    // MARK: trust

    struct Trust: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the trust list: the keys checkpoints accept.",
            discussion: """
                The trust list is a JSON file: {"version":1,"keys":[{"keyId","publicKey","issuer",\
                "validFrom","validTo"}]}. Times are ISO 8601 with a zone, e.g. 2026-01-01T00:00:00Z.

                Examples:
                  hcard keys trust add --trust trust.json --public issuer.pub --issuer "Hainan HC"
                  hcard keys trust list --trust trust.json
                """,
            subcommands: [Add.self, List.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a public key to a trust list (created if missing).",
                discussion: """
                    The key id is derived from the key. Without --valid-from the key is valid from now; \
                    without --valid-to, for 365 days after --valid-from. A key id already in the list is \
                    an error unless --replace is given.

                    Examples:
                      hcard keys trust add --trust trust.json --public issuer.pub --issuer "Hainan HC"
                      hcard keys trust add --trust trust.json --public issuer.pub --issuer "Hainan HC" \\
                        --valid-from 2026-01-01T00:00:00Z --valid-to 2027-01-01T00:00:00Z --replace
                    """
            )

            @Option(help: "The trust list file.")
            var trust: String

            @Option(name: .customLong("public"), help: "The issuer's public key PEM (a private key file also works).")
            var publicKey: String

            @Option(help: "The issuer's name, shown with verdicts.")
            var issuer: String

            @Option(help: "Start of the key's validity period (ISO 8601 with zone). Default: now.")
            var validFrom: InstantArgument?

            @Option(help: "End of the key's validity period (ISO 8601 with zone). Default: 365 days after the start.")
            var validTo: InstantArgument?

            @Flag(help: "Replace an entry with the same key id.")
            var replace = false

            @Flag(help: "Print JSON.")
            var json = false

            func validate() throws {
                guard !issuer.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw ValidationError("--issuer must not be empty")
                }
                if let validFrom, let validTo, validTo.date < validFrom.date {
                    throw ValidationError("--valid-to \(validTo.text) is before --valid-from \(validFrom.text)")
                }
            }

            func run() throws {
                let key = try KeyFiles.readPublicKey(at: publicKey)
                let from = validFrom?.date ?? Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
                let to = validTo?.date ?? from.addingTimeInterval(365 * 86_400)
                let entry = try TrustList.Entry(publicKey: key, issuer: issuer, validFrom: from, validTo: to)
                var list = try loadTrustList(trust, createIfMissing: true)
                try list.add(entry, replacing: replace)
                try list.save(to: trust)
                if json {
                    try printJSON(TrustEntryJSON(entry))
                } else {
                    print(
                        "added key \(entry.keyID) (\(issuer), valid \(ISO8601Instant.format(from)) to "
                            + "\(ISO8601Instant.format(to))) to \(trust); \(list.entries.count) key(s)")
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the keys of a trust list.",
                discussion: """
                    Examples:
                      hcard keys trust list --trust trust.json
                      hcard keys trust list --trust trust.json --json
                    """
            )

            @Option(help: "The trust list file.")
            var trust: String

            @Flag(help: "Print JSON.")
            var json = false

            func run() throws {
                let list = try loadTrustList(trust, createIfMissing: false)
                if json { return try printJSON(list.entries.map(TrustEntryJSON.init)) }
                for entry in list.entries {
                    print(
                        "\(entry.keyID)  \(ISO8601Instant.format(entry.validFrom)) .. "
                            + "\(ISO8601Instant.format(entry.validTo))  \(entry.issuer)")
                }
            }
        }
    }

    // MARK: revoke

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke cards or issuer keys in a revocation list (created if missing).",
            discussion: """
                The revocation list is a JSON file: {"version":1,"cardIds":[…],"keyIds":[…]}. A revoked \
                card or key fails verification even with a valid signature. Both options can be repeated.

                Examples:
                  hcard keys revoke --revoked revoked.json --card-id 26B5A1FE56681
                  hcard keys revoke --revoked revoked.json --key-id 0123456789ABCDEF --json
                """
        )

        @Option(help: "The revocation list file.")
        var revoked: String

        @Option(name: .customLong("card-id"), help: "A card id to revoke ([0-9A-Za-z]{1,64}).")
        var cardIDs: [String] = []

        @Option(name: .customLong("key-id"), help: "An issuer key id to revoke (16 hex digits).")
        var keyIDs: [String] = []

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard !cardIDs.isEmpty || !keyIDs.isEmpty else {
                throw ValidationError("give at least one --card-id or --key-id")
            }
            for cardID in cardIDs {
                do throws(PayloadSyntaxError) {
                    try EHealthCardPayload.checkCardID(cardID)
                } catch {
                    throw ValidationError("--card-id '\(cardID)': \(error.reason)")
                }
            }
            for keyID in keyIDs where (try? KeyID(hex: keyID)) == nil {
                throw ValidationError("--key-id '\(keyID)' must be 16 hex digits")
            }
        }

        func run() throws {
            var list: RevocationList
            if FileManager.default.fileExists(atPath: revoked) {
                list = try RevocationList.load(from: revoked)
            } else {
                list = RevocationList()
            }
            var addedCards: [String] = []
            var addedKeys: [String] = []
            for cardID in cardIDs {
                if try list.revoke(cardID: cardID) { addedCards.append(cardID) }
            }
            for text in keyIDs {
                let keyID = try KeyID(hex: text)
                if list.revoke(keyID: keyID) { addedKeys.append(keyID.hex) }
            }
            try list.save(to: revoked)
            if json {
                try printJSON(
                    RevokeJSON(
                        file: revoked, addedCardIds: addedCards, addedKeyIds: addedKeys,
                        cardIds: list.cardIDs.count, keyIds: list.keyIDs.count))
                return
            }
            for cardID in cardIDs {
                print("\(addedCards.contains(cardID) ? "revoked" : "already revoked") card \(cardID)")
            }
            for text in keyIDs {
                let hex = text.uppercased()
                print("\(addedKeys.contains(hex) ? "revoked" : "already revoked") key \(hex)")
            }
            print("\(revoked): \(list.cardIDs.count) card(s), \(list.keyIDs.count) key(s)")
        }

        struct RevokeJSON: Encodable {
            let file: String
            let addedCardIds: [String]
            let addedKeyIds: [String]
            let cardIds: Int
            let keyIds: Int
        }
    }
}

/// One trust-list entry in `--json` output.
struct TrustEntryJSON: Encodable {
    let keyId: String
    let issuer: String
    let validFrom: String
    let validTo: String

    init(_ entry: TrustList.Entry) {
        keyId = entry.keyID.hex
        issuer = entry.issuer
        validFrom = ISO8601Instant.format(entry.validFrom)
        validTo = ISO8601Instant.format(entry.validTo)
    }
}

/// Loads a trust list file; a missing file is an empty list when `createIfMissing`.
func loadTrustList(_ path: String, createIfMissing: Bool) throws -> TrustList {
    if createIfMissing, !FileManager.default.fileExists(atPath: path) { return TrustList() }
    return try TrustList.load(from: path)
}

/// Warns on standard error when a private key file can be read by group or others.
func warnIfReadableByOthers(_ path: String) {
    guard let text = try? AtomicFile.read(path), String(decoding: text, as: UTF8.self).contains("PRIVATE KEY"),
        let mode = try? AtomicFile.permissions(of: path), mode & 0o077 != 0
    else { return }
    let octal = String(mode, radix: 8)
    FileHandle.standardError.write(
        Data("warning: private key \(path) is accessible by other users (mode \(octal)); run chmod 600 \(path)\n".utf8))
}
