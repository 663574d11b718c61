import Testing
@testable import HealthCardFoundation
@testable import ResidentCard


/// ISO/IEC 7816-4 §5.1.3 status words, response parsing and file identifiers.
@Suite("APDU status words, responses and file identifiers")
struct APDUStatusWordTests {
    @Test(
        "named status words have the ISO values",
        arguments: [
            (StatusWord.success, 0x9000), (.wrongLength, 0x6700), (.securityStatusNotSatisfied, 0x6982),
            (.authenticationMethodBlocked, 0x6983), (.referenceDataInvalidated, 0x6984),
            (.conditionsNotSatisfied, 0x6985), (.commandNotAllowed, 0x6986), (.incorrectSecureMessaging, 0x6988),
            (.fileNotFound, 0x6A82), (.recordNotFound, 0x6A83), (.referencedDataNotFound, 0x6A88),
            (.incorrectP1P2, 0x6A86), (.wrongOffset, 0x6B00), (.insNotSupported, 0x6D00),
            (.claNotSupported, 0x6E00), (.fileIncompatible, 0x6981), (.noPreciseDiagnosis, 0x6F00),
            (.memoryFailure, 0x6581), (.wrongData, 0x6A80), (.notEnoughMemory, 0x6A84),
        ] as [(StatusWord, UInt16)])
    func namedValues(statusWord: StatusWord, raw: UInt16) {
        #expect(statusWord.rawValue == raw)
        #expect(statusWord.name != nil)
    }

    @Test("SW1 and SW2 split and join")
    func bytes() {
        let sw = StatusWord(sw1: 0x6A, sw2: 0x82)
        #expect(sw == .fileNotFound)
        #expect(sw.sw1 == 0x6A && sw.sw2 == 0x82)
        #expect(sw.bytes == [0x6A, 0x82])
        #expect(sw.hex == "6A82")
        let literal: StatusWord = 0x63C2
        #expect(literal.rawValue == 0x63C2)
    }

    @Test(
        "61xx bytes available (00 means 256)",
        arguments: [(0x6110, 16), (0x6101, 1), (0x6100, 256), (0x9000, nil), (0x6C10, nil)] as [(UInt16, Int?)])
    func bytesAvailable(raw: UInt16, expected: Int?) {
        #expect(StatusWord(rawValue: raw).bytesAvailable == expected)
    }

    @Test(
        "6Cxx correct length (00 means 256)",
        arguments: [(0x6C12, 18), (0x6C00, 256), (0x6700, nil), (0x6110, nil)] as [(UInt16, Int?)])
    func correctLength(raw: UInt16, expected: Int?) {
        #expect(StatusWord(rawValue: raw).correctLength == expected)
    }

    @Test(
        "63Cx tries left (the trace's 63CE, 63CD)",
        arguments: [
            (0x63CE, 14), (0x63CD, 13), (0x63C2, 2), (0x63C0, 0), (0x6300, nil), (0x6282, nil),
            (0x6CC2, nil),
        ] as [(UInt16, Int?)])
    func retriesLeft(raw: UInt16, expected: Int?) {
        #expect(StatusWord(rawValue: raw).retriesLeft == expected)
    }

    @Test(
        "isSuccess: 9000 and 61xx only",
        arguments: [
            (0x9000, true), (0x6110, true), (0x6100, true), (0x6282, false), (0x6982, false),
            (0x9001, false), (0x6C10, false),
        ] as [(UInt16, Bool)])
    func isSuccess(raw: UInt16, expected: Bool) {
        #expect(StatusWord(rawValue: raw).isSuccess == expected)
    }

    @Test(
        "description is hex plus meaning",
        arguments: [
            (0x6982, "6982 security status not satisfied"), (0x9000, "9000 success"),
            (0x6A82, "6A82 file not found"), (0x6581, "6581 memory failure"),
            (0x6110, "6110 16 bytes available"), (0x6C08, "6C08 wrong Le, exact length is 8"),
            (0x63C2, "63C2 verification failed, 2 tries left"), (0x63C1, "63C1 verification failed, 1 try left"),
            (0x6F00, "6F00 no precise diagnosis"), (0x6F01, "6F01 unknown"),
        ] as [(UInt16, String)])
    func description(raw: UInt16, expected: String) {
        #expect(StatusWord(rawValue: raw).description == expected)
    }

    @Test("warnings are 62xx and 63xx")
    func warnings() {
        #expect(StatusWord(rawValue: 0x6282).isWarning)
        #expect(StatusWord(rawValue: 0x63C1).isWarning)
        #expect(!StatusWord.success.isWarning)
        #expect(!StatusWord.wrongLength.isWarning)
    }

    // MARK: ResponseAPDU

    @Test("a response splits into data and SW (DDF1 FCI from the trace)")
    func parseResponse() throws {
        let hex = "6F10840C57532E5359532E4444463031A500 9000"
        let response = try ResponseAPDU(bytes: apduTestBytes(hex))
        #expect(response.data.count == 18)
        #expect(Array(response.data.prefix(4)) == [0x6F, 0x10, 0x84, 0x0C])
        #expect(response.statusWord == .success)
        #expect(response.sw1 == 0x90 && response.sw2 == 0x00)
        #expect(response.bytes == apduTestBytes(hex))
        #expect(response.description == "6F10840C57532E5359532E4444463031A500 9000")
    }

    @Test("a bare status word is a response with no data")
    func bareStatusWord() throws {
        let response = try ResponseAPDU(bytes: [0x6A, 0x82])
        #expect(response.data.isEmpty)
        #expect(response.statusWord == .fileNotFound)
        #expect(response.description == "6A82")
    }

    @Test("fewer than 2 bytes is truncated", arguments: [[], [0x90]] as [[UInt8]])
    func truncated(bytes: [UInt8]) {
        #expect(throws: HealthCardError.truncated("")) { try ResponseAPDU(bytes: bytes) }
    }

    @Test("parses from a slice")
    func parseSlice() throws {
        let buffer: [UInt8] = [0xEE, 0x01, 0x02, 0x90, 0x00]
        let response = try ResponseAPDU(bytes: buffer[1...])
        #expect(response == ResponseAPDU(data: [0x01, 0x02], statusWord: .success))
    }

    // MARK: FileIdentifier

    @Test(
        "file identifiers print as four hex digits",
        arguments: [
            (0xDDF1, "DDF1"), (0x3F00, "3F00"), (0xEF05, "EF05"), (0x0015, "0015"), (0xED01, "ED01"),
        ] as [(UInt16, String)])
    func fileIdentifierDescription(raw: UInt16, expected: String) {
        #expect(FileIdentifier(raw).description == expected)
    }

    @Test("the master file is 3F00 and FIDs encode high byte first")
    func masterFile() {
        #expect(FileIdentifier.masterFile.rawValue == 0x3F00)
        #expect(FileIdentifier.masterFile.bytes == [0x3F, 0x00])
        let ddf1: FileIdentifier = 0xDDF1
        #expect(ddf1.bytes == [0xDD, 0xF1])
        #expect(FileIdentifier(rawValue: 0xDDF1) == ddf1)
    }
}
