import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthQR
import PersonalHealthCode
import Testing

/// The station's order: by the time `scan` returns, the passage is in the pass log and an accepted
/// dynamic code's nonce is in the replay cache file, so an acknowledgement never gets ahead of disk.
@Suite("Checkpoint station: durable before acknowledged")
struct CheckpointStationTests {
    /// 2026-03-01T08:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_772_352_000)

    let issuer: SignedCodeIssuer
    let trust: TrustList
    let directory: URL
    let site: CheckpointSite

    init() throws {
        let key = try SM2PrivateKey()
        issuer = try SignedCodeIssuer(privateKey: key)
        trust = try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test issuer", validFrom: Self.now.addingTimeInterval(-86_400),
                validTo: Self.now.addingTimeInterval(86_400 * 365))
        ])
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("station-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        site = try CheckpointSite(id: "G1", name: "East gate", area: "460105", department: "Security")
    }

    /// A station over a fresh replay cache file opened as of `now`, as one process would have it.
    func station(log: PassLog, cachePath: String) throws -> CheckpointStation {
        let cache = try ReplayCacheFile(path: cachePath, now: Int64(Self.now.timeIntervalSince1970))
        var policy = CheckpointPolicy()
        policy.temperatureRequired = false
        let decider = CheckpointDecider(policy: policy, trustList: trust, seenNonces: cache.cache)
        return CheckpointStation(site: site, decider: decider, passLog: log, replayCache: cache)
    }

    @Test("an accepted dynamic code: the nonce is on disk and the passage logged when scan returns")
    func durableBeforeReturn() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try PassLog(path: directory.appendingPathComponent("pass.db").path)
        let cachePath = directory.appendingPathComponent("replay.json").path
        let text = try await issuer.issue(
            cardID: "26B5A1FE56681", kind: .dynamic(window: .seconds(300)), now: Self.now.addingTimeInterval(-60))
        let nonce = try SignedCodeFormat.decode(text).code.nonce.hex

        let first = try station(log: log, cachePath: cachePath)
        let passage = try first.scan(
            Credential(scanned: text), temperature: nil, direction: .entering, plate: nil, at: Self.now)
        // Checked before finish(): only the scan itself can have put these on disk.
        #expect(passage.passes, "\(passage.decision.reasons)")
        let onDisk = String(decoding: try AtomicFile.read(cachePath), as: UTF8.self)
        #expect(onDisk.contains(nonce))
        let logged = try log.records(matching: PassLogFilter())
        #expect(logged.map(\.id) == [passage.id])
        #expect(logged.first?.outcome == .pass)
        try first.finish()

        // The next process loads the nonce and denies the same code, and logs that passage too.
        let second = try station(log: log, cachePath: cachePath)
        let replayed = try second.scan(
            Credential(scanned: text), temperature: nil, direction: .entering, plate: nil, at: Self.now)
        try second.finish()
        #expect(replayed.decision.reasons.map(\.code) == ["eHealthCard.replayed"])
        #expect(try log.count() == 2)
    }

    @Test("a denied passage is logged and leaves the replay cache file unwritten")
    func deniedIsLoggedOnly() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try PassLog(path: directory.appendingPathComponent("pass.db").path)
        let cachePath = directory.appendingPathComponent("replay.json").path
        let station = try station(log: log, cachePath: cachePath)
        let passage = try station.scan(
            .unreadable(reason: "no QR code found in gate.png"), temperature: nil, direction: .leaving, plate: "琼A12345",
            at: Self.now)
        #expect(!passage.passes)
        #expect(!FileManager.default.fileExists(atPath: cachePath))
        #expect(try log.records(matching: PassLogFilter()).map(\.plate) == ["琼A12345"])
        let acknowledgement = passage.acknowledgement(fullIDs: false)
        #expect(acknowledgement.line.hasPrefix("DENY #\(passage.id) G1 out - unreadable"))
        try station.finish()
    }

    @Test("an image's payloads: one distinct text is the credential, none or several are unreadable")
    func imagePayloads() {
        let text = Array("HCK1-ABC".utf8)
        #expect(Credential(scannedPayloads: [text, text], imageName: "a.png", presentedBy: nil) == .eHealthCard("HCK1-ABC"))
        #expect(
            Credential(scannedPayloads: [], imageName: "a.png", presentedBy: nil)
                == .unreadable(reason: "no QR code found in a.png"))
        #expect(
            Credential(scannedPayloads: [text, [0x41]], imageName: "a.png", presentedBy: nil)
                == .unreadable(reason: "2 different QR codes in a.png: show one"))
        #expect(
            Credential(scannedPayloads: [[0xFF, 0xFE]], imageName: "a.png", presentedBy: nil)
                == .unreadable(reason: "the QR code in a.png is not text"))
    }
}
