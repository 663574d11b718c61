import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard read`: the whole card through the terminal session.
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read the whole card: issuer, holder, personal and medical data, encounter records.",
        discussion: """
            With --image the virtual card and the virtual test SAM run the same session a reader would. \
            Without a SAM only DDF1/EF05 (issuer data) can be read, and the output says why.

            Examples:
              hcard read --image card.img
              hcard read --image card.img --json --trace 2> apdu.log
              hcard read --reader "Virtual PCD 00 00" --sam-reader "Virtual PCD 00 01"
              hcard read --image card.img --status-db empi.sqlite

            With --status-db the card number (DDF1/EF05) is checked against the card management \
            platform's status table and blacklist (hcard account, hcard blacklist): a lost, replaced, \
            cancelled or blacklisted card is reported on standard error ("REFUSE: card … is LOST …"), \
            after the card's data, and the exit status is 3; so is a card without a card number. The \
            database must exist (a mistyped path is an error, not an empty platform that refuses nothing).
            """
    )

    @OptionGroup var target: CardTargetOptions

    @Flag(help: "Print the card as JSON.")
    var json = false

    @Option(help: "Check the card number against this account database's card status and blacklist.")
    var statusDb: String?

    func run() async throws {
        let status = try statusDb.map(AccountStoreOptions.statusDatabase)
        let connection = try target.open()
        let contents = try await connection.session.readCard()
        if json {
            try printJSON(contents)
        } else {
            print(CardContentsText.render(contents))
        }
        if target.trace { traceLine("# \(connection.apduCount()) APDUs") }
        if let status {
            guard let number = contents.issuer.cardNumber else {
                FileHandle.standardError.write(Data("REFUSE: the card has no card number (DDF1/EF05); its status cannot be checked\n".utf8))
                throw ExitCode(3)
            }
            let check = try status.check(number)
            if check.refusesUse {
                FileHandle.standardError.write(Data("REFUSE: \(check)\n".utf8))
                throw ExitCode(3)
            }
        }
    }
}
