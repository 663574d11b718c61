import Foundation
import HealthCardFoundation
import Hummingbird
import Testing
@testable import HealthCardServer

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// No endpoint without a role check: every route of the table is refused without a key, with a
/// malformed, unknown or revoked key, and with each role it does not admit; the router serves
/// exactly the table, and the OpenAPI document describes exactly the table.
@Suite("routes and roles")
struct RouteSecurityTests {
    @Test("the router serves exactly the endpoint table, and the OpenAPI document has exactly its operations and roles")
    func tableRouterAndDocumentAgree() async throws {
        let live = try await LiveServer.start()
        let table = Set(live.server.endpoints.map { "\($0.method.rawValue) \($0.path)" })
        #expect(table.count == live.server.endpoints.count, "an endpoint is listed twice")
        let routed = Set(live.server.router().routes.map { "\($0.method.rawValue) \($0.path)" })
        // The router describes a captured segment as `{id}`, as OpenAPI does.
        #expect(routed == table)
        #expect(LiveServer.contract.operations == table)
        for endpoint in live.server.endpoints {
            let operation = try #require(LiveServer.contract.operation(endpoint.method.rawValue, endpoint.path))
            let documented = Set((operation["x-roles"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Role.init) })
            #expect(documented == endpoint.roles, "\(endpoint.method) \(endpoint.path)")
        }
        await live.stop()
    }

    @Test("every protected endpoint refuses a missing, malformed, unknown or revoked key (401) and every wrong role (403)", arguments: Backend.all)
    func everyEndpointChecksRoles(_ backend: Backend) async throws {
        let live = try await LiveServer.start(backend: backend)
        var keys: [Role: APIKey] = [:]
        for role in Role.allCases { keys[role] = try await live.key("only-\(role.rawValue)", [role]) }
        let revoked = try await live.key("revoked", Set(Role.allCases))
        try await live.server.store.revokeKey(name: "revoked")
        let unknown = APIKey.generate()
        let protected = live.server.endpoints.filter { !$0.isPublic }
        #expect(protected.count >= 14)
        for endpoint in protected {
            let method = endpoint.method.rawValue
            let parameters = ["id": "1"]
            let body = endpoint.method == .post ? Data("{}".utf8) : nil
            let anonymous = try await live.call(method, endpoint.path, parameters: parameters, body: body)
            #expect(anonymous.status == 401, "\(method) \(endpoint.path) without a key")
            for key in [unknown, revoked] {
                let reply = try await live.call(method, endpoint.path, parameters: parameters, key: key, body: body)
                #expect(reply.status == 401, "\(method) \(endpoint.path) with an unknown or revoked key")
            }
            for role in Role.allCases where !endpoint.roles.contains(role) {
                let reply = try await live.call(method, endpoint.path, parameters: parameters, key: keys[role], body: body)
                #expect(reply.status == 403, "\(method) \(endpoint.path) as \(role)")
            }
            for role in endpoint.roles {
                // `wait=0`: the event stream answers at once instead of staying open (others ignore it).
                let reply = try await live.call(
                    method, endpoint.path, parameters: parameters, query: ["wait": "0"], key: keys[role], body: body)
                #expect(![401, 403].contains(reply.status), "\(method) \(endpoint.path) as \(role) was refused")
                #expect(reply.status < 500, "\(method) \(endpoint.path) as \(role): \(reply.status)")
            }
        }
        // Every backend serves every operation: the document lists no 501 anywhere.
        let notImplemented = live.server.endpoints.filter {
            LiveServer.contract.operation($0.method.rawValue, $0.path)?["responses"]?["501"] != nil
        }
        #expect(notImplemented.map(\.path) == [])
        // A malformed Authorization header is refused like no key.
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(live.port)/v1/audit")!)
        request.setValue("Bearer hcs_zz", forHTTPHeaderField: "Authorization")
        #expect((try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode == 401)
        // Refusals of audited endpoints are in the audit log, with the client when known.
        let entries = try await live.server.store.auditEntries(since: 0, limit: 1000)
        let audited = protected.filter { $0.audit != .none }
        for endpoint in audited {
            #expect(entries.contains { $0.route == endpoint.path && $0.client == "-" && $0.status == 401 })
            #expect(entries.contains { $0.route == endpoint.path && $0.outcome == "refused" && $0.client.hasPrefix("only-") })
        }
        await live.stop()
    }

    @Test("public endpoints answer without a key: health, readiness, metrics, the document", arguments: Backend.all)
    func publicEndpoints(_ backend: Backend) async throws {
        let live = try await LiveServer.start(backend: backend)
        #expect(try await live.call("GET", "/healthz").json["status"] == .string("ok"))
        #expect(try await live.call("GET", "/readyz").json["status"] == .string("ready"))
        let metrics = try await live.call("GET", "/metrics")
        #expect(metrics.status == 200)
        // The request counter of the probes just made, in Prometheus text format.
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("hb_requests"))
        let document = try await live.call("GET", "/openapi.json")
        #expect(document.json["openapi"] == .string("3.1.0"))
        await live.stop()
    }
}
