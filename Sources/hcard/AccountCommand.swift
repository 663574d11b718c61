import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard account`: e-health-card accounts registered through the EMPI (Docs/accounts.md).
struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "E-health-card accounts: register through the EMPI, update, cancel, lost and replaced cards, bank cards.",
        discussion: """
            The accounts live in the EMPI index file (hcard empi init), beside the index tables. \
            Registration feeds the real-name identity to the index; the master index ID it \
            answers with gives the electronic card ID (HMAC-SM3, 64 hex digits; Docs/accounts.md).

            Examples:
              hcard account register --db empi.sqlite --name 李明 --id 110105198503120012 --phone 13800138000
              hcard account show --db empi.sqlite --id 110105198503120012 --json
              hcard account cancel --db empi.sqlite --ecard 7D3F… --reason emigration
              hcard account replace --db empi.sqlite --card OLD --new-card NEW
            """,
        subcommands: [
            Register.self, Show.self, Update.self, Cancel.self, Lost.self, Replace.self, BindBank.self, UnbindBank.self,
        ]
    )

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a real-name identity; the same person twice gets the same account.",
            discussion: """
                Examples:
                  hcard account register --db empi.sqlite --name 李明 --id 110105198503120012 --channel wechat
                  hcard account register --db empi.sqlite --name 王芳 --id 31011519900701002X --card 31011519900701002X --json
                """)
        @OptionGroup var store: AccountStoreOptions
        @Option(help: "The holder's name.") var name: String
        @Option(help: "The citizen ID (GB 11643; checked).") var id: String
        @Option(help: "Mobile phone.") var phone: String?
        @Option(help: "Address.") var address: String?
        @Option(help: "Registration channel (app, wechat, hospital-window, …).") var channel = "hcard"
        @Option(help: "A physical resident health card number to register with the account.") var card: String?
        @Flag(help: "Print JSON: the account, whether it was created, the EMPI decision.") var json = false

        func run() throws {
            let service = try store.open()
            let registration = try service.register(
                AccountService.Identity(name: name, citizenID: id, phone: phone, address: address), channel: channel,
                physicalCard: card, actor: store.actor)
            if json { return try printJSON(registration, isoDates: true) }
            let account = registration.account
            print(
                (registration.created ? "registered" : "already registered") + " \(account.name) "
                    + "→ e-card \(account.electronicCardID), person \(account.person) "
                    + "(EMPI: \(registration.match.decision.rawValue))")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an account with its cards and bank bindings.",
            discussion: """
                Examples:
                  hcard account show --db empi.sqlite --id 110105198503120012
                  hcard account show --db empi.sqlite --ecard 7D3F… --json
                """)
        @OptionGroup var store: AccountStoreOptions
        @OptionGroup var target: AccountTarget
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let account = try target.account(in: try store.open(mode: .readOnly))
            if json { return try printJSON(account, isoDates: true) }
            printAccount(account)
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change phone or address; the change is fed to the EMPI person (an update event).",
            discussion: "Example:\n  hcard account update --db empi.sqlite --id 110105198503120012 --phone 13900000000")
        @OptionGroup var store: AccountStoreOptions
        @OptionGroup var target: AccountTarget
        @Option(help: "New phone.") var phone: String?
        @Option(help: "New address.") var address: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if phone == nil && address == nil { throw ValidationError("give --phone and/or --address") }
        }

        func run() throws {
            let service = try store.open()
            let account = try service.update(
                try target.account(in: service).electronicCardID, phone: phone, address: address, actor: store.actor)
            if json { return try printJSON(account, isoDates: true) }
            printAccount(account)
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel an account and its cards: only for emigration or death. Its QR codes stop verifying.",
            discussion: "Example:\n  hcard account cancel --db empi.sqlite --id 110105198503120012 --reason death")
        @OptionGroup var store: AccountStoreOptions
        @OptionGroup var target: AccountTarget
        @Option(help: "emigration or death.") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let service = try store.open()
            let account = try service.cancel(
                try target.account(in: service).electronicCardID, reason: try AccountService.cancellationReason(reason),
                actor: store.actor)
            if json { return try printJSON(account, isoDates: true) }
            printAccount(account)
        }
    }

    struct Lost: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report a physical card lost: it is blacklisted until found (hcard blacklist remove).",
            discussion: "Example:\n  hcard account lost --db empi.sqlite --card 110105198503120012")
        @OptionGroup var store: AccountStoreOptions
        @Option(help: "The card number.") var card: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let check = try store.open().reportLost(card, actor: store.actor)
            if json { return try printJSON(check, isoDates: true) }
            print(check)
        }
    }

    struct Replace: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a physical card: the old one is blacklisted, the new one issued to the same person.",
            discussion: "Example:\n  hcard account replace --db empi.sqlite --card 110105198503120012 --new-card HC2026000123")
        @OptionGroup var store: AccountStoreOptions
        @Option(help: "The old card number.") var card: String
        @Option(help: "The new card number.") var newCard: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let account = try store.open().replace(card, with: newCard, actor: store.actor)
            if json { return try printJSON(account, isoDates: true) }
            printAccount(account)
        }
    }

    struct BindBank: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bind-bank",
            abstract: "Bind a bank card; only a token and the masked number are stored.",
            discussion: "Example:\n  hcard account bind-bank --db empi.sqlite --id 110105198503120012 --bank-card 6228480402564890018")
        @OptionGroup var store: AccountStoreOptions
        @OptionGroup var target: AccountTarget
        @Option(help: "The bank card number (Luhn-checked; never stored in clear).") var bankCard: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let service = try store.open()
            let account = try service.bindBankCard(
                try target.account(in: service).electronicCardID, number: try BankCardNumber(bankCard), actor: store.actor)
            if json { return try printJSON(account, isoDates: true) }
            printAccount(account)
        }
    }

    struct UnbindBank: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unbind-bank",
            abstract: "Unbind a bank card.",
            discussion: "Example:\n  hcard account unbind-bank --db empi.sqlite --id 110105198503120012 --bank-card 6228480402564890018")
        @OptionGroup var store: AccountStoreOptions
        @OptionGroup var target: AccountTarget
        @Option(help: "The bank card number.") var bankCard: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let service = try store.open()
            let account = try service.unbindBankCard(
                try target.account(in: service).electronicCardID, number: try BankCardNumber(bankCard), actor: store.actor)
            if json { return try printJSON(account, isoDates: true) }
            printAccount(account)
        }
    }
}

/// The account database and who acts.
struct AccountStoreOptions: ParsableArguments {
    @Option(help: "The EMPI index file holding the accounts (created if missing).") var db: String
    @Option(help: "Who performs the operation (recorded in the operation log).") var actor = "hcard"

    /// The service over `--db`; `mode: .readOnly` for commands that only read (never creates or
    /// migrates the file).
    func open(mode: StoreKind.AccessMode = .readWrite) throws -> AccountService {
        try AccountService(path: db, mode: mode)
    }

    /// The account database a status check (`--status-db`) reads. It must exist: a path mistyped
    /// on a terminal would otherwise create an empty database that refuses no card.
    static func statusDatabase(_ path: String) throws -> AccountService {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no such account database: \(path) (--status-db; a new empty one would refuse no card)")
        }
        return try AccountService(path: path, mode: .readOnly)
    }
}

/// Which account: by citizen ID or by e-card ID.
struct AccountTarget: ParsableArguments {
    @Option(name: .customLong("id"), help: "The holder's citizen ID.") var citizenID: String?
    @Option(help: "The electronic card ID.") var ecard: String?

    func validate() throws {
        if (citizenID == nil) == (ecard == nil) { throw ValidationError("give --id or --ecard") }
    }

    func account(in service: AccountService) throws -> HealthCardAccount {
        let found =
            try citizenID.map { try service.account(citizenID: $0) }
            ?? ecard.map { try service.account(ElectronicCardID(rawValue: $0)) } ?? nil
        guard let found else { throw ValidationError("no account for \(citizenID ?? ecard ?? "?")") }
        return found
    }
}

func printAccount(_ account: HealthCardAccount) {
    print("\(account.name)  \(account.citizenID)  person \(account.person)  \(account.status.rawValue.uppercased())"
        + (account.cancellationReason.map { " (\($0.rawValue))" } ?? ""))
    print("  e-card  \(account.electronicCardID)")
    if let phone = account.phone { print("  phone   \(phone)") }
    if let address = account.address { print("  address \(address)") }
    for card in account.cards where card.kind != .electronic {
        print("  \(card.kind.rawValue) card \(card.number): \(card.state.rawValue)"
            + (card.replacedBy.map { " → \($0)" } ?? "") + (card.blacklisted.map { " (blacklisted: \($0))" } ?? ""))
    }
    for bank in account.bankCards { print("  bank card \(bank)") }
}
