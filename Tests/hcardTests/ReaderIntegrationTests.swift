import Foundation
import HealthCardTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Set by Scripts/test.sh after it started (or found) pcscd with vsmartcard-vpcd.
private let pcscdRunning = ProcessInfo.processInfo.environment["HCARD_PCSCD"] == "running"
/// Under CI these tests always run: a CI machine without pcscd fails them instead of skipping
/// the only end-to-end writes through PC/SC.
private let underCI = ProcessInfo.processInfo.environment["CI"] == "true"

/// Real processes end to end: `hcard emulate` attaches the virtual card and SAM to vpcd inside
/// pcscd, and `hcard read` / `write` / `atr` / `apdu` reach them through libpcsclite → pcscd →
/// vpcd, exactly as at a physical reader. Serialised: one pcscd, one card per slot.
@Suite(
    "ReaderIntegration: hcard emulate on vpcd, read and write through pcscd", .serialized,
    .enabled(
        if: pcscdRunning || underCI,
        """
        needs pcscd with vsmartcard-vpcd: run Scripts/test.sh, or start `pcscd -f &` as root and set \
        HCARD_PCSCD=running (with CI=true these tests run, and fail, without it)
        """))
struct ReaderIntegrationTests {
    static let cardReader = "Virtual PCD 00 00"
    static let samReader = "Virtual PCD 00 01"
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/records")
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// A fresh personalised card image in its own folder.
    func newCard() async throws -> URL {
        try await requirePCSCD()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hcard-pcsc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let image = directory.appendingPathComponent("card.img")
        let new = try await HCardRunner.run(["card", "new", "--holder", Self.fixture("holder.json"), "--image", image.path])
        try #require(new.status == 0, "\(new.stderr)")
        return image
    }

    /// pcscd answers, has the vpcd readers, and the card slot is free (an emulator of an earlier
    /// test may still be going: pcscd notices a removal only on its next poll).
    func requirePCSCD() async throws {
        try #require(pcscdRunning, "CI=true but Scripts/test.sh did not start pcscd with vpcd (HCARD_PCSCD is not 'running')")
        let readers = try await HCardRunner.run(["readers", "--json"])
        try #require(readers.status == 0, "HCARD_PCSCD=running but pcscd does not answer: \(readers.stderr)")
        try #require(readers.stdout.contains(Self.cardReader), "pcscd has no vpcd reader: \(readers.stdout)")
        try await waitForRemoval()
    }

    // MARK: Tests

