import Synchronization
import Testing
@testable import HealthCardFoundation
@testable import ResidentCard


/// GlobalPlatformPro-style trace lines, PIN masking and APDU counts.
@Suite("APDU tracing channel")
struct APDUTracingChannelTests {
    /// Collects sink lines across tasks.
    final class Lines: Sendable {
        private let storage = Mutex<[String]>([])
        var all: [String] { storage.withLock { $0 } }
        func append(_ line: String) { storage.withLock { $0.append(line) } }
    }

    @Test(
        "command lines in GlobalPlatformPro format",
        arguments: [
            (HealthCardCommand.select(0xDDF1), "A>> T=1 (4+0002) 00A40000 02 DDF1"),
            (HealthCardCommand.select(0xDDF1, fci: true), "A>> T=1 (4+0002) 00A40000 02 DDF1 00"),
            (HealthCardCommand.getChallenge(), "A>> T=1 (4+0000) 00840000 08"),
            (try! HealthCardCommand.readBinary(offset: 0, ne: 3013), "A>> T=1 (4+0000) 00B00000 000BC5"),
            (try! CommandAPDU(cla: 0, ins: 0x84, p1: 0, p2: 0), "A>> T=1 (4+0000) 00840000"),
            (try! HealthCardCommand.verify(pin: [0x12, 0x34, 0x56]), "A>> T=1 (4+0003) 00200000 03 ******"),
            (
                try! HealthCardCommand.changePIN(old: [0x12, 0x34], new: [0x56, 0x78]),
                "A>> T=1 (4+0005) 805E0100 05 **********"
            ),
        ])
    func commandLines(command: CommandAPDU, expected: String) {
        #expect(APDUTraceFormat.commandLine(command) == expected)
    }

    @Test("response lines with data size and time")
    func responseLines() throws {
        let fci = try ResponseAPDU(bytes: apduTestBytes(apduTestDDF1FCI + "9000"))
        #expect(
            APDUTraceFormat.responseLine(fci, elapsed: .milliseconds(12))
                == "A<< (0018+2) (12ms) \(apduTestDDF1FCI) 9000")
        #expect(
            APDUTraceFormat.responseLine(
                ResponseAPDU(statusWord: .success), elapsed: .milliseconds(3))
                == "A<< (0000+2) (3ms) 9000")
        #expect(
            APDUTraceFormat.responseLine(
                ResponseAPDU(statusWord: 0x6A82), elapsed: .milliseconds(1234))
                == "A<< (0000+2) (1s234ms) 6A82")
    }

    @Test("traces every exchange, masks the PIN and counts APDUs")
    func tracesAndCounts() async throws {
        let card = ScriptedCardChannel([
            ("0020000003123456", "9000"),
            ("00A4000002DDF1", apduTestDDF1FCI + "9000"),
            ("00B2390005", "3903313233 9000"),
        ])
        let lines = Lines()
        let traced = TracingChannel(card, protocolLabel: "T=1") { lines.append($0) }
        _ = try await traced.transmit(try HealthCardCommand.verify(pin: [0x12, 0x34, 0x56]))
        _ = try await traced.transmit(HealthCardCommand.select(0xDDF1))
        _ = try await traced.transmit(try HealthCardCommand.readRecord(identifier: 0x39, ne: 5))

        let all = lines.all
        #expect(all.count == 6)
        #expect(all[0] == "A>> T=1 (4+0003) 00200000 03 ******")
        #expect(all[2] == "A>> T=1 (4+0002) 00A40000 02 DDF1")
        #expect(all[4] == "A>> T=1 (4+0000) 00B23900 05")
        #expect(all[3].hasPrefix("A<< (0018+2) ("))
        #expect(all[3].hasSuffix("ms) \(apduTestDDF1FCI) 9000"))
        #expect(all[5].hasSuffix("ms) 3903313233 9000"))
        #expect(!all.contains { $0.contains("123456") }, "the PIN leaked into the trace")
        #expect(traced.apduCount == 3)

        traced.resetCounters()
        #expect(traced.apduCount == 0)
        #expect(traced.cardTime == .zero)
        card.expectFinished()
    }

    @Test("under a T0Channel the GET RESPONSE is traced and counted")
    func countsGetResponse() async throws {
        let card = ScriptedCardChannel([
            ("00A4000002DDF1", "6112"),
            ("00C0000012", apduTestDDF1FCI + "9000"),
        ])
        let lines = Lines()
        let traced = TracingChannel(card, protocolLabel: "T=0") { lines.append($0) }
        let response = try await T0Channel(traced).transmit(HealthCardCommand.select(0xDDF1))
        #expect(response.data.count == 18)
        #expect(traced.apduCount == 2)
        #expect(lines.all.count == 4)
        #expect(lines.all[0] == "A>> T=0 (4+0002) 00A40000 02 DDF1")
        #expect(lines.all[2] == "A>> T=0 (4+0000) 00C00000 12")
        card.expectFinished()
    }

    @Test("transport failures are traced, counted and rethrown")
    func transportFailure() async throws {
        let card = ScriptedCardChannel(steps: [
            .init(command: [0x00, 0x84, 0x00, 0x00, 0x08], reply: .transportFailure)
        ])
        let lines = Lines()
        let traced = TracingChannel(card) { lines.append($0) }
        await #expect(throws: ScriptedCardChannel.Unexpected.self) {
            try await traced.transmit(HealthCardCommand.getChallenge())
        }
        #expect(traced.apduCount == 1)
        #expect(lines.all.count == 2)
        #expect(lines.all[1].hasPrefix("A<< ("))
        #expect(lines.all[1].contains("error: transport failure"))
        card.expectFinished()
    }
}
