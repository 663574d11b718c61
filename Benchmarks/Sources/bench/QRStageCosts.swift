import Foundation
import HealthCardCore

/// Issue 19's profile, printed by `bench qr`: the CPU time (this thread's user + system time) of
/// each step a batch code and a decode + verify go through, one after another on one thread, so
/// that the table's ratios can be read as costs and the share that is not signing is visible.
enum QRStageCosts {
    /// CPU microseconds per call of `body`, over `count` calls after one warm-up call.
    static func cpuMicroseconds(_ count: Int, _ body: (Int) throws -> Void) rethrows -> Double {
        try body(-1)
        let start = threadCPUSeconds()
        for index in 0..<count { try body(index) }
        return (threadCPUSeconds() - start) / Double(count) * 1e6
    }

    /// The steps of one batch code (`QRBatchIssuer.image` then the store and the manifest entry).
    static func issuance(key: SM2PrivateKey, directory: URL) throws -> [[String]] {
        let count = 300
        let signer = SM2Signer(privateKey: key)
        let keyID = try KeyID(publicKey: key.publicKey)
        let cardID = "E1D10AAC73D0B947060B099128732C969A6EF97A6014BF41B3D19EEF9A4FBB18"
        let code = try SignedCode(kind: .static, keyID: keyID, cardID: cardID, issuedAt: Date(), nonce: .random())
        let body = SignedCodeFormat.body(of: code)
        let signature = try signer.signature(for: SignedCodeFormat.signedBytes(body: body))
        let text = SignedCodeFormat.text(body: body, signature: signature)
        let matrix = try QREncoder().encode(text: text)
        let png = try QRImageCodec().render(matrix, as: .png, options: .standard)
        let store = try QRBatchDirectory(path: directory.appendingPathComponent("stages").path)

        var steps: [(String, Double)] = []
        steps.append(
            ("SM2 signature (OpenSSL through SM2Signer)",
             try cpuMicroseconds(count) { _ in _ = try signer.signature(for: SignedCodeFormat.signedBytes(body: body)) }))
        steps.append(
            ("code: fields, binary body, base45 text",
             try cpuMicroseconds(count) { _ in
                 let code = try SignedCode(
                     kind: .static, keyID: keyID, cardID: cardID, issuedAt: Date(), nonce: .random())
                 _ = SignedCodeFormat.text(body: SignedCodeFormat.body(of: code), signature: signature)
             }))
        steps.append(("QR symbol (libqrencode, mask chosen)", try cpuMicroseconds(count) { _ in _ = try QREncoder().encode(text: text) }))
        steps.append(
            ("PNG (pure-Swift writer)",
             try cpuMicroseconds(count) { _ in _ = try QRImageCodec().render(matrix, as: .png, options: .standard) }))
        steps.append(
            ("file: created whole, O_TMPFILE + linkat (no sync)",
             try cpuMicroseconds(count) { index in try store.create(png, as: "stage-\(index).png") }))
        steps.append(
            ("manifest entry (SM3 of the file, JSON)",
             cpuMicroseconds(count) { index in
                 _ = QRBatch.EncodedManifestEntry(
                     QRBatch.ManifestEntry(
                         line: index + 2, code: code, text: text, file: "x.png", fileBytes: png, matrix: matrix))
             }))
        let total = steps.map(\.1).reduce(0, +)
        return steps.map { name, micros in
            [name, String(format: "%.0f µs", micros), String(format: "%.0f %%", 100 * micros / total)]
        } + [["sum", String(format: "%.0f µs", total), "100 %"]]
    }

    /// The steps of one decode + verify of a batch PNG.
    static func decoding(images: [String], verifier: CodeVerifier) throws -> [[String]] {
        let count = images.count
        let files = try images.map { try Array(Data(contentsOf: URL(fileURLWithPath: $0))) }
        let decoded = try files.map { try ImageFile.decode($0) }
        let texts = decoded.map { image in
            String(
                decoding: QRRenderedSymbolDecoder.payload(
                    greyPixels: image.pixels, width: image.width, height: image.height) ?? [],
                as: UTF8.self)
        }
        var steps: [(String, Double)] = []
        steps.append(
            ("read the file",
             try cpuMicroseconds(count) { index in
                 _ = try Data(contentsOf: URL(fileURLWithPath: images[max(index, 0)]))
             }))
        steps.append(("PNG → grey pixels (libpng)", try cpuMicroseconds(count) { index in _ = try ImageFile.decode(files[max(index, 0)]) }))
        steps.append(
            ("rung 0: the drawn symbol read directly",
             cpuMicroseconds(count) { index in
                 let image = decoded[max(index, 0)]
                 _ = QRRenderedSymbolDecoder.payload(greyPixels: image.pixels, width: image.width, height: image.height)
             }))
        steps.append(
            ("(a zbar pass instead, as before rung 0)",
             try cpuMicroseconds(count) { index in _ = try QRDecoder().decode(decoded[max(index, 0)]) }))
        steps.append(
            ("verify: base45, parse, SM2 verification",
             cpuMicroseconds(count) { index in
                 precondition(verifier.verify(texts[max(index, 0)]).isValid, "a batch code does not verify")
             }))
        let total = steps.filter { !$0.0.hasPrefix("(") }.map(\.1).reduce(0, +)
        return steps.map { name, micros in
            [name, String(format: "%.0f µs", micros), name.hasPrefix("(") ? "" : String(format: "%.0f %%", 100 * micros / total)]
        } + [["sum (without the zbar line)", String(format: "%.0f µs", total), "100 %"]]
    }
}

/// The 1-, 5- and 15-minute load averages (`/proc/loadavg`), to print beside every figure: the
/// machine is shared, and its load says what a wall-clock figure is worth.
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "n/a" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}
