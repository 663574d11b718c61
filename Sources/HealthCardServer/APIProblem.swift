import Foundation
import GRDB
import HealthCardFoundation
import Hummingbird

/// An error answer: an HTTP status and a JSON body `{"error": code, "message": text}`.
///
/// Library errors map by their code: an unknown record, person, review or identifier is 404; an
/// operation that does not apply now (merging a person into itself) or an identifier held by two
/// persons is 409; every other `HealthCardError` is the request's fault, 400. A database that is
/// busy past its wait or unreachable is 503 with `Retry-After`. Errors of no known kind are 500 with a fixed message (their text goes to the log, not to the client).
public struct APIProblem: Error, Sendable, Hashable, Codable {
    public var status: Int
    public var error: String
    public var message: String

    public init(status: Int, error: String, message: String) {
        self.status = status
        self.error = error
        self.message = message
    }

    enum CodingKeys: String, CodingKey { case error, message }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = 0
        error = try container.decode(String.self, forKey: .error)
        message = try container.decode(String.self, forKey: .message)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(error, forKey: .error)
        try container.encode(message, forKey: .message)
    }

    static let unauthenticated = APIProblem(
        status: 401, error: "unauthenticated", message: "send an API key: Authorization: Bearer hcs_…")
    static func forbidden(_ roles: Set<Role>) -> APIProblem {
        APIProblem(
            status: 403, error: "forbidden",
            message: "this endpoint needs one of the roles: \(roles.sorted().map(\.rawValue).joined(separator: ", "))")
    }
    static func badRequest(_ message: String) -> APIProblem {
        APIProblem(status: 400, error: "badRequest", message: message)
    }

    /// The answer for any error a handler threw.
    static func from(_ error: any Error) -> APIProblem {
        switch error {
        case let problem as APIProblem: return problem
        case let error as HealthCardError:
            let status: Int =
                switch error.code {
                case .unknownRecord, .unknownPerson, .unknownReview, .unknownIdentifier: 404
                case .invalidOperation, .ambiguousIdentifier: 409
                default: 400
                }
            return APIProblem(status: status, error: error.code.description, message: error.reason)
        case let error as ServerError:
            switch error {
            case .databaseUnavailable: return APIProblem(status: 503, error: "databaseUnavailable", message: error.description)
            default: break
            }
            return APIProblem(status: 400, error: "invalidValue", message: error.description)
        case let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED:
            // Another writer (a long `hcard empi ingest`, another process on the file) held the
            // SQLite write lock past the busy timeout; the transaction was rolled back.
            return APIProblem(
                status: 503, error: "databaseBusy",
                message: "the database is busy: another writer held it past the 5 s wait; nothing was written, try again")
        case let error as DecodingError:
            return .badRequest("the request body does not parse: \(Self.describe(error))")
        case let error as HTTPError:
            return APIProblem(
                status: Int(error.status.code), error: "http\(error.status.code)",
                message: error.body ?? error.status.reasonPhrase)
        default:
            return APIProblem(status: 500, error: "internal", message: "internal error (see the server log)")
        }
    }

    /// A decoding error as a sentence naming the field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the body" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): missing \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// The answer; a 503 (the database busy or unreachable) says when to try again (`Retry-After`).
    var response: Response {
        var response = JSONResponse.make(self, status: HTTPResponse.Status(code: status))
        if status == 503 { response.headers[.retryAfter] = "1" }
        return response
    }
}

/// JSON bodies, with sorted keys so answers are byte-stable.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Dates the library reports as `Date` (a card's last update) read as ISO 8601, not as
        // seconds since 2001.
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"internal","message":"unencodable answer"}"#.utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An answer whose JSON was written directly (`JSONWriter`: a verdict, a feed's result), in
    /// the form `make` encodes.
    static func make(written json: JSONWriter, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }
}
