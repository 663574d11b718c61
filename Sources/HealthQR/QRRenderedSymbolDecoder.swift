import Foundation

/// Reads a QR symbol straight from an image drawn the way a QR renderer draws one (ours, or
/// `qrencode -o`): one upright symbol, a whole number of pixels per module, every pixel pure black
/// (0) or pure white (255), nothing else in the image. Any other image gives `nil`, and the caller
/// goes on to a real scanner (zbar, `QRScanLadder`).
///
/// Why: checking the files a batch has just written (`decode + verify`, issue 19) is reading
/// images that are exactly a module matrix; zbar scans every pixel row and column for edges and
/// finder patterns, then samples a grid it has to estimate. Here the grid is known from the first
/// dark pixel (the top-left finder pattern's corner), so reading is sampling one pixel a module,
/// about a twentieth of zbar's cost (`Docs/benchmarks.md`).
///
/// It cannot read a wrong payload, only fail to read:
/// - every pixel of the image must be what drawing the sampled modules would give (the image *is*
///   one symbol on white), so a second code, a photo, a scaled or antialiased image is not read;
/// - the format information must be one of the 32 valid codewords, the same in both copies, and
///   the version information (version 7 and up) the codeword of the version the width gives;
/// - every block's error-correction codewords must be exactly those of its data (no error is
///   corrected: a damaged symbol is zbar's);
/// - the data must parse as numeric, alphanumeric and byte segments (ISO/IEC 18004 §7.4); an ECI,
///   Kanji, FNC1 or structured-append segment gives `nil`, and zbar reads the symbol as it always has.
///
/// The payload is the bytes of the segments in order (digits and alphanumeric characters as
/// ASCII), which is what zbar returns in binary mode (`QRRenderedSymbolDecoderTests` compares the
/// two on every version and level).
///
/// - SeeAlso: ISO/IEC 18004:2015 §7.7 (Reed-Solomon), §7.9 (format and version information),
///   §7.7.3 and §7.8 (placement and masking).
public enum QRRenderedSymbolDecoder {
    /// The payload of the one symbol `pixels` shows, or `nil` unless the image is exactly a drawn
    /// symbol that checks out (see the type).
    ///
    /// - Parameters:
    ///   - pixels: `width × height` grey values, row by row (0 black, 255 white).
    ///   - width: pixels per row.
    ///   - height: rows.
    public static func payload(greyPixels pixels: [UInt8], width: Int, height: Int) -> [UInt8]? {
        guard width > 0, height > 0, pixels.count == width * height else { return nil }
        return pixels.withUnsafeBufferPointer { pixels -> [UInt8]? in
            guard let grid = Grid(pixels, width: width, height: height) else { return nil }
            return decode(grid)
        }
    }

    // MARK: The module grid

    /// The symbol's position and modules, read from the image and checked against every pixel.
    struct Grid {
        /// Modules per side.
        let size: Int
        /// Row-major, `true` = dark.
        let modules: [Bool]

        init?(_ pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int) {
            // The first dark pixel is the top-left corner of the top-left finder pattern, whose top
            // row is 7 modules of dark; the last dark pixel of that row ends the top-right one.
            guard let first = pixels.firstIndex(where: { $0 < 128 }) else { return nil }
            let (top, left) = first.quotientAndRemainder(dividingBy: width)
            let row = pixels[(top * width)..<(top * width + width)]
            var run = 0
            while left + run < width, row[top * width + left + run] < 128 { run += 1 }
            guard run % 7 == 0, let last = row.lastIndex(where: { $0 < 128 }) else { return nil }
            let scale = run / 7
            let span = last - top * width - left + 1
            guard span % scale == 0 else { return nil }
            let size = span / scale
            guard size >= 21, size <= 177, (size - 17) % 4 == 0, left + span <= width, top + span <= height else {
                return nil
            }
            var modules = [Bool](repeating: false, count: size * size)
            for y in 0..<size {
                let base = (top + y * scale) * width + left
                for x in 0..<size { modules[y * size + x] = pixels[base + x * scale] < 128 }
            }
            // Every pixel must be what drawing these modules gives: 0 in a dark module, 255 elsewhere.
            var expected = [UInt8](repeating: 255, count: width)
            let white = expected
            let matches: Bool = expected.withUnsafeMutableBufferPointer { expected in
                white.withUnsafeBufferPointer { white in
                    func rowMatches(_ y: Int, _ reference: UnsafeMutableBufferPointer<UInt8>) -> Bool {
                        memcmp(pixels.baseAddress! + y * width, reference.baseAddress!, width) == 0
                    }
                    let whiteRow = UnsafeMutableBufferPointer(mutating: white)
                    for y in 0..<top where !rowMatches(y, whiteRow) { return false }
                    for moduleRow in 0..<size {
                        for x in 0..<size {
                            let value: UInt8 = modules[moduleRow * size + x] ? 0 : 255
                            for pixel in 0..<scale { expected[left + x * scale + pixel] = value }
                        }
                        for y in (top + moduleRow * scale)..<(top + (moduleRow + 1) * scale) where !rowMatches(y, expected) {
                            return false
                        }
                    }
                    for y in (top + span)..<height where !rowMatches(y, whiteRow) { return false }
                    return true
                }
            }
            guard matches else { return nil }
            self.size = size
            self.modules = modules
        }

