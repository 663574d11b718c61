import Foundation
import Synchronization
import Testing
@testable import HealthCardFoundation
@testable import ResidentCard
@testable import ResidentCardEmulator


/// What goes wrong at a card: wrong keys, missing authentication, broken responses, a card
/// pulled out mid-write (health-card.md §6 status words, §7 security, issue "tearing test").
@Suite("Terminal session failures")
struct SessionFailureTests {
    @Test("a card personalised with other keys: 63Cx counting down, then blocked")
    func wrongKey() async throws {
        var otherKeys = VirtualSAM.testMasterKeys
        otherKeys["4731"] = [UInt8](repeating: 0x42, count: 16)
        let image = try VirtualTerminal.image(maxRetries: 3, masterKeys: otherKeys)
        var messages: [String] = []
        let terminal = try VirtualTerminal(image: image)
        for _ in 1...4 {
            do {
                _ = try await terminal.session.read(HolderRecord.self)
                Issue.record("authentication must fail")
            } catch let error as CardCommandError {
                messages.append("\(error.statusWord.hex) \(error.message)")
            }
        }
        #expect(messages.count == 4)
        #expect(messages[0].hasPrefix("63C2"))
        #expect(messages[1].hasPrefix("63C1"))
        #expect(messages[2].hasPrefix("6983"))
        #expect(messages[3].hasPrefix("6983"), "a blocked key stays blocked")
        #expect(messages[0].contains("RK_DDF1"))
    }

    /// Shares one image across the attempts above: the retry counter lives on the card.
    @Test("the retry counter is persistent card state")
    func retryCounterPersists() async throws {
        var otherKeys = VirtualSAM.testMasterKeys
        otherKeys["4731"] = [UInt8](repeating: 0x42, count: 16)
        var image = try VirtualTerminal.image(maxRetries: 3, masterKeys: otherKeys)
        for expected in ["63C2", "63C1", "6983"] {
            let terminal = try VirtualTerminal(image: image)
            await #expect(throws: CardCommandError.self) { try await terminal.session.read(HolderRecord.self) }
            image = terminal.image
            #expect(image.keys["RK_DDF1"]?.retriesLeft == ["63C2": 2, "63C1": 1, "6983": 0][expected])
        }
        // The right key no longer helps once blocked.
        let blocked = try VirtualTerminal(image: image)
        await #expect(throws: CardCommandError.self) { try await blocked.session.read(HolderRecord.self) }
    }

    @Test("reading a protected file without authentication: 6982")
    func unauthenticatedRead() async throws {
        let channel = EmulatedCardChannel(VirtualCard(image: try VirtualTerminal.image()))
        for command in [HealthCardCommand.select(0xDDF1), HealthCardCommand.select(0xEF06)] {
            #expect(try await channel.transmit(command).statusWord == .success)
        }
        let response = try await channel.transmit(try HealthCardCommand.readRecord(number: 1, ne: 32))
        #expect(response.statusWord == .securityStatusNotSatisfied)
        await #expect(throws: CardCommandError.self) {
            try await channel.transmitChecked(try HealthCardCommand.readRecord(number: 1, ne: 32))
        }
        // EF05 is free.
        #expect(try await channel.transmit(HealthCardCommand.select(0xEF05)).statusWord == .success)
        #expect(try await channel.transmit(try HealthCardCommand.readRecord(number: 1, ne: 3)).data == [0x01, 0x01, 0x31])
    }

    @Test("a truncated record from the card is an error naming the file and record")
    func truncatedResponse() async throws {
        let terminal = try VirtualTerminal(image: VirtualTerminal.image(), withSAM: false) { card in
            MutatingChannel(base: card) { command, response in
                command.ins == 0xB2 && command.p1 == 3 ? ResponseAPDU(data: Array(response.data.prefix(10)), statusWord: .success) : response
            }
        }
        do {
            _ = try await terminal.session.readIssuer()
            Issue.record("a truncated record must not decode")
        } catch let error as HealthCardError {
            #expect(error.code == .truncated)
            #expect(error.reason.contains("DDF1/EF05 record 3"))
        }
    }

    @Test("an unknown status word is reported with the command")
    func unknownStatusWord() async throws {
        let terminal = try VirtualTerminal(image: VirtualTerminal.image(), withSAM: false) { card in
            MutatingChannel(base: card) { command, response in
                command.ins == 0xB2 ? ResponseAPDU(data: [], statusWord: StatusWord(rawValue: 0x6F00)) : response
            }
        }
        do {
            _ = try await terminal.session.readIssuer()
            Issue.record("6F00 must fail")
        } catch let error as CardCommandError {
            #expect(error.statusWord == .noPreciseDiagnosis)
            #expect(error.message.contains("READ RECORD"))
        }
    }

    /// Cuts the channel after every single APDU of an outpatient write and proves the card stays
    /// consistent: the old record intact, the index never pointing at a partial record.
    @Test("tearing: the card pulled out after each APDU of an outpatient write")
    func tearing() async throws {
        // A card that already holds one visit.
        let setup = try VirtualTerminal(image: VirtualTerminal.image())
        var oldVisit = CardRecordCodecTests.visit
        oldVisit.outpatientNumber = "OLD"
        try await setup.session.writeOutpatient(oldVisit)
        let start = setup.image

        // Count the APDUs of a complete write.
        let counter = CountingLimit(limit: .max)
        let full = try VirtualTerminal(image: start) { PullingChannel(base: $0, limit: counter) }
        var newVisit = CardRecordCodecTests.visit
        newVisit.outpatientNumber = "NEW"
        try await full.session.writeOutpatient(newVisit)
        let total = counter.sent
        #expect(total > 20)

        var committed = 0
        for cut in 0..<total {
            let limit = CountingLimit(limit: cut)
            let torn = try VirtualTerminal(image: start) { PullingChannel(base: $0, limit: limit) }
            await #expect(throws: (any Error).self, "cut after \(cut) APDUs") { try await torn.session.writeOutpatient(newVisit) }

            // Reinsert: a new session on what the card kept.
            let check = try VirtualTerminal(image: torn.image)
            let slots = try #require(try await check.session.readCard().outpatient)
            #expect(slots.first?.record.outpatientNumber == "OLD", "old record intact after cut \(cut)")
            #expect(slots.allSatisfy { $0.signatureValid == true }, "index points only at complete records (cut \(cut))")
            if slots.count == 2 {
                committed += 1
                #expect(slots[1].record.outpatientNumber == "NEW")
            }
        }
        // Only a cut after the commit APDU (mark valid) leaves the new record: the read-back ones.
        #expect(committed >= 1 && committed < total / 2)
    }
}

/// Rewrites responses, to simulate a misbehaving card or reader.
struct MutatingChannel: CardChannel {
    let base: any CardChannel
    let change: @Sendable (CommandAPDU, ResponseAPDU) -> ResponseAPDU
    func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU { change(command, try await base.transmit(command)) }
}

/// How many APDUs may pass before the card is "pulled out".
final class CountingLimit: Sendable {
    let limit: Int
    private let count = Mutex(0)
    init(limit: Int) { self.limit = limit }
    var sent: Int { count.withLock { $0 } }
    /// `true` while the card is still in the reader.
    func next() -> Bool { count.withLock { $0 += 1; return $0 <= limit } }
}

/// Pulls the card out once the limit is reached: that APDU and all later ones fail.
struct PullingChannel: CardChannel {
    let base: EmulatedCardChannel<VirtualCard>
    let limit: CountingLimit
    func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        guard limit.next() else {
            base.pullOut()
            throw CardRemovedError()
        }
        return try await base.transmit(command)
    }
}
