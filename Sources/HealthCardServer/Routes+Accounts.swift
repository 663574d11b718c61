import EMPIIndex
import Foundation
import Hummingbird

/// `POST /v1/accounts` body: a real-name registration (Docs/accounts.md §1).
struct RegistrationBody: Decodable {
    var name: String
    var citizenID: String
    var phone: String?
    var address: String?
    /// Where the registration came from (app, hospital window, …).
    var channel: String
    /// A physical resident health card to register with the account.
    var physicalCard: String?
}

struct AccountUpdateBody: Decodable {
    var phone: String?
    var address: String?
}

struct CancellationBody: Decodable {
    /// `emigration` or `death`.
    var reason: CancellationReason
}

struct BankCardBody: Decodable {
    /// The full bank card number; only its token and masked form are stored.
    var number: String
}

struct ReplacementBody: Decodable {
    var newNumber: String
}

/// E-health-card accounts (Docs/accounts.md) for the registration platform's clients: register,
/// read, update, cancel, bank cards, and the card lifecycle (lost, replaced, status). Every call
/// is audited: accounts hold names, ID numbers and phones.
extension HealthCardServer {
    var accountEndpoints: [Endpoint] {
        [
            Endpoint(.post, "/v1/accounts", roles: [.registrar], audit: .write) { request, _, client in
                let body = try await RequestDecoding.body(RegistrationBody.self, request)
                let registration = try await self.accounts.register(
                    AccountService.Identity(name: body.name, citizenID: body.citizenID, phone: body.phone, address: body.address),
                    channel: body.channel, physicalCard: body.physicalCard, actor: Self.actor(client), now: nil)
                return JSONResponse.make(registration)
            },
            Endpoint(.get, "/v1/accounts/{id}", roles: [.registrar], audit: .lookup) { _, context, _ in
                JSONResponse.make(try await self.requireAccount(try RequestDecoding.path(context, "id")))
            },
            Endpoint(.post, "/v1/accounts/{id}/update", roles: [.registrar], audit: .write) { request, context, client in
                let id = try await self.requireAccount(try RequestDecoding.path(context, "id")).electronicCardID
                let body = try await RequestDecoding.body(AccountUpdateBody.self, request)
                return JSONResponse.make(
                    try await self.accounts.update(id, phone: body.phone, address: body.address, actor: Self.actor(client), now: nil))
            },
            Endpoint(.post, "/v1/accounts/{id}/cancel", roles: [.registrar], audit: .write) { request, context, client in
                let id = try await self.requireAccount(try RequestDecoding.path(context, "id")).electronicCardID
                let body = try await RequestDecoding.body(CancellationBody.self, request)
                return JSONResponse.make(try await self.accounts.cancel(id, reason: body.reason, actor: Self.actor(client), now: nil))
            },
            Endpoint(.post, "/v1/accounts/{id}/bank-cards", roles: [.registrar], audit: .write) { request, context, client in
                let id = try await self.requireAccount(try RequestDecoding.path(context, "id")).electronicCardID
                let number = try BankCardNumber(try await RequestDecoding.body(BankCardBody.self, request).number)
                return JSONResponse.make(try await self.accounts.bindBankCard(id, number: number, actor: Self.actor(client), now: nil))
            },
            Endpoint(.post, "/v1/accounts/{id}/bank-cards/unbind", roles: [.registrar], audit: .write) {
                request, context, client in
                let id = try await self.requireAccount(try RequestDecoding.path(context, "id")).electronicCardID
                let number = try BankCardNumber(try await RequestDecoding.body(BankCardBody.self, request).number)
                return JSONResponse.make(try await self.accounts.unbindBankCard(id, number: number, actor: Self.actor(client), now: nil))
            },
            Endpoint(.get, "/v1/cards/{number}", roles: [.registrar, .verifier], audit: .lookup) { _, context, _ in
                JSONResponse.make(try await self.accounts.check(try RequestDecoding.path(context, "number")))
            },
            Endpoint(.post, "/v1/cards/{number}/lost", roles: [.registrar], audit: .write) { _, context, client in
                JSONResponse.make(
                    try await self.accounts.reportLost(try RequestDecoding.path(context, "number"), actor: Self.actor(client), now: nil))
            },
            Endpoint(.post, "/v1/cards/{number}/replace", roles: [.registrar], audit: .write) { request, context, client in
                let body = try await RequestDecoding.body(ReplacementBody.self, request)
                return JSONResponse.make(
                    try await self.accounts.replace(
                        try RequestDecoding.path(context, "number"), with: body.newNumber, actor: Self.actor(client), now: nil))
            },
        ]
    }

    /// The account with e-card ID `text`, or 404.
    func requireAccount(_ text: String) async throws -> HealthCardAccount {
        guard let account = try await accounts.account(ElectronicCardID(rawValue: text)) else {
            throw APIProblem(status: 404, error: "unknownRecord", message: "no account with e-card ID \(text)")
        }
        return account
    }
}
