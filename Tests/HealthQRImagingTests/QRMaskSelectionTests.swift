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

    /// libqrencode's `Mask_calcRunLength` and `Mask_calcN1N3`, module by module: the reference
    /// for the bit-parallel line penalty.
    static func referencePenalty(_ line: UInt64, width: Int) -> (n1: Int, n3: Int) {
        var runs: [Int] = []
        if line & 1 == 1 { runs.append(-1) }
        var previous = line & 1
        runs.append(1)
        for x in 1..<width {
            let bit = line >> x & 1
            if bit != previous {
                runs.append(1)
                previous = bit
            } else {
                runs[runs.count - 1] += 1
            }
        }
        var n1 = 0
        var demerit = 0
        for i in runs.indices {
            if runs[i] >= 5 { n1 += 3 + runs[i] - 5 }
            guard i & 1 == 1, i >= 3, i < runs.count - 2, runs[i] % 3 == 0 else { continue }
            let fact = runs[i] / 3
            guard runs[i - 2] == fact, runs[i - 1] == fact, runs[i + 1] == fact, runs[i + 2] == fact else { continue }
            if i == 3 || runs[i - 3] >= 4 * fact {
                demerit += 40
            } else if i + 4 >= runs.count || runs[i + 3] >= 4 * fact {
                demerit += 40
            }
        }
        return (n1, demerit)
    }

    @Test("the bit-parallel N1 + N3 of a line equals libqrencode's run walk on 286,000 random and planted lines")
    func linePenalty() throws {
        var random = SplitMix(state: 1913)
        let patterns: [(bits: UInt64, length: Int)] = [
            (0b1011101, 7), (0b11001111110011, 14), (0b111000111111111000111, 21), (0b0000_1011101_0000, 15),
            (0b0000_11001111110011, 18), (0b11001111110011_00000000, 22),
        ]
        var counted = 0
        for width in stride(from: 21, through: 63, by: 2) {
            let selection = try #require(
                QRMaskSelection(
                    width: width, data: Array(repeating: 0, count: width), raw: Array(repeating: 0, count: width),
                    function: Array(repeating: 0, count: width)))
            var runs = [Int32](repeating: 0, count: 66)
            for index in 0..<13_000 {
                var line = random.next()
                if index % 3 == 0 { line &= random.next() }  // long light runs
                if index % 3 == 1, case let pattern = patterns[Int(random.next() % UInt64(patterns.count))],
                    pattern.length <= width
                {
                    let at = Int(random.next() % UInt64(width - pattern.length + 1))
                    line = line & ~(((UInt64(1) << UInt64(pattern.length)) - 1) << UInt64(at)) | pattern.bits << UInt64(at)
                }
                line &= (UInt64(1) << UInt64(width)) - 1
                let ours = runs.withUnsafeMutableBufferPointer { selection.linePenalty(line, runs: $0) }
                let reference = Self.referencePenalty(line, width: width)
                let expected = reference.n1 + reference.n3
                if ours != expected {
                    Issue.record("width \(width), line \(String(line, radix: 2)): \(ours) against \(expected)")
                    return
                }
                if reference.n3 > 0 { counted += 1 }
            }
        }
        #expect(counted > 10_000)  // finder-like patterns were planted and counted
    }
}
