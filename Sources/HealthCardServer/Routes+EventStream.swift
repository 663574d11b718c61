import EMPIIndex
import Foundation
import HealthCardFoundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// Push of the EMPI change events (empi.md §2.2 notifications, the ITI-10 role) as server-sent
/// events: `GET /v1/empi/events/stream?since=&wait=`.
///
/// Each event of the index's append-only table after the cursor is sent as
/// `id: <sequence>` / `event: <kind>` / `data: <IndexEvent JSON>`, as soon as it is committed (the
/// table is polled every ``pollInterval``). The stream stays open `wait` seconds (default 25, at
/// most 300), with a comment line every ``keepAlive`` so proxies keep it, then ends; a client
/// reconnects with `Last-Event-ID` (browsers' `EventSource` does so by itself) and misses nothing,
/// since the cursor is the sequence. It also ends when the server shuts down, so a SIGTERM is not
/// held up by subscribers.
///
/// The same on both backends: polling the table sees what any process committed, and on
/// PostgreSQL event numbers are given in commit order (``PostgresSchema``, migration 8), so a
/// cursor never passes an event that commits later.
extension HealthCardServer {
    static let pollInterval: Duration = .milliseconds(250)
    static let keepAlive: Duration = .seconds(15)

    var eventStreamEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/empi/events/stream", roles: [.registrar, .steward, .auditor], audit: .lookup) {
                request, _, _ in
                var since = Int64(try RequestDecoding.integer(request, "since", default: 0, in: 0...Int.max))
                if let name = HTTPField.Name("Last-Event-ID"), let text = request.headers[name] {
                    guard let last = Int64(text), last >= 0 else {
                        throw APIProblem.badRequest("Last-Event-ID \"\(text)\" is not an event sequence number")
                    }
                    since = last
                }
                let wait = try RequestDecoding.integer(request, "wait", default: 25, in: 0...300)
                // The first batch is read before answering, so a broken index is an error status,
                // not a stream that ends at once.
                let first = try await self.empi.events(since: since, limit: 100)
                let index = self.empi
                let cursor = since
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/event-stream", .cacheControl: "no-store",
                        HTTPField.Name("X-Accel-Buffering")!: "no",
                    ],
                    body: ResponseBody { writer in
                        try await Self.stream(index, first: first, since: cursor, wait: .seconds(wait), to: &writer)
                    })
            }
        ]
    }

    static func stream(
        _ index: any EMPIStore, first: [IndexEvent], since: Int64, wait: Duration, to writer: inout any ResponseBodyWriter
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        var cursor = since
        var batch = first
        var lastWrite = clock.now
        try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
        while true {
            if !batch.isEmpty {
                var text = ""
                for event in batch { text += try Self.serverSentEvent(event) }
                try await writer.write(ByteBuffer(string: text))
                cursor = batch.last?.sequence ?? cursor
                lastWrite = clock.now
                // A full batch: more may be waiting, read again at once.
                if batch.count == 100 {
                    batch = try await index.events(since: cursor, limit: 100)
                    continue
                }
            }
            if clock.now >= deadline || Task.isCancelled || Task.isShuttingDownGracefully { break }
            if clock.now - lastWrite >= keepAlive {
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                lastWrite = clock.now
            }
            try await Task.sleep(for: min(pollInterval, deadline - clock.now))
            batch = try await index.events(since: cursor, limit: 100)
        }
        try await writer.finish(nil)
    }

    /// One event in the `text/event-stream` format (one `data:` line: the JSON has no newline).
    static func serverSentEvent(_ event: IndexEvent) throws -> String {
        let json = String(decoding: try JSONResponse.encoder.encode(event), as: UTF8.self)
        return "id: \(event.sequence)\nevent: \(event.kind.rawValue)\ndata: \(json)\n\n"
    }
}
