import Foundation
import HealthCardFoundation


/// Payloads, temp files and the Debian QR tools (`qrencode`, `zbarimg`) for the QR codec tests.
public enum QRCodecTestSupport {
    /// Every byte value that trips text-based codecs: NUL, DEL and the whole high half.
    public static let awkwardBytes: [UInt8] = [0x00, 0x01, 0x7F] + Array(0x80...0xFF)
    /// 200 bytes from a fixed seed, so a failure reproduces.
    public static let randomBytes: [UInt8] = {
        var generator = SplitMix64(seed: 0x4843_4B49_545F_5152)
        return (0..<200).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }()
    public static let chineseText = "电子健康卡 居民健康卡 个人健康信息码 GB/T 38961-2020"
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qrcodec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    public static let zbarimgPath = "/usr/bin/zbarimg"
    public static let qrencodePath = "/usr/bin/qrencode"
    /// Debian packages `zbar-tools` and `qrencode` (Scripts/setup.sh).
    static var hasTools: Bool {
        FileManager.default.isExecutableFile(atPath: zbarimgPath)
            && FileManager.default.isExecutableFile(atPath: qrencodePath)
    }

    public typealias Output = ChildProcess.Output

    /// Runs `executable arguments…` with no input (``ChildProcess``: off the pool).
    public static func run(_ executable: String, _ arguments: [String]) async throws -> Output {
        try await ChildProcess.run(URL(fileURLWithPath: executable), arguments)
    }
}

/// A small seedable generator (SplitMix64) for reproducible "random" payloads.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
