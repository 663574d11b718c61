import Foundation
import HealthCardFoundation
import Testing
@testable import HealthCardServer

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Server-sent events of the EMPI change table: what was there, what is committed while the
/// stream is open, and the resumption by Last-Event-ID.
@Suite("EMPI events pushed as server-sent events")
struct EventStreamTests {
    /// One stream request, read to its end; checked against the contract.
    static func stream(_ live: LiveServer, _ key: APIKey, query: String, lastEventID: String? = nil) async throws
        -> (status: Int, body: String)
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(live.port)/v1/empi/events/stream?\(query)")!)
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        if let lastEventID { request.setValue(lastEventID, forHTTPHeaderField: "Last-Event-ID") }
        let (data, response) = try await LiveServer.session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        try LiveServer.contract.check(
            method: "GET", path: "/v1/empi/events/stream", status: http.statusCode,
            contentType: http.value(forHTTPHeaderField: "Content-Type"), body: data)
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }

    /// The `id:` lines of a stream body.
    static func ids(_ body: String) -> [Int] {
        body.split(separator: "\n").compactMap { $0.hasPrefix("id: ") ? Int($0.dropFirst(4)) : nil }
    }

    @Test("an open stream delivers the events before it and those committed while it is open; Last-Event-ID resumes")
    func pushAndResume() async throws {
        let live = try await LiveServer.start()
        let steward = try await live.key("steward", [.steward])
        let hospital = try await live.key("hospital", [.registrar])
        _ = try await live.call("POST", "/v1/empi/domains", key: steward, json: ["code": JSONValue.string("citizen-id"), "type": .string("citizen-id")])
        _ = try await live.call("POST", "/v1/empi/domains", key: steward, json: ["code": JSONValue.string("HOSP-A")])
        _ = try await live.call("POST", "/v1/empi/records", key: hospital, json: EMPIEndpointTests.record("A-1", domain: "HOSP-A", name: "李明"))

        // The stream is read as it arrives: the test waits for each event, not for a deadline.
        let open = EventStreamReader(live, hospital, query: "since=0&wait=120")
        defer { open.cancel() }
        let before = await open.body(within: 30) { Self.ids($0) == [1] }
        #expect(open.status == 200 && open.contentType == "text/event-stream", "\(open.status ?? 0) \(open.contentType ?? "")")
        #expect(Self.ids(before) == [1], "\(before)")
        _ = try await live.call(
            "POST", "/v1/empi/records", key: hospital,
            json: EMPIEndpointTests.record("A-2", domain: "HOSP-A", name: "王芳", citizenID: "31011519900701002X"))
        let streamed = await open.body(within: 30) { Self.ids($0).count >= 2 }
        #expect(Self.ids(streamed) == [1, 2], "\(streamed)")
        #expect(streamed.contains("event: register\ndata: {"))
        #expect(streamed.contains("\"record\":{\"domain\":\"HOSP-A\",\"id\":\"A-2\"}"), "\(streamed)")
        open.cancel()

        let resumed = try await Self.stream(live, hospital, query: "wait=0", lastEventID: "1")
        #expect(Self.ids(resumed.body) == [2])
        #expect(try await Self.stream(live, hospital, query: "wait=0", lastEventID: "x").status == 400)
        #expect(try await Self.stream(live, hospital, query: "wait=301").status == 400)
        await live.stop()
    }
}

/// A server-sent event stream read while it is open: the body so far, the status and content type.
///
/// URLSession's `data(for:)` returns only when the stream ends; this delegate keeps each chunk as
/// it comes, so a test can wait for the events it expects and then hang up.
final class EventStreamReader: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var received = Data()
    private var finished = false
    private var response: HTTPURLResponse?
    private var session: URLSession?

    init(_ live: LiveServer, _ key: APIKey, query: String) {
        super.init()
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(live.port)/v1/empi/events/stream?\(query)")!)
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        let session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
        self.session = session
        session.dataTask(with: request).resume()
    }

    var status: Int? { lock.withLock { response?.statusCode } }
    var contentType: String? { lock.withLock { response?.value(forHTTPHeaderField: "Content-Type") } }

    /// The body once `done` holds for it, or when the stream ends or `seconds` pass.
    func body(within seconds: Double, until done: (String) -> Bool) async -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let (text, ended) = lock.withLock { (String(decoding: received, as: UTF8.self), finished) }
            if done(text) || ended || Date() >= deadline { return text }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    func cancel() {
        session?.invalidateAndCancel()
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        lock.withLock { self.response = response as? HTTPURLResponse }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.withLock { received.append(data) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.withLock { finished = true }
    }
}
