import Foundation
import HealthCardFoundation
import PersonalHealthCode

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where a station's passages go once they are logged: the platform (`hcard serve`, when it
/// lands) or, until then, a folder. Every implementation must be idempotent keyed by the
/// checkpoint and the passage id: a batch sent again after a crash (accepted by the platform, but
/// the station died before it wrote its cursor) must not count twice.
public protocol PassageUploadTarget: AnyObject {
    /// For logs.
    var name: String { get }
    /// Delivers `passages` (all of one checkpoint, in id order), or throws without any guarantee
    /// about which of them arrived (they are sent again).
    func upload(_ passages: [PassRecordReport], checkpoint: String) throws
}

/// The file stand-in for the platform: one JSON file per passage, `DIR/CHECKPOINT/ID.json`,
/// written atomically. Idempotent by construction: a passage sent twice is the same file.
public final class DirectoryUploadTarget: PassageUploadTarget {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public var name: String { "folder \(directory)" }

    public func upload(_ passages: [PassRecordReport], checkpoint: String) throws {
        let folder = directory + "/" + checkpoint
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for passage in passages {
            try AtomicFile.write(Array(encoder.encode(passage)) + [0x0A], to: folder + "/\(passage.id).json")
        }
    }
}

/// The platform over HTTP: `POST URL` with `{"checkpoint": "G1", "passages": [...]}`; 2xx is
/// accepted. The receiver deduplicates by checkpoint and passage id: `hcard serve`'s
/// `POST /v1/checkpoints/{checkpoint}/passages` (`PassageUpload`), which needs an API key with
/// the `verifier` role, sent as `Authorization: Bearer`.
public final class HTTPUploadTarget: PassageUploadTarget {
    public let url: URL
    public let timeout: Double
    let apiKey: String?

    public init(url: URL, timeout: Double, apiKey: String? = nil) {
        self.url = url
        self.timeout = timeout
        self.apiKey = apiKey
    }

    /// The API key in `path` (what `hcard serve key add` printed): one line, surrounding
    /// whitespace ignored.
    ///
    /// - Throws: when the file cannot be read, is empty, or holds more than one line.
    public static func apiKey(fromFile path: String) throws -> String {
        let text = String(decoding: try AtomicFile.read(path, limit: 4096), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, !text.contains(where: \.isNewline), text.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw HealthCardError.invalidValue("sync.keyFile \(path): must hold one API key on one line")
        }
        return text
    }

    public var name: String { "platform \(url.absoluteString)" }

    private struct Batch: Encodable {
        let checkpoint: String
        let passages: [PassRecordReport]
    }

    public func upload(_ passages: [PassRecordReport], checkpoint: String) throws {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        request.httpBody = try encoder.encode(Batch(checkpoint: checkpoint, passages: passages))
        let status = try HTTPExchange.perform(request, timeout: timeout)
        guard (200..<300).contains(status) else { throw HealthCardError.invalidValue("\(name): HTTP \(status)") }
    }
}

/// Uploads a station's passages in the background, in id order, from the pass log itself.
///
/// The pass log is the durable queue: every passage is in it before it is acknowledged. The
/// cursor file (`{"checkpoint": "G1", "uploaded": 41}`, written atomically after each accepted
/// batch) says how far the platform has accepted; on start, after a crash or while the platform
/// is away, whatever lies beyond it is sent, oldest first, batch after batch. Nothing is lost
/// (nothing leaves the log), nothing is counted twice (a batch resent after a crash between the
/// platform's acceptance and the cursor write is deduplicated by the target, keyed by passage id),
/// and the order per station is the log's.
///
/// Runs on its own thread with its own read-only connection, so a platform that does not answer
/// never stalls the door. Deciding never depends on it.
public final class PassageSync: @unchecked Sendable {
    public let target: any PassageUploadTarget
    public let cursorFile: String
    public let checkpoint: String
    public let interval: Double
    let passLogPath: String
    static let batchSize = 200

    private let lock = NSLock()
    private var stopping = false
    private var statusText = "not started"
    private let finished = DispatchSemaphore(value: 0)

    public init(target: any PassageUploadTarget, cursorFile: String, checkpoint: String, passLog: String, interval: Double) {
        self.target = target
        self.cursorFile = cursorFile
        self.checkpoint = checkpoint
        passLogPath = passLog
        self.interval = interval
    }

    /// `ok (41 uploaded, 0 pending)` or `down: … (3 pending, retrying)`.
    public var status: String { lock.withLock { statusText } }

    /// The last passage id the target accepted (0 without a cursor file).
    ///
    /// - Throws: `HealthCardError/Code/malformed` naming the file if it is not this station's cursor.
    public func uploadedID() throws -> Int64 {
        guard FileManager.default.fileExists(atPath: cursorFile) else { return 0 }
        let bytes = try AtomicFile.read(cursorFile)
        let shape = JSONShape.object(["checkpoint": .string, "uploaded": .integer], required: ["checkpoint", "uploaded"])
        guard case .object(let object) = try shape.check(json: bytes, source: cursorFile),
            case .string(let owner) = object["checkpoint"], case .number(let id) = object["uploaded"]
        else { throw HealthCardError.malformed("\(cursorFile): not a sync cursor") }
        guard owner == checkpoint else {
            throw HealthCardError.malformed("\(cursorFile): the cursor of checkpoint \(owner), not \(checkpoint)")
        }
        return Int64(id)
    }

    /// Sends everything after the cursor, batch by batch; returns how many were sent.
    ///
    /// - Throws: the target's, the log's or the cursor's error; what was accepted before it stays accepted.
    @discardableResult
    public func uploadPending() throws -> Int {
        let log = try PassLog(path: passLogPath, mode: .readOnly)
        var sent = 0
        while true {
            let after = try uploadedID()
            let records = try log.records(after: after, checkpoint: checkpoint, limit: Self.batchSize)
            guard let last = records.last else { break }
            try target.upload(records.map { PassRecordReport($0, fullIDs: true) }, checkpoint: checkpoint)
            let cursor = "{\"checkpoint\": \(Self.quoted(checkpoint)), \"uploaded\": \(last.id)}\n"
            try AtomicFile.write(Array(cursor.utf8), to: cursorFile)
            sent += records.count
            setStatus("ok (up to #\(last.id) uploaded to \(target.name))")
        }
        if sent == 0 { setStatus("ok (up to #\(try uploadedID()) uploaded to \(target.name), none pending)") }
        return sent
    }

    /// Starts the background thread: ``uploadPending()`` every ``interval`` seconds until ``stop(timeout:)``.
    public func start() {
        Thread { [self] in
            while !isStopping {
                do {
                    try uploadPending()
                } catch {
                    setStatus("down: \(errorText(error)) (pending passages kept, retrying every \(interval) s)")
                }
                // An interval, so the monotonic clock: a wall-clock step must not shorten or stretch it.
                let wake = ContinuousClock.now + .seconds(interval)
                while !isStopping && ContinuousClock.now < wake { usleep(50_000) }
            }
            finished.signal()
        }.start()
    }

    /// Stops the thread after the upload in hand (waits for it at most `timeout` seconds), then
    /// makes one last attempt, so that a clean stop leaves nothing pending while the platform is there.
    public func stop(timeout: Double = 10) {
        lock.withLock { stopping = true }
        guard finished.wait(timeout: .now() + timeout) == .success else { return }
        do {
            try uploadPending()
        } catch {
            setStatus("down: \(errorText(error)) (pending passages kept for the next start)")
        }
    }

    private var isStopping: Bool { lock.withLock { stopping } }
    private func setStatus(_ text: String) { lock.withLock { statusText = text } }

    static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
