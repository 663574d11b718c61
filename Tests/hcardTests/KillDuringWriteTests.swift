import Foundation
import HealthCardCore
import HealthCardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SIGKILL at random points of writing commands, then the stores are checked: every store still
/// opens and passes its integrity check, every write that was acknowledged (the command exited 0
/// before the kill) is there, and finishing the work afterwards gives what an uninterrupted run
/// gives. The kill times come from a seeded generator, so a failure reproduces.
@Suite("Kill during write: SIGKILL at random points loses no acknowledged write", .serialized)
struct KillDuringWriteTests {
    /// Runs hcard and kills it after `delay` unless it has exited; `true` if it exited 0 first.
    static func runKilled(_ arguments: [String], in directory: URL, after delay: Duration) async throws -> Bool {
        let process = Process()
        process.executableURL = HCardRunner.productsDirectory.appendingPathComponent("hcard")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + delay
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(2)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        await process.waitForExit()
        return process.terminationReason == .exit && process.terminationStatus == 0
    }

    /// Kill delays scaled to how long one uninterrupted run took on this machine: even rounds
    /// stop a run early (5–60 % of its time), odd rounds give it three to four times its time, so
    /// both interrupted and acknowledged writes happen however fast the machine is.
    static func delay(round: Int, typical: Duration, using generator: inout SplitMix64) -> Duration {
        let fraction = round % 2 == 0 ? Double.random(in: 0.05...0.6, using: &generator)
            : Double.random(in: 3...4, using: &generator)
        return typical * fraction
    }

    /// How long `arguments` take when nothing interrupts them (the run's effect is kept).
    static func timed(_ arguments: [String], in directory: URL, status: Int32 = 0) async throws -> Duration {
        let result = try await HCardRunner.run(arguments, in: directory)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        return result.duration
    }

    /// A new directory with copies of the files of `source`.
    static func directory(copying source: URL) throws -> URL {
        let url = try directory()
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: url.appendingPathComponent(name))
        }
        return url
    }

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hcard-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let records = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/records")

    @Test("card image: writes killed at random points leave a readable, consistent card with every acknowledged visit")
    func cardImage() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let holder = Self.records.appendingPathComponent("holder.json").path
        let visit = Self.records.appendingPathComponent("outpatient.json").path
        #expect(try await HCardRunner.run(["card", "new", "--holder", holder, "--image", "card.json"], in: directory).status == 0)
        let write = ["write", "outpatient", "--from", visit, "--image", "card.json"]
        // After every kill the image loads (layout, checksums) and the card reads back whole.
        let acknowledged = try await Self.killRounds(11, seed: 0x4B49_4C4C_4341_5244, in: directory) { _ in write } sound: {
            let read = try await HCardRunner.run(["read", "--image", "card.json", "--json"], in: directory)
            #expect(read.status == 0, "after a kill: \(read.stderr)")
        }
        let read = try await HCardRunner.run(["read", "--image", "card.json", "--json"], in: directory)
        let card = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any])
        let outpatient = try #require(card["outpatient"] as? [Any], "\(read.stdout.prefix(400))")
        // Five slots: every acknowledged visit is on the card until the slots are full.
        #expect(outpatient.count >= min(acknowledged.count, 5), "acknowledged \(acknowledged.count), on the card \(outpatient.count)")
    }

    @Test("EMPI index: ingests killed at random points leave a sound file; finishing gives what one clean run gives")
    func empiIngest() async throws {
        let (directory, _) = try await EMPICommandTests.setUp(persons: 400)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try Self.directory(copying: directory)
        defer { try? FileManager.default.removeItem(at: clean) }
        let timing = try Self.directory(copying: directory)
        defer { try? FileManager.default.removeItem(at: timing) }
        let ingest = ["empi", "ingest", "--db", "idx.db", "--csv", "people.csv", "--mapping", "mapping.json"]
        var generator = SplitMix64(seed: 0x4B49_4C4C_454D_5049)
        // The synthetic population has deliberately bad lines: a whole ingest exits 1.
        let typical = try await Self.timed(ingest, in: timing, status: 1)
        var interruptedRuns = 0
        for _ in 0..<4 {
            let delay = typical * Double.random(in: 0.05...0.9, using: &generator)
            if try await !Self.runKilled(ingest, in: directory, after: delay) { interruptedRuns += 1 }
            #expect(try await SQLiteCommand.integrityCheck(directory.appendingPathComponent("idx.db")) == "ok")
            #expect(try await HCardRunner.run(["empi", "stats", "--db", "idx.db", "--json"], in: directory).status == 0)
        }
        #expect(interruptedRuns > 0, "no ingest was interrupted: nothing was tested")
        // Finish the work, and compare with one uninterrupted ingest of the same file.
        _ = try await HCardRunner.run(ingest, in: directory)
        _ = try await HCardRunner.run(ingest, in: clean)
        func stats(_ at: URL) async throws -> [String: Any] {
            let result = try await HCardRunner.run(["empi", "stats", "--db", "idx.db", "--json"], in: at)
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        let interrupted = try await stats(directory)
        let uninterrupted = try await stats(clean)
        #expect(interrupted["records"] as? Int == uninterrupted["records"] as? Int)
        #expect(interrupted["persons"] as? Int == uninterrupted["persons"] as? Int)
        #expect((uninterrupted["records"] as? Int ?? 0) > 300)
    }

    @Test("accounts: registrations killed at random points; every acknowledged one is there, the file is sound")
    func accountRegistrations() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func id(_ index: Int) -> String {
            let body = "1101051985031" + String(format: "%03d", 100 + index) + "1"
            return body + String(CitizenID.checkCharacter(forBody: body)!)
        }
        let acknowledged = try await Self.killRounds(12, seed: 0x4B49_4C4C_4143_4354, in: directory) { index in
            ["account", "register", "--db", "a.sqlite", "--name", "李明", "--id", id(index)]
        } sound: {
            let integrity = try await SQLiteCommand.integrityCheck(directory.appendingPathComponent("a.sqlite"))
            #expect(integrity == "ok")
        }.map(id)
        for id in acknowledged {
            let show = try await HCardRunner.run(["account", "show", "--db", "a.sqlite", "--id", id], in: directory)
            #expect(show.status == 0, "acknowledged registration of \(id) is missing: \(show.stderr)")
        }
    }
}
