import Testing
@testable import HealthCardFoundation
@testable import ResidentCard


/// STYLE §4: the same status word means different things for different commands.
@Suite("APDU status-word interpretation per command")
struct APDUStatusWordInterpretationTests {
    static let a: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
    static let d: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]

    static func auth(_ key: UInt8) throws -> CommandAPDU {
        try HealthCardCommand.externalAuthenticate(keyReference: key, cryptogram: a, terminalData: d)
    }

    static func smWrite() throws -> CommandAPDU {
        try HealthCardCommand.updateRecordSecureMessaging(
            number: 1, ciphertext: .init(repeating: 0, count: 16), mac: [1, 2, 3, 4])
    }

    /// (command, SW, context, exact message).
    static func failures() throws -> [(CommandAPDU, StatusWord, CardCommandContext, String)] {
        let ef05 = CardCommandContext(file: 0xEF05)
        return [
            (HealthCardCommand.select(0xDF04), .fileNotFound, .init(), "file DF04 not found"),
            (try HealthCardCommand.readRecord(number: 7), .recordNotFound, ef05, "record 7 not found in EF05"),
            (
                try HealthCardCommand.readRecord(identifier: 0x39, ne: 5), .recordNotFound, ef05,
                "no record with identifier 39 in EF05"
            ),
            (
                try auth(0x04), 0x63C2, .init(),
                "external authentication with key 04 failed: 2 tries left (check the SAM key and the diversification factors)"
            ),
            (
                try auth(0x84), .authenticationMethodBlocked, .init(key: "RK_DF01"),
                "key blocked: key 84 (RK_DF01) has no tries left; the issuer must unblock the card"
            ),
            (
                try auth(0x86), .referencedDataNotFound, .init(),
                "key 86 not found on the card: wrong key reference for this DF"
            ),
            (
                try auth(0x04), .referenceDataInvalidated, .init(),
                "challenge invalid: run GET CHALLENGE immediately before EXTERNAL AUTHENTICATE"
            ),
            (
                try HealthCardCommand.readBinary(offset: 0, ne: 0x80), .securityStatusNotSatisfied,
                .init(file: 0xED01, key: "RK_DF03"), "security status not satisfied: authenticate with RK_DF03 first"
            ),
            (
                try HealthCardCommand.readRecord(number: 1), .securityStatusNotSatisfied, .init(),
                "security status not satisfied: run EXTERNAL AUTHENTICATE with this DF's key first"
            ),
            (
                try HealthCardCommand.readBinary(offset: 0, ne: 0x80), .noPreciseDiagnosis, .init(),
                "unexpected status word 6F00 after READ BINARY"
            ),
            (
                try HealthCardCommand.readBinary(offset: 0x1000, ne: 0x80), .wrongOffset, .init(file: 0xEF07),
                "offset 0x1000 is beyond the end of EF07"
            ),
            (
                try HealthCardCommand.readBinary(offset: 0, ne: 0x80), .fileIncompatible, ef05,
                "EF05 is not a transparent file: read it with READ RECORD"
            ),
            (try HealthCardCommand.verify(pin: [1, 2, 3]), 0x63C1, .init(), "PIN wrong: 1 try left"),
            (
                try smWrite(), .incorrectSecureMessaging, .init(),
                "secure messaging rejected (6988): MAC or cryptogram wrong; derive the session key again from a"
                    + " fresh GET CHALLENGE"
            ),
            (
                try smWrite(), .claNotSupported, .init(), "class 04 (secure messaging) not supported by this card"
            ),
            (
                try HealthCardCommand.updateBinary(offset: 0x0400, data: [0]), .memoryFailure, .init(),
                "6581 memory failure: the card could not write; retry once, then replace the card"
            ),
            (
                HealthCardCommand.getChallenge(), .insNotSupported, .init(),
                "instruction 84 (GET CHALLENGE) not supported by this card"
            ),
            (
                try HealthCardCommand.markIndexRecordEmpty(number: 4), .recordNotFound, .init(file: 0xEF06),
                "index record 4 not found in EF06"
            ),
            (
                HealthCardCommand.select(0xDDF1), 0x6282, .init(),
                "unexpected status word 6282 after SELECT"
            ),
        ]
    }

    @Test("refusals become CardCommandError with an actionable message")
    func failureMessages() throws {
        for (command, sw, context, message) in try Self.failures() {
            let result = StatusWordInterpretation.interpret(sw, after: command, context: context)
            guard case .failure(let error) = result else {
                Issue.record("\(sw) after \(command) was accepted: \(result)")
                continue
            }
            #expect(error.message == message)
            #expect(error.description == message)
            #expect(error.statusWord == sw)
            #expect(error.command == CardCommandKind(command))
            #expect(error.offset == nil)
        }
    }

    @Test("accepted status words become typed outcomes")
    func outcomes() throws {
        let read = try HealthCardCommand.readBinary(offset: 0, ne: 0x80)
        let record = try HealthCardCommand.readRecord(number: 1)
        let select = HealthCardCommand.select(0xDDF1)
        let update = try HealthCardCommand.updateBinary(offset: 0, data: [1])
        let table: [(CommandAPDU, StatusWord, CardCommandOutcome)] = [
            (select, .success, .success),
            (read, 0x6282, .endOfData),
            (record, 0x6282, .endOfData),
            (select, 0x6112, .moreDataAvailable(0x12)),
            (record, 0x6C12, .wrongLe(correctLength: 0x12)),
            (update, 0x63C1, .warning(0x63C1, "written after internal retries")),
            (select, 0x6283, .warning(0x6283, "file DDF1 is deactivated")),
        ]
        for (command, sw, expected) in table {
            let result = StatusWordInterpretation.interpret(sw, after: command)
            #expect(try result.get() == expected, "\(sw) after \(CardCommandKind(command))")
        }
    }

    @Test("63C2 is a warning after UPDATE BINARY but a failure after EXTERNAL AUTHENTICATE")
    func sameStatusWordDifferentMeaning() throws {
        let update = try HealthCardCommand.updateBinary(offset: 0, data: [1])
        #expect(throws: Never.self) { try ResponseAPDU(statusWord: 0x63C2).check(after: update) }
        #expect(throws: CardCommandError.self) { try ResponseAPDU(statusWord: 0x63C2).check(after: try Self.auth(4)) }
    }

    @Test("check(after:) throws the interpreted error")
    func checkThrows() {
        let select = HealthCardCommand.select(0xDF04)
        #expect(
            throws: CardCommandError(command: .select, statusWord: .fileNotFound, message: "file DF04 not found")
        ) {
            try ResponseAPDU(statusWord: .fileNotFound).check(after: select)
        }
    }

    @Test("transmitChecked returns accepted responses and throws for refusals and stray 61xx")
    func transmitChecked() async throws {
        let channel = ScriptedCardChannel([
            ("00A4000002DDF1", "9000"),
            ("00A4000002DF04", "6A82"),
            ("00A4000002DF01", "6112"),
        ])
        let ok = try await channel.transmitChecked(HealthCardCommand.select(0xDDF1))
        #expect(ok.statusWord == .success)
        await #expect(throws: CardCommandError.self) {
            try await channel.transmitChecked(HealthCardCommand.select(0xDF04))
        }
        let stray = await #expect(throws: CardCommandError.self) {
            try await channel.transmitChecked(HealthCardCommand.select(0xDF01))
        }
        #expect(
            stray?.message == "6112 18 bytes available after SELECT: this is a T=0 card; wrap the channel in T0Channel")
        channel.expectFinished()
    }
}
