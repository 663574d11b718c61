import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthCardTestSupport
import HealthQR
import Testing

@Suite("List files: load for update, locked read-modify-write")
struct ListFileTests {
    @Test("only a missing file is an empty list: a directory, bad JSON and an unreadable path throw")
    func loadForUpdate() throws {
        let directory = try CryptoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("trust.json").path
        #expect(try TrustList.loadForUpdate(at: missing).entries.isEmpty)
        #expect(try RevocationList.loadForUpdate(at: missing) == RevocationList())

        // A directory where the file should be: not "no list", an error.
        #expect(throws: FileAccessError.self) { try TrustList.loadForUpdate(at: directory.path) }
        #expect(throws: FileAccessError.self) { try RevocationList.loadForUpdate(at: directory.path) }

        let broken = directory.appendingPathComponent("broken.json").path
        try AtomicFile.write(Array("{\"version\": 1, \"keys\": [".utf8), to: broken)
        #expect(throws: (any Error).self) { try TrustList.loadForUpdate(at: broken) }
        // Nothing replaced the broken file: the error stopped the update before the save.
        #expect(throws: (any Error).self) { try TrustList.update(at: broken) { _ in } }
        #expect(String(decoding: try AtomicFile.read(broken), as: UTF8.self) == "{\"version\": 1, \"keys\": [")
    }

    @Test("concurrent updates all land; the revocation update reports what it added")
    func concurrentUpdates() throws {
        let directory = try CryptoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("revoked.json").path
        let cards = (0..<8).map { "CARD\($0)" }
        DispatchQueue.concurrentPerform(iterations: cards.count) { index in
            _ = try? RevocationList.revoke(cardIDs: [cards[index]], keyIDs: [], inFileAt: path)
        }
        #expect(try RevocationList.load(from: path).cardIDs == Set(cards))

        let key = try KeyID(hex: "0123456789ABCDEF")
        let update = try RevocationList.revoke(cardIDs: ["CARD0", "NEW1"], keyIDs: [key], inFileAt: path)
        #expect(update.addedCardIds == ["NEW1"])
        #expect(update.addedKeyIds == ["0123456789ABCDEF"])
        #expect(update.cardIds == 9 && update.keyIds == 1)
    }
}
