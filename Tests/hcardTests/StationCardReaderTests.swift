import Foundation
import HealthCardCore
import HealthCardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `hcard checkpoint station` with a resident health card input on the real PC/SC stack: `hcard
/// emulate` puts the virtual card and SAM into vpcd's slots, pcscd carries the station's APDUs,
/// a pseudo-terminal is the USB relay (the test reads its bytes), a FIFO the code scanner.
///
/// Part of ``ReaderIntegrationTests`` (an extension, so it shares that suite's serialisation and
/// its pcscd requirement: one pcscd, one card per slot).
extension ReaderIntegrationTests {
    static let relayOpen: [UInt8] = [0xA0, 0x01, 0x01, 0xA2]
    static let relayClose: [UInt8] = [0xA0, 0x01, 0x00, 0xA1]

    @Test(
        """
        station card input: a valid card with its holder's code opens once; removed mid-read, blacklisted, revoked and \
        a card that stops answering stay closed, logged once each; the reader recovers
        """
    )
    func stationCardInput() async throws {
        let image = try await newCard()
        let directory = image.deletingLastPathComponent()
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        defer { try? FileManager.default.removeItem(at: directory) }

        // What the station's read costs: APDUs up to the card number (EF05), and the number itself.
        let probeImage = path("probe.img")
        try FileManager.default.copyItem(atPath: image.path, toPath: probeImage)
        var sessionConfiguration = TerminalSession.Configuration()
        sessionConfiguration.samPIN = VirtualSAM.testPIN
        let probe = try EmulatedTerminal.open(imageAt: probeImage, configuration: sessionConfiguration)
        let cardNumber = try #require(try await probe.session.readIssuer().cardNumber)
        let issuerAPDUs = probe.apduCount()
        #expect(try await probe.session.read(HolderRecord.self).idNumber == "11010519491231002X")
        let holderAPDUs = probe.apduCount() - issuerAPDUs
        try #require(holderAPDUs > 3, "EF06 takes \(holderAPDUs) APDUs: too few to cut mid-read")

        // Trust, policy (a green code required, no thermometer), an empty blacklist.
        let person = try PersonID("11010519491231002X")
        let key = try SM2PrivateKey()
        let issuer = try HealthCodeIssuer(privateKey: key)
        let now = Date()
        try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test HC", validFrom: now.addingTimeInterval(-86_400),
                validTo: now.addingTimeInterval(86_400))
        ]).save(to: path("trust.json"))
        try #"{"temperatureRequired": false}"#.write(toFile: path("policy.json"), atomically: true, encoding: .utf8)
        func writeBlacklist(_ numbers: [String]) throws {
            let file = PlatformFile(
                kind: .blacklist, source: "CITY-110100", created: Date(),
                records: numbers.map { [$0, "reported lost", ISO8601Instant.format(Date())] })
            try file.text.write(toFile: path("blacklist.txt"), atomically: true, encoding: .utf8)
        }
        try writeBlacklist([])
        try RevocationList().save(to: path("revoked.json"))
        #expect(mkfifo(path("scanner.fifo"), 0o600) == 0)
        let relay = try PseudoTerminal()
        let configuration = """
            {
              "checkpoint": {"id": "C1", "name": "Outpatient entrance", "department": "Outpatients"},
              "policy": "policy.json",
              "trust": "trust.json",
              "revocations": "revoked.json",
              "blacklist": "blacklist.txt",
              "passLog": "pass.db",
              "inputs": [
                {"kind": "lines", "path": "scanner.fifo"},
                {"kind": "card", "reader": "\(Self.cardReader)", "samReader": "\(Self.samReader)", "samPin": "123456",
                 "codeSeconds": 20, "readTimeoutSeconds": 8}
              ],
              "actuator": {"kind": "serialRelay", "path": "\(relay.devicePath)"},
              "doorOpenSeconds": 0.5,
              "state": "state.json",
              "heartbeatSeconds": 0.5,
              "repeatSuppressSeconds": 0
            }
            """
        try configuration.write(toFile: path("station.json"), atomically: true, encoding: .utf8)

        let station = try StationProcess(arguments: ["checkpoint", "station", "--config", "station.json"], in: directory)
        defer { station.kill() }
        #expect(await relay.receive(count: 4, within: 20) == Self.relayClose, "\(station.stderr)")
        let scanner = Glibc.open(path("scanner.fifo"), O_WRONLY)
        try #require(scanner >= 0)
        defer { Glibc.close(scanner) }
        func scan(minutesAgo: Double) async throws {
            let text = try await issuer.issue(
                colour: .green, region: "110105", person: person, now: Date().addingTimeInterval(-60 * minutesAgo)
            ).text
            let line = Array((text + "\n").utf8)
            _ = line.withUnsafeBytes { write(scanner, $0.baseAddress, $0.count) }
        }
        func waitForStderr(_ text: String, count: Int = 1) async throws {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, station.stderr.components(separatedBy: text).count - 1 < count { try? await Task.sleep(for: .milliseconds(50)) }
            try #require(station.stderr.components(separatedBy: text).count - 1 >= count, "\(station.stderr)")
        }

        /// Changes a list file and waits until the station has reloaded the lists.
        func reloadLists(_ change: () throws -> Void) async throws {
            let before = station.stderr.components(separatedBy: "lists reloaded").count - 1
            try change()
            try await waitForStderr("lists reloaded", count: before + 1)
        }
        /// Asserts that the station logs nothing more for `seconds` (the card still in the reader).
        func expectNoPassage(for seconds: Double, _ what: String) async {
            let line = try? await station.nextLine(within: seconds)
            #expect(line == nil, "a second passage for one insertion (\(what)): \(line ?? "")")
        }

        /// Inserts the card, shows its holder's green code when the station asks (for the
        /// `prompt`th time), and expects pass number `id` with exactly one open (and its close) at
        /// the relay, and nothing more while the card stays in the reader.
        func cardAndCodePass(_ id: Int, prompt: Int, minutesAgo: Double) async throws {
            let emulator = try Emulator(image: image)
            try await emulator.waitUntilInserted()
            try await waitForStderr("show the health code within 20", count: prompt)
            try await scan(minutesAgo: minutesAgo)
            let pass = try await station.nextLine(within: 20)
            #expect(pass.hasPrefix("PASS #\(id) C1 in 110105********002X residentCard green"), "\(pass)\n\(station.stderr)")
            #expect(await relay.receive(count: 8, within: 5) == Self.relayOpen + Self.relayClose)
            await expectNoPassage(for: 2, "pass #\(id)")
            #expect(await relay.received(within: 0.1) == [], "the relay got more than one open and close for one pass")
            #expect(await emulator.stop() == 0, "\(emulator.output)")
            try await waitForRemoval()
        }

        // 1. A valid card, then its holder's green code: one pass, one open (and its close).
        try await cardAndCodePass(1, prompt: 1, minutesAgo: 5)

        // 2. The card leaves the reader in the middle of reading DDF1/EF06: denied, logged, closed.
        let torn = try Emulator(image: image, arguments: ["--stop-after", String(issuerAPDUs + 2)])
        let unread = try await station.nextLine(within: 30)
        #expect(unread.hasPrefix("DENY #2 C1 in - unreadable"), "\(unread)\n\(station.stderr)")
        #expect(unread.contains("card in '\(Self.cardReader)' not read"), "\(unread)")
        #expect(await torn.waitForExit() == 0, "\(torn.output)")
        #expect(torn.output.contains("card removed (--stop-after)"), "\(torn.output)")
        #expect(await relay.received(within: 1) == [], "the relay got a command for a card that was not read")
        try await waitForRemoval()

        // 3. The card comes back: the station reads it again, and its holder passes.
        try await cardAndCodePass(3, prompt: 2, minutesAgo: 6)

        /// Inserts the card and expects passage `id` refused at once (no code asked for) as
        /// revoked or blacklisted, the relay silent, and nothing more while the card stays in.
        func refusedAtOnce(_ id: Int, _ what: String, checkingState: Bool = false) async throws {
            let emulator = try Emulator(image: image)
            try await emulator.waitUntilInserted()
            let refused = try await station.nextLine(within: 20)
            #expect(refused.hasPrefix("DENY #\(id) C1 in 110105********002X residentCard"), "\(what): \(refused)")
            #expect(refused.contains("the card number is revoked or blacklisted"), "\(what): \(refused)")
            #expect(await relay.received(within: 1) == [], "the relay got a command for a \(what) card")
            await expectNoPassage(for: 2, "\(what) card left in the reader")
            if checkingState {
                let state = try #require(
                    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("state.json"))))
                        as? [String: Any])
                let devices = try #require(state["devices"] as? [String: String])
                #expect(devices["card reader \(Self.cardReader)"]?.hasPrefix("ok") == true, "\(devices)")
            }
            #expect(await emulator.stop() == 0, "\(emulator.output)")
            try await waitForRemoval()
        }

        // 4. The card number on the platform's blacklist (reloaded): refused at once, no code asked for.
        try await reloadLists { try writeBlacklist([cardNumber]) }
        try await refusedAtOnce(4, "blacklisted", checkingState: true)

        // 5. The card number on the revocation list instead (reloaded): refused at once as well.
        try await reloadLists { try RevocationList(cardIDs: [cardNumber]).save(to: path("revoked.json")) }
        try await reloadLists { try writeBlacklist([]) }
        try await refusedAtOnce(5, "revoked")

        // 6. A card that stops answering in the middle of EF06 (the read hangs in SCardTransmit):
        // denied after readTimeoutSeconds; when it finally fails (the card taken out), nothing
        // more is logged, and the reader reads the next card.
        try await reloadLists { try RevocationList().save(to: path("revoked.json")) }
        let hanging = try Emulator(image: image, arguments: ["--stall-after", String(issuerAPDUs + 2)])
        let timedOut = try await station.nextLine(within: 60)
        #expect(timedOut.hasPrefix("DENY #6 C1 in - unreadable"), "\(timedOut)\n\(station.stderr)")
        #expect(timedOut.contains("not read within 8.0 seconds"), "\(timedOut)")
        #expect(await relay.received(within: 1) == [], "the relay got a command for a card that does not answer")
        #expect(await hanging.stop() == 0, "\(hanging.output)")
        try await waitForRemoval()
        await expectNoPassage(for: 2, "the hung read's late result")
        try await cardAndCodePass(7, prompt: 3, minutesAgo: 7)

        #expect(await station.terminate() == 0, "\(station.stderr)")
        let logged = try await HCardRunner.run(["passlog", "query", "--log", path("pass.db"), "--json", "--full-id"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(logged.stdout.utf8)) as? [[String: Any]])
        #expect(
            rows.compactMap { $0["decision"] as? String } == ["pass", "deny", "pass", "deny", "deny", "deny", "pass"],
            "\(logged.stdout)")
        try #require(rows.count == 7)
        #expect(
            rows.compactMap { $0["credential"] as? String }
                == ["residentCard", "unreadable", "residentCard", "residentCard", "residentCard", "unreadable", "residentCard"])
        #expect((rows[1]["reasons"] as? [String]) == ["unreadable"])
        #expect((rows[3]["reasons"] as? [String]) == ["residentCard.revoked", "codeRequired"])
        #expect((rows[4]["reasons"] as? [String]) == ["residentCard.revoked", "codeRequired"])
        #expect((rows[5]["reasons"] as? [String]) == ["unreadable"])
        #expect(rows[0]["person"] as? String == person.rawValue)
        try await waitForRemoval()
    }
}
