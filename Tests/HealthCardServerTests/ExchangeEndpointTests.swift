import EMPIIndex
import Foundation
import PostgresNIO
import Synchronization
import HealthCardFoundation
import Testing
@testable import HealthCardServer

/// Blacklist exchange between platforms: download is the `PlatformFile` the CLI exports; upload
/// is all or nothing, with every bad line named. On PostgreSQL every test writes on one node and
/// reads on the other (two servers, two connection pools, one database).
@Suite("platform exchange over HTTP")
struct ExchangeEndpointTests {
    /// A server on `backend` and, on PostgreSQL, a second node of its database (else itself).
    static func nodes(_ backend: Backend) async throws -> (LiveServer, LiveServer) {
        let live = try await LiveServer.start(backend: backend)
        guard backend == .postgres else { return (live, live) }
        return (live, try await LiveServer.start(backend: .postgres, url: live.server.configuration.postgres))
    }

    static func stop(_ nodes: (LiveServer, LiveServer)) async {
        await nodes.0.stop()
        if nodes.1 !== nodes.0 { await nodes.1.stop() }
    }

    /// The numbers on `list` as a download gives them.
    static func numbers(_ live: LiveServer, _ list: String, key: APIKey) async throws -> [String] {
        let reply = try await live.call("GET", "/v1/exchange/{kind}", parameters: ["kind": list], key: key)
        return try PlatformFile(parsing: String(decoding: reply.body, as: UTF8.self), expected: PlatformFile.Kind(rawValue: list))
            .records.map { $0[0] }
    }

    @Test("download the blacklist, upload another platform's, refuse a corrupted file whole", arguments: Backend.all)
    func blacklistExchange(_ backend: Backend) async throws {
        let (live, other) = try await Self.nodes(backend)
        let partner = try await live.key("city-310100", [.exchange])
        let gate = try await live.key("gate", [.verifier])
        try await live.server.accounts.addToBlacklist("HC0009", reason: "reported stolen", actor: "test", now: nil)

        let download = try await other.call("GET", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], key: partner)
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
        #expect(try await Self.numbers(live, "blacklist", key: partner) == ["HC0009"], "a rejected file applied something")

