import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard card`: virtual cards (images) and the card layout.
struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Create virtual card images and show the card layout.",
        discussion: """
            Examples:
              hcard card new --holder Fixtures/records/holder.json --image card.json
              hcard card layout --markdown > Docs/card-layout.md
            """,
        subcommands: [New.self, Layout.self]
    )

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Personalise a virtual resident health card into an image file.",
            discussion: """
                The holder file is a JSON holder record; the issuer record is optional and defaults to a \
                test issuer with the holder's ID as card number and the ID's region as application city. \
                Keys are diversified from the virtual SAM's public test master keys.

                Examples:
                  hcard card new --holder Fixtures/records/holder.json --image card.img
                  hcard card new --holder holder.json --issuer issuer.json --image card.img --force
                """
        )

        @Option(help: "Holder record JSON: name, sex, ethnicity, birthDate, idNumber.")
        var holder: String

        @Option(help: "Issuer record JSON (DDF1/EF05). Default: a test issuer.")
        var issuer: String?

        @Option(help: "Card image to create.")
        var image: String

        @Flag(help: "Overwrite an existing image.")
        var force = false

        func run() async throws {
            let url = URL(fileURLWithPath: image)
            if FileManager.default.fileExists(atPath: url.path), !force {
                throw ValidationError("\(image) exists; pass --force to overwrite it")
            }
            try AtomicFile.refuseOverwritingInput(image, inputs: [holder, issuer])
            let holderRecord: HolderRecord
            do { holderRecord = try HolderRecord.fromJSON(try readFile(holder), source: holder) } catch where isContentError(error) {
                throw FileContentError(holder, "not a holder record", error)
            }
            let issuerRecord =
                try issuer.map { path in
                    do { return try IssuerRecord.fromJSON(try readFile(path), source: path) } catch where isContentError(error) {
                        throw FileContentError(path, "not an issuer record", error)
                    }
                } ?? Self.defaultIssuer(for: holderRecord)
            let cardImage = try CardPersonalization(issuer: issuerRecord, holder: holderRecord).makeImage(holderSource: holder)
            try cardImage.save(to: url)
            print("personalised \(holderRecord.name ?? "?") (\(holderRecord.idNumber ?? "no ID")) into \(image)")
        }

        static func defaultIssuer(for holder: HolderRecord) throws -> IssuerRecord {
            let region = holder.idNumber.map { String($0.prefix(4)) + "00" } ?? "110000"
            var rng = SystemRandomNumberGenerator()
            return IssuerRecord(
                cardType: CardType(code: "1"), specVersion: "0002", issuerName: TestIssuer.name, issuerCode: "00000000000",
                issuerCertificate: BinaryBlob(try TestIssuer.shared().certificate), issueDate: .today(),
                cardNumber: holder.idNumber, securityCode: "000",
                chipSerial: String((0..<10).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) }),
                cityCode: region)
        }
    }

    struct Layout: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the card layout: every DF, EF and field (the table Docs/card-layout.md is made from).",
            discussion: """
                Examples:
                  hcard card layout
                  hcard card layout --markdown > Docs/card-layout.md
                """
        )

        @Flag(help: "Markdown, as in Docs/card-layout.md.")
        var markdown = false

        func run() {
            print(markdown ? CardLayoutDocument.markdown() : CardLayoutDocument.text())
        }
    }
}

/// Reads a whole file, with an error that names it.
func readFile(_ path: String) throws -> Data {
    do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw ValidationError("cannot read \(path): \(error.localizedDescription)")
    }
}
