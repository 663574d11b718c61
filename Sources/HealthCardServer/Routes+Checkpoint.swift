import Foundation
import HealthCardFoundation
import HealthQR
import Hummingbird
import PersonalHealthCode

/// The checkpoint pass log and policy the server decides scans with (Docs/checkpoint.md).
struct CheckpointContext: Sendable {
    /// The SQLite `PassLog` file, or ``PostgresPassLog`` with `--postgres`.
    let passLog: any PassLogStore
    let policy: CheckpointPolicy

    init(passLog: any PassLogStore, configuration: ServerConfiguration) throws {
        self.passLog = passLog
        policy = try configuration.checkpointPolicy.map { path in
            do { return try CheckpointPolicy(json: try AtomicFile.read(path, limit: 1 << 20), source: path).validated() } catch {
                throw ServerError.invalidConfiguration("checkpointPolicy \(path): \(error)")
            }
        } ?? CheckpointPolicy()
    }
}

/// `POST /v1/checkpoints/{checkpoint}/scans` body: what a gate terminal read.
struct ScanBody: Decodable {
    /// The scanned text (`HCC1-`, `HCK1-`, anything else is unrecognised); absent with `id` alone.
    var text: String?
    /// The ID number shown (with a health code: whose code it must be; alone: an ID-number passage).
    var id: String?
    /// The reading in °C.
    var temperature: Double?
    var direction: PassDirection?
    var plate: String?
    /// The checkpoint's display name, area and department, logged with the passage.
    var name: String?
    var area: String?
    var department: String?
}

/// Checkpoint scans from gate terminals without a local trust list, passages uploaded by gate
/// stations that decide locally (`PassageUpload`, Docs/station.md), and pass-log queries
/// (issue 16; Docs/checkpoint.md): the library's `CheckpointDecider` and `PassLogFilter`, as
/// `hcard checkpoint scan` and `hcard passlog query` use them, on one node (SQLite) or several
/// (PostgreSQL).
///
/// A scan keeps `CheckpointStation`'s order — decide, make the passage durable, only then
/// answer — with the replay step on the server's shared claims (``ServerStateStore/claim(_:)``,
/// as `/v1/codes/verify` does): an accepted dynamic e-health-card code is claimed before the
/// passage is logged, so one code shown at two gates on two nodes at once passes exactly once.
/// The second is decided again with the code as seen, so its denial is the library's own
/// (`replayed`, with the other reasons in their order).
extension HealthCardServer {
    var checkpointEndpoints: [Endpoint] {
        [
            Endpoint(.post, "/v1/checkpoints/{checkpoint}/scans", roles: [.verifier], audit: .write) {
                request, context, _ in
                let body = try await RequestDecoding.body(ScanBody.self, request)
                let raw = try RequestDecoding.path(context, "checkpoint")
                guard let id = raw.removingPercentEncoding else {
                    throw APIProblem.badRequest("checkpoint \"\(raw)\" is not percent-encoded correctly")
                }
                let site = try CheckpointSite(
                    id: id, name: body.name ?? "", area: body.area ?? "", department: body.department ?? "")
                if let temperature = body.temperature, !(25.0...45.0).contains(temperature) {
                    throw APIProblem.badRequest("temperature \(temperature) °C is not a body temperature (25…45)")
                }
                let credential = Credential(presented: body.text, idNumber: body.id)
                let time = SystemClock().now()
                let decision = try await self.decide(credential, temperature: body.temperature, at: time)
                let passage = Passage(
                    time: time, checkpoint: site, direction: body.direction ?? .entering, decision: decision,
                    plate: body.plate)
                let logged = try await self.checkpoints.passLog.append(passage)
                return JSONResponse.make(
                    LoggedPassage(id: logged, time: time, site: site, direction: passage.direction, decision: decision)
                        .acknowledgement(fullIDs: false))
            },
            Endpoint(.post, "/v1/checkpoints/{checkpoint}/passages", roles: [.verifier], audit: .write) {
                request, context, _ in
                let raw = try RequestDecoding.path(context, "checkpoint")
                guard let id = raw.removingPercentEncoding else {
                    throw APIProblem.badRequest("checkpoint \"\(raw)\" is not percent-encoded correctly")
                }
                // A station's batch of 200 passages is about 100 KiB; 4 MiB holds the batch limit.
                let upload = try PassageUpload(json: try await RequestDecoding.bytes(request, limit: 4 << 20), checkpoint: id)
                return JSONResponse.make(try await self.checkpoints.passLog.append(upload: upload))
            },
            Endpoint(.get, "/v1/checkpoints/passes", roles: [.auditor], audit: .lookup) { request, _, _ in
                let filter = try Self.passLogFilter(request)
                let limit = try RequestDecoding.integer(request, "limit", default: 100, in: 1...1000)
                let records = try await self.checkpoints.passLog.records(matching: filter, limit: limit)
                return JSONResponse.make(records.map { PassRecordReport($0, fullIDs: false) })
            },
        ]
    }

