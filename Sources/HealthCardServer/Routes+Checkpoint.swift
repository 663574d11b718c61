import Foundation
import HealthCardFoundation
import HealthQR
import Hummingbird
import PersonalHealthCode

/// The checkpoint pass log and policy the server decides scans with (Docs/checkpoint.md).
struct CheckpointContext: Sendable {
    let passLog: PassLog
    let policy: CheckpointPolicy

    init(configuration: ServerConfiguration, storage: ServerStorage) throws {
        passLog = try PassLog(path: configuration.passLog ?? storage.passLog)
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

/// Checkpoint scans from gate terminals without a local trust list and pass-log queries
/// (issue 16; Docs/checkpoint.md): the same `CheckpointStation` as `hcard checkpoint scan`, so a
/// passage is decided, logged durably and only then answered; the same `PassLogFilter` as
/// `hcard passlog query`.
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
                let credential: Credential =
                    Credential(presented: body.text, idNumber: body.id)
                let decider = try CheckpointDecider(
                    policy: self.checkpoints.policy, trustList: self.verification.trustList,
                    revocations: try await self.verification.currentRevocations(), clockSkew: self.verification.clockSkew,
                    seenNonces: self.verification.seenNonces)
                let station = try CheckpointStation(
                    site: site, decider: decider, passLog: self.checkpoints.passLog, replayCache: nil)
                let passage = try station.scan(
                    credential, temperature: body.temperature, direction: body.direction ?? .entering,
                    plate: body.plate, at: SystemClock().now())
                return JSONResponse.make(passage.acknowledgement(fullIDs: false))
            },
            Endpoint(.get, "/v1/checkpoints/passes", roles: [.auditor], audit: .lookup) { request, _, _ in
                let filter = try Self.passLogFilter(request)
                let limit = try RequestDecoding.integer(request, "limit", default: 100, in: 1...1000)
                let records = try self.checkpoints.passLog.records(matching: filter, limit: limit)
                return JSONResponse.make(records.map { PassRecordReport($0, fullIDs: false) })
            },
        ]
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
