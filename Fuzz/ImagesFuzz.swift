// libFuzzer target for image files (Scripts/fuzz.sh images): PNG through libpng and JPEG through
// libjpeg, by the `chs_png_read_gray` / `chs_jpeg_read_gray` functions of CHealthShimsImaging that
// `ImageFile.decodePNG` / `decodeJPEG` call, and the pure-Swift sniffer `ImageFile.format(of:)`.
//
// The shims refuse an image whose header declares more pixels than they are given (the
// decompression-bomb limit, checked in C before anything is allocated); this target passes 2²⁰,
// so the limit's own header parsing is fuzzed too.
//
// Nothing may crash or trip ASan in the shims. A decoded PNG, written again as an 8-bit grey PNG
// (`chs_png_write_gray`), reads back to the same pixels; a decoded JPEG, written again, reads back
// with the same size.
internal import CHealthShimsImaging

/// The most pixels an input may declare.
private let maxPixels = 1 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func imagesFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let format = ImageFile.format(of: bytes)
    precondition((format == .png) == bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    precondition((format == .jpeg) == bytes.starts(with: [0xFF, 0xD8, 0xFF]))

    // Both decoders see every input (a file's magic decides nothing in the C libraries).
    if let image = decode(bytes, chs_png_read_gray) {
        guard let written = encode(image, { w, h, p, out, outSize, err, len in
            chs_png_write_gray(w, h, 8, p, Int(w), out, outSize, err, len)
        }), let again = decode(written, chs_png_read_gray) else {
            preconditionFailure("a decoded PNG cannot be written and read again")
        }
        precondition(again.width == image.width && again.height == image.height && again.pixels == image.pixels,
            "PNG does not round-trip")
    }
    if let image = decode(bytes, chs_jpeg_read_gray) {
        guard let written = encode(image, { w, h, p, out, outSize, err, len in
            chs_jpeg_write_gray(w, h, p, 90, out, outSize, err, len)
        }), let again = decode(written, chs_jpeg_read_gray) else {
            preconditionFailure("a decoded JPEG cannot be written and read again")
        }
        precondition(again.width == image.width && again.height == image.height, "JPEG changes size")
    }
    return 0
}

private typealias Reader = (
    UnsafePointer<UInt8>?, Int, UInt64, UnsafeMutablePointer<UInt32>?, UnsafeMutablePointer<UInt32>?,
    UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, UnsafeMutablePointer<CChar>?, Int
) -> Int32

private typealias Writer = (
    UInt32, UInt32, UnsafePointer<UInt8>?, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
    UnsafeMutablePointer<Int>?, UnsafeMutablePointer<CChar>?, Int
) -> Int32

private func decode(_ bytes: [UInt8], _ read: Reader) -> (width: Int, height: Int, pixels: [UInt8])? {
    var width: UInt32 = 0, height: UInt32 = 0
    var pixels: UnsafeMutablePointer<UInt8>?
    var message = [CChar](repeating: 0, count: 256)
    let status = bytes.withUnsafeBufferPointer { read($0.baseAddress, $0.count, UInt64(maxPixels), &width, &height, &pixels, &message, 256) }
    defer { chs_image_free(pixels) }
    if status == -2 {
        // Over the pixel limit: refused from the header, with the declared size reported.
        precondition(UInt64(width) * UInt64(height) > UInt64(maxPixels) && pixels == nil, "a bad pixel-limit refusal")
        return nil
    }
    guard status >= 0, let pixels else {
        precondition(message[0] != 0, "decoder failed without a message")
        return nil
    }
    let count = Int(width) * Int(height)
    precondition(count > 0 && count <= maxPixels, "decoded \(width)×\(height), over the declared size")
    return (Int(width), Int(height), Array(UnsafeBufferPointer(start: pixels, count: count)))
}

private func encode(_ image: (width: Int, height: Int, pixels: [UInt8]), _ write: Writer) -> [UInt8]? {
    var out: UnsafeMutablePointer<UInt8>?
    var outSize = 0
    var message = [CChar](repeating: 0, count: 256)
    let status = image.pixels.withUnsafeBufferPointer {
        write(UInt32(image.width), UInt32(image.height), $0.baseAddress, &out, &outSize, &message, 256)
    }
    defer { chs_image_free(out) }
    guard status >= 0, let out else { return nil }
    return Array(UnsafeBufferPointer(start: out, count: outSize))
}

/// Width × height from a PNG's IHDR, which libpng requires as the first chunk; `nil` without one.