    /// The decision on `credential` at `time`, with an accepted dynamic code claimed in the
    /// shared store first (see the extension's comment).
    func decide(_ credential: Credential, temperature: Double?, at time: Date) async throws -> CheckpointDecision {
        let revocations = try await verification.currentRevocations(for: credential)
        func decider(seen: SeenNonceCache?) -> CheckpointDecider {
            CheckpointDecider(
                policy: checkpoints.policy, trustList: verification.trustList, revocations: revocations,
                clockSkew: verification.clockSkew, seenNonces: seen)
        }
        let decision = try await checkedAgainstRegister(
            decider(seen: nil).decide(credential, temperature: temperature, now: time))
        guard let card = decision.acceptedCard,
            let claim = ReplayClaim(accepted: card, clockSkew: verification.clockSkew, now: time),
            try await !store.claim(claim)
        else { return decision }
        let seen = SeenNonceCache()
        _ = seen.insert(keyID: claim.keyID, nonce: claim.nonce, until: claim.until, now: claim.now)
        return decider(seen: seen).decide(credential, temperature: temperature, now: time)
    }

    /// `decision`, also denied if it passed a health code that this platform's register of issued
    /// codes refuses (superseded, or its key but never issued: ``RegisterFinding``), as
    /// `/v1/codes/verify` refuses it. The code is the one the decider verified
    /// (``CheckpointDecision/acceptedHealthCode``), looked up without verifying its signature
    /// again. A register that cannot be read is an error, never a pass.
    func checkedAgainstRegister(_ decision: CheckpointDecision) async throws -> CheckpointDecision {
        guard let code = decision.acceptedHealthCode else { return decision }
        let finding = try await healthCode.registerFinding(of: code)
        guard finding.refuses else { return decision }
        return CheckpointDecision(
            reasons: decision.reasons + [.healthCodeRegister(finding)], credential: decision.credential,
            holder: decision.holder, colour: decision.colour, temperature: decision.temperature,
            acceptedCard: decision.acceptedCard, acceptedHealthCode: code)
    }

    /// `from`, `to` (ISO 8601 with a zone; `[from, to)`), `checkpoint`, `holder` (a citizen ID or
    /// card id), `decision` (`pass`/`deny`), `direction` (`in`/`out`).
    static func passLogFilter(_ request: Request) throws -> PassLogFilter {
        func instant(_ name: String) throws -> Date? {
            guard let text = RequestDecoding.string(request, name) else { return nil }
            guard let date = ISO8601Instant.parse(text) else {
                throw APIProblem.badRequest("\(name) \"\(text)\" is not an ISO 8601 time with a zone")
            }
            return date
        }
        var filter = PassLogFilter(from: try instant("from"), to: try instant("to"))
        filter.checkpoint = RequestDecoding.string(request, "checkpoint")
        if let text = RequestDecoding.string(request, "holder") {
            do { filter.holder = try PassHolder(text) } catch {
                throw APIProblem.badRequest("holder \"\(text)\": \((error as? HealthCardError)?.reason ?? "\(error)")")
            }
        }
        if let text = RequestDecoding.string(request, "decision") {
            guard let outcome = CheckpointDecision.Outcome(rawValue: text) else {
                throw APIProblem.badRequest("decision must be pass or deny")
            }
            filter.outcome = outcome
        }
        if let text = RequestDecoding.string(request, "direction") {
            guard let direction = PassDirection(rawValue: text) else { throw APIProblem.badRequest("direction must be in or out") }
            filter.direction = direction
        }
        return filter
    }
}

extension ServerStorage {
    /// The pass log when none is configured: `<db without .sqlite/.db>-pass-log.sqlite`.
    public var passLog: String {
        String(server.dropLast("-server.sqlite".count)) + "-pass-log.sqlite"
    }
}
