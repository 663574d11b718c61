import Foundation
import HealthCardFoundation

/// A QR symbol as a 1-bit greyscale PNG, written in pure Swift.
///
/// Why not libpng (``ImageFile/encodePNG(_:bitDepth:)``): that path expands the symbol to one
/// byte per pixel, packs it back to bits pixel by pixel and lets zlib search for matches; for a
/// version-8 symbol at 4 pixels per module it costs about 0.2 ms, half an SM2 signature, which made
/// it the second-largest cost of batch issuance (`Docs/qr-payload.md`, "Measured"). A QR image
/// is far more regular than zlib assumes: each module row repeats `moduleSize` times and the quiet
/// zone is one colour. So this writer packs each module row once (eight modules at a time through
/// a table for module sizes up to 8) and writes one DEFLATE (RFC 1951) block with Huffman codes
/// made for this image (``DeflateBlock``): a repeated pixel row is a single back-reference to the
/// row above, and the other rows are literals, which at 4 pixels a module take only the byte
/// values `00`, `0F`, `F0`, `FF` and so cost 1-3 bits each. No match search is needed.
/// Session 9 (`Docs/benchmarks.md`): the file is smaller than with the fixed code and the LZ77
/// matcher this replaces, and the writer costs a third of the instructions it did.
///
/// The output is an ordinary PNG (ISO/IEC 15948): 1-bit greyscale, no interlace, filter 0 on
/// every row, one IDAT chunk; bit 1 is white. Tests decode it with libpng and compare every pixel
/// with ``greyPixels(moduleSize:quietZone:)``.
extension ModuleMatrix {
    /// The PNG file bytes of this symbol: `moduleSize` pixels per module (at least 1) and a
    /// `quietZone`-module white margin (at least 0).
    public func png(moduleSize: Int = 4, quietZone: Int = 4) -> [UInt8] {
        // Asked once per module; the rest works on packed bytes.
        var dark = [Bool](repeating: false, count: width * width)
        for y in 0..<width {
            for x in 0..<width where isDark(x: x, y: y) { dark[y * width + x] = true }
        }
        return QRPNGWriter.png(width: width, dark: dark, moduleSize: moduleSize, quietZone: quietZone)
    }
}

extension QRMatrix {
    /// The PNG file bytes of this symbol (``ModuleMatrix/png(moduleSize:quietZone:)``), without
    /// asking the protocol for each module: the batch's path.
    public func png(moduleSize: Int = 4, quietZone: Int = 4) -> [UInt8] {
        QRPNGWriter.png(width: width, dark: darkModules, moduleSize: moduleSize, quietZone: quietZone)
    }
}

