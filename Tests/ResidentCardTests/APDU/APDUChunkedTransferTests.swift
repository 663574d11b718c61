import Testing
@testable import HealthCardFoundation
@testable import ResidentCard


/// health-card.md §5 and §10: ED01 is read and written in 0x80 chunks.
@Suite("APDU chunked READ/UPDATE BINARY")
struct APDUChunkedTransferTests {
    /// The trace's ED01 read: 3013 bytes in 0x80 chunks = 23 full chunks + one of 0x45 (health-card.md §10).
    static func ed01ReadScript(chunk: Int, length: Int = 3013) -> [(command: String, response: String)] {
        stride(from: 0, to: length, by: chunk).map { offset in
            let count = min(chunk, length - offset)
            return (
                "00B0" + Hex.encode(offset, digits: 4) + Hex.encode(count, digits: 2),
                Hex.encode(apduTestPattern(offset: offset, count: count)) + "9000"
            )
        }
    }

    @Test("3013 bytes in 0x80 chunks: 24 APDUs, the last one short (Le 45)")
    func readED01() async throws {
        let card = ScriptedCardChannel(Self.ed01ReadScript(chunk: 0x80))
        let data = try await ChunkedTransfer.readBinary(from: card, length: 3013, maxChunk: 0x80)
        #expect(data == apduTestPattern(offset: 0, count: 3013))
        let sent = card.sentCommands
        #expect(sent.count == 24)
        #expect(Hex.encode(sent[0].bytes) == "00B0000080")
        #expect(Hex.encode(sent[1].bytes) == "00B0008080")
        #expect(Hex.encode(sent[23].bytes) == "00B00B8045")
        card.expectFinished()
    }

    @Test("default chunk 0xFF: 12 APDUs for 3013 bytes")
    func readDefaultChunk() async throws {
        let card = ScriptedCardChannel(Self.ed01ReadScript(chunk: 0xFF))
        let data = try await ChunkedTransfer.readBinary(from: card, length: 3013)
        #expect(data.count == 3013)
        #expect(card.sentCommands.count == 12)
        #expect(Hex.encode(card.sentCommands[11].bytes) == "00B00AF5D0")
        card.expectFinished()
    }

    @Test("an extended chunk reads the whole data area in one APDU")
    func readExtended() async throws {
        let card = ScriptedCardChannel([
            ("00B00000000BC5", Hex.encode(apduTestPattern(offset: 0, count: 3013)) + "9000")
        ])
        let data = try await ChunkedTransfer.readBinary(from: card, length: 3013, maxChunk: 0x1000)
        #expect(data == apduTestPattern(offset: 0, count: 3013))
        card.expectFinished()
    }

    @Test("a start offset is honoured and a short answer continues where it ended")
    func readShortAnswer() async throws {
        let card = ScriptedCardChannel([
            ("00B0010080", Hex.encode(apduTestPattern(offset: 0x100, count: 0x40)) + "9000"),
            ("00B0014060", Hex.encode(apduTestPattern(offset: 0x140, count: 0x60)) + "9000"),
        ])
        let data = try await ChunkedTransfer.readBinary(from: card, offset: 0x100, length: 0xA0, maxChunk: 0x80)
        #expect(data == apduTestPattern(offset: 0x100, count: 0xA0))
        card.expectFinished()
    }

