import EMPIIndex
import Foundation
import HealthCardFoundation
import HealthQR

/// The storage seam for e-health-card accounts (Docs/accounts.md): what the account, card and
/// verification endpoints call, and the blacklist and whitelist with their versioned exchange
/// (Docs/accounts.md §4). Two implementations: the library's
/// `AccountService` (kept in the SQLite index file, one node) and ``PostgresAccountStore``
/// (tables in the database several `hcard serve --postgres` nodes share).
///
/// The rules are the library's either way: identity checks, the state each operation needs and
/// the refusals (`AccountService+Rules.swift`), card IDs (`ElectronicCardID`), bank tokens
/// (`BankCardNumber`). Every write is one transaction with the
/// index's feeds, links and event, so an account and its person never disagree.
public protocol AccountStore: Sendable {
    func register(
        _ identity: AccountService.Identity, channel: String, physicalCard: String?, actor: String, now: Date?
    ) async throws -> AccountService.Registration
    func account(_ id: ElectronicCardID) async throws -> HealthCardAccount?
    func update(_ id: ElectronicCardID, phone: String?, address: String?, actor: String, now: Date?) async throws
        -> HealthCardAccount
    func cancel(_ id: ElectronicCardID, reason: CancellationReason, actor: String, now: Date?) async throws -> HealthCardAccount
    func bindBankCard(_ id: ElectronicCardID, number: BankCardNumber, actor: String, now: Date?) async throws
        -> HealthCardAccount
    func unbindBankCard(_ id: ElectronicCardID, number: BankCardNumber, actor: String, now: Date?) async throws
        -> HealthCardAccount
    func check(_ number: String) async throws -> CardUseCheck
    func reportLost(_ number: String, actor: String, now: Date?) async throws -> CardUseCheck
    func replace(_ oldNumber: String, with newNumber: String, actor: String, now: Date?) async throws -> HealthCardAccount
    /// Puts a number on the blacklist (and off the whitelist); idempotent.
    func addToBlacklist(_ number: String, reason: String, actor: String, now: Date?) async throws
    /// Takes a number off the blacklist onto the whitelist (a lost card found: issued again).
    func removeFromBlacklist(_ number: String, reason: String, actor: String, now: Date?) async throws
    /// The blacklist or whitelist, whole or as its changes after `since`, with the version it
    /// brings the receiver to, read in one snapshot (`AccountService.downloadList`).
    func downloadList(_ list: PlatformFile.Kind, since: Int64?, source: String, now: Date?) async throws
        -> AccountService.ListDownload
    /// Applies an uploaded list or list-change file, all or nothing (`PlatformFile.Rejected`).
    func importList(_ file: PlatformFile, name: String, actor: String) async throws -> AccountService.ImportSummary
}

extension AccountService: AccountStore {
    public func importList(_ file: PlatformFile, name: String, actor: String) throws -> ImportSummary {
        guard file.kind.isList else {
            throw HealthCardError.invalidValue("\(file.kind.rawValue) files are not exchanged by the server (blacklist, whitelist)")
        }
        return try self.import(file, name: name, actor: actor)
    }
}