/// The writer behind ``ModuleMatrix/png(moduleSize:quietZone:)``, on flat byte buffers: each
/// module row is packed once into the raw image, a pixel row equal to the one above is one
/// back-reference, every other row is literals, and the block's Huffman codes are made for this
/// image's bytes (``DeflateBlock``).
enum QRPNGWriter {
    static func png(width: Int, dark: [Bool], moduleSize: Int, quietZone: Int) -> [UInt8] {
        let scale = max(moduleSize, 1)
        let margin = max(quietZone, 0)
        let side = (width + 2 * margin) * scale
        let rowBytes = (side + 7) / 8
        let stride = rowBytes + 1  // the filter byte

        // The raw image data (filter byte + packed row, per pixel row), and what the DEFLATE block
        // holds: a pixel row equal to the one above is a copy at distance `stride`, and consecutive
        // copies are one copy.
        var raw = [UInt8](repeating: 0xFF, count: stride * side)
        var tokens: [DeflateBlock.Token] = []
        tokens.reserveCapacity(2 * (width + 2) + 2)
        var pendingRepeats = 0
        raw.withUnsafeMutableBufferPointer { raw in
            dark.withUnsafeBufferPointer { dark in
                var moduleRow = 0
                for y in -margin..<(width + margin) {
                    let first = moduleRow * scale * stride
                    moduleRow += 1
                    // Pack the first pixel row of this module row, most significant bit first,
                    // 1 = white (the buffer starts all white, so light rows need nothing).
                    raw[first] = 0
                    if y >= 0, y < width, scale <= expansions.count {
                        // Eight modules at a time: their pixels are `scale` whole bytes.
                        let table = expansions[scale - 1]
                        let row = y &* width
                        var output = first + 1
                        var x = -margin
                        while output < first + stride {
                            var light = 0
                            for module in x..<(x + 8) {
                                light = light << 1 | (module < 0 || module >= width || !dark[row &+ module] ? 1 : 0)
                            }
                            x &+= 8
                            let count = min(scale, first + stride - output)
                            for index in 0..<count { raw[output &+ index] = table[light &* scale &+ index] }
                            output &+= count
                        }
                    } else if y >= 0, y < width {
                        // Larger modules: up to 32 pixels of one colour at a time.
                        var bits: UInt64 = 0
                        var pending = 0
                        var output = first + 1
                        let piece = min(scale, 32)
                        let white = (UInt64(1) << UInt64(piece)) &- 1
                        let row = y &* width
                        for x in -margin..<(width + margin) {
                            let light = x < 0 || x >= width || !dark[row &+ x]
                            var remaining = scale
                            repeat {
                                bits = bits << UInt64(piece) | (light ? white : 0)
                                pending &+= piece
                                remaining &-= piece
                                while pending >= 8 {
                                    pending &-= 8
                                    raw[output] = UInt8(truncatingIfNeeded: bits >> UInt64(pending))
                                    output &+= 1
                                }
                            } while remaining >= piece
                            if remaining > 0 {
                                bits = bits << UInt64(remaining) | (light ? (UInt64(1) << UInt64(remaining)) &- 1 : 0)
                                pending &+= remaining
                                while pending >= 8 {
                                    pending &-= 8
                                    raw[output] = UInt8(truncatingIfNeeded: bits >> UInt64(pending))
                                    output &+= 1
                                }
                            }
                        }
                        if pending > 0 {
                            // The last byte's unused bits stay white.
                            raw[output] = UInt8(truncatingIfNeeded: bits << UInt64(8 - pending)) | (0xFF >> UInt8(pending))
                        }
                    }
                    // Its other pixel rows are copies.
                    let base = raw.baseAddress!
                    for copy in 1..<scale { (base + first + copy * stride).update(from: base + first, count: stride) }
                    let sameAsAbove = moduleRow > 1 && memcmp(base + first, base + first - stride, stride) == 0
                    if sameAsAbove {
                        pendingRepeats += scale
                    } else {
                        if pendingRepeats > 0 { tokens.append(.copy(length: pendingRepeats * stride, distance: stride)) }
                        tokens.append(.literals(first..<(first + stride)))
                        pendingRepeats = scale - 1
                    }
                }
            }
        }
        if pendingRepeats > 0 { tokens.append(.copy(length: pendingRepeats * stride, distance: stride)) }
        let deflate = raw.withUnsafeBufferPointer { DeflateBlock.encode(tokens, over: $0) }
        var adler = Adler32()
        adler.update(raw)

        // Signature, IHDR (13 bytes), IDAT (zlib header, the block, Adler-32), IEND.
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png.reserveCapacity(8 + 25 + 12 + 2 + deflate.count + 4 + 12)
        appendChunk("IHDR", to: &png) { png in
            appendBigEndian(UInt32(side), to: &png)
            appendBigEndian(UInt32(side), to: &png)
            png += [1, 0, 0, 0, 0]  // 1-bit grey, deflate, filter method 0, no interlace
        }
        appendChunk("IDAT", to: &png) { png in
            png += [0x78, 0x01]
            png += deflate
            appendBigEndian(adler.value, to: &png)
        }
        appendChunk("IEND", to: &png) { _ in }
        return png
    }
}

/// Per module size 1...8, the pixel bytes of eight modules: entry `light × size ..< (light + 1) × size`
/// for the modules whose bits are set in `light` (the first module in bit 7) white, the others black.
private let expansions: [[UInt8]] = (1...8).map { size in
    var table: [UInt8] = []
    for light in 0..<256 {
        var bits: UInt64 = 0
        for module in 0..<8 {
            bits = bits << UInt64(size) | (light >> (7 - module) & 1 == 1 ? (UInt64(1) << UInt64(size)) - 1 : 0)
        }
        for byte in 0..<size { table.append(UInt8(truncatingIfNeeded: bits >> UInt64(8 * (size - 1 - byte)))) }
    }
    return table
}

private func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
}

/// Appends a PNG chunk: its length, type, the data `body` appends, and the CRC-32 of type and data.
private func appendChunk(_ type: StaticString, to png: inout [UInt8], _ body: (inout [UInt8]) -> Void) {
    let lengthAt = png.count
    appendBigEndian(0, to: &png)
    let typeAt = png.count
    png.append(contentsOf: UnsafeBufferPointer(start: type.utf8Start, count: 4))
    body(&png)
    let length = png.count - typeAt - 4
    png.withUnsafeMutableBufferPointer { png in
        for index in 0..<4 { png[lengthAt + index] = UInt8(truncatingIfNeeded: UInt32(length) >> UInt32(24 - 8 * index)) }
    }
    let crc = png.withUnsafeBufferPointer { CRC32.checksum(UnsafeBufferPointer(rebasing: $0[typeAt...])) }
    appendBigEndian(crc, to: &png)
}

/// Adler-32 (RFC 1950), the zlib checksum.
struct Adler32 {
    private var a: UInt32 = 1
    private var b: UInt32 = 0

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { bytes in
            // 5552 bytes is the most that can be summed before reducing without overflowing 32 bits.
            var index = 0
            while index < bytes.count {
                let end = min(index + 5552, bytes.count)
                for offset in index..<end {
                    a &+= UInt32(bytes[offset])
                    b &+= a
                }
                a %= 65521
                b %= 65521
                index = end
            }
        }
    }

    var value: UInt32 { b << 16 | a }
}
