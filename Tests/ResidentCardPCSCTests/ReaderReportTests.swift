import HealthCardFoundation
import ResidentCard
import ResidentCardPCSC
import Testing

/// What `hcard readers` and `hcard atr` print: pure, from made-up readers and ATRs.
@Suite("Reader and ATR reports")
struct ReaderReportTests {
    @Test("a reader's kind: empty, mute, SAM, card")
    func kinds() {
        let sam = AnswerToReset.make(historicalBytes: Array("HCKSAM".utf8)).bytes
        #expect(ReaderState(name: "R", cardPresent: false).kind == "empty")
        #expect(ReaderState(name: "R", cardPresent: true, mute: true).kind == "mute")
        #expect(ReaderState(name: "R", cardPresent: true, answerToReset: sam).kind == "SAM")
        #expect(ReaderState(name: "R", cardPresent: true, answerToReset: [0x3B, 0x00]).kind == "card")
        let report = ReaderReport(ReaderState(name: "R", cardPresent: true, answerToReset: sam))
        #expect(report.kind == "SAM" && report.atr == Hex.encode(sam) && !report.exclusive)
    }

    @Test("the ATR report: protocols, historical bytes, spaced ATR, no TA1, extended length not announced")
    func answerToReset() throws {
        let atr = AnswerToReset.make(historicalBytes: Array("HCK01".utf8))
        let report = AnswerToResetReport(reader: "Virtual PCD 00 00", atr: atr, activeProtocol: "T=1")
        #expect(report.protocols == ["T=0", "T=1"])
        #expect(report.historicalASCII == "HCK01")
        #expect(report.ta1 == nil && report.extendedLength == nil && report.checkByteValid)
        let lines = report.text.split(separator: "\n")
        #expect(lines.first == "reader:           Virtual PCD 00 00")
        #expect(lines[1] == "ATR:              3B 85 80 01 48 43 4B 30 31 " + Hex.encode([atr.bytes.last!]))
        #expect(lines.last == "extended length:  not announced in the historical bytes")
    }
}
