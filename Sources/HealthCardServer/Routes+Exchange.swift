import EMPIIndex
import Foundation
import Hummingbird

/// Platform exchange files (Docs/accounts.md, `PlatformFile`): another platform downloads this
/// one's blacklist or whitelist and uploads its own, all or nothing. Only the two lists: the
/// card, resident and operation files carry personal data in bulk and are not offered here.
extension HealthCardServer {
    static let exchangeKinds: Set<PlatformFile.Kind> = [.blacklist, .whitelist]

    var exchangeEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/exchange/{kind}", roles: [.exchange], audit: .lookup) { request, context, _ in
                let kind = try Self.exchangeKind(try RequestDecoding.path(context, "kind"))
                let source = RequestDecoding.string(request, "source") ?? "hcard-serve"
                let file = try await self.accounts.exportList(kind, source: source, now: nil)
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: file.text)))
            },
            Endpoint(.post, "/v1/exchange/{kind}", roles: [.exchange], audit: .write) { request, context, client in
                let kind = try Self.exchangeKind(try RequestDecoding.path(context, "kind"))
                let buffer = try await request.body.collect(upTo: 16 << 20)
                let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
                do {
                    let file = try PlatformFile(parsing: text, expected: kind, file: "upload")
                    return JSONResponse.make(try await self.accounts.importList(file, name: "upload", actor: Self.actor(client)))
                } catch let rejected as PlatformFile.Rejected {
                    throw APIProblem(status: 400, error: "rejected", message: rejected.description)
                }
            },
        ]
    }

    static func exchangeKind(_ text: String) throws -> PlatformFile.Kind {
        guard let kind = PlatformFile.Kind(rawValue: text), exchangeKinds.contains(kind) else {
            throw APIProblem(status: 404, error: "unknownList", message: "no exchange list \"\(text)\" (blacklist, whitelist)")
        }
        return kind
    }
}
