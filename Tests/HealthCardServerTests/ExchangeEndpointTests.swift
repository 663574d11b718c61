import EMPIIndex
import Foundation
import HealthCardFoundation
import Testing
@testable import HealthCardServer

/// Blacklist exchange between platforms: download is the `PlatformFile` the CLI exports; upload
/// is all or nothing, with every bad line named.
@Suite("platform exchange over HTTP")
struct ExchangeEndpointTests {
    @Test("download the blacklist, upload another platform's, refuse a corrupted file whole", arguments: Backend.all)
    func blacklistExchange(_ backend: Backend) async throws {
        let live = try await LiveServer.start(backend: backend)
        let partner = try await live.key("city-310100", [.exchange])
        let gate = try await live.key("gate", [.verifier])
        _ = try await live.server.accounts.register(
            AccountService.Identity(name: "李明", citizenID: "110105198503120012"), channel: "app", physicalCard: "HC0009",
            actor: "test", now: nil)
        _ = try await live.server.accounts.reportLost("HC0009", actor: "test", now: nil)

        let download = try await live.call("GET", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], key: partner)
        #expect(download.status == 200)
        let text = String(decoding: download.body, as: UTF8.self)
        let parsed = try PlatformFile(parsing: text, expected: .blacklist)
        #expect(parsed.records.map(\.first) == ["HC0009"])
        #expect(try await live.call("GET", "/v1/exchange/{kind}", parameters: ["kind": "resident"], key: partner).status == 404)

        let theirs = PlatformFile(
            kind: .blacklist, source: "CITY-310100", created: Date(timeIntervalSince1970: 1_772_352_000),
            records: [["HC7777", "stolen", "2026-03-01T08:00:00Z"], ["HC7778", "forged", "2026-03-01T08:00:00Z"]])
        let corrupted = theirs.text.replacingOccurrences(of: "HC7778", with: "HC7779")
        let refused = try await live.call(
            "POST", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], key: partner, body: Data(corrupted.utf8))
        #expect(refused.status == 400)
        #expect(refused.json["error"] == .string("rejected"))
        let after = try await live.call("GET", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], key: partner)
        #expect(
            try PlatformFile(parsing: String(decoding: after.body, as: UTF8.self)).records.count == 1,
            "a rejected file applied something")

        let uploaded = try await live.call(
            "POST", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], key: partner, body: Data(theirs.text.utf8))
        #expect(uploaded.status == 200, "\(uploaded.json)")
        #expect(uploaded.json["applied"] == .number(2))
        let status = try await live.call("GET", "/v1/cards/{number}", parameters: ["number": "HC7777"], key: gate)
        #expect(status.json["blacklisted"] == .string("stolen"), "\(status.json)")
        let again = try await live.call(
            "POST", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], key: partner, body: Data(theirs.text.utf8))
        #expect(again.json["applied"] == .number(0), "an upload applied twice changed something: \(again.json)")
        await live.stop()
    }
}
