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

        let open = Task { try await Self.stream(live, hospital, query: "since=0&wait=2") }
        try await Task.sleep(for: .milliseconds(700))
        _ = try await live.call(
            "POST", "/v1/empi/records", key: hospital,
            json: EMPIEndpointTests.record("A-2", domain: "HOSP-A", name: "王芳", citizenID: "31011519900701002X"))
        let streamed = try await open.value
        #expect(streamed.status == 200)
        #expect(Self.ids(streamed.body) == [1, 2], "\(streamed.body)")
        #expect(streamed.body.contains("event: register\ndata: {"))
        #expect(streamed.body.contains("\"recordId\"") || streamed.body.contains("\"record\":{\"domain\":\"HOSP-A\",\"id\":\"A-2\"}"))

        let resumed = try await Self.stream(live, hospital, query: "wait=0", lastEventID: "1")
        #expect(Self.ids(resumed.body) == [2])
        #expect(try await Self.stream(live, hospital, query: "wait=0", lastEventID: "x").status == 400)
        #expect(try await Self.stream(live, hospital, query: "wait=301").status == 400)
        await live.stop()
    }
}
