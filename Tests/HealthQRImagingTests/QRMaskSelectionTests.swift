import Foundation
import Testing
@testable import HealthQR
@testable import HealthQRImaging

/// ``QRMaskSelection`` against libqrencode's own mask search: the same symbols, module for module.
@Suite("QR mask selection on 64-bit rows")
struct QRMaskSelectionTests {
    /// A deterministic generator, so a failure names a payload that can be reproduced.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let alphanumeric = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    @Test("1,000 payloads a level (HCK1-like text, bytes, digits; versions 1-14) give libqrencode's symbol", arguments: QRErrorCorrection.allCases)
    func sameSymbols(level: QRErrorCorrection) throws {
        var random = SplitMix(state: 19 &+ UInt64(level.recoverablePercent))
        let ours = QREncoder()
        let reference = QREncoder(searchesMasksInLibqrencode: true)
        var masks = Set<Int>()
        var versions = Set<Int>()
        for index in 0..<1_000 {
            let mode: QRMode = [.alphanumeric, .byte, .numeric][index % 3]
            let length = Int.random(in: 1...(index % 10 == 0 ? 400 : 200), using: &random)
            let bytes: [UInt8] =
                switch mode {
                case .alphanumeric: (0..<length).map { _ in Self.alphanumeric.randomElement(using: &random)! }
                case .byte: (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
                case .numeric: (0..<length).map { _ in UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &random) }
                }
            guard let expected = try? reference.encode(bytes, mode: mode, errorCorrection: level, minimumVersion: 0)
            else { continue }
            let matrix = try ours.encode(bytes, mode: mode, errorCorrection: level, minimumVersion: 0)
            #expect(matrix == expected, "payload \(index) (\(mode), \(length)) at \(level)")
            versions.insert(matrix.version)
            if matrix.width <= QRMaskSelection.maximumWidth { masks.insert(Self.mask(of: matrix, level: level)) }
        }
        // The sample reaches every mask and both paths (up to version 11 on rows, beyond by libqrencode).
        #expect(masks == Set(0..<8))
        #expect(versions.contains(1) && versions.contains { $0 > 11 })
    }

    /// The mask of a finished symbol, read back from its format information (top-left copy).
    static func mask(of matrix: QRMatrix, level: QRErrorCorrection) -> Int {
        let positions = QRMaskSelection.formatPositions(width: matrix.width)
        var format = 0
        for bit in 0..<15 where matrix.isDark(x: positions.cells[bit][1].x, y: positions.cells[bit][1].y) {
            format |= 1 << bit
        }
        return (0..<8).first { QRMaskSelection.formatInformation(level: level, mask: $0) == format } ?? -1
    }

    @Test("the 64 × 64 bit transpose moves bit x of word y to bit y of word x")
    func transpose() {
        var random = SplitMix(state: 7)
        let words = (0..<64).map { _ in random.next() }
        var transposed = words
        QRMaskSelection.transpose(&transposed)
        for y in 0..<64 {
            for x in 0..<64 where (words[y] >> x) & 1 != (transposed[x] >> y) & 1 {
                Issue.record("bit \(x) of word \(y)")
                return
            }
        }
    }

    @Test("the format information table is ISO/IEC 18004's BCH(15,5) code, masked with 0x5412")
    func formatTable() {
        for level in QRErrorCorrection.allCases {
            let levelBits = [QRErrorCorrection.medium: 0, .low: 1, .high: 2, .quartile: 3][level]!
            for mask in 0..<8 {
                let data = levelBits << 3 | mask
                var remainder = data << 10
                for bit in stride(from: 14, through: 10, by: -1) where remainder >> bit & 1 == 1 {
                    remainder ^= 0x537 << (bit - 10)
                }
                #expect(QRMaskSelection.formatInformation(level: level, mask: mask) == (data << 10 | remainder) ^ 0x5412)
            }
        }
    }
}
