import Foundation
import Testing
@testable import HealthQR
@testable import HealthQRImaging

/// The PNG writer's DEFLATE block with its own Huffman codes (``DeflateBlock``, ``HuffmanCode``):
/// the codes are complete and within their limits, and zlib (through libpng) inflates what the
/// writer makes for symbols whose rows hold every byte value.
@Suite("QR PNG: the dynamic-Huffman DEFLATE block")
struct QRPNGDeflateTests {
    /// Kraft's sum of a code's lengths, in units of 2^-15: 2^15 for a complete code.
    static func kraft(_ lengths: [UInt8]) -> Int {
        lengths.filter { $0 > 0 }.reduce(0) { $0 + (1 << (15 - Int($1))) }
    }

    @Test("codes are complete, prefix-free and no longer than their limit, for skewed, flat and single-symbol frequencies")
    func huffmanCodes() {
        // Fibonacci frequencies make the deepest unlimited Huffman tree.
        var fibonacci = [1, 1]
        while fibonacci.count < 30 { fibonacci.append(fibonacci[fibonacci.count - 1] + fibonacci[fibonacci.count - 2]) }
        let cases: [(frequencies: [Int], limit: Int)] = [
            (fibonacci, 15), (fibonacci, 7), (Array(repeating: 5, count: 286), 15), ([0, 0, 9, 0], 15), ([3, 0], 7),
            ((0..<19).map { $0 * $0 }, 7),
        ]
        for (frequencies, limit) in cases {
            let code = HuffmanCode(frequencies: frequencies, limit: limit)
            #expect(code.lengths.max()! <= limit)
            #expect(Self.kraft(code.lengths) == 1 << 15, "\(frequencies) limit \(limit)")
            for (symbol, frequency) in frequencies.enumerated() where frequency > 0 { #expect(code.lengths[symbol] > 0) }
            // Prefix-free: no used code is a prefix of another (codes are stored bit-reversed).
            let used = code.entries.enumerated().filter { $0.element.length > 0 }
            for (a, first) in used {
                for (b, second) in used where a != b && first.length <= second.length {
                    let mask = (UInt32(1) << UInt32(first.length)) - 1
                    #expect(second.code & mask != first.code, "\(a) is a prefix of \(b)")
                }
            }
        }
        // Unlimited, the Fibonacci tree is as deep as it has symbols less one.
        #expect(HuffmanCode.lengths(fibonacci).max() == 29)
    }

    @Test("the run-length coded code lengths expand to the lengths")
    func codeLengthRuns() {
        let lengths: [UInt8] = [0, 0, 3, 3, 3, 3, 3, 3, 3, 3, 0] + Array(repeating: 0, count: 150) + [5, 0, 0, 7, 7, 7]
        var expanded: [UInt8] = []
        for run in DeflateBlock.codeLengthRuns(lengths) {
            switch run.symbol {
            case 16: expanded += Array(repeating: expanded.last!, count: 3 + Int(run.extra))
            case 17: expanded += Array(repeating: 0, count: 3 + Int(run.extra))
            case 18: expanded += Array(repeating: 0, count: 11 + Int(run.extra))
            default: expanded.append(run.symbol)
            }
        }
        #expect(expanded == lengths)
    }

    @Test(
        "libpng (zlib) reads back every pixel where rows hold all byte values, runs longer than 258 and modules over 32 pixels",
        arguments: [(2, 1, 0), (5, 1, 1), (3, 2, 1), (6, 3, 0), (9, 5, 2), (2, 33, 1), (1, 70, 0)])
    func pixels(_ sizes: (version: Int, moduleSize: Int, quietZone: Int)) throws {
        var random = QRMaskSelectionTests.SplitMix(state: UInt64(sizes.version * 1000 + sizes.moduleSize))
        let bytes = (0..<(sizes.version * 8)).map { _ in UInt8.random(in: 0...255, using: &random) }
        let matrix = try QREncoder().encode(bytes, mode: .byte, errorCorrection: .low, minimumVersion: sizes.version)
        let png = matrix.png(moduleSize: sizes.moduleSize, quietZone: sizes.quietZone)
        #expect(try ImageFile.decodePNG(png) == matrix.greyImage(moduleSize: sizes.moduleSize, quietZone: sizes.quietZone))
    }
}
