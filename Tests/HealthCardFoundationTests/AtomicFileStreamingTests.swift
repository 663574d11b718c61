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

@Suite("AtomicFile.create: a new file, whole or not at all, never over an existing one")
struct AtomicFileCreateTests {
    @Test("creates with the exact mode and content, refuses anything already there, leaves no temporary")
    func create() throws {
        let directory = try CryptoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("C1-static.png").path

        try AtomicFile.create(Array("first".utf8), at: path, durability: .deferred)
        #expect(try AtomicFile.read(path) == Array("first".utf8))
        #expect(try AtomicFile.permissions(of: path) == AtomicFile.publicMode)

        // An existing file is refused and kept as it was.
        #expect {
            try AtomicFile.create(Array("second".utf8), at: path)
        } throws: { ($0 as? FileAccessError)?.alreadyExists == true }
        #expect(try AtomicFile.read(path) == Array("first".utf8))

        // So is a symlink, dangling or not: nothing is created through it.
        let link = directory.appendingPathComponent("link.png").path
        let target = directory.appendingPathComponent("target").path
        #expect(symlink(target, link) == 0)
        #expect {
            try AtomicFile.create(Array("x".utf8), at: link)
        } throws: { ($0 as? FileAccessError)?.alreadyExists == true }
        #expect(!FileManager.default.fileExists(atPath: target))

        let secret = directory.appendingPathComponent("secret").path
        try AtomicFile.create([], at: secret, mode: AtomicFile.ownerOnlyMode)
        #expect(try AtomicFile.read(secret) == [])
        #expect(try AtomicFile.permissions(of: secret) == AtomicFile.ownerOnlyMode)

        // A missing directory is an error naming the file.
        let missing = directory.appendingPathComponent("no/such/dir/f").path
        #expect { try AtomicFile.create([1], at: missing) } throws: { ($0 as? FileAccessError)?.path == missing }

        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
                == ["C1-static.png", "link.png", "secret"])
    }

    @Test("many tasks creating the same names: each name is created once, whole")
    func createRace() async throws {
        let directory = try CryptoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let created = await withTaskGroup(of: Int.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var count = 0
                    for name in 0..<50 {
                        let bytes = [UInt8](repeating: UInt8(writer), count: 4096)
                        if (try? AtomicFile.create(bytes, at: directory.appendingPathComponent("f\(name)").path, durability: .deferred)) != nil {
                            count += 1
                        }
                    }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(created == 50)
        for name in 0..<50 {
            let bytes = try AtomicFile.read(directory.appendingPathComponent("f\(name)").path)
            #expect(bytes.count == 4096 && Set(bytes).count == 1)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 50)
    }
}
