import ArgumentParser
import Foundation
import HealthCardCore

extension KeysCommand {
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
                        --valid-from 2026-01-01T00:00:00Z --valid-to 2031-01-01T00:00:00Z --replace
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
                let from = validFrom?.date ?? Date(timeIntervalSince1970: SystemClock().now().timeIntervalSince1970.rounded(.down))
                let to = validTo?.date ?? from.addingTimeInterval(365 * 86_400)
                let entry = try TrustList.Entry(publicKey: key, issuer: issuer, validFrom: from, validTo: to)
                let count = try TrustList.update(at: trust) { list in
                    try list.add(entry, replacing: replace)
                    return list.entries.count
                }
                if json {
                    try printJSON(TrustListEntryReport(entry))
                } else {
                    print(
                        "added key \(entry.keyID) (\(issuer), valid \(ISO8601Instant.format(from)) to "
                            + "\(ISO8601Instant.format(to))) to \(trust); \(count) key(s)")
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
                let list = try TrustList.load(from: trust)
                if json { return try printJSON(list.entries.map(TrustListEntryReport.init)) }
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
            let update = try RevocationList.revoke(
                cardIDs: cardIDs, keyIDs: try keyIDs.map { try KeyID(hex: $0) }, inFileAt: revoked)
            if json { return try printJSON(update) }
            for cardID in cardIDs {
                print("\(update.addedCardIds.contains(cardID) ? "revoked" : "already revoked") card \(cardID)")
            }
            for text in keyIDs {
                let hex = text.uppercased()
                print("\(update.addedKeyIds.contains(hex) ? "revoked" : "already revoked") key \(hex)")
            }
            print("\(revoked): \(update.cardIds) card(s), \(update.keyIds) key(s)")
        }
    }
}
