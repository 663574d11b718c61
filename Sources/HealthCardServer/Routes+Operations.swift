import EMPIIndex
import Foundation
import Hummingbird

/// The public probes: liveness, readiness, metrics and the API contract.
extension HealthCardServer {
    var operationsEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/healthz", roles: []) { _, _, _ in
                JSONResponse.make(["status": "ok"])
            },
            Endpoint(.get, "/readyz", roles: []) { _, _, _ in
                // Ready when both stores answer a query; a locked or vanished file, or an
                // unreachable PostgreSQL, is 503.
                let stateReady = await self.store.isReady()
                let indexReady = (try? await self.empi.domains()) != nil
                let ready = stateReady && indexReady
                return JSONResponse.make(
                    ["status": ready ? "ready" : "unavailable"], status: ready ? .ok : .serviceUnavailable)
            },
            Endpoint(.get, "/metrics", roles: []) { _, _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: ServerMetrics.exposition())))
            },
            Endpoint(.get, "/openapi.json", roles: []) { _, _, _ in
                Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: try OpenAPIDocument.bytes())))
            },
        ]
    }
}

/// The OpenAPI 3.1 document shipped with the target (`Resources/openapi.json`): the contract.
public enum OpenAPIDocument {
    public static func bytes() throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw APIProblem(status: 500, error: "internal", message: "openapi.json is missing from the bundle")
        }
        return [UInt8](try Data(contentsOf: url))
    }
}
