internal import CHealthShimsImaging
internal import CZBar
import HealthCardFoundation
import HealthQR

/// QR decoding with zbar (Debian `libzbar0`), QR Code only, in binary mode.
///
/// **Several codes in one image** come back each payload once, in reading order: by the top of
/// the symbol, then its left edge (zbar's own order is an implementation detail). Two symbols
/// with the same payload are one code shown twice, so they count once.
///
/// `ZBAR_CFG_BINARY` is on, so payloads come back byte for byte: without it zbar guesses a text
/// encoding and converts to UTF-8 (200 random bytes came back as 295, pcsc-virtual-card.md §8).
///
/// Every call creates and destroys its own zbar scanner and image, so a `QRDecoder` is a stateless
/// value that any number of threads can use at once (zbar scanners themselves must not be shared
/// between threads). That costs about 4 µs per call, against about 1 ms to scan a 212×212 frame.
public struct QRDecoder: QRDecoding {
    public init() {}

    public func decode(greyPixels: [UInt8], width: Int, height: Int) throws -> [[UInt8]] {
        let image = try GreyImage(width: width, height: height, pixels: greyPixels)
        guard let imageWidth = UInt32(exactly: image.width), let imageHeight = UInt32(exactly: image.height) else {
            throw HealthCardError.invalidValue("a \(width)×\(height) image is too large for zbar")
        }
        guard let scanner = zbar_image_scanner_create() else {
            fatalError("zbar_image_scanner_create failed (out of memory)")
        }
        defer { zbar_image_scanner_destroy(scanner) }
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1)

        guard let zbarImage = zbar_image_create() else {
            fatalError("zbar_image_create failed (out of memory)")
        }
        defer { zbar_image_destroy(zbarImage) }
        zbar_image_set_format(zbarImage, chs_zbar_fourcc_y800())
        zbar_image_set_size(zbarImage, imageWidth, imageHeight)

        return try image.pixels.withUnsafeBufferPointer { buffer in
            // No cleanup handler: zbar borrows the pixels only for this scope.
            zbar_image_set_data(zbarImage, buffer.baseAddress, UInt(buffer.count), nil)
            defer { zbar_image_set_data(zbarImage, nil, 0, nil) }
            guard zbar_scan_image(scanner, zbarImage) >= 0 else {
                throw HealthCardError.invalidValue("zbar could not scan a \(width)×\(height) Y800 image")
            }
            var found: [QRFoundSymbol] = []
            var symbol = zbar_image_first_symbol(zbarImage)
            while let current = symbol {
                if zbar_symbol_get_type(current) == ZBAR_QRCODE {
                    // Use the length, not the NUL: binary payloads may contain 0x00.
                    let count = Int(zbar_symbol_get_data_length(current))
                    let bytes = UnsafeRawBufferPointer(start: zbar_symbol_get_data(current), count: count)
                    // The top-left corner of the symbol's outline (zbar gives its corner points).
                    let corners = 0..<zbar_symbol_get_loc_size(current)
                    let y = corners.map { zbar_symbol_get_loc_y(current, $0) }.min() ?? 0
                    let x = corners.map { zbar_symbol_get_loc_x(current, $0) }.min() ?? 0
                    found.append(QRFoundSymbol(payload: Array(bytes), x: Int(x), y: Int(y)))
                }
                symbol = zbar_symbol_next(current)
            }
            return QRFoundSymbol.readingOrder(found)
        }
    }
}
