import Testing
import HealthCardFoundation
import ResidentCard
import ResidentCardPCSC

/// Which reader holds the card and which the SAM: pure logic, made-up readers.
@Suite("Reader selection")
struct ReaderSelectionTests {
    static let cardATR = AnswerToReset.make(historicalBytes: Array("HCK01".utf8) + [1, 2, 3, 4, 5, 6, 7, 8]).bytes
    static let samATR = AnswerToReset.make(historicalBytes: Array("HCKSAM".utf8)).bytes
    static let otherATR: [UInt8] = [0x3B, 0x80, 0x80, 0x01, 0x01]

    static func reader(_ name: String, _ atr: [UInt8]?) -> ReaderState {
        ReaderState(name: name, cardPresent: atr != nil, answerToReset: atr)
    }

    static let card = reader("Virtual PCD 00 00", cardATR)
    static let sam = reader("Virtual PCD 00 01", samATR)
    static let emptyCard = reader("Virtual PCD 00 00", nil)
    static let emptySAM = reader("Virtual PCD 00 01", nil)

    @Test("the card and the recognised SAM of hcard emulate are found without names")
    func automatic() throws {
        let choice = try ReaderSelection.choose(card: nil, sam: nil, among: [Self.card, Self.sam])
        #expect(choice == .init(card: "Virtual PCD 00 00", sam: "Virtual PCD 00 01"))
        #expect(
            try ReaderSelection.choose(card: nil, sam: nil, among: [Self.sam, Self.card]).card == "Virtual PCD 00 00")
        // Without a SAM the session is SAM-less.
        #expect(try ReaderSelection.choose(card: nil, sam: nil, among: [Self.card, Self.emptySAM]).sam == nil)
        // useSAM false (hcard atr/apdu) ignores SAMs but still never picks one as "the card".
        #expect(
            try ReaderSelection.choose(card: nil, sam: nil, useSAM: false, among: [Self.card, Self.sam])
                == .init(card: "Virtual PCD 00 00"))
    }

    @Test("named readers: exact, a unique part, unknown, ambiguous, empty")
    func named() throws {
        let readers = [Self.card, Self.sam]
        #expect(
            try ReaderSelection.choose(card: "Virtual PCD 00 00", sam: "Virtual PCD 00 01", among: readers).sam != nil)
        #expect(try ReaderSelection.choose(card: "00 00", sam: nil, among: readers).card == "Virtual PCD 00 00")
        #expect(try ReaderSelection.resolve("virtual pcd 00 01", among: readers).name == "Virtual PCD 00 01")
        #expect(throws: ReaderError(code: .unknownReader, reader: nil, message: "")) {
            try ReaderSelection.choose(card: "Omnikey", sam: nil, among: readers)
        }
        #expect(throws: ReaderError(code: .ambiguousReader, reader: nil, message: "")) {
            try ReaderSelection.choose(card: "Virtual", sam: nil, among: readers)
        }
        do {
            _ = try ReaderSelection.choose(card: "Virtual PCD 00 00", sam: nil, among: [Self.emptyCard, Self.sam])
            Issue.record("an empty named reader must throw")
        } catch {
            #expect(error.code == .noCard)
            #expect(error.description.hasPrefix("no card in reader 'Virtual PCD 00 00': insert the card"))
        }
        #expect(throws: ReaderError(code: .noCard, reader: nil, message: "")) {
            try ReaderSelection.choose(card: nil, sam: "Virtual PCD 00 01", among: [Self.card, Self.emptySAM])
        }
        #expect(throws: ReaderError(code: .ambiguousReader, reader: nil, message: "")) {
            try ReaderSelection.choose(card: "00 01", sam: "00 01", among: readers)
        }
    }

    @Test("no reader, no card anywhere, several cards")
    func failures() throws {
        #expect(throws: ReaderError(code: .noReaders, reader: nil, message: "")) {
            try ReaderSelection.choose(card: nil, sam: nil, among: [])
        }
        do {
            _ = try ReaderSelection.choose(card: nil, sam: nil, among: [Self.emptyCard, Self.sam])
            Issue.record("no card must throw")
        } catch {
            #expect(error.code == .noCard)
            #expect(error.message.contains("'Virtual PCD 00 00' (empty), 'Virtual PCD 00 01' (SAM)"))
        }
        let two = [Self.card, Self.reader("ACS ACR39U 00 00", Self.otherATR)]
        do {
            _ = try ReaderSelection.choose(card: nil, sam: nil, among: two)
            Issue.record("two cards must throw")
        } catch {
            #expect(error.code == .ambiguousReader)
            #expect(error.message.contains("choose one with --reader"))
        }
        // An explicit SAM reader takes a card out of the running.
        #expect(
            try ReaderSelection.choose(card: nil, sam: "ACS", among: two)
                == .init(card: "Virtual PCD 00 00", sam: "ACS ACR39U 00 00"))
    }

    @Test("ATR helpers: recognised SAM, T=0-only ATR, extended length from card capabilities")
    func atr() throws {
        #expect(ReaderSelection.isRecognisedSAM(Self.samATR))
        #expect(!ReaderSelection.isRecognisedSAM(Self.cardATR))
        #expect(!ReaderSelection.isRecognisedSAM([0x00]))

        let t0 = AnswerToReset.t0Only(historicalBytes: Array("HCK01".utf8))
        #expect(t0.protocols == [0] && t0.checkByteValid && t0.historicalBytes == Array("HCK01".utf8))
        #expect(t0.historicalASCII == "HCK01")

        #expect(try AnswerToReset(Self.cardATR).supportsExtendedLength == nil)
        // Category 80, card capabilities 73 with the third byte's b7 set (extended Lc/Le).
        let extended = AnswerToReset.make(historicalBytes: [0x80, 0x73, 0x00, 0x00, 0x40])
        #expect(extended.supportsExtendedLength == true)
        let short = AnswerToReset.make(historicalBytes: [0x80, 0x31, 0x80, 0x73, 0x00, 0x00, 0x80])
        #expect(short.supportsExtendedLength == false)
        // Category 00: the last three bytes are the status indicator, not objects.
        let status = AnswerToReset.make(historicalBytes: [0x00, 0x73, 0xFF, 0xFF, 0xFF, 0x90, 0x00, 0x00])
        #expect(status.supportsExtendedLength == true)
        #expect(AnswerToReset.make(historicalBytes: [0x80, 0x31]).supportsExtendedLength == nil)
    }
}
