import Foundation
import Testing
@testable import HealthCardFoundation
@testable import HealthQR

@Suite("QRPayloadText: the character set of a scanned payload")
struct QRPayloadTextTests {
    @Test("UTF-8 first, then GB 2312 in GBK, then Shift_JIS, then GB18030; other bytes are binary")
    func guesses() throws {
        #expect(QRPayloadText.decode(Array("HCK1-ABC".utf8))?.encoding == .utf8)
        #expect(QRPayloadText.decode(Array("电子健康卡".utf8))?.text == "电子健康卡")
        let gbk = try GBK.encode("电子健康卡")
        #expect(QRPayloadText.decode(gbk)?.text == "电子健康卡")
        #expect(QRPayloadText.decode(gbk)?.encoding == .gb2312)
        let japanese = Array("ｶﾀｶﾅと漢字".data(using: .shiftJIS)!)  // half-width katakana: not GB 2312
        #expect(QRPayloadText.decode(japanese)?.text == "ｶﾀｶﾅと漢字")
        #expect(QRPayloadText.decode(japanese)?.encoding == .shiftJIS)
        let rare = try #require("𠀀".data(using: String.Encoding(rawValue: 0x8000_0632)))  // 4-byte GB18030
        #expect(QRPayloadText.decode(Array(rare))?.encoding == .gb18030)
        #expect(QRPayloadText.decode([0xFF, 0xFF, 0x00, 0x80]) == nil)
        #expect(QRPayloadText.decode([0x81]) == nil)  // a lead byte without its trail, in any of the sets
    }
}
