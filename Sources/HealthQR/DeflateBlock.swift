/// One final DEFLATE block (RFC 1951) with Huffman codes made for its own data (BTYPE 10), from
/// literal runs and back-references the caller has already chosen.
///
/// Why a dynamic block and no match search: the PNG writer of a QR symbol knows its repeats (a
/// pixel row equal to the one above is one back-reference) and the rest is a handful of byte values
/// (at 4 pixels a module a row byte is `00`, `0F`, `F0` or `FF`). Coded for their frequencies those
/// literals take 1-3 bits each, so no LZ77 matcher is needed to make the file small, and counting
/// bytes is far cheaper than searching hash chains (`Docs/benchmarks.md`, session 9).
struct DeflateBlock {
    /// What the block holds, in order.
    enum Token {
        /// The bytes `range` of the data, as literals.
        case literals(Range<Int>)
        /// A back-reference of `length` bytes (at least 3; split into pieces of 3...258) at
        /// `distance` (1...32768).
        case copy(length: Int, distance: Int)
    }

    /// The block's bytes (the last byte padded with zero bits) for `tokens` over `data`.
    static func encode(_ tokens: [Token], over data: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // 1. Symbol frequencies.
        var literalFrequencies = [Int](repeating: 0, count: 286)
        var distanceFrequencies = [Int](repeating: 0, count: 30)
        literalFrequencies.withUnsafeMutableBufferPointer { frequencies in
            for token in tokens {
                switch token {
                case .literals(let range):
                    for index in range { frequencies[Int(data[index])] &+= 1 }
                case .copy(let length, let distance):
                    forEachPiece(of: length) { piece in
                        frequencies[257 + lengthCode(piece)] &+= 1
                        distanceFrequencies[Self.distanceCode(distance)] &+= 1
                    }
                }
            }
            frequencies[256] = 1  // end of block
        }
        let literalHuffman = HuffmanCode(frequencies: literalFrequencies, limit: 15)
        let distanceHuffman = HuffmanCode(frequencies: distanceFrequencies, limit: 15)

        // 2. The header: the two codes' lengths, run-length coded, in a third Huffman code.
        let literalCount = max(257, literalHuffman.usedCount)
        let distanceCount = max(1, distanceHuffman.usedCount)
        let lengths = Array(literalHuffman.lengths[0..<literalCount]) + Array(distanceHuffman.lengths[0..<distanceCount])
        let runs = codeLengthRuns(lengths)
        var runFrequencies = [Int](repeating: 0, count: 19)
        for run in runs { runFrequencies[Int(run.symbol)] += 1 }
        let runCode = HuffmanCode(frequencies: runFrequencies, limit: 7)
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var runCodeCount = 19
        while runCodeCount > 4, runCode.lengths[order[runCodeCount - 1]] == 0 { runCodeCount -= 1 }

        var out = BitWriter(capacity: data.count / 4 + 128)
        out.write(1, bits: 1)  // BFINAL
        out.write(2, bits: 2)  // BTYPE 10: dynamic Huffman codes
        out.write(UInt32(literalCount - 257), bits: 5)
        out.write(UInt32(distanceCount - 1), bits: 5)
        out.write(UInt32(runCodeCount - 4), bits: 4)
        for index in 0..<runCodeCount { out.write(UInt32(runCode.lengths[order[index]]), bits: 3) }
        for run in runs {
            runCode.write(Int(run.symbol), to: &out)
            switch run.symbol {
            case 16: out.write(UInt32(run.extra), bits: 2)
            case 17: out.write(UInt32(run.extra), bits: 3)
            case 18: out.write(UInt32(run.extra), bits: 7)
            default: break
            }
        }

        // 3. The data.
        literalHuffman.entries.withUnsafeBufferPointer { literals in
            for token in tokens {
                switch token {
                case .literals(let range):
                    for index in range {
                        let entry = literals[Int(data[index])]
                        out.write(entry.code, bits: Int(entry.length))
                    }
                case .copy(let length, let distance):
                    let symbol = Self.distanceCode(distance)
                    forEachPiece(of: length) { piece in
                        let code = lengthCode(piece)
                        let entry = literals[257 + code]
                        out.write(entry.code, bits: Int(entry.length))
                        if lengthExtraBits[code] > 0 {
                            out.write(UInt32(piece - lengthBase[code]), bits: lengthExtraBits[code])
                        }
                        distanceHuffman.write(symbol, to: &out)
                        if distanceExtraBits[symbol] > 0 {
                            out.write(UInt32(distance - distanceBase[symbol]), bits: distanceExtraBits[symbol])
                        }
                    }
                }
            }
            let end = literals[256]
            out.write(end.code, bits: Int(end.length))
        }
        return out.finish()
    }

