import EMPIIndex
import Foundation
import HealthQR

/// The storage seam for e-health-card accounts (Docs/accounts.md): what the account, card and
/// verification endpoints call (the versioned exchange lists are SQLite's only so far). Two implementations: the library's
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
    /// Every card number a verifier must refuse now (`AccountService.revocationList()`).
    func revocationList() async throws -> RevocationList
}

extension AccountService: AccountStore {}