    @Test("hcard read --json prints the whole card through pcscd; readers, atr, apdu and --trace work")
    func readFullCard() async throws {
        let image = try await newCard()
        let emulator = try Emulator(image: image)
        try await emulator.waitUntilInserted()

        let readers = try await HCardRunner.run(["readers"])
        #expect(readers.status == 0)
        #expect(readers.stdout.contains("\(Self.cardReader)  card   3B8D8001"), "\(readers.stdout)")
        #expect(readers.stdout.contains("\(Self.samReader)  SAM"), "\(readers.stdout)")

        let read = try await HCardRunner.run(["read", "--json", "--trace"])
        try #require(read.status == 0, "\(read.stderr)")
        let card = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any])
        let holder = try #require(card["holder"] as? [String: Any], "no holder: the SAM was not used")
        #expect(holder["name"] as? String == "张三丰")
        #expect((card["unavailable"] as? [Any])?.isEmpty == true)
        #expect(read.stderr.contains("# card: '\(Self.cardReader)' T=1; SAM: '\(Self.samReader)'"))
        #expect(read.stderr.contains("A>> T=1 (4+0002) 00A40000 02 DDF1"))
        #expect(read.stderr.contains("SAM A>> T=1 (4+0003) 00200000 03 ******"), "the SAM PIN must be masked")
        #expect(!read.stderr.contains("123456"))

        let explicit = try await HCardRunner.run(["read", "--reader", Self.cardReader, "--sam-reader", Self.samReader, "--json"])
        #expect(explicit.status == 0 && explicit.stdout.contains("张三丰"), "\(explicit.stderr)")

        let atr = try await HCardRunner.run(["atr", "--json"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(atr.stdout.utf8)) as? [String: Any])
        #expect(parsed["reader"] as? String == Self.cardReader)
        #expect(parsed["protocols"] as? [String] == ["T=0", "T=1"])
        #expect(parsed["activeProtocol"] as? String == "T=1")
        #expect((parsed["historicalASCII"] as? String)?.hasPrefix("HCK01") == true)
        #expect(parsed["checkByteValid"] as? Bool == true)

        let apdu = try await HCardRunner.run(["apdu", "00A4000002DDF1", "00A40000023F00"])
        #expect(
            apdu.stdout
                == "6F10840C57532E5359532E4444463031A500 9000\n6F1484106A6D6A6B6B7979686A00000000000000A500 9000\n")
        let repeated = try await HCardRunner.run(["apdu", "00A4000002DDF1", "--repeat", "200"])
        #expect(repeated.stdout.contains("200 APDUs in"), "\(repeated.stdout)\(repeated.stderr)")

        #expect(await emulator.stop() == 0, "\(emulator.output)")
        #expect(emulator.output.contains("card attached to vpcd 127.0.0.1:35963, SAM to :35964; Ctrl-C to remove"))
        #expect(emulator.output.contains("card removed (SIGTERM)"), "\(emulator.output)")
    }

    @Test("write an outpatient and an inpatient record through pcscd and read them back; kill -9 loses nothing")
    func writeAndReadBack() async throws {
        let image = try await newCard()
        let emulator = try Emulator(image: image)
        try await emulator.waitUntilInserted()

        let visit = try await HCardRunner.run(["write", "outpatient", "--from", Self.fixture("outpatient.json")])
        #expect(visit.status == 0, "\(visit.stderr)")
        #expect(visit.stdout.contains("slot 1 (DF03/ED01), committed and read back"))
        let stay = try await HCardRunner.run(
            ["write", "inpatient", "--from", Self.fixture("inpatient.json"), "--reader", Self.cardReader,
             "--sam-reader", Self.samReader, "--json"])
        #expect(stay.status == 0, "\(stay.stderr)")
        #expect(stay.stdout.contains(#""slot" : 1"#))

        let read = try await HCardRunner.run(["read", "--json"])
        let card = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any])
        let visits = try #require(card["outpatient"] as? [[String: Any]])
        #expect(visits.count == 1 && visits[0]["signatureValid"] as? Bool == true)
        #expect((visits[0]["record"] as? [String: Any])?["department"] as? String == "内科")
        let stays = try #require(card["inpatient"] as? [[String: Any]])
        #expect(stays.count == 1 && stays[0]["signatureValid"] as? Bool == true)

        let erase = try await HCardRunner.run(["erase", "outpatient", "1"])
        #expect(erase.status == 0, "\(erase.stderr)")

        // No clean shutdown: every acknowledged change must already be in the image.
        _ = await emulator.stop(SIGKILL)
        let saved = try await HCardRunner.run(["read", "--image", image.path, "--json"])
        try #require(saved.status == 0, "\(saved.stderr)")
        let savedCard = try #require(try JSONSerialization.jsonObject(with: Data(saved.stdout.utf8)) as? [String: Any])
        #expect((savedCard["outpatient"] as? [Any])?.isEmpty == true, "the erase was acknowledged, so it was saved")
        #expect((savedCard["inpatient"] as? [Any])?.count == 1)
        try await waitForRemoval()
    }

    @Test("the card pulled out mid-write: a clear error, the slot not committed, the saved image consistent")
    func pulledOutMidWrite() async throws {
        let image = try await newCard()
        let first = try await HCardRunner.run(["write", "outpatient", "--from", Self.fixture("outpatient.json"), "--image", image.path])
        try #require(first.status == 0, "\(first.stderr)")

        // Where the next write's first UPDATE BINARY falls: the same session on a copy of the image.
        let probe = image.deletingLastPathComponent().appendingPathComponent("probe.img")
        try FileManager.default.copyItem(at: image, to: probe)
        let traced = try await HCardRunner.run(
            ["write", "outpatient", "--from", Self.fixture("outpatient.json"), "--image", probe.path, "--trace"])
        let commands = traced.stderr.split(separator: "\n").filter { $0.hasPrefix("A>> ") }
        let firstUpdate = try #require(commands.firstIndex { $0.contains(") 00D6") }, "no UPDATE BINARY in the trace")

        let emulator = try Emulator(image: image, arguments: ["--stop-after", String(firstUpdate + 1)])
        try await emulator.waitUntilInserted()
        let write = try await HCardRunner.run(["write", "outpatient", "--from", Self.fixture("outpatient.json")])
        #expect(write.status != 0)
        #expect(
            write.stderr.contains("writing DF03/ED02 (slot 2) failed before the commit: the slot stays empty"),
            "\(write.stderr)")
        #expect(
            write.stderr.contains("card removed from reader '\(Self.cardReader)' during UPDATE BINARY"),
            "\(write.stderr)")
        #expect(await emulator.waitForExit() == 0, "\(emulator.output)")
        #expect(emulator.output.contains("card removed (--stop-after)"))

        // The image loads (checksums), the old visit is intact, slot 2 is not committed.
        let saved = try await HCardRunner.run(["read", "--image", image.path, "--json"])
        try #require(saved.status == 0, "\(saved.stderr)")
        let card = try #require(try JSONSerialization.jsonObject(with: Data(saved.stdout.utf8)) as? [String: Any])
        let visits = try #require(card["outpatient"] as? [[String: Any]])
        #expect(visits.count == 1)
        #expect(visits.first?["slot"] as? Int == 1 && visits.first?["signatureValid"] as? Bool == true)

        // Insert the card again: the write now succeeds into the same slot.
        try await waitForRemoval()
        let again = try Emulator(image: image)
        try await again.waitUntilInserted()
        let retry = try await HCardRunner.run(["write", "outpatient", "--from", Self.fixture("outpatient.json")])
        #expect(retry.status == 0 && retry.stdout.contains("slot 2 (DF03/ED02)"), "\(retry.stderr)")
        #expect(await again.stop() == 0, "\(again.output)")
    }

    @Test("a wrong SAM PIN is refused with the tries left")
    func wrongSAMPIN() async throws {
        let image = try await newCard()
        let emulator = try Emulator(image: image)
        try await emulator.waitUntilInserted()
        let read = try await HCardRunner.run(["read", "--sam-pin", "000000"])
        #expect(read.status != 0)
        #expect(read.stderr.contains("wrong SAM PIN: 2 tries left before the SAM blocks"), "\(read.stderr)")
        #expect(await emulator.stop() == 0, "\(emulator.output)")
    }

    @Test("removal and reinsertion: an empty reader is named; stop and restart the emulator")
    func removalAndReinsertion() async throws {
        let image = try await newCard()
        let emulator = try Emulator(image: image, arguments: ["--no-sam"])
        try await emulator.waitUntilInserted(sam: false)
        #expect(await emulator.stop() == 0, "\(emulator.output)")
        try await waitForRemoval()

        let named = try await HCardRunner.run(["read", "--reader", Self.cardReader])
        #expect(named.status != 0)
        #expect(named.stderr.contains("no card in reader '\(Self.cardReader)': insert the card"), "\(named.stderr)")
        let any = try await HCardRunner.run(["read"])
        #expect(any.stderr.contains("no card in any reader ('\(Self.cardReader)' (empty)"), "\(any.stderr)")
        let unknown = try await HCardRunner.run(["atr", "--reader", "No Such Reader"])
        #expect(unknown.stderr.contains("no reader named 'No Such Reader'; readers: '\(Self.cardReader)'"))

        let again = try Emulator(image: image, arguments: ["--no-sam"])
        try await again.waitUntilInserted(sam: false)
        let read = try await HCardRunner.run(["read", "--reader", "00 00", "--json"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout.contains("every file but DDF1/EF05 needs external authentication"), "SAM-less read")
        #expect(await again.stop() == 0, "\(again.output)")
    }

    @Test("a T=0 card: T=0-only ATR, GET RESPONSE through T0Channel, the whole card readable")
    func t0Card() async throws {
        let image = try await newCard()
        let emulator = try Emulator(image: image, arguments: ["--t0"])
        try await emulator.waitUntilInserted()
        let atr = try await HCardRunner.run(["atr", "--json"])
        #expect(atr.stdout.contains(#""activeProtocol" : "T=0""#), "\(atr.stdout)")
        let write = try await HCardRunner.run(["write", "outpatient", "--from", Self.fixture("outpatient.json")])
        #expect(write.status == 0, "\(write.stderr)")
        let read = try await HCardRunner.run(["read", "--json", "--trace"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stderr.contains("A>> T=0 (4+0000) 00C00000"), "GET RESPONSE expected on T=0")
        #expect(read.stdout.contains("\"signatureValid\" : true"))
        #expect(await emulator.stop() == 0, "\(emulator.output)")
    }

    /// pcscd polls slots every ~0.4 s: wait until the card *and* the SAM are reported gone, then
    /// one more second. The pause matters: after a failed reset pcscd reports a slot empty before
    /// its poll has seen the card go; a new emulator attached before that poll is taken by vpcd as
    /// the same card, pcscd registers no insertion, and the slot stays "empty" while it is there.
    func waitForRemoval() async throws {
        let deadline = Date().addingTimeInterval(10)
        var last = ""
        while Date() < deadline {
            let readers = try await HCardRunner.run(["readers", "--json"])
            last = readers.stdout
            if let list = try? JSONSerialization.jsonObject(with: Data(readers.stdout.utf8)) as? [[String: Any]],
                list.filter({ [Self.cardReader, Self.samReader].contains($0["name"] as? String) })
                    .allSatisfy({ $0["cardPresent"] as? Bool == false })
            {
                try? await Task.sleep(for: .seconds(1))
                return
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("pcscd still reports a card after 10 s: is another emulator attached? \(last)")
    }
}

/// The errors a field engineer meets before any card is involved; need no pcscd.
@Suite("ReaderIntegration: without pcscd or vpcd")
struct ReaderIntegrationWithoutPCSCDTests {
    @Test("no pcscd running: the client names the fix")
    func noPCSCD() async throws {
        let environment = ["PCSCLITE_CSOCK_NAME": "/nonexistent/hcard-test/pcscd.comm"]
        for arguments in [["readers"], ["read", "--json"], ["atr"]] {
            let result = try await HCardRunner.run(arguments, environment: environment)
            #expect(result.status == 1)
            #expect(
                result.stderr.contains("pcscd is not running: start it with `pcscd`"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("SCARD_E_NO_SERVICE"))
        }
    }

    @Test("hcard emulate without vpcd listening names the fix")
    func noVPCD() async throws {
        let image = FileManager.default.temporaryDirectory
            .appendingPathComponent("hcard-novpcd-\(UUID().uuidString).img")
        let new = try await HCardRunner.run(
            ["card", "new", "--holder", ReaderIntegrationTests.fixture("holder.json"), "--image", image.path])
        try #require(new.status == 0, "\(new.stderr)")
        let emulate = try await HCardRunner.run(["emulate", "--image", image.path, "--port", "1", "--sam-port", "2"])
        #expect(emulate.status != 0)
        #expect(
            emulate.stderr.contains(
                "cannot connect to vpcd at 127.0.0.1:1: start pcscd (pcscd -f &) with vsmartcard-vpcd installed"),
            "\(emulate.stderr)")
    }
}

// MARK: - Processes

/// `hcard emulate` as a child process, stderr in a log file; killed on deinit if still running.
final class Emulator {
    let process = Process()
    let log: URL

    init(image: URL, arguments: [String] = []) throws {
        log = image.deletingLastPathComponent().appendingPathComponent("emulate-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = HCardRunner.productsDirectory.appendingPathComponent("hcard")
        process.arguments = ["emulate", "--image", image.path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits (`SCardGetStatusChange` via `hcard atr --wait`) until pcscd sees the card (and SAM).
    func waitUntilInserted(sam: Bool = true) async throws {
        for reader in [ReaderIntegrationTests.cardReader] + (sam ? [ReaderIntegrationTests.samReader] : []) {
            let atr = try await HCardRunner.run(["atr", "--reader", reader, "--wait", "10"])
            try #require(atr.status == 0, "no card in \(reader): \(atr.stderr)\nemulator: \(output)")
        }
    }

    /// Sends `signal` by process id and returns the exit status.
    func stop(_ signal: Int32 = SIGTERM) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        return await waitForExit()
    }

    func waitForExit(timeout: TimeInterval = 15) async -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            Issue.record("hcard emulate did not exit within \(timeout) s")
            kill(process.processIdentifier, SIGKILL)
            await process.waitForExit()
        }
        let status = process.terminationStatus
        return process.terminationReason == .uncaughtSignal ? 128 + status : status
    }
}