    /// Calls `body` with the pieces (3...258 bytes each) a copy of `length` bytes is split into.
    @inline(__always)
    private static func forEachPiece(of length: Int, _ body: (Int) -> Void) {
        precondition(length >= 3, "a DEFLATE copy of \(length) bytes")
        var remaining = length
        while remaining > 0 {
            var piece = min(remaining, 258)
            if (1...2).contains(remaining - piece) { piece = remaining - 3 }  // keep the last piece ≥ 3
            body(piece)
            remaining -= piece
        }
    }

    /// The run-length coded code lengths (RFC 1951 §3.2.7): 0-15 themselves, 16 repeats the last
    /// length 3-6 times, 17 and 18 are 3-10 and 11-138 zeros; `extra` is the repeat count's bits.
    static func codeLengthRuns(_ lengths: [UInt8]) -> [(symbol: UInt8, extra: UInt8)] {
        var runs: [(symbol: UInt8, extra: UInt8)] = []
        var index = 0
        while index < lengths.count {
            let length = lengths[index]
            var count = 1
            while index + count < lengths.count, lengths[index + count] == length { count += 1 }
            index += count
            if length == 0 {
                while count >= 11 {
                    let piece = min(count, 138)
                    runs.append((18, UInt8(piece - 11)))
                    count -= piece
                }
                if count >= 3 {
                    runs.append((17, UInt8(count - 3)))
                    count = 0
                }
            } else {
                runs.append((length, 0))
                count -= 1
                while count >= 3 {
                    let piece = min(count, 6)
                    runs.append((16, UInt8(piece - 3)))
                    count -= piece
                }
            }
            for _ in 0..<count { runs.append((length, 0)) }
        }
        return runs
    }

    /// The length code (0...28, symbol 257 + code) of a copy of `length` bytes (3...258).
    @inline(__always)
    static func lengthCode(_ length: Int) -> Int { Int(lengthCodes[length - 3]) }

    /// The distance code (0...29) of `distance` (1...32768).
    static func distanceCode(_ distance: Int) -> Int {
        precondition((1...32768).contains(distance), "DEFLATE distance \(distance) out of range")
        var code = distanceBase.count - 1
        while distanceBase[code] > distance { code -= 1 }
        return code
    }

    private static let lengthCodes: [UInt8] = (3...258).map { length in
        UInt8(lengthBase.lastIndex { $0 <= length }!)
    }
    static let lengthBase = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    static let lengthExtraBits = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    static let distanceBase = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtraBits = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]
}

/// A canonical Huffman code (RFC 1951 §3.2.2) for symbol frequencies, no code longer than a limit.
struct HuffmanCode {
    /// A symbol's code, bit-reversed for DEFLATE's least-significant-bit-first order, and its length.
    struct Entry {
        var code: UInt32 = 0
        var length: UInt8 = 0
    }

    /// Per symbol, its code length (0: not used).
    let lengths: [UInt8]
    let entries: [Entry]
    /// One past the last used symbol.
    var usedCount: Int { (lengths.lastIndex { $0 != 0 } ?? -1) + 1 }

