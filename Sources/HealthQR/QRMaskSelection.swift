/// The choice of a QR symbol's data mask (ISO/IEC 18004:2015 §7.8.3, the penalty rules N1-N4),
/// scored on 64-bit rows instead of one byte a module.
///
/// Why: libqrencode draws all eight masked symbols and scores each module by module; for the
/// version-8 symbol of a signed HCK1 code that search was 1.4 M of its 1.62 M instructions, a
/// quarter of a code's signing cost (`Docs/benchmarks.md`). Here a row of up to 63 modules is one
/// word: masking is an XOR, the 2 × 2 blocks (N2) and the runs of five or more (N1) are shifts,
/// ANDs and population counts, columns are rows of the transposed matrix, and the 1:1:3:1:1
/// finder-like patterns (N3) of module size 1 and 2 are shifts of the whole line too; only a line
/// with a dark run of nine or more (where size 3 or more is possible) walks its run lengths.
///
/// **The same choice as libqrencode 4.1**, not merely a standard one: the penalties are computed
/// exactly as libqrencode's `Mask_mask` and `Mask_evaluateSymbol` compute them, quirks included (a
/// finder-like pattern next to the edge counts whatever lies beyond it; N4 in steps of 5 % from
/// `(200 × dark + n) / n / 2`; the first of equal scores wins), so a symbol is module for module
/// the one `qrencode` draws. `Tests/HealthQRImagingTests/QRMaskSelectionTests.swift` holds it to
/// that on thousands of payloads at every level.
///
/// Symbols up to 63 modules wide (versions 1-11) only; the caller encodes wider ones the old way.
public struct QRMaskSelection: Sendable {
    /// Modules per side, 21...63.
    public let width: Int
    /// Per row, bit `x` = column `x`: the modules that are masked (data and error correction).
    let data: [UInt64]
    /// Per row: the unmasked data bits (dark = 1), only where `data` is set.
    let raw: [UInt64]
    /// Per row: the function patterns, dark = 1 (finder, timing, alignment, version information,
    /// the dark module), with the format information left light: it is written per mask.
    let fixed: [UInt64]

    /// The widest symbol this handles: 63 modules (version 11 is 61).
    public static let maximumWidth = 63

    /// A symbol before masking, row by row (bit `x` = column `x`).
    ///
    /// - Parameters:
    ///   - width: modules per side, 21...63.
    ///   - data: the data and error-correction modules (masked), per row.
    ///   - raw: their colours before masking, dark = 1 (bits outside `data` are ignored).
    ///   - function: the colours of the function patterns, dark = 1 (bits inside `data` and on
    ///     the format information are ignored).
    /// - Returns: `nil` if the width is outside 21...63 or a row count is not `width`.
    public init?(width: Int, data: [UInt64], raw: [UInt64], function: [UInt64]) {
        guard (21...Self.maximumWidth).contains(width), data.count == width, raw.count == width,
            function.count == width
        else { return nil }
        self.width = width
        let format = Self.formatPositions(width: width)
        self.data = data
        self.raw = (0..<width).map { raw[$0] & data[$0] }
        fixed = (0..<width).map { function[$0] & ~data[$0] & ~format.mask[$0] }
    }

    /// The mask libqrencode would choose (0...7) and the symbol with it and its format
    /// information, row by row (bit `x` = column `x`, dark = 1).
    ///
    /// - Parameter level: the symbol's error-correction level, written into the format information.
    public func select(_ level: QRErrorCorrection) -> (mask: Int, rows: [UInt64]) {
        let format = Self.formatPositions(width: width)
        var best = (mask: 0, demerit: Int.max)
        var rows = [UInt64](repeating: 0, count: width)
        var columns = [UInt64](repeating: 0, count: 64)
        var runs = [Int32](repeating: 0, count: 66)
        for mask in 0..<8 {
            draw(mask: mask, level: level, format: format, into: &rows)
            var dark = 0
            for row in rows { dark &+= row.nonzeroBitCount }
            let n = width * width
            let ratio = (200 * dark + n) / n / 2
            var demerit = abs(ratio - 50) / 5 * 10
            demerit &+= blockPenalty(rows)
            for y in 0..<width { columns[y] = rows[y] }
            for y in width..<64 { columns[y] = 0 }
            Self.transpose(&columns)
            runs.withUnsafeMutableBufferPointer { runs in
                for y in 0..<width { demerit &+= linePenalty(rows[y], runs: runs) }
                for x in 0..<width { demerit &+= linePenalty(columns[x], runs: runs) }
            }
            if demerit < best.demerit { best = (mask, demerit) }
        }
        draw(mask: best.mask, level: level, format: format, into: &rows)
        return (best.mask, rows)
    }

