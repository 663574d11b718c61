import Foundation
import HealthCardFoundation
import Testing
@testable import HealthCardServer

/// E-health-card accounts over HTTP: the registration platform's operations are the
/// `AccountService`'s, and neither the answers nor the audit log carry a full bank card number.
@Suite("accounts over HTTP")
struct AccountEndpointTests {
    static let bankCard = "6228480402564890018"

    @Test(
        "register (twice: the same account), read, update, bind and unbind a bank card, lose and replace a card, cancel",
        arguments: Backend.all)
    func lifecycle(_ backend: Backend) async throws {
        let live = try await LiveServer.start(backend: backend)
        let registrar = try await live.key("window-3", [.registrar])
        let gate = try await live.key("gate", [.verifier])
        let identity: [String: JSONValue] = [
            "name": .string("李明"), "citizenID": .string("110105198503120012"), "phone": .string("13800138000"),
            "channel": .string("app"), "physicalCard": .string("HC0001"),
        ]
        let registered = try await live.call("POST", "/v1/accounts", key: registrar, json: identity)
        #expect(registered.status == 200, "\(registered.json)")
        #expect(registered.json["created"] == .bool(true))
        let id = try #require(registered.json["account"]?["electronicCardID"]?.stringValue)
        #expect(id.count == 64)
        let again = try await live.call("POST", "/v1/accounts", key: registrar, json: identity)
        #expect(again.json["created"] == .bool(false))
        #expect(again.json["account"]?["electronicCardID"] == .string(id))
        var invalid = identity
        invalid["citizenID"] = .string("110105198503120013")
        #expect(try await live.call("POST", "/v1/accounts", key: registrar, json: invalid).status == 400)

        #expect(try await live.call("GET", "/v1/accounts/{id}", parameters: ["id": id], key: registrar).status == 200)
        #expect(try await live.call("GET", "/v1/accounts/{id}", parameters: ["id": "0"], key: registrar).status == 404)
        let updated = try await live.call(
            "POST", "/v1/accounts/{id}/update", parameters: ["id": id], key: registrar, json: ["phone": "13900139000"])
        #expect(updated.json["phone"] == .string("13900139000"), "\(updated.json)")
        let badPhone = try await live.call(
            "POST", "/v1/accounts/{id}/update", parameters: ["id": id], key: registrar, json: ["phone": "12"])
        #expect(badPhone.status == 400)

        let bound = try await live.call(
            "POST", "/v1/accounts/{id}/bank-cards", parameters: ["id": id], key: registrar, json: ["number": Self.bankCard])
        #expect(bound.status == 200, "\(bound.json)")
        #expect(bound.json["bankCards"]?.arrayValue?.count == 1)
        #expect(!String(decoding: bound.body, as: UTF8.self).contains(Self.bankCard))
        let unbound = try await live.call(
            "POST", "/v1/accounts/{id}/bank-cards/unbind", parameters: ["id": id], key: registrar,
            json: ["number": Self.bankCard])
        #expect(unbound.json["bankCards"] == .array([]), "\(unbound.json)")
        let notLuhn = try await live.call(
            "POST", "/v1/accounts/{id}/bank-cards", parameters: ["id": id], key: registrar, json: ["number": "6228480402564890019"])
        #expect(notLuhn.status == 400)

        let status = try await live.call("GET", "/v1/cards/{number}", parameters: ["number": "HC0001"], key: gate)
        #expect(status.json["card"]?["state"] == .string("issued"), "\(status.json)")
        let lost = try await live.call("POST", "/v1/cards/{number}/lost", parameters: ["number": "HC0001"], key: registrar)
        #expect(lost.json["card"]?["state"] == .string("lost"), "\(lost.json)")
        let replaced = try await live.call(
            "POST", "/v1/cards/{number}/replace", parameters: ["number": "HC0001"], key: registrar,
            json: ["newNumber": "HC0002"])
        #expect(replaced.status == 200, "\(replaced.json)")
        #expect(replaced.json["cards"]?.arrayValue?.contains { $0["number"] == .string("HC0002") } == true)
        #expect(try await live.call("POST", "/v1/cards/{number}/lost", parameters: ["number": "NOPE"], key: registrar).status == 404)

        let cancelled = try await live.call(
            "POST", "/v1/accounts/{id}/cancel", parameters: ["id": id], key: registrar, json: ["reason": "death"])
        #expect(cancelled.json["status"] == .string("cancelled"), "\(cancelled.json)")
        let badReason = try await live.call(
            "POST", "/v1/accounts/{id}/cancel", parameters: ["id": id], key: registrar, json: ["reason": "bored"])
        #expect(badReason.status == 400)

        let audit = try await live.server.store.auditEntries(since: 0, limit: 1000)
        #expect(audit.filter { $0.route.hasPrefix("/v1/accounts") || $0.route.hasPrefix("/v1/cards") }.count >= 14)
        let logged = audit.map { "\($0.client) \($0.method) \($0.route)" }.joined(separator: "\n")
        #expect(!logged.contains(Self.bankCard) && !logged.contains("110105198503120012"))
        if backend == .sqlite {
            let file = String(decoding: try AtomicFile.read(live.server.storage.server), as: UTF8.self)
            #expect(!file.contains(Self.bankCard) && !file.contains("110105198503120012"))
        }
        await live.stop()
    }
}
