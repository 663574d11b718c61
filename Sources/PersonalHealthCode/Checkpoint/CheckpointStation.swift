import Foundation
import HealthCardFoundation
import HealthQR

/// One checkpoint terminal: decides a passage, makes it durable, and only then hands back the
/// acknowledgement to show.
///
/// Why a type and not a loop in each program: the order is the guarantee. For every passage
///
/// 1. ``CheckpointDecider`` decides (pass or deny, every reason);
/// 2. an accepted dynamic e-health-card code's nonce is recorded in the replay cache;
/// 3. the passage (passed or denied) is appended to the ``PassLog`` (SQLite, committed);
/// 4. the replay cache file is written (the lock is kept), if a nonce was recorded;
/// 5. ``scan(_:temperature:direction:plate:at:)`` returns the ``LoggedPassage`` to acknowledge.
///
/// So whatever a terminal prints or opens a gate for is already in the log, and a code it
/// accepted is already on disk as seen: a process killed between two passages (a long-running
/// batch, a scanner that loses power) forgets no acknowledged passage and cannot accept the same
/// screenshot again. A passage that fails to log throws, and nothing must be acknowledged for it.
///
/// The station holds the replay cache's lock from ``init(site:decider:passLog:replayCache:)`` to
/// ``finish()``: two stations sharing one cache file take turns.
///
/// - SeeAlso: `Docs/checkpoint.md`; `hcard checkpoint scan` (one passage or `--batch`).
public final class CheckpointStation {
    /// Where the station stands; every passage is logged with it.
    public let site: CheckpointSite
    /// Decides each passage. Give its e-health-card verifier `replayCache.cache` as its seen
    /// nonces (``CheckpointDecider/init(policy:trustList:revocations:clockSkew:seenNonces:)``), or
    /// a replayed code is not denied.
    public let decider: CheckpointDecider
    /// Where every passage goes.
    public let passLog: PassLog
    /// The dynamic codes seen, across processes; `nil` to remember nothing beyond the decider's own cache.
    public let replayCache: ReplayCacheFile?

    public init(site: CheckpointSite, decider: CheckpointDecider, passLog: PassLog, replayCache: ReplayCacheFile?) {
        self.site = site
        self.decider = decider
        self.passLog = passLog
        self.replayCache = replayCache
    }

    /// Decides `credential` at `time` and makes the passage durable (see the type's steps); the
    /// result is what the terminal may now acknowledge.
    ///
    /// - Parameters:
    ///   - credential: what the person showed (a code, an ID number, both).
    ///   - temperature: the reading in °C, `nil` if none was taken.
    ///   - direction: entry or exit, when the checkpoint records it.
    ///   - plate: a vehicle's plate number, when the checkpoint records it.
    ///   - time: when the person stands at the checkpoint (the decision's clock and the log's time).
    /// - Throws: the pass log's or the replay cache's errors; then the passage must not be acknowledged.
    public func scan(
        _ credential: Credential, temperature: Double?, direction: PassDirection, plate: String?, at time: Date
    ) throws -> LoggedPassage {
        let decision = decider.decide(credential, temperature: temperature, now: time)
        let acceptedDynamic = decision.acceptedCard.flatMap { $0.code.windowSeconds != nil ? $0 : nil }
        if let card = decision.acceptedCard {
            replayCache?.record(.valid(card), clockSkew: decider.eHealthCards.clockSkew)
        }
        let id = try passLog.append(
            Passage(time: time, checkpoint: site, direction: direction, decision: decision, plate: plate))
        if acceptedDynamic != nil { try replayCache?.flush() }
        return LoggedPassage(id: id, time: time, site: site, direction: direction, decision: decision)
    }

    /// Logs a denial of `credential` for `fault` without deciding, and returns it to acknowledge:
    /// what a station does when it cannot decide safely (a reloaded list is invalid), so the
    /// refusal and its reason are in the log like any other passage.
    ///
    /// - Throws: the pass log's errors; then the passage must not be acknowledged.
    public func refuse(
        _ credential: Credential, fault: String, temperature: Double?, direction: PassDirection, plate: String?,
        at time: Date
    ) throws -> LoggedPassage {
        let decision = CheckpointDecision(
            reasons: [.stationFault(reason: fault)], credential: credential.kind, holder: nil, colour: nil,
            temperature: temperature)
        let id = try passLog.append(
            Passage(time: time, checkpoint: site, direction: direction, decision: decision, plate: plate))
        return LoggedPassage(id: id, time: time, site: site, direction: direction, decision: decision)
    }

