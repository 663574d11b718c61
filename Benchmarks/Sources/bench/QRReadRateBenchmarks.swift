import Foundation
import HealthCardCore

/// Issue 19, read rates: real-world photos (zxing-cpp's public sample sets qrcode-1...6, fetched by
/// `Benchmarks/fetch-qr-samples.sh`) and our own PNGs at each module size, each against `zbarimg`
/// and zxing-cpp (``ZXingReader``) on the same files in the same run. Counts, not timings: these figures do not depend on the machine.
enum QRReadRateBenchmarks {
    static func run() async throws {
        try realWorldPhotos()
        try await ownCodesByModuleSize()
    }

    /// One sample: an image file and the exact text it must give.
    struct Sample {
        let image: String
        let expected: String
    }

    static func samples() -> (directory: String, samples: [Sample])? {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory =
            ProcessInfo.processInfo.environment["HCK_QR_SAMPLES"] ?? here.appendingPathComponent(".samples").path
        let manager = FileManager.default
        guard let sets = try? manager.contentsOfDirectory(atPath: directory).filter({ $0.hasPrefix("qrcode-") }).sorted(),
            !sets.isEmpty
        else { return nil }
        var samples: [Sample] = []
        for set in sets {
            let folder = (directory as NSString).appendingPathComponent(set)
            let files = (try? manager.contentsOfDirectory(atPath: folder)) ?? []
            for file in files.sorted() where file.hasSuffix(".txt") && !file.hasSuffix(".result.txt") {
                let stem = String(file.dropLast(4))
                guard let image = files.first(where: { $0.hasPrefix(stem + ".") && !$0.hasSuffix(".txt") }),
                    let expected = try? String(contentsOfFile: (folder as NSString).appendingPathComponent(file), encoding: .utf8)
                else { continue }
                samples.append(Sample(image: (folder as NSString).appendingPathComponent(image), expected: expected))
            }
        }
        return (directory, samples)
    }

    /// The texts our scanner finds in an image file: decode (PNG, JPEG, WebP), then `decoder`,
    /// then the payload's character set (`QRPayloadText`).
    static func ourTexts(_ path: String, decoder: any QRDecoding) -> [String] {
        guard let image = try? ImageFile.read(at: URL(fileURLWithPath: path)),
            let payloads = try? decoder.decode(image)
        else { return [] }
        return payloads.compactMap { QRPayloadText.decode($0)?.text }
    }

