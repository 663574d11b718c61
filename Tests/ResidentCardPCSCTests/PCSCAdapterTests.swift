import Foundation
import ResidentCardPCSC
import Testing

/// The PC/SC adapter on its own, without pcscd: the return-code values, the mapping of each code
/// to the error a field engineer reads, and a real libpcsclite call that finds no service.
@Suite("PC/SC adapter: return codes, reader errors, no service")
struct PCSCAdapterTests {
    @Test("named codes print pcsc-lite's constant, hex and text; unnamed codes still print")
    func codes() {
        #expect(PCSCError.noService.name == "SCARD_E_NO_SERVICE")
        #expect(PCSCError.noService.hex == "0x8010001D")
        #expect(PCSCError.noService.description.hasPrefix("SCARD_E_NO_SERVICE (0x8010001D): "))
        let unnamed = PCSCError(rawValue: 0x8010_0099)
        #expect(unnamed.name == nil)
        #expect(unnamed.description.hasPrefix("PC/SC error (0x80100099): "))
        #expect(PCSCError.removedCard.meansCardGone && PCSCError.notTransacted.meansCardGone)
        #expect(!PCSCError.sharingViolation.meansCardGone && !PCSCError.noService.meansCardGone)
    }

    @Test(
        "each PC/SC code becomes the reader error that says what to do",
        arguments: [
            (PCSCError.noService, ReaderError.Code.serviceUnavailable, nil as String?),
            (.serviceStopped, .serviceUnavailable, nil), (.noReadersAvailable, .noReaders, nil),
            (.unknownReader, .unknownReader, nil), (.noSmartcard, .noCard, nil),
            (.sharingViolation, .readerBusy, nil), (.unresponsiveCard, .cardUnresponsive, nil),
            (.removedCard, .cardRemoved, "READ BINARY"), (.readerUnavailable, .cardRemoved, "READ BINARY"),
            (.insufficientBuffer, .failed, nil),
        ])
    func mapping(code: PCSCError, expected: ReaderError.Code, operation: String?) {
        let error = ReaderError.from(code, call: "SCardTransmit", reader: "R1", operation: operation)
        #expect(error.code == expected)
        // "No reader" and "no card" are states, not failures of a call: they carry no PC/SC code.
        let carriesCode = expected != .noReaders && expected != .noCard
        #expect(carriesCode ? error.underlyingError == code : error.underlyingError == nil)
        #expect(!error.message.isEmpty)
        #expect(!carriesCode || error.description.contains(code.name ?? code.hex))
    }

    @Test("a real SCardEstablishContext with no pcscd at the socket: serviceUnavailable naming the fix")
    func noService() throws {
        // libpcsclite reads PCSCLITE_CSOCK_NAME when it connects; point it at a socket that
        // cannot exist. The PC/SC tests that need pcscd run the hcard binary in their own
        // processes, so this process-wide setting reaches no other test.
        setenv("PCSCLITE_CSOCK_NAME", "/nonexistent/hcard-adapter-test/pcscd.comm", 1)
        defer { unsetenv("PCSCLITE_CSOCK_NAME") }
        do {
            _ = try PCSCContext()
            Issue.record("a context was established without pcscd")
        } catch {
            #expect(error.code == .serviceUnavailable)
            #expect(error.message.contains("pcscd is not running"))
            #expect(error.underlyingError == .noService)
        }
    }
}