    /// The symbol with `mask` and its format information, into `rows`.
    private func draw(mask: Int, level: QRErrorCorrection, format: FormatPositions, into rows: inout [UInt64]) {
        let patterns = Self.patterns
        for y in 0..<width { rows[y] = fixed[y] | ((raw[y] ^ patterns[mask &* 12 &+ y % 12]) & data[y]) }
        let information = Self.formatInformation(level: level, mask: mask)
        for bit in 0..<15 where information >> bit & 1 == 1 {
            for cell in format.cells[bit] { rows[cell.y] |= UInt64(1) << UInt64(cell.x) }
        }
    }

    /// N2: 3 for every 2 × 2 block of one colour (blocks overlap).
    func blockPenalty(_ rows: [UInt64]) -> Int {
        let inside = (UInt64(1) << width) &- 2  // columns 1..<width
        var blocks = 0
        for y in 1..<width {
            let vertical = ~(rows[y] ^ rows[y - 1])  // bit x: rows y-1 and y agree in column x
            let horizontal = ~(rows[y] ^ (rows[y] << 1))  // bit x: columns x-1 and x agree in row y
            blocks &+= (vertical & (vertical << 1) & horizontal & inside).nonzeroBitCount
        }
        return blocks * 3
    }

    /// N1 and N3 of one row or column (`line`, bit `i` = module `i`), as libqrencode's
    /// `Mask_calcRunLength*` and `Mask_calcN1N3`.
    func linePenalty(_ line: UInt64, runs: UnsafeMutableBufferPointer<Int32>) -> Int {
        // N1: a run of L ≥ 5 costs 3 + (L - 5) = (L - 4) + 2: one for each window of five equal
        // modules, two for each run that has one.
        let pairs = ~(line ^ (line >> 1)) & ((UInt64(1) << (width - 1)) &- 1)  // bit i: i and i+1 agree
        let fives = pairs & (pairs >> 1) & (pairs >> 2) & (pairs >> 3)
        let demerit = fives == 0 ? 0 : fives.nonzeroBitCount &+ 2 &* (fives & ~(fives << 1)).nonzeroBitCount

        // N3 counts dark runs of k, k, 3k, k, k modules between light runs of k (1:1:3:1:1) with a
        // light run of at least 4k, or the edge, on one side. k ≥ 3 needs a dark run of nine or
        // more, which few lines hold: they walk the runs as libqrencode does. For k = 1 and 2 it
        // is a few shifts of the whole line (``finderLikePatterns(_:)``).
        let dark3 = line & (line >> 1) & (line >> 2)
        if dark3 & (dark3 >> 3) & (dark3 >> 6) != 0 { return demerit &+ runWalkFinderPenalty(line, runs: runs) }
        return demerit &+ 40 &* finderLikePatterns(line)
    }

    /// How many 1:1:3:1:1 patterns of module size 1 and 2 N3 counts in `line`, which has no dark
    /// run of nine or more.
    ///
    /// Bit `p` of each word below says something about the modules from `p` on: a pattern starts
    /// at `p` when its five runs are exact (light, or beyond the line, on both sides) and 4k
    /// modules before or after it are light. Beyond the line counts as light: that is
    /// libqrencode's rule that a pattern next to the edge counts whatever its light run there.
    @inline(__always)
    func finderLikePatterns(_ d: UInt64) -> Int {
        // Dark somewhere among the modules p-1 ... p-n (`before`) or p ... p+n-1 (`from`).
        let before1 = d << 1
        let before2 = before1 | before1 << 1
        let before4 = before2 | before2 << 2
        let from2 = d | d >> 1
        let from4 = from2 | from2 >> 2
        // Where the pattern fits: p + 7k ≤ width.
        let fits1 = (UInt64(1) << UInt64(width - 6)) &- 1
        let fits2 = (UInt64(1) << UInt64(width - 13)) &- 1
        // k = 1: 1011101 with light before and after.
        let one =
            d & ~(d >> 1) & (d >> 2) & (d >> 3) & (d >> 4) & ~(d >> 5) & (d >> 6) & ~before1 & ~(d >> 7) & fits1
        // Most lines hold no pattern: count only where there is one (no population count
        // instruction in the baseline x86-64 target).
        var count = one == 0 ? 0 : (one & ~(before4 & (from4 >> 7))).nonzeroBitCount
        // k = 2: 11001111110011 with light before and after.
        let dark2 = d & (d >> 1)
        let two =
            dark2 & ~(from2 >> 2) & dark2 >> 4 & dark2 >> 6 & dark2 >> 8 & ~(from2 >> 10) & (dark2 >> 12) & ~before1
            & ~(d >> 14) & fits2
        if two != 0 {
            let before8 = before4 | before4 << 4
            let from8 = from4 | from4 >> 4
            count &+= (two & ~(before8 & (from8 >> 14))).nonzeroBitCount
        }
        return count
    }

