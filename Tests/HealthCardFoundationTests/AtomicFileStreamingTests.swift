import Foundation
import HealthCardFoundation
import HealthCardTestSupport
import Testing

@Suite("AtomicFile: streamed writes replace whole or not at all")
struct AtomicFileStreamingTests {
    struct Stop: Error {}

    @Test("chunks make a new file, then replace it; a producer that throws leaves the old file and no temporary")
    func streamed() throws {
        let directory = try CryptoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("export.csv").path

        try AtomicFile.write(to: path) { emit in
            try emit(Array("a,b\r\n".utf8))
            try emit(Array("1,2\r\n".utf8))
        }
        #expect(try AtomicFile.read(path) == Array("a,b\r\n1,2\r\n".utf8))
        #expect(try AtomicFile.permissions(of: path) == AtomicFile.publicMode)

        try AtomicFile.write(to: path, mode: AtomicFile.ownerOnlyMode) { emit in try emit(Array("new".utf8)) }
        #expect(try AtomicFile.read(path) == Array("new".utf8))
        #expect(try AtomicFile.permissions(of: path) == AtomicFile.ownerOnlyMode)

        #expect(throws: Stop.self) {
            try AtomicFile.write(to: path) { emit in
                try emit(Array("half".utf8))
                throw Stop()
            }
        }
        #expect(try AtomicFile.read(path) == Array("new".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["export.csv"])

        // Without replace an existing file is refused before anything is produced.
        var produced = false
        #expect(throws: FileAccessError.self) {
            try AtomicFile.write(to: path, replace: false) { _ in produced = true }
        }
        #expect(!produced)
    }

    @Test("a deferred write is as atomic as an immediate one: the new content whole, the mode exact, no temporary")
    func deferred() throws {
        let directory = try CryptoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("code.png").path
        try AtomicFile.write(Array("old".utf8), to: path, durability: .deferred)
        try AtomicFile.write(Array("new".utf8), to: path, mode: AtomicFile.ownerOnlyMode, durability: .deferred)
        AtomicFile.syncDeferredWrites()
        #expect(try AtomicFile.read(path) == Array("new".utf8))
        #expect(try AtomicFile.permissions(of: path) == AtomicFile.ownerOnlyMode)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["code.png"])
        #expect(throws: FileAccessError.self) {
            try AtomicFile.write(Array("x".utf8), to: path, replace: false, durability: .deferred)
        }
    }
}
