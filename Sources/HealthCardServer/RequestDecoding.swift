import Foundation
import Hummingbird

/// Reading requests exactly: a JSON body of one type, query parameters that must parse.
enum RequestDecoding {
    /// Bodies are small (a record, a code): 1 MiB is generous.
    static let bodyLimit = 1 << 20

    static func body<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        try JSONDecoder().decode(T.self, from: try await bytes(request))
    }

    /// The body's bytes, for a type that checks its JSON itself; at most `limit`.
    static func bytes(_ request: Request, limit: Int = bodyLimit) async throws -> Data {
        let buffer = try await request.body.collect(upTo: limit)
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        guard !bytes.isEmpty else { throw APIProblem.badRequest("the request needs a JSON body") }
        return Data(bytes)
    }

    static func string(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.get(name)
    }

    static func required(_ request: Request, _ name: String) throws -> String {
        guard let value = string(request, name), !value.isEmpty else {
            throw APIProblem.badRequest("missing query parameter \"\(name)\"")
        }
        return value
    }

    /// An integer parameter in `range`, or `default` when absent.
    static func integer(_ request: Request, _ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = string(request, name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIProblem.badRequest("query parameter \"\(name)\" must be a whole number in \(range)")
        }
        return number
    }

    static func path(_ context: BasicRequestContext, _ name: String) throws -> String {
        guard let value = context.parameters.get(name) else { throw APIProblem.badRequest("missing path parameter \(name)") }
        return value
    }
}
