import Foundation
import HealthCardFoundation
import PersonalHealthCode
import Testing
@testable import HealthCardServer

/// Passages uploaded by gate stations that decide locally (Docs/station.md, "Offline operation and
/// upload"): recorded once per (checkpoint, station id) whichever node receives them, the whole
/// batch checked first. On PostgreSQL the batch is sent to one node and resent to the other.
@Suite("station passage uploads over HTTP")
struct PassageUploadEndpointTests {
    /// A passage as a station's `PassageSync` sends it (`PassRecordReport` with full ids).
    static func passage(_ id: Int, decision: String = "pass", person: String? = "11010519491231002X") -> [String: Any] {
        var object: [String: Any] = [
            "id": id, "time": "2026-03-02T08:1\(id % 10):00+08:00", "checkpoint": "G1",
            "checkpointName": "East gate", "area": "A", "department": "ER", "direction": "in",
            "credential": "healthCode", "decision": decision,
            "reasons": decision == "pass" ? [String]() : ["colour"], "detail": decision == "pass" ? "" : "red code",
        ]
        if let person { object["person"] = person }
        if decision == "pass" { object["temperature"] = 36.5 }
        return object
    }

    static func batch(_ passages: [[String: Any]], checkpoint: String = "G1") throws -> Data {
        try JSONSerialization.data(withJSONObject: ["checkpoint": checkpoint, "passages": passages])
    }

    static func outcome(_ received: Int, _ recorded: Int, _ duplicates: Int) -> JSONValue {
        .object([
            "received": .number(Double(received)), "recorded": .number(Double(recorded)),
            "duplicates": .number(Double(duplicates)),
        ])
    }

    @Test("a batch is recorded once: resent to the same or the other node it counts duplicates; bad batches are refused whole", arguments: Backend.all)
    func uploadOnce(_ backend: Backend) async throws {
        let live = try await LiveServer.start(backend: backend)
        let other = backend == .sqlite ? live : try await LiveServer.start(backend: backend, url: live.server.configuration.postgres)
        let station = try await live.key("station-g1", [.verifier])
        let auditor = try await live.key("auditor", [.auditor])
        func upload(_ node: LiveServer, _ body: Data, checkpoint: String = "G1") async throws -> LiveServer.Reply {
            try await node.call(
                "POST", "/v1/checkpoints/{checkpoint}/passages", parameters: ["checkpoint": checkpoint], key: station, body: body)
        }

        let first = try await upload(live, try Self.batch([Self.passage(1), Self.passage(2, decision: "deny"), Self.passage(3, person: nil)]))
        #expect(first.status == 200, "\(first.json)")
        #expect(first.json == Self.outcome(3, 3, 0))
        // The station lost the answer and resends, with one more passage, through the other node.
        let again = try await upload(other, try Self.batch([Self.passage(1), Self.passage(2, decision: "deny"), Self.passage(3, person: nil), Self.passage(4)]))
        #expect(again.json == Self.outcome(4, 1, 3), "\(again.json)")

        let logged = try await other.call("GET", "/v1/checkpoints/passes", query: ["checkpoint": "G1"], key: auditor)
        let rows = try #require(logged.json.arrayValue)
        #expect(rows.count == 4)
        #expect(rows.map { $0["decision"]?.stringValue } == ["pass", "deny", "pass", "pass"])
        #expect(rows.first?["checkpointName"] == .string("East gate") && rows.first?["temperature"] == .number(36.5))
        #expect(rows[1]["reasons"] == .array([.string("colour")]))

        // Refused whole, naming what is wrong; nothing recorded.
        let masked = try await upload(live, try Self.batch([Self.passage(5), Self.passage(6, person: "110105********002X")]))
        #expect(masked.status == 400)
        #expect(masked.json["message"]?.stringValue?.contains("passages[1] (id 6)") == true, "\(masked.json)")
        let backwards = try await upload(live, try Self.batch([Self.passage(8), Self.passage(7)]))
        #expect(backwards.json["message"]?.stringValue?.contains("ids must increase") == true, "\(backwards.json)")
        let elsewhere = try await upload(live, try Self.batch([Self.passage(9)]), checkpoint: "G2")
        #expect(elsewhere.status == 400 && elsewhere.json["message"]?.stringValue?.contains("\"G2\"") == true)
        var unknown = Self.passage(10)
        unknown["cardIDs"] = "x"
        let typo = try await upload(live, try Self.batch([unknown]))
        #expect(typo.status == 400 && typo.json["message"]?.stringValue?.contains("cardIDs") == true, "\(typo.json)")
        let empty = try await upload(live, try Self.batch([]))
        #expect(empty.status == 400)
        #expect(try await live.server.checkpoints.passLog.count() == 4)

        // Only a gate's role may upload.
        let refused = try await live.call(
            "POST", "/v1/checkpoints/{checkpoint}/passages", parameters: ["checkpoint": "G1"], key: auditor,
            body: try Self.batch([Self.passage(11)]))
        #expect(refused.status == 403)
        await live.stop()
        if other !== live { await other.stop() }
    }
}
