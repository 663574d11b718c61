import Foundation
import Testing
@testable import HealthCardFoundation
@testable import HealthCardTestSupport
@testable import HealthQR
@testable import HealthQRImaging

/// Codes photographed at an angle: a signed code drawn by our encoder, warped by a projective
/// transform (a camera looking at a flat card from the side), written as lossy WebP as a phone
/// would compress it, and read back through libwebp, zbar and the scan ladder.
@Suite("QR scanning: perspective-distorted codes")
struct QRPerspectiveTests {
    typealias F = QRPayloadFixture

    /// A point in the image plane.
    struct Point {
        let x: Double
        let y: Double
    }

    /// The projective map (homography) that takes `from[i]` to `to[i]` for the four corners,
    /// as its eight coefficients `a...h`: `x' = (a x + b y + c) / (g x + h y + 1)`,
    /// `y' = (d x + e y + f) / (g x + h y + 1)`; solved by Gaussian elimination.
    static func homography(from: [Point], to: [Point]) -> [Double] {
        var rows: [[Double]] = []
        for (p, q) in zip(from, to) {
            rows.append([p.x, p.y, 1, 0, 0, 0, -p.x * q.x, -p.y * q.x, q.x])
            rows.append([0, 0, 0, p.x, p.y, 1, -p.x * q.y, -p.y * q.y, q.y])
        }
        for column in 0..<8 {
            let pivot = (column..<8).max { abs(rows[$0][column]) < abs(rows[$1][column]) }!
            rows.swapAt(column, pivot)
            for row in 0..<8 where row != column {
                let factor = rows[row][column] / rows[column][column]
                for k in column...8 { rows[row][k] -= factor * rows[column][k] }
            }
        }
        return (0..<8).map { rows[$0][8] / rows[$0][$0] }
    }

    /// `image` as a camera sees it: its corners (top-left, top-right, bottom-right, bottom-left) at
    /// `corners` of a `width` × `height` picture on a light grey ground, sampled bilinearly (what
    /// a lens and sensor do to module edges).
    static func warped(_ image: GreyImage, to corners: [Point], width: Int, height: Int) throws -> GreyImage {
        let w = Double(image.width)
        let h = Double(image.height)
        // The inverse map: each output pixel's source.
        let m = homography(from: corners, to: [Point(x: 0, y: 0), Point(x: w, y: 0), Point(x: w, y: h), Point(x: 0, y: h)])
        var out = [UInt8](repeating: 210, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let (px, py) = (Double(x) + 0.5, Double(y) + 0.5)
                let d = m[6] * px + m[7] * py + 1
                let sx = (m[0] * px + m[1] * py + m[2]) / d - 0.5
                let sy = (m[3] * px + m[4] * py + m[5]) / d - 0.5
                guard sx > -0.5, sy > -0.5, sx < w - 0.5, sy < h - 0.5 else { continue }
                let x0 = min(max(Int(sx.rounded(.down)), 0), image.width - 2)
                let y0 = min(max(Int(sy.rounded(.down)), 0), image.height - 2)
                let fx = min(max(sx - Double(x0), 0), 1)
                let fy = min(max(sy - Double(y0), 0), 1)
                func at(_ x: Int, _ y: Int) -> Double { Double(image.pixels[y * image.width + x]) }
                let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
                let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
                out[y * width + x] = UInt8((top * (1 - fy) + bottom * fy).rounded())
            }
        }
        return try GreyImage(width: width, height: height, pixels: out)
    }

    /// The views, as corners on an 800 × 800 picture: a card tilted back (the far edge shorter
    /// and the card foreshortened), tilted sideways, and an oblique view that also turns it.
    static let views: [(name: String, corners: [Point])] = [
        ("tilted back: far edge 90 % of the near one, height 80 %", [(184, 208), (616, 208), (640, 592), (160, 592)]),
        ("tilted sideways: right edge 90 % of the left, width 60 %", [(256, 160), (544, 184), (544, 616), (256, 640)]),
        ("oblique and turned 20°", [(230, 90), (660, 240), (590, 700), (110, 560)]),
    ].map { view in (view.0, view.1.map { Point(x: Double($0.0), y: Double($0.1)) }) }

    @Test("a signed code seen at an angle, compressed as a phone's WebP, is read exactly and verifies", arguments: 0..<3)
    func perspective(view: Int) async throws {
        let fixture = try F()
        let text = try await fixture.issue(F.tencentID, .static)
        let code = try QREncoder().encode(text: text).greyImage(moduleSize: 8, quietZone: 4)
        let (name, corners) = Self.views[view]
        let photo = try Self.warped(code, to: corners, width: 800, height: 800)
        let file = try ImageFile.decode(ImageFile.encodeWebP(photo, quality: 80), name: "photo.webp")
        let (payloads, rung) = try QRScanLadder().scan(file)
        #expect(payloads.map { String(decoding: $0, as: UTF8.self) } == [text], "\(name): rung \(rung.map(String.init) ?? "none")")
        #expect(fixture.verifier().verify(text, now: F.now).isValid)
    }

    @Test("the warp itself is right: the identity view gives back the image, and corners land where asked")
    func warpIsProjective() throws {
        let code = try QREncoder().encode(text: "HCK1-WARP").greyImage(moduleSize: 4, quietZone: 4)
        let same = try Self.warped(
            code,
            to: [
                Point(x: 0, y: 0), Point(x: Double(code.width), y: 0),
                Point(x: Double(code.width), y: Double(code.height)), Point(x: 0, y: Double(code.height)),
            ], width: code.width, height: code.height)
        for y in 0..<code.height {
            for x in 0..<code.width where same.pixels[y * code.width + x] != code.pixels[y * code.width + x] {
                Issue.record("pixel \(x),\(y) changed")
                return
            }
        }
        let m = Self.homography(
            from: [Point(x: 0, y: 0), Point(x: 1, y: 0), Point(x: 1, y: 1), Point(x: 0, y: 1)],
            to: Self.views[2].corners)
        for (p, q) in zip([(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)], Self.views[2].corners) {
            let d = m[6] * p.0 + m[7] * p.1 + 1
            #expect(abs((m[0] * p.0 + m[1] * p.1 + m[2]) / d - q.x) < 1e-6)
            #expect(abs((m[3] * p.0 + m[4] * p.1 + m[5]) / d - q.y) < 1e-6)
        }
    }
}
