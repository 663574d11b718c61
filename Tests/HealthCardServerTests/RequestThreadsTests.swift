import Foundation
import HealthCardFoundation
import HealthCardTestSupport
import Testing
@testable import HealthCardServer

/// Requests that wait (for SQLite's write lock, for a long match) must not stop the server from
/// answering others: handlers run on ``RequestThreads``, not on Swift's cooperative pool, which
/// has one thread per core.
@Suite("Request threads: waiting requests do not stop the server")
struct RequestThreadsTests {
    /// Counts finished feeds, so the test can tell what had finished when `/healthz` answered.
    actor Finished {
        var count = 0
        func add() { count += 1 }
    }

    /// A server on SQLite with the domains `citizen-id` and `HOSP-A`, and a registrar's key.
    static func serverFeedingHospitalA() async throws -> (LiveServer, APIKey) {
        let live = try await LiveServer.start()
        let steward = try await live.key("steward", [.steward])
        for code in ["citizen-id", "HOSP-A"] {
            let type: JSONValue = code == "citizen-id" ? .string("citizen-id") : .string("other")
            _ = try await live.call("POST", "/v1/empi/domains", key: steward, json: ["code": JSONValue.string(code), "type": type])
        }
        return (live, try await live.key("hospital", [.registrar]))
    }

    @Test("feeds waiting for the index's write lock, more of them than cores: /healthz still answers before any of them ends")
    func waitingFeeds() async throws {
        let (live, hospital) = try await Self.serverFeedingHospitalA()

        // Another process takes the index's write lock and keeps it until the test lets go.
        let holder = try SQLiteLockHolder(live.server.storage.index)
        try await holder.lock()
        let finished = Finished()
        let feeds = ProcessInfo.processInfo.activeProcessorCount + 2
        let statuses = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<feeds {
                    group.addTask {
                        let record = EMPIEndpointTests.record("A-\(n)", domain: "HOSP-A", name: "李明")
                        let status = try await live.call("POST", "/v1/empi/records", key: hospital, json: record).status
                        await finished.add()
                        return status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        // Give the feeds time to reach the lock (the busy timeout is 5 s; with handlers on the
        // pool, two waiting feeds would hold both of its threads on a 2-core machine).
        try await Task.sleep(for: .seconds(1))
        let health = try await live.call("GET", "/healthz")
        let finishedAtHealth = await finished.count
        await holder.unlock()

        #expect(health.status == 200)
        #expect(finishedAtHealth == 0, "\(finishedAtHealth) feeds had ended when /healthz answered")
        #expect(try await statuses.value == Array(repeating: 200, count: feeds))
        await live.stop()
    }
}

extension RequestThreadsTests {
    @Test("a feed that waits past the busy timeout is 503 databaseBusy with Retry-After, writes nothing, and goes through after")
    func busyPastTimeout() async throws {
        let (live, hospital) = try await Self.serverFeedingHospitalA()
        let record = EMPIEndpointTests.record("A-1", domain: "HOSP-A", name: "李明")
        let holder = try SQLiteLockHolder(live.server.storage.index)
        try await holder.lock()
        // The lock is held until the feed has answered, however long that takes.
        let busy = try await live.call("POST", "/v1/empi/records", key: hospital, json: record)
        await holder.unlock()
        #expect(busy.status == 503)
        #expect(busy.json["error"] == .string("databaseBusy"), "\(busy.json)")
        #expect(busy.header("Retry-After") == "1")
        let unknown = try await live.call("GET", "/v1/empi/pix", query: ["domain": "HOSP-A", "value": "A-1"], key: hospital)
        #expect(unknown.status == 404, "the refused feed wrote its record")

        let fed = try await live.call("POST", "/v1/empi/records", key: hospital, json: record)
        #expect(fed.status == 200)
        #expect(fed.json["decision"] == .string("new-person"))
        await live.stop()
    }
}

/// An `sqlite3` process holding a database's write lock (`BEGIN IMMEDIATE`) until ``unlock()``.
/// (`Process` is not `Sendable`; this object only starts it, writes to it and waits for it.)
final class SQLiteLockHolder: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    init(_ path: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    /// Takes the lock and returns once `sqlite3` holds it.
    func lock() async throws {
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 'locked';\n".utf8))
        let reader = output.fileHandleForReading
        let answer = try await onOwnThread { reader.availableData }
        guard String(decoding: answer, as: UTF8.self).contains("locked") else {
            throw ContractViolation("sqlite3 did not take the lock: \(String(decoding: answer, as: UTF8.self))")
        }
    }

    /// Commits (nothing was written) and waits for `sqlite3` to end.
    func unlock() async {
        input.fileHandleForWriting.write(Data("COMMIT;\n.quit\n".utf8))
        try? input.fileHandleForWriting.close()
        await process.waitForExit()
    }
}
