import Foundation
import HealthCardFoundation
import PostgresNIO
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

    @Test(
        "an open stream delivers the events before it and those committed while it is open (written on another node on PostgreSQL); Last-Event-ID resumes",
        arguments: Backend.all)
    func pushAndResume(_ backend: Backend) async throws {
        let nodes = try await LiveServer.twoNodes(backend)
        let (live, follower) = nodes
        let steward = try await live.key("steward", [.steward])
        let hospital = try await live.key("hospital", [.registrar])
        _ = try await live.call("POST", "/v1/empi/domains", key: steward, json: ["code": JSONValue.string("citizen-id"), "type": .string("citizen-id")])
        _ = try await live.call("POST", "/v1/empi/domains", key: steward, json: ["code": JSONValue.string("HOSP-A")])
        _ = try await live.call("POST", "/v1/empi/records", key: hospital, json: EMPIEndpointTests.record("A-1", domain: "HOSP-A", name: "李明"))

        // The stream is read as it arrives: the test waits for each event, not for a deadline.
        let open = EventStreamReader(follower, hospital, query: "since=0&wait=120")
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

        let resumed = try await Self.stream(follower, hospital, query: "wait=0", lastEventID: "1")
        #expect(Self.ids(resumed.body) == [2])
        #expect(try await Self.stream(follower, hospital, query: "wait=0", lastEventID: "x").status == 400)
        #expect(try await Self.stream(follower, hospital, query: "wait=301").status == 400)
        await LiveServer.stop(nodes)
    }

    @Test(
        "two nodes feeding at once: a stream on one of them delivers every committed event once, in order",
        arguments: Backend.postgresOnly)
    func concurrentWritersNoneSkipped(_: Backend) async throws {
        let nodes = try await LiveServer.twoNodes(.postgres)
        let (a, b) = nodes
        let steward = try await a.key("steward", [.steward])
        let hospital = try await a.key("hospital", [.registrar])
        for code in ["HOSP-A", "HOSP-B"] {
            _ = try await a.call("POST", "/v1/empi/domains", key: steward, json: ["code": JSONValue.string(code)])
        }
        let open = EventStreamReader(b, hospital, query: "since=0&wait=120")
        defer { open.cancel() }
        // 2 × 3 clients × 8 distinct people, all in flight together, on both nodes.
        let family = Array("李张刘陈杨黄赵周吴徐孙马")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (node, domain) in [(a, "HOSP-A"), (b, "HOSP-B")] {
                for client in 0..<3 {
                    group.addTask {
                        for n in 0..<8 {
                            let number = client * 8 + n
                            let record: [String: JSONValue] = [
                                "id": .string("\(domain)-\(number)"), "domain": .string(domain),
                                "fullName": .string(String([family[number % family.count]]) + (domain == "HOSP-A" ? "建国" : "秀英")),
                                "birthDate": .string("19\(40 + number)-0\(1 + number % 9)-1\(number % 10)"),
                                "sex": .string(domain == "HOSP-A" ? "1" : "2"),
                            ]
                            let reply = try await node.call("POST", "/v1/empi/records", key: hospital, json: record)
                            #expect(reply.status == 200, "\(reply.json)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let all = try await a.call("GET", "/v1/empi/events", query: ["limit": "1000"], key: hospital)
        let committed = (all.json["events"]?.arrayValue ?? []).compactMap { $0["sequence"]?.numberValue }.map { Int($0) }
        #expect(committed.count == 48)
        let streamed = Self.ids(await open.body(within: 60) { Self.ids($0).count >= committed.count })
        #expect(streamed == committed, "streamed \(streamed) vs committed \(committed)")
        #expect(streamed == streamed.sorted() && Set(streamed).count == streamed.count)
        await LiveServer.stop(nodes)
    }
}

/// Why a cursor never skips an event on PostgreSQL: an event row, inserted by any code path,
/// waits for the revision lock before it is numbered (migration 8), so while a transaction that
/// numbered an event is open, no other can number (let alone commit) a higher one.
@Suite("PostgreSQL event numbers in commit order")
struct PostgresEventOrderTests {
    @Test("an event inserted outside the EMPI write path holds back a node's feed until it commits", arguments: Backend.postgresOnly)
    func anyInsertTakesTheLock(_: Backend) async throws {
        let live = try await LiveServer.start(backend: .postgres)
        let steward = try await live.key("steward", [.steward])
        let hospital = try await live.key("hospital", [.registrar])
        _ = try await live.call("POST", "/v1/empi/domains", key: steward, json: ["code": JSONValue.string("HOSP-A")])
        let database = try SharedDatabase(url: try #require(live.server.configuration.postgres))
        let (inserted, insertedSignal) = AsyncStream<Int64>.makeStream()
        let (release, releaseSignal) = AsyncStream<Void>.makeStream()
        // A transaction numbers an event by hand (no revision lock taken first) and stays open.
        let slow = Task {
            try await database.transaction { connection in
                let number = try await connection.rows(
                    """
                    INSERT INTO empi_event (kind, payload, actor, time) VALUES ('update', '{}', 'test', '2026-12-07T00:00:00Z')
                    RETURNING sequence
                    """, logger: database.logger
                ).first!.decode(Int64.self)
                insertedSignal.yield(number)
                for await _ in release { break }
            }
        }
        var waitInserted = inserted.makeAsyncIterator()
        let first = try #require(await waitInserted.next())
        // A feed on the node now: it must wait for the open transaction, so no reader can see
        // its event (a higher number) while the lower one is uncommitted.
        let feed = Task {
            try await live.call("POST", "/v1/empi/records", key: hospital, json: EMPIEndpointTests.record("A-1", domain: "HOSP-A", name: "李明"))
        }
        try await Task.sleep(for: .milliseconds(700))
        let during = try await live.call("GET", "/v1/empi/events", key: hospital)
        #expect(during.json["events"]?.arrayValue?.isEmpty == true, "\(during.json)")
        releaseSignal.yield()
        try await slow.value
        #expect(try await feed.value.status == 200)
        let after = try await live.call("GET", "/v1/empi/events", key: hospital)
        let numbers = (after.json["events"]?.arrayValue ?? []).compactMap { $0["sequence"]?.numberValue }.map { Int64($0) }
        #expect(numbers == [first, first + 1], "\(numbers)")
        await database.shutdown()
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