    /// N3 by walking the run lengths as libqrencode does (any k), for lines with a dark run of
    /// nine or more modules.
    func runWalkFinderPenalty(_ line: UInt64, runs: UnsafeMutableBufferPointer<Int32>) -> Int {
        // The run lengths, light first (a line that starts dark starts with a light run of -1,
        // as in libqrencode), then dark runs of 3k between runs of k: 1:1:3:1:1.
        var count = 0
        if line & 1 != 0 {
            runs[0] = -1
            count = 1
        }
        var ends = (line ^ (line >> 1)) & ((UInt64(1) << (width - 1)) &- 1)  // bit i: a run ends at i
        var start = 0
        while ends != 0 {
            let end = ends.trailingZeroBitCount
            runs[count] = Int32(end + 1 - start)
            count &+= 1
            start = end + 1
            ends &= ends &- 1
        }
        runs[count] = Int32(width - start)
        count &+= 1
        var demerit = 0
        var i = 3
        while i < count - 2 {
            let run = runs[i]
            if run % 3 == 0 {
                let fact = run / 3
                if runs[i - 2] == fact, runs[i - 1] == fact, runs[i + 1] == fact, runs[i + 2] == fact {
                    if i == 3 || runs[i - 3] >= 4 * fact {
                        demerit &+= 40
                    } else if i + 4 >= count || runs[i + 3] >= 4 * fact {
                        demerit &+= 40
                    }
                }
            }
            i &+= 2
        }
        return demerit
    }

    /// Transposes a 64 × 64 bit matrix in place: bit `x` of word `y` becomes bit `y` of word `x`.
    static func transpose(_ words: inout [UInt64]) {
        var j = 32
        var m: UInt64 = 0x0000_0000_FFFF_FFFF
        words.withUnsafeMutableBufferPointer { a in
            while j != 0 {
                var k = 0
                while k < 64 {
                    let t = ((a[k] >> UInt64(j)) ^ a[k + j]) & m
                    a[k + j] ^= t
                    a[k] ^= t << UInt64(j)
                    k = (k + j + 1) & ~j
                }
                j >>= 1
                m ^= m << UInt64(j)
            }
        }
    }

    /// The eight masks' condition as rows: `patterns[mask × 12 + y % 12]` has bit `x` set where
    /// the mask inverts the module in column `x`, row `y` (ISO/IEC 18004 Table 10; every
    /// condition repeats every 6 columns and 12 rows).
    static let patterns: [UInt64] = {
        let conditions: [(Int, Int) -> Int] = [
            { x, y in (x + y) & 1 },
            { _, y in y & 1 },
            { x, _ in x % 3 },
            { x, y in (x + y) % 3 },
            { x, y in ((y / 2) + (x / 3)) & 1 },
            { x, y in ((x * y) & 1) + (x * y) % 3 },
            { x, y in (((x * y) & 1) + (x * y) % 3) & 1 },
            { x, y in (((x * y) % 3) + ((x + y) & 1)) & 1 },
        ]
        var patterns: [UInt64] = []
        for condition in conditions {
            for y in 0..<12 {
                var row: UInt64 = 0
                for x in 0..<64 where condition(x, y) == 0 { row |= UInt64(1) << x }
                patterns.append(row)
            }
        }
        return patterns
    }()

    /// The 15-bit format information of `level` and `mask` (ISO/IEC 18004 Table C.1, BCH(15,5)
    /// with the mask 101010000010010), as libqrencode's `QRspec_getFormatInfo`.
    static func formatInformation(level: QRErrorCorrection, mask: Int) -> Int {
        let table: [[Int]] = [
            [0x77c4, 0x72f3, 0x7daa, 0x789d, 0x662f, 0x6318, 0x6c41, 0x6976],
            [0x5412, 0x5125, 0x5e7c, 0x5b4b, 0x45f9, 0x40ce, 0x4f97, 0x4aa0],
            [0x355f, 0x3068, 0x3f31, 0x3a06, 0x24b4, 0x2183, 0x2eda, 0x2bed],
            [0x1689, 0x13be, 0x1ce7, 0x19d0, 0x0762, 0x0255, 0x0d0c, 0x083b],
        ]
        let row =
            switch level {
            case .low: 0
            case .medium: 1
            case .quartile: 2
            case .high: 3
            }
        return table[row][mask]
    }

    /// Where the format information goes (ISO/IEC 18004 §7.9.1, both copies), in libqrencode's
    /// `Mask_writeFormatInformation` order: bit `i` of the 15 at `cells[i]` (two cells each).
    struct FormatPositions {
        let width: Int
        /// Per row, the cells of the format information.
        let mask: [UInt64]
        /// `cells[i]`: the two (x, y) of format bit `i`.
        let cells: [[(x: Int, y: Int)]]
    }

    static func formatPositions(width: Int) -> FormatPositions {
        var cells: [[(x: Int, y: Int)]] = []
        for i in 0..<8 { cells.append([(width - 1 - i, 8), (8, i < 6 ? i : i + 1)]) }
        for i in 0..<7 { cells.append([(8, width - 7 + i), (i == 0 ? 7 : 6 - i, 8)]) }
        var mask = [UInt64](repeating: 0, count: width)
        for cell in cells.joined() { mask[cell.y] |= UInt64(1) << cell.x }
        return FormatPositions(width: width, mask: mask, cells: cells)
    }
}