        func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }
    }

    // MARK: Decoding

    static func decode(_ grid: Grid) -> [UInt8]? {
        let size = grid.size
        let version = (size - 17) / 4
        guard let format = formatInformation(grid), version < 7 || versionInformationMatches(grid, version) else {
            return nil
        }
        let (level, mask) = format
        let function = functionModules(version: version)

        // The codewords, in placement order (§7.7.3): pairs of columns from the right, upwards
        // then downwards, skipping the vertical timing pattern; unmasked as read.
        let condition = maskCondition(mask)
        var codewords: [UInt8] = []
        codewords.reserveCapacity(size * size / 8)
        var byte: UInt8 = 0
        var bits = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for vertical in 0..<size {
                let y = upward ? size - 1 - vertical : vertical
                for x in stride(from: right, through: right - 1, by: -1) where !function[y * size + x] {
                    byte = byte << 1 | (grid.isDark(x: x, y: y) != condition(x, y) ? 1 : 0)
                    bits += 1
                    if bits == 8 {
                        codewords.append(byte)
                        (byte, bits) = (0, 0)
                    }
                }
            }
            right -= 2
        }
        // Remainder bits (0, 3, 4 or 7) are left over in `byte`.

        guard let data = correctedData(codewords, version: version, level: level) else { return nil }
        return segments(data, version: version)
    }

    /// The error-correction level (0 L, 1 M, 2 Q, 3 H) and mask of the symbol's format
    /// information, if both copies are the same valid codeword (§7.9.1; no error corrected).
    static func formatInformation(_ grid: Grid) -> (level: Int, mask: Int)? {
        let size = grid.size
        var first = 0
        var second = 0
        func bit(_ x: Int, _ y: Int, _ index: Int) -> Int { grid.isDark(x: x, y: y) ? 1 << index : 0 }
        for i in 0...5 { first |= bit(8, i, i) }
        first |= bit(8, 7, 6) | bit(8, 8, 7) | bit(7, 8, 8)
        for i in 9..<15 { first |= bit(14 - i, 8, i) }
        for i in 0..<8 { second |= bit(size - 1 - i, 8, i) }
        for i in 8..<15 { second |= bit(8, size - 15 + i, i) }
        guard first == second, grid.isDark(x: 8, y: size - 8) else { return nil }
        // Format bits: level (L 01, M 00, Q 11, H 10) then mask, BCH(15,5), XOR 101010000010010.
        for (level, levelBits) in [1, 0, 3, 2].enumerated() {
            for mask in 0..<8 {
                let data = levelBits << 3 | mask
                var remainder = data
                for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
                if (data << 10 | remainder) ^ 0x5412 == first { return (level, mask) }
            }
        }
        return nil
    }

    /// Whether both copies of the version information are the BCH(18,6) codeword of `version` (§7.10).
    static func versionInformationMatches(_ grid: Grid, _ version: Int) -> Bool {
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let expected = version << 12 | remainder
        for i in 0..<18 {
            let dark = expected >> i & 1 == 1
            let a = grid.size - 11 + i % 3
            let b = i / 3
            guard grid.isDark(x: a, y: b) == dark, grid.isDark(x: b, y: a) == dark else { return false }
        }
        return true
    }

    /// Which modules are function patterns (finders with their separators and the format
    /// information, timing, alignment, version information): the rest carry codewords.
    static func functionModules(version: Int) -> [Bool] {
        let size = 17 + 4 * version
        var function = [Bool](repeating: false, count: size * size)
        func mark(_ x0: Int, _ y0: Int, _ width: Int, _ height: Int) {
            for y in y0..<(y0 + height) { for x in x0..<(x0 + width) { function[y * size + x] = true } }
        }
        mark(0, 0, 9, 9)
        mark(size - 8, 0, 8, 9)
        mark(0, size - 8, 9, 8)
        mark(6, 0, 1, size)
        mark(0, 6, size, 1)
        let centres = alignmentCentres(version: version)
        for cy in centres {
            for cx in centres {
                let corner = (cx == 6 && cy == 6) || (cx == 6 && cy == size - 7) || (cx == size - 7 && cy == 6)
                if !corner { mark(cx - 2, cy - 2, 5, 5) }
            }
        }
        if version >= 7 {
            mark(size - 11, 0, 3, 6)
            mark(0, size - 11, 6, 3)
        }
        return function
    }

    /// The rows (and columns) of the alignment patterns' centres (ISO/IEC 18004 Annex E).
    static func alignmentCentres(version: Int) -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var centres = [6]
        var position = 17 + 4 * version - 7
        while centres.count < count {
            centres.insert(position, at: 1)
            position -= step
        }
        return centres
    }

    /// Whether the mask (§7.8.2, Table 10) inverts the module in column `x`, row `y`.
    static func maskCondition(_ mask: Int) -> (Int, Int) -> Bool {
        switch mask {
        case 0: { x, y in (x + y) % 2 == 0 }
        case 1: { _, y in y % 2 == 0 }
        case 2: { x, _ in x % 3 == 0 }
        case 3: { x, y in (x + y) % 3 == 0 }
        case 4: { x, y in (x / 3 + y / 2) % 2 == 0 }
        case 5: { x, y in x * y % 2 + x * y % 3 == 0 }
        case 6: { x, y in (x * y % 2 + x * y % 3) % 2 == 0 }
        default: { x, y in ((x + y) % 2 + x * y % 3) % 2 == 0 }
        }
    }

    // MARK: Blocks and Reed-Solomon

    /// The data codewords of the interleaved `codewords` (§7.6), if every block's error-correction
    /// codewords are exactly the Reed-Solomon remainder of its data.
    static func correctedData(_ codewords: [UInt8], version: Int, level: Int) -> [UInt8]? {
        let blockCount = Int(blocksPerLevel[level][version])
        let eccLength = Int(eccPerBlock[level][version])
        let total = codewords.count
        let shortBlocks = blockCount - total % blockCount
        let shortLength = total / blockCount - eccLength  // data codewords of a short block
        var blocks = [[UInt8]](repeating: [], count: blockCount)
        var index = 0
        for i in 0...shortLength {
            for block in 0..<blockCount where i < shortLength || block >= shortBlocks {
                blocks[block].append(codewords[index])
                index += 1
            }
        }
        var ecc = [[UInt8]](repeating: [], count: blockCount)
        for _ in 0..<eccLength {
            for block in 0..<blockCount {
                ecc[block].append(codewords[index])
                index += 1
            }
        }
        let divisor = ReedSolomon.divisor(degree: eccLength)
        for block in 0..<blockCount where ReedSolomon.remainder(blocks[block], divisor: divisor) != ecc[block] {
            return nil
        }
        return Array(blocks.joined())
    }

    /// Reed-Solomon over GF(256) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1 (§7.5.2).
    enum ReedSolomon {
        static let exp: [UInt8] = {
            var table = [UInt8](repeating: 0, count: 512)
            var value = 1
            for i in 0..<255 {
                table[i] = UInt8(value)
                table[i + 255] = UInt8(value)
                value <<= 1
                if value & 0x100 != 0 { value ^= 0x11D }
            }
            return table
        }()
        static let log: [Int] = {
            var table = [Int](repeating: 0, count: 256)
            for i in 0..<255 { table[Int(exp[i])] = i }
            return table
        }()

        static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
            a == 0 || b == 0 ? 0 : exp[log[Int(a)] + log[Int(b)]]
        }

        /// The generator polynomial's coefficients below its leading 1, highest first.
        static func divisor(degree: Int) -> [UInt8] {
            var result = [UInt8](repeating: 0, count: degree)
            result[degree - 1] = 1
            var root: UInt8 = 1
            for _ in 0..<degree {
                for j in 0..<degree {
                    result[j] = multiply(result[j], root)
                    if j + 1 < degree { result[j] ^= result[j + 1] }
                }
                root = multiply(root, 2)
            }
            return result
        }

        /// The error-correction codewords of `data`.
        static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
            var result = [UInt8](repeating: 0, count: divisor.count)
            for byte in data {
                let factor = byte ^ result[0]
                result.removeFirst()
                result.append(0)
                if factor == 0 { continue }
                let logFactor = log[Int(factor)]
                for i in 0..<divisor.count where divisor[i] != 0 {
                    result[i] ^= exp[log[Int(divisor[i])] + logFactor]
                }
            }
            return result
        }
    }

    /// Error-correction codewords per block, by level (L, M, Q, H) and version (ISO/IEC 18004 Table 9).
    static let eccPerBlock: [[UInt8]] = [
        [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30,
         30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28,
         28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30,
         30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30,
         30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]
    /// Error-correction blocks, by level (L, M, Q, H) and version (ISO/IEC 18004 Table 9).
    static let blocksPerLevel: [[UInt8]] = [
        [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18,
         19, 19, 20, 21, 22, 24, 25],
        [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31,
         33, 35, 37, 38, 40, 43, 45, 47, 49],
        [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40,
         43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48,
         51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    // MARK: Segments

    /// The bytes of the numeric, alphanumeric and byte segments in `data` (§7.4), up to the
    /// terminator or the end; `nil` for any other mode or a count that runs past the data.
    static func segments(_ data: [UInt8], version: Int) -> [UInt8]? {
        var reader = BitReader(data)
        var payload: [UInt8] = []
        let sizeClass = version <= 9 ? 0 : version <= 26 ? 1 : 2
        while reader.remaining >= 4 {
            switch reader.read(4) {
            case 0b0000:
                return payload
            case 0b0001:  // numeric: three digits in 10 bits, then 7 bits for two or 4 for one
                guard reader.remaining >= [10, 12, 14][sizeClass] else { return nil }
                var count = reader.read([10, 12, 14][sizeClass])
                while count > 0 {
                    let digits = min(count, 3)
                    let width = [4, 7, 10][digits - 1]
                    guard reader.remaining >= width else { return nil }
                    let value = reader.read(width)
                    guard value < [10, 100, 1000][digits - 1] else { return nil }
                    var text: [UInt8] = []
                    var rest = value
                    for _ in 0..<digits {
                        text.insert(UInt8(0x30 + rest % 10), at: 0)
                        rest /= 10
                    }
                    payload += text
                    count -= digits
                }
            case 0b0010:  // alphanumeric: two characters in 11 bits, one in 6
                guard reader.remaining >= [9, 11, 13][sizeClass] else { return nil }
                var count = reader.read([9, 11, 13][sizeClass])
                while count > 0 {
                    let pair = count >= 2
                    guard reader.remaining >= (pair ? 11 : 6) else { return nil }
                    let value = reader.read(pair ? 11 : 6)
                    if pair {
                        guard value < 45 * 45 else { return nil }
                        payload += [alphanumeric[value / 45], alphanumeric[value % 45]]
                    } else {
                        guard value < 45 else { return nil }
                        payload.append(alphanumeric[value])
                    }
                    count -= pair ? 2 : 1
                }
            case 0b0100:  // byte
                guard reader.remaining >= [8, 16, 16][sizeClass] else { return nil }
                let count = reader.read([8, 16, 16][sizeClass])
                guard reader.remaining >= count * 8 else { return nil }
                for _ in 0..<count { payload.append(UInt8(reader.read(8))) }
            default:
                return nil  // ECI, Kanji, FNC1, structured append: zbar's
            }
        }
        return payload
    }

    static let alphanumeric = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    /// Bits of a byte array, most significant first.
    struct BitReader {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var remaining: Int { bytes.count * 8 - position }

        /// The next `count` bits (at most `remaining`; missing bits read as 0).
        mutating func read(_ count: Int) -> Int {
            var value = 0
            for _ in 0..<count {
                let bit = position < bytes.count * 8 ? Int(bytes[position >> 3] >> (7 - UInt8(position & 7)) & 1) : 0
                value = value << 1 | bit
                position += 1
            }
            return value
        }
    }
}
