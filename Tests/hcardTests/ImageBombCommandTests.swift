import Foundation
import HealthCardCore
import Testing

/// Decompression bombs: a few hundred bytes whose header declares a huge image. Every command that
/// reads image files refuses them from the header, naming the size, before allocating pixels;
/// `--max-pixels` sets the limit.
@Suite("ImageBomb: image headers declaring huge sizes are refused", .serialized)
struct ImageBombCommandTests {
    /// A valid PNG signature and IHDR (8-bit grey, CRCs correct) declaring `width × height`, with
    /// one small IDAT: libpng reads the header happily and would then inflate width × height bytes.
    static func pngBomb(width: UInt32, height: UInt32) -> [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return bigEndian(UInt32(data.count)) + body + bigEndian(CRC32.checksum(body))
        }
        let ihdr = bigEndian(width) + bigEndian(height) + [8, 0, 0, 0, 0]
        // zlib stream of one filter byte and one pixel: far too little data for the declared rows.
        let idat: [UInt8] = [0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", idat)
            + chunk("IEND", [])
    }

    /// A baseline JPEG header (SOI, SOF0 with one component, SOS) declaring `width × height`,
    /// then a few bytes of scan data and EOI: libjpeg pads the missing data with grey.
    static func jpegBomb(width: UInt16, height: UInt16) -> [UInt8] {
        let sof: [UInt8] = [0xFF, 0xC0, 0x00, 0x0B, 0x08] + bigEndian16(height) + bigEndian16(width) + [0x01, 0x01, 0x11, 0x00]
        let sos: [UInt8] = [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]
        return [0xFF, 0xD8] + sof + sos + [UInt8](repeating: 0x00, count: 16) + [0xFF, 0xD9]
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    static func bigEndian16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(truncatingIfNeeded: value)] }

    @Test("qr decode refuses a 60000×60000 JPEG and a 46000×46000 PNG from the header, in well under a second")
    func decodeRefusesBombs() async throws {
        let setup = try await QRImageCommandTests.Setup()
        defer { setup.remove() }
        try Data(Self.jpegBomb(width: 60_000, height: 60_000)).write(to: URL(fileURLWithPath: setup.path("bomb.jpg")))
        try Data(Self.pngBomb(width: 46_000, height: 46_000)).write(to: URL(fileURLWithPath: setup.path("bomb.png")))
        for (file, size) in [("bomb.jpg", "60000×60000"), ("bomb.png", "46000×46000")] {
            let decoded = try await setup.run(["qr", "decode", file])
            #expect(decoded.duration < .seconds(10))
            #expect(decoded.status == 1)
            #expect(decoded.stderr.contains("\(file): the"), "\(decoded.stderr)")
            #expect(decoded.stderr.contains(size), "\(decoded.stderr)")
            #expect(decoded.stderr.contains("--max-pixels"), "\(decoded.stderr)")
        }
    }

    @Test("An 8000×6000 header (48 M pixels) is over the default 40 M limit; --max-pixels sets the limit")
    func defaultLimitAndOption() async throws {
        let setup = try await QRImageCommandTests.Setup()
        defer { setup.remove() }
        try Data(Self.pngBomb(width: 8_000, height: 6_000)).write(to: URL(fileURLWithPath: setup.path("big.png")))
        let refused = try await setup.run(["qr", "decode", "big.png"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("8000×6000 pixels (48000000), over the limit of 40000000"), "\(refused.stderr)")

        // A real code is read by default and refused under a tiny limit.
        _ = try await setup.issuePNG("code.png")
        let read = try await setup.run(["qr", "decode", "code.png"])
        #expect(read.status == 0, "\(read.stderr)")
        let limited = try await setup.run(["qr", "decode", "code.png", "--max-pixels", "100"])
        #expect(limited.status == 1)
        #expect(limited.stderr.contains("over the limit of 100"), "\(limited.stderr)")
        let zero = try await setup.run(["qr", "decode", "code.png", "--max-pixels", "0"])
        #expect(zero.status == 64)
    }

    @Test("qr verify, code verify and checkpoint scan refuse a 30000×30000 image")
    func otherReadersRefuse() async throws {
        let setup = try await QRImageCommandTests.Setup()
        defer { setup.remove() }
        try Data(Self.pngBomb(width: 30_000, height: 30_000)).write(to: URL(fileURLWithPath: setup.path("bomb.png")))
        let runs: [[String]] = [
            ["qr", "verify", "bomb.png", "--trust", "trust.json"],
            ["code", "verify", "bomb.png", "--trust", "trust.json"],
            ["checkpoint", "scan", "--log", "pass.db", "--checkpoint", "G1", "--temperature", "36.5", "--trust",
             "trust.json", "bomb.png"],
        ]
        for arguments in runs {
            let result = try await setup.run(arguments)
            #expect(result.duration < .seconds(10), "\(arguments)")
            #expect(result.status != 0, "\(arguments)")
            #expect((result.stdout + result.stderr).contains("30000×30000"), "\(arguments): \(result.stdout) \(result.stderr)")
        }
    }
}
