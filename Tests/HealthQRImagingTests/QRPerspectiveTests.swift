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

    /// `image` as a camera sees it: its corners (top-left, top-right, bottom-right, bottom-left) at
    /// `corners` of a `width` × `height` picture on a light grey ground, sampled bilinearly (what
    /// a lens and sensor do to module edges).
    static func warped(_ image: GreyImage, to corners: [Point], width: Int, height: Int) throws -> GreyImage {
        let (w, h) = (Double(image.width), Double(image.height))
        // The inverse map: each output pixel's source.
        let map = try #require(
            ProjectiveMap(from: corners.map { ($0.x, $0.y) }, to: [(0, 0), (w, 0), (w, h), (0, h)]))
        return image.resampled(width: width, height: height, ground: 210, through: map)
    }

    /// The views, as corners on an 800 × 800 picture: a card tilted back (the far edge shorter
    /// and the card foreshortened), tilted sideways, and oblique views that also turn it. zbar
    /// alone reads only the first three; the rest need the ladder's straightening rung. (Not read
    /// yet: a far edge at 50 % with the height at 60 %, where the alignment pattern is not found.)
    static let views: [(name: String, corners: [Point])] = [
        ("tilted back: far edge 90 % of the near one, height 80 %", [(184, 208), (616, 208), (640, 592), (160, 592)]),
        ("tilted sideways: right edge 90 % of the left, width 60 %", [(256, 160), (544, 184), (544, 616), (256, 640)]),
        ("oblique and turned 20°", [(230, 90), (660, 240), (590, 700), (110, 560)]),
        ("tilted back: far edge 70 %, height 80 %", [(232, 208), (568, 208), (640, 592), (160, 592)]),
        ("tilted sideways: right edge 60 % of the left", [(120, 120), (640, 230), (640, 570), (120, 680)]),
        ("oblique, far corner pulled in, turned", [(250, 150), (600, 220), (560, 560), (140, 640)]),
    ].map { view in (view.0, view.1.map { Point(x: Double($0.0), y: Double($0.1)) }) }

    /// Ten fixed texts of a static signed code's length and alphabet (version 8 at EC M), so that
    /// the read counts below are the same on every run: whether a view reads depends on where the
    /// data modules put look-alikes of the alignment pattern.
    static let payloads: [String] = (0..<10).map { index in
        var random = QRMaskSelectionTests.SplitMix(state: 1_000 + UInt64(index))
        let length = SignedCodeFormat.textLength(cardID: F.tencentID, dynamic: false) - 5
        return "HCK1-" + String((0..<length).map { _ in Character(UnicodeScalar(QRMaskSelectionTests.alphanumeric.randomElement(using: &random)!)) })
    }

    /// How many of the ten payloads one zbar pass and the ladder read from `view`, each drawn at
    /// 8 px/module, warped, and compressed as a phone's lossy WebP.
    static func reads(view: Int) throws -> (zbar: Int, ladder: Int, rungs: [Int?]) {
        var (zbar, ladder, rungs) = (0, 0, [Int?]())
        for text in payloads {
            let code = try QREncoder().encode(text: text).greyImage(moduleSize: 8, quietZone: 4)
            let photo = try warped(code, to: views[view].corners, width: 800, height: 800)
            let file = try ImageFile.decode(ImageFile.encodeWebP(photo, quality: 80), name: "photo.webp")
            if try QRDecoder().decode(file).map({ String(decoding: $0, as: UTF8.self) }) == [text] { zbar += 1 }
            let (payloads, rung) = try QRScanLadder().scan(file)
            if payloads.map({ String(decoding: $0, as: UTF8.self) }) == [text] { ladder += 1 }
            rungs.append(rung)
        }
        return (zbar, ladder, rungs)
    }

    @Test("views zbar reads square-on enough: every code, on the first rung", arguments: 0..<3)
    func mildViews(view: Int) throws {
        let (zbar, ladder, _) = try Self.reads(view: view)
        #expect(zbar == 10 && ladder == 10, "\(Self.views[view].name)")
    }

    @Test("views one zbar pass cannot read: the straightening rung reads at least 8 of 10", arguments: 3..<6)
    func hardViews(view: Int) throws {
        let (zbar, ladder, rungs) = try Self.reads(view: view)
        #expect(zbar == 0, "\(Self.views[view].name): one zbar pass read \(zbar)")
        #expect(ladder >= 8, "\(Self.views[view].name): \(ladder) of 10, rungs \(rungs)")
    }

    @Test("a signed code seen at an angle is read exactly and verifies")
    func signed() async throws {
        let fixture = try F()
        let text = try await fixture.issue(F.tencentID, .static)
        let code = try QREncoder().encode(text: text).greyImage(moduleSize: 8, quietZone: 4)
        let photo = try Self.warped(code, to: Self.views[2].corners, width: 800, height: 800)
        let file = try ImageFile.decode(ImageFile.encodeWebP(photo, quality: 80), name: "photo.webp")
        let texts = try QRScanLadder().decode(file).map { String(decoding: $0, as: UTF8.self) }
        #expect(texts == [text])
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
        let map = try #require(
            ProjectiveMap(from: [(0, 0), (1, 0), (1, 1), (0, 1)], to: Self.views[2].corners.map { ($0.x, $0.y) }))
        for (p, q) in zip([(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)], Self.views[2].corners) {
            let image = map(p.0, p.1)
            #expect(abs(image.x - q.x) < 1e-6 && abs(image.y - q.y) < 1e-6)
        }
    }
}