    /// Writes the replay cache a last time and releases its lock. Call it once, after the last passage.
    public func finish() throws {
        try replayCache?.save()
    }
}

/// A passage that is in the pass log: what a terminal acknowledges.
public struct LoggedPassage: Hashable, Sendable {
    /// The pass log's id for it.
    public let id: Int64
    public let time: Date
    public let site: CheckpointSite
    public let direction: PassDirection
    public let decision: CheckpointDecision

    public init(id: Int64, time: Date, site: CheckpointSite, direction: PassDirection, decision: CheckpointDecision) {
        self.id = id
        self.time = time
        self.site = site
        self.direction = direction
        self.decision = decision
    }

    /// Whether the person may pass.
    public var passes: Bool { decision.passes }

    /// The acknowledgement to show or send, with the holder masked unless `fullIDs`.
    public func acknowledgement(fullIDs: Bool) -> CheckpointAcknowledgement {
        CheckpointAcknowledgement(self, fullIDs: fullIDs)
    }
}

/// The acknowledgement of one logged passage, as `hcard checkpoint scan` prints it (JSON, or
/// ``line``). Times are China time with `+08:00`; reasons carry their stable code and the message.
public struct CheckpointAcknowledgement: Encodable, Hashable, Sendable {
    public let id: Int64
    public let time: String
    public let checkpoint: String
    public let direction: String
    public let decision: String
    public let reasons: [Reason]
    public let credential: String
    /// The holder, masked (``PassHolder/masked``) unless full ids were asked for.
    public let person: String?
    public let colour: String?
    public let temperature: Double?

    public struct Reason: Encodable, Hashable, Sendable {
        public let code: String
        public let message: String
    }

    public init(_ passage: LoggedPassage, fullIDs: Bool) {
        let decision = passage.decision
        id = passage.id
        time = ChinaTime.dateTime(at: passage.time).description + "+08:00"
        checkpoint = passage.site.id
        direction = passage.direction.rawValue
        self.decision = decision.outcome.rawValue
        reasons = decision.reasons.map { Reason(code: $0.code, message: $0.description) }
        credential = decision.credential.rawValue
        person = decision.holder.map { fullIDs ? $0.storedValue : $0.masked }
        colour = decision.colour?.rawValue
        temperature = decision.temperature
    }

    /// `PASS #12 G1 in 110105********002X healthCode green 36.5 °C` / `DENY #13 G1 in … — reason; reason`.
    public var line: String {
        var parts = [decision.uppercased(), "#\(id)", checkpoint, direction, person ?? "-", credential]
        if let colour { parts.append(colour) }
        if let temperature { parts.append("\(temperature) °C") }
        var line = parts.joined(separator: " ")
        if !reasons.isEmpty { line += " — " + reasons.map(\.message).joined(separator: "; ") }
        return line
    }
}

extension Credential {
    /// The credential a camera image gave: its one QR text, or ``unreadable(reason:)`` saying why
    /// there is not exactly one (no symbol, several different ones, one that is not UTF-8 text).
    /// Several copies of one symbol count as one.
    ///
    /// - Parameters:
    ///   - payloads: every symbol's bytes found in the image.
    ///   - imageName: the image's name, for the reason.
    ///   - presentedBy: the ID number shown with the code, if any.
    public init(scannedPayloads payloads: [[UInt8]], imageName: String, presentedBy: String?) {
        switch Set(payloads).count {
        case 0: self = .unreadable(reason: "no QR code found in \(imageName)")
        case 1:
            guard let text = String(validating: payloads[0], as: UTF8.self) else {
                self = .unreadable(reason: "the QR code in \(imageName) is not text")
                return
            }
            self.init(scanned: text, presentedBy: presentedBy)
        case let count: self = .unreadable(reason: "\(count) different QR codes in \(imageName): show one")
        }
    }
}
