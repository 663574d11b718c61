import EMPIIndex
import Foundation
import HealthCardFoundation
import Testing
@testable import HealthCardServer

/// Blacklist exchange between platforms: download is the `PlatformFile` the CLI exports; upload
/// is all or nothing, with every bad line named.
@Suite("platform exchange over HTTP")
struct ExchangeEndpointTests {
    @Test("download the blacklist, upload another platform's, refuse a corrupted file whole")
    func blacklistExchange() async throws {
        let live = try await LiveServer.start()
        let partner = try await live.key("city-310100", [.exchange])
        let gate = try await live.key("gate", [.verifier])
        try live.server.sqliteAccounts.addToBlacklist("HC0009", reason: "reported stolen")

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
        #expect(try live.server.sqliteAccounts.blacklistEntries().count == 1, "a rejected file applied something")

        let uploaded = try await live.call(
            "POST", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], key: partner, body: Data(theirs.text.utf8))
        #expect(uploaded.status == 200, "\(uploaded.json)")
        #expect(uploaded.json["applied"] == .number(2))
        let status = try await live.call("GET", "/v1/cards/{number}", parameters: ["number": "HC7777"], key: gate)
        #expect(status.json["blacklisted"] == .string("stolen"), "\(status.json)")
        await live.stop()
    }

    @Test("incremental download: List-Version on every answer; since it, only the changes; a change file uploads")
    func incrementalDownload() async throws {
        let live = try await LiveServer.start()
        let partner = try await live.key("city-310100", [.exchange])
        try live.server.sqliteAccounts.addToBlacklist("HC0001", reason: "reported stolen")
        let whole = try await live.call("GET", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], key: partner)
        #expect(whole.status == 200)
        let version = try #require(whole.header("List-Version").flatMap(Int64.init))
        #expect(try PlatformFile(parsing: String(decoding: whole.body, as: UTF8.self), expected: .blacklist).records.count == 1)

        try live.server.sqliteAccounts.addToBlacklist("HC0002", reason: "forged")
        try live.server.sqliteAccounts.removeFromBlacklist("HC0001", reason: "found")
        let changes = try await live.call(
            "GET", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], query: ["since": String(version)], key: partner)
        #expect(changes.status == 200)
        let file = try PlatformFile(parsing: String(decoding: changes.body, as: UTF8.self), expected: .blacklistChanges)
        #expect(file.records.map { [$0[1], $0[2]] } == [["add", "HC0002"], ["remove", "HC0001"]])
        let next = try #require(changes.header("List-Version").flatMap(Int64.init))
        // Versions count the changes of both lists: the found card's whitelist entry is the last.
        #expect(file.records.last.flatMap { Int64($0[0]) } == next - 1)
        let none = try await live.call(
            "GET", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], query: ["since": String(next)], key: partner)
        #expect(try PlatformFile(parsing: String(decoding: none.body, as: UTF8.self)).records.isEmpty)
        #expect(none.header("List-Version") == String(next))

        // A version this platform never gave, or not a number: the whole list must be fetched again.
        let ahead = try await live.call(
            "GET", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], query: ["since": String(next + 5)], key: partner)
        #expect(ahead.status == 409 && ahead.json["error"] == .string("invalidOperation"), "\(ahead.json)")
        let garbage = try await live.call(
            "GET", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], query: ["since": "-1"], key: partner)
        #expect(garbage.status == 400)

        // Another platform's change file: its adds and removes are applied in order.
        let theirs = PlatformFile(
            kind: .blacklistChanges, source: "CITY-310100", created: Date(),
            records: [["7", "add", "HC7777", "stolen", "2026-03-01T08:00:00Z"], ["9", "remove", "HC0002", "forged", "2026-03-01T08:00:00Z"]])
        let uploaded = try await live.call(
            "POST", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], key: partner, body: Data(theirs.text.utf8))
        #expect(uploaded.status == 200, "\(uploaded.json)")
        #expect(uploaded.json["applied"] == .number(2))
        #expect(try live.server.sqliteAccounts.blacklistEntries().map(\.number) == ["HC7777"])
        let wrongList = try await live.call(
            "POST", "/v1/exchange/{kind}", parameters: ["kind": "whitelist"], key: partner, body: Data(theirs.text.utf8))
        #expect(wrongList.status == 400 && wrongList.json["error"] == .string("rejected"))
        await live.stop()
    }
}