    @Test("6282 before the requested length is an error naming where the file ended")
    func readEndOfFile() async throws {
        let card = ScriptedCardChannel([
            ("00B0000080", Hex.encode(apduTestPattern(offset: 0, count: 0x80)) + "9000"),
            ("00B0008080", Hex.encode(apduTestPattern(offset: 0x80, count: 0x40)) + "6282"),
        ])
        let error = await #expect(throws: CardCommandError.self) {
            try await ChunkedTransfer.readBinary(
                from: card, length: 0x100, maxChunk: 0x80, context: .init(file: 0xED01))
        }
        #expect(error?.message == "READ BINARY at offset 0x00C0: ED01 ended after 192 of 256 bytes")
        #expect(error?.offset == 0xC0)
        #expect(error?.statusWord == 0x6282)
        card.expectFinished()
    }

    @Test("6282 exactly at the requested length is fine")
    func readEndOfFileExactly() async throws {
        let card = ScriptedCardChannel([
            ("00B0000040", Hex.encode(apduTestPattern(offset: 0, count: 0x40)) + "6282")
        ])
        let data = try await ChunkedTransfer.readBinary(from: card, length: 0x40)
        #expect(data.count == 0x40)
        card.expectFinished()
    }

    @Test("a refused chunk mid-way names its offset")
    func readErrorMidWay() async throws {
        var script = Array(Self.ed01ReadScript(chunk: 0x80).prefix(2))
        script.append(("00B0010080", "6982"))
        let card = ScriptedCardChannel(script)
        let error = await #expect(throws: CardCommandError.self) {
            try await ChunkedTransfer.readBinary(
                from: card, length: 3013, maxChunk: 0x80, context: .init(file: 0xED01, key: "RK_DF03"))
        }
        #expect(
            error?.message
                == "READ BINARY at offset 0x0100 failed: security status not satisfied: authenticate with RK_DF03 first"
        )
        #expect(error?.offset == 0x100)
        #expect(error?.command == .readBinary)
        card.expectFinished()
    }

    @Test("more bytes than asked, or none at all, is rejected")
    func readBadLengths() async throws {
        let tooMany = ScriptedCardChannel([("00B0000002", "010203 9000")])
        await #expect(throws: HealthCardError.malformed("")) {
            try await ChunkedTransfer.readBinary(from: tooMany, length: 2)
        }
        let none = ScriptedCardChannel([("00B0000002", "9000")])
        let error = await #expect(throws: CardCommandError.self) {
            try await ChunkedTransfer.readBinary(from: none, length: 2)
        }
        #expect(error?.message == "READ BINARY at offset 0x0000: the file ended after 0 of 2 bytes")
    }

    @Test("length 0 sends nothing; bad chunk sizes are rejected")
    func readArguments() async throws {
        let card = ScriptedCardChannel([])
        #expect(try await ChunkedTransfer.readBinary(from: card, length: 0).isEmpty)
        await #expect(throws: HealthCardError.invalidValue("")) {
            try await ChunkedTransfer.readBinary(from: card, length: 10, maxChunk: 0)
        }
        await #expect(throws: HealthCardError.invalidValue("")) {
            try await ChunkedTransfer.updateBinary(on: card, data: [1], maxChunk: 65536)
        }
        #expect(card.sentCommands.isEmpty)
    }

    @Test("3013 bytes written as 24 × 00D6 chunks of 0x80, as in the trace")
    func writeED01() async throws {
        let data = apduTestPattern(offset: 0, count: 3013)
        let script = stride(from: 0, to: 3013, by: 0x80).map { offset in
            let count = min(0x80, 3013 - offset)
            return (
                command: "00D6" + Hex.encode(offset, digits: 4) + Hex.encode(count, digits: 2)
                    + Hex.encode(data[offset..<(offset + count)]),
                response: "9000"
            )
        }
        let card = ScriptedCardChannel(script)
        let sent = try await ChunkedTransfer.updateBinary(on: card, data: data)
        #expect(sent == 24)
        #expect(Array(card.sentCommands[23].bytes.prefix(5)) == [0x00, 0xD6, 0x0B, 0x80, 0x45])
        card.expectFinished()
    }

    @Test("a failed write names the offset it reached and stops there")
    func writeErrorMidWay() async throws {
        let data = [UInt8](repeating: 0xEE, count: 0x600)
        var script: [(command: String, response: String)] = stride(from: 0, to: 0x400, by: 0x80).map { offset in
            ("00D6" + Hex.encode(offset, digits: 4) + "80" + String(repeating: "EE", count: 0x80), "9000")
        }
        script.append(("00D6040080" + String(repeating: "EE", count: 0x80), "6581"))
        let card = ScriptedCardChannel(script)
        let error = await #expect(throws: CardCommandError.self) {
            try await ChunkedTransfer.updateBinary(on: card, data: data)
        }
        #expect(
            error?.message
                == "UPDATE BINARY at offset 0x0400 failed: 6581 memory failure: the card could not write;"
                + " retry once, then replace the card")
        #expect(error?.message.hasPrefix("UPDATE BINARY at offset 0x0400 failed: 6581 memory failure") == true)
        #expect(error?.offset == 0x400)
        #expect(error?.statusWord == .memoryFailure)
        #expect(card.sentCommands.count == 9)
        card.expectFinished()
    }

    @Test("writes work through T0Channel and accept 63Cx retries warnings")
    func writeWithWarning() async throws {
        let card = ScriptedCardChannel([
            ("00D6000002AABB", "63C1"),
            ("00D6000201CC", "9000"),
        ])
        let sent = try await ChunkedTransfer.updateBinary(on: T0Channel(card), data: [0xAA, 0xBB, 0xCC], maxChunk: 2)
        #expect(sent == 2)
        card.expectFinished()
    }
}