    /// Whether `zbarimg` finds `expected` in one file (its own charset conversion to UTF-8; `--raw`
    /// ends each symbol's text with a newline, so a multi-line text is compared as a whole).
    static func zbarimgFinds(_ expected: String, in path: String) -> Bool {
        guard
            let (_, output) = QRBenchmarks.run(
                "/usr/bin/zbarimg", ["--nodbus", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", path])
        else { return false }
        return output == expected + "\n" || output.contains(expected + "\n")
    }

    static func realWorldPhotos() throws {
        guard let (directory, samples) = samples() else {
            print("\n(no real-world samples: run `sh Benchmarks/fetch-qr-samples.sh` or set HCK_QR_SAMPLES)")
            return
        }
        let ladder = QRScanLadder()
        let zbarRungs = QRScanLadder(lastResort: nil)
        let plain = QRDecoder()
        var ours = 0
        var oursZbarRungs = 0
        var oursPlain = 0
        var zbarimg = 0
        var zxing = 0
        var zxingOnly: [String] = []
        var rungs: [Int: Int] = [:]
        var missed: [String] = []
        var ladderTime: Duration = .zero
        let start = ContinuousClock.now
        for sample in samples {
            let name = URL(fileURLWithPath: sample.image).pathComponents.suffix(2).joined(separator: "/")
            let zxingRead = ZXingReader.texts(inFileAt: sample.image).contains(sample.expected)
            if zxingRead { zxing += 1 }
            if ourTexts(sample.image, decoder: plain).contains(sample.expected) { oursPlain += 1 }
            if ourTexts(sample.image, decoder: zbarRungs).contains(sample.expected) { oursZbarRungs += 1 }
            let image = try? ImageFile.read(at: URL(fileURLWithPath: sample.image))
            let scanStart = ContinuousClock.now
            let scanned = image.flatMap { try? ladder.scan($0) }
            ladderTime += scanStart.duration(to: .now)
            if let (payloads, rung) = scanned, let rung,
                payloads.compactMap({ QRPayloadText.decode($0)?.text }).contains(sample.expected)
            {
                ours += 1
                rungs[rung, default: 0] += 1
            } else {
                missed.append(name)
                if zxingRead { zxingOnly.append(name) }
            }
            if zbarimgFinds(sample.expected, in: sample.image) { zbarimg += 1 }
        }
        let elapsed = seconds(start.duration(to: .now))
        let count = samples.count
        printTable(
            "Real-world photos: exact text read (\(count) images of zxing-cpp qrcode-1...6 in \(directory))",
            [
                ["reader", "read", "rate", "vs zbarimg", "vs zxing-cpp"],
                [
                    "ours: ImageFile (PNG/JPEG/WebP) + QRScanLadder (8 rungs) + QRPayloadText", "\(ours)/\(count)",
                    percent(ours, count), ratio(ours, zbarimg), ratio(ours, zxing),
                ],
                [
                    "ours without the last rung (rungs 1-7: zbar and our transforms)", "\(oursZbarRungs)/\(count)",
                    percent(oursZbarRungs, count), ratio(oursZbarRungs, zbarimg), ratio(oursZbarRungs, zxing),
                ],
                [
                    "ours without the ladder (one zbar pass)", "\(oursPlain)/\(count)", percent(oursPlain, count),
                    ratio(oursPlain, zbarimg), ratio(oursPlain, zxing),
                ],
                [
                    "zbarimg (ImageMagick input, zbar's charset guess), one process per file", "\(zbarimg)/\(count)",
                    percent(zbarimg, count), "1.00×", ratio(zbarimg, zxing),
                ],
                [
                    "zxing-cpp \(ZXingReader.version) (same grey image as ours, its defaults)", "\(zxing)/\(count)",
                    percent(zxing, count), ratio(zxing, zbarimg), "1.00×",
                ],
            ])
        print("rungs that read them (1 = as is): \(rungs.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))")
        print("missed by ours: \(missed.joined(separator: " "))")
        print("of those, read by zxing-cpp with its own text decoding: \(zxingOnly.joined(separator: " "))")
        print(
            String(
                format: "(%.1f s for all readers; the 8-rung ladder %.2f s, %.1f ms an image on average)", elapsed,
                seconds(ladderTime), 1_000 * seconds(ladderTime) / Double(max(count, 1))))
        IssueTable.shared.add(
            "real-world photos (zxing-cpp qrcode-1...6), exact text", ours: "\(ours)/\(count)",
            anchor: "zxing-cpp \(zxing)/\(count) (zbarimg \(zbarimg)/\(count))",
            ratio: zxing == 0 ? nil : Double(ours) / Double(zxing), goal: 1)
        print(
            "real-world read rate: ours \(ours)/\(count) = \(ratio(ours, zxing)) zxing-cpp's \(zxing)/\(count) "
                + "measured in this run (goal ≥ 1.00×); zbarimg \(zbarimg)/\(count)")
    }

    /// Signed codes drawn at module sizes 1...4 and quiet zones 0, 1, 2, 4, read by our scanner and by zbarimg.
    static func ownCodesByModuleSize() async throws {
        let key = try SM2PrivateKey()
        let issuer = try SignedCodeIssuer(privateKey: key)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-modsize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let codec = QRImageCodec()
        var rows: [[String]] = [["module size", "ours", "zbarimg", "zxing-cpp", "allowed"]]
        for moduleSize in 1...4 {
            var ours = 0
            var theirs = 0
            var zxing = 0
            var total = 0
            for index in 0..<24 {
                let text = try await issuer.issue(cardID: String(format: "%064X", index * 7919 + moduleSize), kind: .static)
                let matrix = try QREncoder().encode(text: text)
                for quietZone in [0, 1, 2, 4] {
                    total += 1
                    let png = matrix.png(moduleSize: moduleSize, quietZone: quietZone)
                    if (try? codec.texts(inFile: png))?.contains(text) == true { ours += 1 }
                    let file = directory.appendingPathComponent("\(moduleSize)-\(index)-\(quietZone).png").path
                    try Data(png).write(to: URL(fileURLWithPath: file))
                    if zbarimgFinds(text, in: file) { theirs += 1 }
                    if ZXingReader.texts(inFileAt: file).contains(text) { zxing += 1 }
                }
            }
            if moduleSize >= QRRenderOptions.minimumModuleSize {
                IssueTable.shared.add(
                    "our own PNGs at --module-size \(moduleSize), quiet zones 0-4 (ratio: read ÷ drawn)", ours: "\(ours)/\(total)",
                    anchor: "zxing-cpp \(zxing)/\(total) (zbarimg \(theirs)/\(total))",
                    ratio: Double(ours) / Double(total), goal: 1)
            }
            rows.append([
                "\(moduleSize) px", "\(ours)/\(total)", "\(theirs)/\(total)", "\(zxing)/\(total)",
                moduleSize >= QRRenderOptions.minimumModuleSize ? "yes" : "no (refused)",
            ])
        }
        printTable("Our own signed PNGs by module size (24 codes × quiet zones 0, 1, 2, 4 modules)", rows)
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "" : String(format: "%.0f %%", 100 * Double(part) / Double(whole))
    }

    static func ratio(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "" : String(format: "%.2f×", Double(part) / Double(whole))
    }
}
