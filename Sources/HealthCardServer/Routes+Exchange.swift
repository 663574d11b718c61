import EMPIIndex
import Foundation
import HTTPTypes
import Hummingbird

/// Platform exchange files (Docs/accounts.md, `PlatformFile`): another platform downloads this
/// one's blacklist or whitelist and uploads its own, all or nothing. Only the two lists: the
/// card, resident and operation files carry personal data in bulk and are not offered here.
///
/// Downloads are incremental by version: every answer carries `List-Version`; a receiver that
/// sends it back as `?since=` gets only the changes after it (a `blacklist-changes` file of
/// numbered adds and removes). Uploads take the whole list or a change file. The same on SQLite
/// and on PostgreSQL, where any node answers for all (``PostgresAccountStore``'s list log).
extension HealthCardServer {
    static let exchangeKinds: Set<PlatformFile.Kind> = [.blacklist, .whitelist]
    static let listVersionHeader = HTTPField.Name("List-Version")!

    var exchangeEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/exchange/{kind}", roles: [.exchange], audit: .lookup) { request, context, _ in
                let kind = try Self.exchangeKind(try RequestDecoding.path(context, "kind"))
                let source = RequestDecoding.string(request, "source") ?? "hcard-serve"
                let since = try RequestDecoding.string(request, "since").map { _ in
                    Int64(try RequestDecoding.integer(request, "since", default: 0, in: 0...Int.max))
                }
                let download = try await self.accounts.downloadList(kind, since: since, source: source, now: nil)
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/plain; charset=utf-8", Self.listVersionHeader: String(download.version)],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: download.file.text)))
            },
            Endpoint(.post, "/v1/exchange/{kind}", roles: [.exchange], audit: .write) { request, context, client in
                let kind = try Self.exchangeKind(try RequestDecoding.path(context, "kind"))
                let buffer = try await request.body.collect(upTo: 16 << 20)
                let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
                do {
                    let file = try PlatformFile(parsing: text, importingInto: kind, file: "upload")
                    return JSONResponse.make(
                        try await self.accounts.importList(file, name: "upload", actor: Self.actor(client)))
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