        let uploaded = try await other.call(
            "POST", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], key: partner, body: Data(theirs.text.utf8))
        #expect(uploaded.status == 200, "\(uploaded.json)")
        #expect(uploaded.json["applied"] == .number(2))
        let status = try await live.call("GET", "/v1/cards/{number}", parameters: ["number": "HC7777"], key: gate)
        #expect(status.json["blacklisted"] == .string("stolen"), "\(status.json)")
        await Self.stop((live, other))
    }

    @Test("incremental download: List-Version on every answer; since it, only the changes; a change file uploads", arguments: Backend.all)
    func incrementalDownload(_ backend: Backend) async throws {
        let (live, other) = try await Self.nodes(backend)
        let partner = try await live.key("city-310100", [.exchange])
        try await live.server.accounts.addToBlacklist("HC0001", reason: "reported stolen", actor: "test", now: nil)
        let whole = try await live.call("GET", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], key: partner)
        #expect(whole.status == 200)
        let version = try #require(whole.header("List-Version").flatMap(Int64.init))
        #expect(try PlatformFile(parsing: String(decoding: whole.body, as: UTF8.self), expected: .blacklist).records.count == 1)

        try await live.server.accounts.addToBlacklist("HC0002", reason: "forged", actor: "test", now: nil)
        try await other.server.accounts.removeFromBlacklist("HC0001", reason: "found", actor: "test", now: nil)
        let changes = try await other.call(
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
        #expect(try await Self.numbers(other, "blacklist", key: partner) == ["HC7777"])
        let wrongList = try await live.call(
            "POST", "/v1/exchange/{kind}", parameters: ["kind": "whitelist"], key: partner, body: Data(theirs.text.utf8))
        #expect(wrongList.status == 400 && wrongList.json["error"] == .string("rejected"))
        await Self.stop((live, other))
    }

    /// A receiver's copy of one list, kept by applying change files in order.
    struct Mirror {
        var entries: [String: [String]] = [:]
        var version: Int64 = 0

        /// Applies a change file in order and appends its versions to `seen`.
        mutating func apply(_ file: PlatformFile, versions seen: inout [Int64]) {
            for record in file.records {
                if record[1] == "remove" { entries[record[2]] = nil } else { entries[record[2]] = [record[2], record[3], record[4]] }
                seen.append(Int64(record[0]) ?? -1)
            }
        }
    }

    @Test(
        "a list change held uncommitted on one node keeps a later change on the other node out of every download until it commits",
        arguments: Backend.postgresOnly)
    func versionsInCommitOrder(_ backend: Backend) async throws {
        let (live, other) = try await Self.nodes(backend)
        let partner = try await live.key("city-310100", [.exchange])
        // A writer outside the server (a psql session) puts HC0100 on the blacklist and keeps its
        // transaction open.
        let session = try SharedDatabase(url: try #require(live.server.configuration.postgres))
        let (inserted, insertedSignal) = AsyncStream<Void>.makeStream()
        let (release, releaseSignal) = AsyncStream<Void>.makeStream()
        let held = Task {
            try await session.transaction { connection in
                try await connection.query(
                    "INSERT INTO account_blacklist (number, reason, added) VALUES ('HC0100', 'stolen', '2026-12-07T00:00:00Z')",
                    logger: session.logger)
                insertedSignal.yield()
                for await _ in release { break }
            }
        }
        var waiting = inserted.makeAsyncIterator()
        _ = await waiting.next()
        // The other node blacklists HC0200 meanwhile: it must wait, since a version after the held
        // one would let a receiver skip it.
        let later = Task { try await other.server.accounts.addToBlacklist("HC0200", reason: "forged", actor: "test", now: nil) }
        try await Task.sleep(for: .milliseconds(500))
        for node in [live, other] {
            let before = try await node.call(
                "GET", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], query: ["since": "0"], key: partner)
            #expect(before.header("List-Version") == "0", "a later change committed before an earlier one")
            #expect(try PlatformFile(parsing: String(decoding: before.body, as: UTF8.self)).records.isEmpty)
        }
        releaseSignal.yield()
        try await held.value
        try await later.value
        let after = try await other.call(
            "GET", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], query: ["since": "0"], key: partner)
        let records = try PlatformFile(parsing: String(decoding: after.body, as: UTF8.self)).records
        #expect(records.map { [$0[0], $0[1], $0[2]] } == [["1", "add", "HC0100"], ["2", "add", "HC0200"]])
        #expect(after.header("List-Version") == "2")
        await session.shutdown()
        await Self.stop((live, other))
    }

    @Test(
        "lost, found, blacklist add and uploads on two nodes at once; a receiver following either node misses no change",
        arguments: Backend.postgresOnly)
    func concurrentWritersTwoNodes(_ backend: Backend) async throws {
        let (live, other) = try await Self.nodes(backend)
        let nodes = [live, other]
        let partner = try await live.key("city-310100", [.exchange])
        let registrar = try await live.key("window", [.registrar])
        for (offset, citizenID) in ["110105198503120012", "31011519900701002X"].enumerated() {
            let registered = try await nodes[offset].call(
                "POST", "/v1/accounts", key: registrar,
                json: [
                    "name": JSONValue.string("持卡人\(offset)"), "citizenID": .string(citizenID), "channel": .string("app"),
                    "physicalCard": .string("HCP\(offset)"),
                ])
            #expect(registered.status == 200, "\(registered.json)")
        }
        let stop = Atomic(false)
        // The receiver downloads the changes after its version from the two nodes in turn, while
        // the writers run, and once more after they end.
        let receiver = Task { () -> (Mirror, [Int64]) in
            var mirror = Mirror()
            var versions: [Int64] = []
            var turn = 0
            while true {
                let finished = stop.load(ordering: .acquiring)
                let reply = try await nodes[turn % 2].call(
                    "GET", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], query: ["since": String(mirror.version)],
                    key: partner)
                let file = try PlatformFile(parsing: String(decoding: reply.body, as: UTF8.self), expected: .blacklistChanges)
                mirror.apply(file, versions: &versions)
                mirror.version = Int64(reply.header("List-Version") ?? "") ?? -1
                turn += 1
                if finished { return (mirror, versions) }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                let node = nodes[index % 2]
                group.addTask {
                    let number = "HCB\(index)"
                    try await node.server.accounts.addToBlacklist(number, reason: "stolen", actor: "test", now: nil)
                    if index % 3 == 0 {
                        try await node.server.accounts.removeFromBlacklist(number, reason: "found", actor: "test", now: nil)
                    }
                }
            }
            for index in 0..<4 {
                group.addTask {
                    let file = PlatformFile(
                        kind: .blacklist, source: "CITY-31010\(index)", created: Date(),
                        records: [["HCU\(index)a", "forged", "2026-03-01T08:00:00Z"], ["HCU\(index)b", "forged", "2026-03-01T08:00:00Z"]])
                    let uploaded = try await nodes[index % 2].call(
                        "POST", "/v1/exchange/{kind}", parameters: ["kind": "blacklist"], key: partner, body: Data(file.text.utf8))
                    #expect(uploaded.status == 200, "\(uploaded.json)")
                }
            }
            for offset in 0..<2 {
                group.addTask {
                    let lost = try await nodes[1 - offset].call(
                        "POST", "/v1/cards/{number}/lost", parameters: ["number": "HCP\(offset)"], key: registrar)
                    #expect(lost.status == 200, "\(lost.json)")
                }
            }
            try await group.waitForAll()
        }
        stop.store(true, ordering: .releasing)
        let (mirror, versions) = try await receiver.value
        let whole = try await Self.numbers(other, "blacklist", key: partner)
        #expect(mirror.entries.keys.sorted() == whole.sorted())
        // 24 added, 8 of them found again, 8 uploaded, 2 reported lost.
        let expected = 26
        #expect(whole.count == expected, "\(whole)")
        // Both lists share the numbering, so the blacklist's own versions are increasing, and all
        // of them together (with the whitelist's) have no gap.
        #expect(versions == versions.sorted() && Set(versions).count == versions.count)
        let all = try await other.call(
            "GET", "/v1/exchange/{kind}", parameters: ["kind": "whitelist"], query: ["since": "0"], key: partner)
        let whitelistVersions = try PlatformFile(parsing: String(decoding: all.body, as: UTF8.self)).records.compactMap { Int64($0[0]) }
        #expect((versions + whitelistVersions).sorted() == Array(1...mirror.version), "a version is missing")
        await Self.stop((live, other))
    }
}
