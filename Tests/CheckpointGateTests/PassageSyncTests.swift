import Foundation
import HealthCardFoundation
import HealthCardTestSupport
import PersonalHealthCode
import Testing

@testable import CheckpointGate

/// Offline operation: the pass log is the queue, the cursor says what the platform accepted.
@Suite("PassageSync: none lost, none duplicated, in order, across a platform outage and a lost cursor write")
struct PassageSyncTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func append(_ count: Int, at site: CheckpointSite, to log: PassLog) throws {
        for index in 0..<count {
            try log.append(
                Passage(
                    time: Date(timeIntervalSince1970: 1_772_294_400 + Double(index)), checkpoint: site, direction: .entering,
                    decision: CheckpointDecision(
                        reasons: [], credential: .idNumber, holder: nil, colour: nil, temperature: 36.5)))
        }
    }

    @Test("folder target: each passage once, only this checkpoint's; a cursor write lost in a crash resends without duplicates")
    func folder() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try PassLog(path: path("pass.db"))
        let gate = try CheckpointSite(id: "G1")
        try append(3, at: gate, to: log)
        try append(2, at: try CheckpointSite(id: "G9"), to: log)
        let sync = PassageSync(
            target: DirectoryUploadTarget(directory: path("outbox")), cursorFile: path("cursor.json"), checkpoint: "G1",
            passLog: path("pass.db"), interval: 1)
        #expect(try sync.uploadPending() == 3)
        #expect(try sync.uploadPending() == 0)
        try append(2, at: gate, to: log)
        // The station died after the platform took #6 and #7 but before the cursor said so.
        #expect(try sync.uploadPending() == 2)
        try AtomicFile.write(Array(#"{"checkpoint": "G1", "uploaded": 3}"#.utf8), to: path("cursor.json"))
        #expect(try sync.uploadPending() == 2)
        let files = try FileManager.default.contentsOfDirectory(atPath: path("outbox/G1")).sorted()
        #expect(files == ["1.json", "2.json", "3.json", "6.json", "7.json"])
        #expect(try sync.uploadedID() == 7)
        try AtomicFile.write(Array(#"{"checkpoint": "G9", "uploaded": 3}"#.utf8), to: path("cursor.json"))
        #expect(throws: HealthCardError.self) { try sync.uploadedID() }
    }

    @Test("http target: the platform away (503), passages kept; back (200), every one delivered once, in order")
    func outage() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try LoopbackHTTPServer(status: 503)
        let log = try PassLog(path: path("pass.db"))
        let gate = try CheckpointSite(id: "G1")
        try append(2, at: gate, to: log)
        let sync = PassageSync(
            target: HTTPUploadTarget(url: URL(string: "http://127.0.0.1:\(server.port)/passages")!, timeout: 5),
            cursorFile: path("cursor.json"), checkpoint: "G1", passLog: path("pass.db"), interval: 1)
        #expect(throws: HealthCardError.self) { try sync.uploadPending() }
        try append(1, at: gate, to: log)
        #expect(throws: HealthCardError.self) { try sync.uploadPending() }
        #expect(try sync.uploadedID() == 0)
        server.status = 200
        #expect(try sync.uploadPending() == 3)
        #expect(try sync.uploadPending() == 0)
        let delivered = try server.accepted.flatMap { body -> [Int] in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(object["checkpoint"] as? String == "G1")
            return (object["passages"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        }
        #expect(delivered == [1, 2, 3])
        #expect(server.received.count == 3)
    }
}
