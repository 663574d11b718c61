import HealthCardFoundation
import HealthQR
import HealthQRZXing

/// A scanner that tries harder when the first look finds nothing: what phone photos, screenshots
/// and gate cameras need.
///
/// An image that is exactly a drawn symbol (one upright symbol, whole pixels per module, pure
/// black and white, nothing else: what `hcard qr batch` and `qrencode -o` write) is read without a
/// scanner (rung 0, `QRRenderedSymbolDecoder`, which returns a payload only if the symbol's
/// format, version and error-correction codewords all check out). Any other image is handed to the
/// decoder (zbar) as it is. Only if that finds no symbol does the ladder go on, one rung at a
/// time, and it stops at the first rung that finds any:
///
/// 0. a drawn symbol, read directly;
/// 1. the image as it is;
/// 2. inverted (light modules on a dark ground, as apps draw codes in dark mode; zbar reads only
///    dark-on-light);
/// 3. for a large photo (longest side above 1,200 pixels), halved until it is not, then each half
///    size and its inverse: a phone photo's modules are 20-60 pixels wide and blurred, and a
///    smaller image is both sharper for zbar's edge detector and faster;
/// 4. for a small image (longest side below 400 pixels), doubled: modules of 1-2 pixels;
/// 5. binarised with a local (adaptive) threshold, and inverted: uneven light, glare, shadows;
/// 6. the binarised image turned by 45 degrees, for codes photographed near 45 degrees, where
///    zbar's horizontal and vertical line scans both cut the finder patterns at an angle;
/// 7. straightened: the finder and alignment patterns found by us and the symbol redrawn square
///    through the projective map they give (`GreyImage.straightenedQRViews()`), for codes seen at an
///    angle, which zbar alone reads only while the view is nearly square-on;
/// 8. the last resort: the original image handed to a second decoder, zxing-cpp
///    (`ZXingQRDecoder`, HealthQRZXing), whose detector differs from zbar's (finder patterns
///    in every direction, the grid sampled through the perspective, mirrored symbols). On zxing-cpp's
///    public sample photos rungs 1-7 read 110 of 137, zxing-cpp alone 111, and all eight
///    rungs 116 (`Docs/benchmarks.md`). It comes last because zbar is the baseline the
///    design names and a clean image should cost one zbar pass.
///
/// **Several codes in one image**: every symbol the first successful rung finds is returned,
/// each payload once, ordered by position (top to bottom, then left to right, by the symbol's
/// top-left corner; `QRDecoder`). A caller that wants exactly one code treats more than one as
/// an error (`hcard qr decode` prints them all).
///
/// Cost: a drawn symbol costs no decoder call (about a twentieth of a zbar pass); any other clean
/// image costs exactly one decoder call. Each further rung costs at most one more
/// pass over the (possibly smaller) image, except rung 7, which tries up to fifteen straightened
/// views of a symbol (small images: 4 pixels a module), and rung 8, one zxing-cpp pass that
/// itself tries harder (rotations, downscaling). An image with no code goes through all eight
/// and gives nothing: the caller names the file ("no QR code found in …").
public struct QRScanLadder: QRDecoding {
    /// The decoder rungs 1-7 call: zbar unless a test swaps it.
    public let decoder: any QRDecoding
    /// The decoder of rung 8, given the original image when rungs 1-7 found nothing: zxing-cpp
    /// unless a caller swaps it; `nil` stops the ladder at rung 7.
    public let lastResort: (any QRDecoding)?

    /// Photos whose longest side is above this are also tried halved (rung 3).
    public static let largeSide = 1_200
    /// Images whose longest side is below this are also tried doubled (rung 4).
    public static let smallSide = 400

    public init(decoder: any QRDecoding = QRDecoder(), lastResort: (any QRDecoding)? = ZXingQRDecoder()) {
        self.decoder = decoder
        self.lastResort = lastResort
    }

    public func decode(greyPixels: [UInt8], width: Int, height: Int) throws -> [[UInt8]] {
        let image = try GreyImage(width: width, height: height, pixels: greyPixels)
        return try scan(image).payloads
    }

    /// The payloads and the rung (0...8) that found them; rung `nil` when none did.
    public func scan(_ image: GreyImage) throws -> (payloads: [[UInt8]], rung: Int?) {
        if let payload = QRRenderedSymbolDecoder.payload(greyPixels: image.pixels, width: image.width, height: image.height) {
            return ([payload], 0)
        }
        func attempt(_ image: GreyImage) throws -> [[UInt8]] { try decoder.decode(image) }
        var found = try attempt(image)
        if !found.isEmpty { return (found, 1) }
        found = try attempt(image.inverted())
        if !found.isEmpty { return (found, 2) }
        var working = image
        while max(working.width, working.height) > Self.largeSide {
            working = working.halved()
            found = try attempt(working)
            if found.isEmpty { found = try attempt(working.inverted()) }
            if !found.isEmpty { return (found, 3) }
        }
        if max(working.width, working.height) < Self.smallSide {
            working = working.doubled()
            found = try attempt(working)
            if !found.isEmpty { return (found, 4) }
        }
        let binary = working.binarised()
        found = try attempt(binary)
        if found.isEmpty { found = try attempt(binary.inverted()) }
        if !found.isEmpty { return (found, 5) }
        found = try attempt(binary.rotated45())
        if !found.isEmpty { return (found, 6) }
        for straight in working.straightenedQRViews() {
            found = try attempt(straight)
            if !found.isEmpty { return (found, 7) }
        }
        if let lastResort {
            found = try lastResort.decode(image)
            if !found.isEmpty { return (found, 8) }
        }
        return ([], nil)
    }
}
