import Foundation
import HealthCardCore

/// `bench qr-profile [N]`: issues N codes (default 300) one after another through the steps of the
/// batch engine's per-code path (sign, encode, draw, SM3, manifest entry) into memory, on the main
/// thread and without `async`, so that `valgrind --tool=callgrind` can count where the
/// instructions go: valgrind 3.19 crashes as soon as the concurrency runtime starts a thread.
enum QRProfile {
    static func run(count: Int) throws {
        let key = try SM2PrivateKey()
        let signer = SM2Signer(privateKey: key)
        let keyID = try KeyID(publicKey: key.publicKey)
        let store = MemoryStore()
        var bytes = 0
        for index in 0..<count {
            let cardID = String(format: "%064X", index)
            let kind: SignedCode.Kind = index % 4 == 0 ? .dynamic(window: .seconds(300)) : .static
            let code = try SignedCode(kind: kind, keyID: keyID, cardID: cardID, issuedAt: Date(), nonce: .random())
            let body = SignedCodeFormat.body(of: code)
            let text = SignedCodeFormat.text(
                body: body, signature: try signer.signature(for: SignedCodeFormat.signedBytes(body: body)))
            let matrix = try QREncoder().encode(text: text)
            let png = try QRImageCodec().render(matrix, as: .png, options: .standard)
            let file = "\(cardID)-\(index).png"
            try store.write(png, to: file)
            let entry = QRBatch.EncodedManifestEntry(
                QRBatch.ManifestEntry(line: index + 2, code: code, text: text, file: file, fileBytes: png, matrix: matrix))
            bytes += entry.json.count
        }
        print("qr-profile: \(count) codes, \(bytes) bytes of manifest entries")
    }
}
