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

    @Test("half-width katakana with sound marks are Shift_JIS even though the bytes pair up as GB 2312")
    func halfWidthKatakana() throws {
        // The bytes zbar reads from zxing-cpp's sample qrcode-2/17.webp ("ﾃﾞｻﾞｲﾝQR", a designer-QR
        // advertisement; Apache-2.0): valid GB 2312 pairs (C3 DE)(BB DE)(B2 DD) as well.
        let sample: [UInt8] =
            [0xC3, 0xDE, 0xBB, 0xDE, 0xB2, 0xDD, 0x51, 0x52, 0x0D, 0x0A] + Array("http://d-qr.net/ex/".utf8)
        #expect(QRPayloadText.isGB2312(sample))
        #expect(QRPayloadText.decode(sample)?.text == "ﾃﾞｻﾞｲﾝQR\r\nhttp://d-qr.net/ex/")
        #expect(QRPayloadText.decode(sample)?.encoding == .shiftJIS)
        // qrcode-2/20: the same word between asterisks.
        let starred: [UInt8] = [0x2A, 0xC3, 0xDE, 0xBB, 0xDE, 0xB2, 0xDD, 0x51, 0x52, 0x2A]
        #expect(QRPayloadText.decode(starred)?.text == "*ﾃﾞｻﾞｲﾝQR*")
        // Chinese stays Chinese: GB 2312 text whose bytes are all at most 0xDF (健康 = BD A1 BF B5),
        // and a GB 2312 pair whose 0xDE trail follows 0xB0, which as a kana (ｰ) takes no mark.
        for text in ["健康", "电子健康卡", "健康码", "核酸检测"] {
            let gbk = try GBK.encode(text)
            #expect(QRPayloadText.decode(gbk)?.text == text, "\(text)")
            #expect(QRPayloadText.decode(gbk)?.encoding == .gb2312, "\(text)")
        }
        #expect(QRPayloadText.decode([0xB0, 0xDE, 0xBD, 0xA1])?.encoding == .gb2312)
        // A mark that follows no kana, or katakana without marks, is left to the GB 2312 rule.
        #expect(!QRPayloadText.isHalfWidthKatakanaWithSoundMarks([0xB1, 0xB2, 0xB3, 0xB4]))
        #expect(!QRPayloadText.isHalfWidthKatakanaWithSoundMarks([0xB1, 0xDE, 0xB3, 0xB4]))
    }
}
