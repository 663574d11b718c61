import Synchronization
import Testing
@testable import HealthCardFoundation
@testable import ResidentCard
@testable import ResidentCardEmulator

/// The chunk size is part of the reader profile (`TerminalSession.Configuration.readChunk` and
/// `writeChunk`; `chunk` of libhcard.so): the vendor moves 0x80 bytes per APDU, as the trace
/// shows (EE01 read as 12 × `00B0…80` + `00B0060067`, ED01 rewritten as 24 × `00D6…`), and some
/// chip operating systems take 255/256. Both profiles must produce the same bytes.
@Suite("Chunk-size profile: the vendor's 0x80 and 255/256")
struct ChunkProfileTests {
    /// Records the commands a channel sends.
    final class Recorder: CardChannel {
        let base: any CardChannel
        let commands = Mutex<[String]>([])
        init(_ base: any CardChannel) { self.base = base }
        func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
            commands.withLock { $0.append(Hex.encode(command.bytes)) }
            return try await base.transmit(command)
        }
        func sent(_ prefix: String) -> [String] { commands.withLock { $0.filter { $0.hasPrefix(prefix) } } }
    }

    static func terminal(chunk: Int) throws -> (VirtualTerminal, Recorder, TerminalSession) {
        let recorder = Mutex<Recorder?>(nil)
        let terminal = try VirtualTerminal(image: VirtualTerminal.image()) { card in
            let wrapped = Recorder(card)
            recorder.withLock { $0 = wrapped }
            return wrapped
        }
        var configuration = TerminalSession.Configuration()
        configuration.samPIN = VirtualSAM.testPIN
        configuration.readChunk = chunk
        configuration.writeChunk = min(chunk, 0xFF)
        let channel = recorder.withLock { $0! }
        let session = TerminalSession(
            card: channel, atr: try terminal.card.answerToReset, sam: APDUSecureAccessModule(channel: terminal.samChannel),
            configuration: configuration)
        return (terminal, channel, session)
    }

    @Test("0x80: the inpatient data area is read as the trace reads it", arguments: [0x80])
    func vendorChunks(chunk: Int) async throws {
        let (_, recorder, session) = try Self.terminal(chunk: chunk)
        let file = ResidentCardFileSystem.EF.inpatient[0]
        let bytes = try await session.readBinaryBytes(of: file, offset: 0, length: 1639)
        #expect(bytes.count == 1639)
        var trace: [String] = []
        for chunk in 0..<12 {
            let offset = chunk * 0x80
            trace.append(Hex.encode([0x00, 0xB0, UInt8(offset >> 8), UInt8(offset & 0xFF), 0x80]))
        }
        trace.append("00B0060067")
        #expect(recorder.sent("00B0") == trace)
    }

    @Test("both profiles write and read the same bytes; 0x80 needs twice the APDUs", arguments: [0x80, 0x100])
    func sameBytes(chunk: Int) async throws {
        let (terminal, recorder, session) = try Self.terminal(chunk: chunk)
        let file = ResidentCardFileSystem.EF.outpatient[0]
        let data = (0..<3013).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try await session.updateBinaryBytes(of: file, offset: 0, data: data)
        #expect(try await session.readBinaryBytes(of: file, offset: 0, length: 3013) == data)
        #expect(terminal.image.contents(of: file)?.bytes.prefix(3013).elementsEqual(data) == true)
        let writes = recorder.sent("00D6"), reads = recorder.sent("00B0")
        if chunk == 0x80 {
            #expect(writes.count == 24 && reads.count == 24)  // the trace: 24 × 00D6 for ED01
            #expect(writes.allSatisfy { $0.dropFirst(8).hasPrefix("80") || $0 == writes.last })
        } else {
            #expect(writes.count == 12 && reads.count == 12)  // 11 × 255 + 208 / 11 × 256 + 197
        }
    }
}
