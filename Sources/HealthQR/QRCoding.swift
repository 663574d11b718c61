import HealthCardFoundation

/// Turns payload bytes into a QR module matrix.
///
/// The core only describes the operation; `QREncoder` (libqrencode, in `System/`) implements it.
/// Conformers must be safe to call from several threads at once.
public protocol QREncoding: Sendable {
    /// Encodes `bytes` in one segment of `mode` into the smallest symbol of at least
    /// `minimumVersion` (0 = as small as possible) that holds them at `errorCorrection`.
    ///
    /// A version that is too small is grown, never an error.
    ///
    /// - Throws: `HealthCardError/Code/unencodable` if a byte is outside `mode`'s alphabet;
    ///   `HealthCardError/Code/valueTooLong` if the data does not fit version 40;
    ///   `HealthCardError/Code/invalidValue` for a version outside 0...40.
    func encode(
        _ bytes: [UInt8], mode: QRMode, errorCorrection: QRErrorCorrection, minimumVersion: Int
    ) throws -> QRMatrix
}

extension QREncoding {
    /// Encodes `bytes` in 8-bit (byte) mode: binary safe, any byte including 0x00 and 0x80–0xFF.
    public func encode(
        _ bytes: [UInt8], errorCorrection: QRErrorCorrection = .medium, minimumVersion: Int = 0
    ) throws -> QRMatrix {
        try encode(bytes, mode: .byte, errorCorrection: errorCorrection, minimumVersion: minimumVersion)
    }
}

/// Finds QR symbols in an 8-bit grey image and returns their payloads as raw bytes.
///
/// The core only describes the operation; `QRDecoder` (zbar, in `System/`) implements it.
/// Conformers must be safe to call from several threads at once.
public protocol QRDecoding: Sendable {
    /// The payload bytes of every QR symbol found, exactly as encoded (no charset conversion).
    ///
    /// `greyPixels` holds `width × height` bytes, row by row, 0 = black, 255 = white.
    /// Finding no symbol is not an error: the result is then empty. That leaves "nothing to see
    /// here" to the caller, who knows whether it matters (a scanner loop expects empty frames).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` if the pixel count is not `width × height`
    ///   or the image is empty.
    func decode(greyPixels: [UInt8], width: Int, height: Int) throws -> [[UInt8]]
}

extension QRDecoding {
    /// The payloads of every QR symbol in `image`; see ``decode(greyPixels:width:height:)``.
    public func decode(_ image: GreyImage) throws -> [[UInt8]] {
        try decode(greyPixels: image.pixels, width: image.width, height: image.height)
    }
}

/// A symbol a decoder found: its payload and the top-left corner of its outline in the image.
/// The decoders (zbar, zxing-cpp) report what they find in their own order; this puts it in one.
package struct QRFoundSymbol: Sendable {
    package let payload: [UInt8]
    /// The smallest x and y of the symbol's corners, in pixels.
    package let x: Int
    package let y: Int

    package init(payload: [UInt8], x: Int, y: Int) {
        self.payload = payload
        self.x = x
        self.y = y
    }

    /// The payloads in reading order, by the symbol's top, then its left edge, each payload once:
    /// two symbols with the same payload are one code shown twice (`QRDecoding`'s rule for several
    /// codes in one image).
    package static func readingOrder(_ found: [QRFoundSymbol]) -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        return found.sorted { ($0.y, $0.x) < ($1.y, $1.x) }.map(\.payload).filter { seen.insert($0).inserted }
    }
}
