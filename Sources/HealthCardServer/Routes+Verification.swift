import EMPIIndex
import Foundation
import HealthCardFoundation
import HealthQR
import Hummingbird
import PersonalHealthCode

/// What verification needs beyond the request: the trust list, the file's revocations and the
/// clock skew. Accepted dynamic codes, of `/v1/codes/verify` and checkpoint scans alike, are
/// claimed in the server's state store (``ServerStateStore/claim(_:)``): this process's memory on
/// SQLite, a table every node shares on PostgreSQL.
struct VerificationContext: Sendable {
    let trustList: TrustList
    let revocations: RevocationList
    let clockSkew: Duration
    /// The accounts whose refused cards are added to the revocations.
    let accounts: any AccountStore

    init(configuration: ServerConfiguration, accounts: any AccountStore) throws {
        trustList = try configuration.trust.map { try TrustList.load(from: $0) } ?? TrustList()
        revocations = try configuration.revoked.map { try RevocationList.load(from: $0) } ?? RevocationList()
        clockSkew = .seconds(configuration.skew)
        self.accounts = accounts
    }

    /// The file's revocations plus those of `credential`'s numbers the accounts refuse now (as
    /// `--status-db` would, for the numbers the verifiers look up: `Credential.revocationCandidates`).
    /// A point lookup per number, per request, so a card cancelled or blacklisted through the API
    /// (on any node) is refused at once without reading the whole list.
    func currentRevocations(for credential: Credential) async throws -> RevocationList {
        try await currentRevocations(forNumbers: credential.revocationCandidates)
    }

    /// The file's revocations plus those of `numbers` the accounts refuse now: `numbers` are a
    /// credential's `revocationCandidates`, worked out by a caller that has decoded the code already.
    func currentRevocations(forNumbers numbers: [String]) async throws -> RevocationList {
        var list = revocations
        for number in numbers where try await accounts.check(number).refusesUse {
            _ = try? list.revoke(cardID: number)
        }
        return list
    }
}

/// `POST /v1/codes/verify` body.
struct VerifyCodeRequest: Decodable {
    /// The scanned text: `HCK1-…`, `HCC1-…`, or a plain platform payload `cardId:type[:validity]`.
    var text: String
    /// For a health code: the ID number presented with it (a citizen ID, or `TT:NUMBER`).
    var presentedBy: String?
    /// Verify as of this instant (ISO 8601 with zone) instead of now.
    var now: String?
}

/// The answer: the kind of text, whether it is valid, a sentence, and the verifier's own report.
struct VerifyCodeResponse {
    var kind: String
    var valid: Bool
    var message: String
    /// `HCK1-`: the verdict exactly as `hcard qr verify --json` prints it.
    var eHealthCard: VerdictReport?
    /// `HCC1-`: the verdict exactly as `hcard code verify --json` prints it.
    var healthCode: HealthCodeVerificationReport?
    /// A plain payload: the platform's record of the card (health-code.md §4.4: only the platform
    /// can verify these).
    var plain: PlainPayloadCheck?
}

struct PlainPayloadCheck: Encodable {
    var cardId: String
    var type: Int
    var validity: String?
    var check: CardUseCheck
}

extension VerifyCodeResponse {
    /// The answer's JSON, keys sorted as `JSONResponse.make` encodes answers, written directly
    /// (`JSONWriter`): every verification request is answered with it, and `JSONEncoder` was a
    /// visible share of the request's CPU (Docs/serve.md §9). The reports are written by their own
    /// types (`hcard qr verify --json` and `hcard code verify --json` print the same fields); the
    /// platform's record of a plain payload, off the hot path, by `JSONResponse.encoder`.
    var json: JSONWriter {
        get throws {
            var json = JSONWriter(capacity: 512)
            try json.object { o in
                if let eHealthCard { o.value("eHealthCard") { eHealthCard.write(to: &$0) } }
                if let healthCode { o.value("healthCode") { healthCode.write(to: &$0) } }
                o.string("kind", kind)
                o.string("message", message)
                if let plain { try o.value("plain") { $0.raw(try JSONResponse.encoder.encode(plain)) } }
                o.bool("valid", valid)
            }
            return json
        }
    }
}