    /// The optimal code for `frequencies` if no code is longer than `limit`; otherwise the
    /// frequencies are halved (rounding up) until none is. A single used symbol gets a one-bit
    /// code with a second, unused symbol beside it, so that every code is complete (zlib's
    /// inflate refuses incomplete ones).
    init(frequencies: [Int], limit: Int) {
        var frequencies = frequencies
        var lengths = Self.lengths(frequencies)
        while (lengths.max() ?? 0) > limit {
            frequencies = frequencies.map { ($0 + 1) / 2 }
            lengths = Self.lengths(frequencies)
        }
        self.lengths = lengths
        // Canonical codes: shorter codes first, then by symbol.
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths where length > 0 { counts[Int(length)] += 1 }
        var next = [UInt32](repeating: 0, count: 16)
        var code: UInt32 = 0
        for bits in 1..<16 {
            code = (code + UInt32(counts[bits - 1])) << 1
            next[bits] = code
        }
        var entries = [Entry](repeating: Entry(), count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            let canonical = next[Int(length)]
            next[Int(length)] += 1
            var reversed: UInt32 = 0
            for bit in 0..<Int(length) where canonical >> UInt32(bit) & 1 == 1 {
                reversed |= 1 << UInt32(Int(length) - 1 - bit)
            }
            entries[symbol] = Entry(code: reversed, length: length)
        }
        self.entries = entries
    }

    @inline(__always)
    func write(_ symbol: Int, to out: inout BitWriter) {
        let entry = entries[symbol]
        out.write(entry.code, bits: Int(entry.length))
    }

    /// Huffman code lengths for `frequencies` (no limit), by the two-queue method over the used
    /// symbols sorted by frequency.
    static func lengths(_ frequencies: [Int]) -> [UInt8] {
        var lengths = [UInt8](repeating: 0, count: frequencies.count)
        let used = frequencies.indices.filter { frequencies[$0] > 0 }.sorted {
            (frequencies[$0], $0) < (frequencies[$1], $1)
        }
        switch used.count {
        case 0:
            return lengths
        case 1:
            lengths[used[0]] = 1
            lengths[used[0] == 0 ? 1 : 0] = 1
            return lengths
        default:
            break
        }
        let leaves = used.count
        var weight = used.map { frequencies[$0] }
        weight.reserveCapacity(2 * leaves - 1)
        var parent = [Int](repeating: -1, count: 2 * leaves - 1)
        var leaf = 0
        var inner = leaves
        func takeSmallest() -> Int {
            if leaf < leaves, inner >= weight.count || weight[leaf] <= weight[inner] {
                leaf += 1
                return leaf - 1
            }
            inner += 1
            return inner - 1
        }
        for _ in 1..<leaves {
            let first = takeSmallest()
            let second = takeSmallest()
            parent[first] = weight.count
            parent[second] = weight.count
            weight.append(weight[first] + weight[second])
        }
        // Parents come after their children, so depths fill from the root down.
        var depth = [Int](repeating: 0, count: weight.count)
        for node in stride(from: weight.count - 2, through: 0, by: -1) { depth[node] = depth[parent[node]] + 1 }
        for (index, symbol) in used.enumerated() { lengths[symbol] = UInt8(depth[index]) }
        return lengths
    }
}

/// Bits written least significant first into bytes (RFC 1951 §3.1.1).
struct BitWriter {
    private var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Appends the `bits` low bits of `value` (at most 32).
    @inline(__always)
    mutating func write(_ value: UInt32, bits: Int) {
        buffer |= UInt64(value) << UInt64(count)
        count &+= bits
        if count >= 32 {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: buffer).littleEndian) { bytes.append(contentsOf: $0) }
            buffer >>= 32
            count &-= 32
        }
    }

    /// The bytes, the last one padded with zero bits.
    mutating func finish() -> [UInt8] {
        while count > 0 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count = max(0, count - 8)
        }
        return bytes
    }
}