extension HealthCardServer {
    var verificationEndpoints: [Endpoint] {
        [
            Endpoint(.post, "/v1/codes/verify", roles: [.verifier]) { request, _, _ in
                let body = try await RequestDecoding.body(VerifyCodeRequest.self, request)
                return JSONResponse.make(written: try await self.verify(body).json)
            }
        ]
    }

    /// An HCC1 code verified as the issuing platform (§6.7 online): the offline verdict over the
    /// server's trust list, `revocations` and clock skew, then the register of issued codes.
    /// `decoded` is `HealthCodeFormat.decode` of the request's text (its result or its error), read
    /// once for the revocation lookup and the verifier.
    func verifyHealthCodeAtIssuer(
        _ request: CodeVerificationRequest, decoded: Result<HealthCodeFormat.Decoded, PayloadSyntaxError>,
        revocations: RevocationList
    ) async throws -> CodeVerificationResponse {
        var service = healthCode
        service.verifier = HealthCodeVerifier(
            trustList: verification.trustList, revocations: revocations, clockSkew: verification.clockSkew)
        return try await service.verifyCodeAtIssuer(request, decoded: decoded)
    }

    /// One verification, dispatched on the text's prefix (Docs/qr-payload.md §2.5).
    func verify(_ body: VerifyCodeRequest) async throws -> VerifyCodeResponse {
        var now: Date?
        if let text = body.now {
            guard let instant = ISO8601Instant.parse(text) else {
                throw APIProblem.badRequest("now \"\(text)\" is not an ISO 8601 time with a zone")
            }
            now = instant
        }
        if body.text.hasPrefix(HealthCodeFormat.prefix) {
            // Decoded once, for the code's ID to look up and for the verifier.
            let decoded = Result { () throws(PayloadSyntaxError) in try HealthCodeFormat.decode(body.text) }
            let revocations = try await verification.currentRevocations(
                forNumbers: (try? decoded.get()).map(Credential.revocationCandidates(of:)) ?? [])
            var person: PersonID?
            if let presented = body.presentedBy {
                do { person = try PersonID(presented) } catch {
                    throw APIProblem.badRequest("presentedBy: \(error)")
                }
            }
            // The platform's own verification (§6.7 online): the offline verdict, then its register
            // of issued codes, shared by every node (a superseded code, or one of its key that it
            // never issued, is refused: RegisterFinding). A register that cannot be read is an
            // error, never a valid answer.
            let response = try await verifyHealthCodeAtIssuer(
                CodeVerificationRequest(text: body.text, now: now, presentedBy: person), decoded: decoded,
                revocations: revocations)
            let report = HealthCodeVerificationReport(response)
            return VerifyCodeResponse(kind: "health-code", valid: report.valid, message: report.message, healthCode: report)
        }
        if body.text.hasPrefix(SignedCodeFormat.prefix) {
            // Decoded once, for the card to look up and for the verifier.
            let decoded = Result { () throws(PayloadSyntaxError) in try SignedCodeFormat.decode(body.text) }
            let revocations = try await verification.currentRevocations(
                forNumbers: (try? decoded.get()).map(Credential.revocationCandidates(of:)) ?? [])
            let verifier = CodeVerifier(
                trustList: verification.trustList, revocations: revocations, clockSkew: verification.clockSkew)
            var (verdict, claim) = verifier.verifyDeferringReplay(decoded: decoded, now: now)
            if let claim, try await !store.claim(claim) { verdict = claim.replayed }
            let report = VerdictReport(verdict)
            return VerifyCodeResponse(kind: "e-health-card", valid: report.valid, message: report.message, eHealthCard: report)
        }
        let payload: EHealthCardPayload
        do throws(PayloadSyntaxError) {
            payload = try EHealthCardPayload(parsing: body.text)
        } catch {
            return VerifyCodeResponse(
                kind: "unrecognised", valid: false,
                message: "neither HCK1-, HCC1- nor a plain payload: \(error)")
        }
        let check = try await accounts.check(payload.cardID)
        let valid = check.card != nil && !check.refusesUse
        return VerifyCodeResponse(
            kind: "plain", valid: valid, message: check.description,
            plain: PlainPayloadCheck(
                cardId: payload.cardID, type: Int(payload.type.rawValue), validity: payload.validity, check: check))
    }
}
