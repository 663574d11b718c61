import Foundation
import HealthCardFoundation
import HealthQR

// Encodable reports of the GB/T 38963 interfaces' results, for programs that print or send them
// (`hcard code … --json`). Why separate types and not Encodable on the responses: the responses
// carry typed values (dates, ids, verdict enums) for callers to act on; a report is their stable,
// flat JSON shape: ids as hex, instants as ISO 8601 (`ISO8601Instant`), China-time dates as
// `YYYY-MM-DD`, colours by name. Field names are this project's (see HealthCodeService.swift).

/// A person's colour on a date with every active reason (``ColourStatus``), as JSON.
public struct ColourStatusReport: Encodable, Hashable, Sendable {
    public let date: String
    public let colour: String
    public let reasons: [Reason]

    public struct Reason: Encodable, Hashable, Sendable {
        public let category: String
        public let colour: String
        public let since: String
        public let source: String
        public let exitCondition: String
        /// `nil` when the reason has no set end (it ends on an event, such as a negative test).
        public let endsOn: String?
    }

    public init(_ status: ColourStatus) {
        date = status.date.description
        colour = status.colour.rawValue
        reasons = status.reasons.map {
            Reason(
                category: $0.category, colour: $0.colour.rawValue, since: $0.since.description, source: $0.source,
                exitCondition: $0.exitCondition, endsOn: $0.endsOn?.description)
        }
    }
}

/// The outcome of a request that records something (declaration, trip, event, correction) or
/// that failed before producing anything else: the return code, every violation, the event
/// stored and the colour after it.
public struct HealthCodeRequestReport: Encodable, Hashable, Sendable {
    public let returnCode: HealthCodeReturnCode
    public let violations: [HealthCodeViolation]
    public let person: String?
    public let eventId: Int64?
    public let status: ColourStatusReport?

    public init(
        returnCode: HealthCodeReturnCode, violations: [HealthCodeViolation], person: PersonID?, eventID: Int64?,
        status: ColourStatus?
    ) {
        self.returnCode = returnCode
        self.violations = violations
        self.person = person?.rawValue
        eventId = eventID
        self.status = status.map(ColourStatusReport.init)
    }
}

/// The fields of a signed health code (``HealthCode``), as JSON.
public struct HealthCodeReport: Encodable, Hashable, Sendable {
    public let codeId: String
    public let keyId: String
    /// `nil` for a colour byte this version does not know.
    public let colour: String?
    public let colourCode: Int
    public let region: String
    /// The subject hash, not the person: the code names no one in clear.
    public let subject: String
    public let issuedAt: String
    public let expiresAt: String

    public init(_ code: HealthCode) {
        codeId = code.id.hex
        keyId = code.keyID.hex
        colour = code.colour?.rawValue
        colourCode = Int(code.colourCode)
        region = code.region
        subject = code.subject.hex
        issuedAt = ISO8601Instant.format(code.issuedAt)
        expiresAt = ISO8601Instant.format(code.expiresAt)
    }
}

/// A code issued by ``LocalHealthCodeService/generateCode(_:)``, with where its symbol was written.
public struct IssuedHealthCodeReport: Encodable, Hashable, Sendable {
    /// The `HCC1-` text to put in the symbol.
    public let text: String
    public let code: HealthCodeReport
    public let person: String
    public let status: ColourStatusReport?
    /// The PNG file written, if any.
    public let png: String?
    /// The SVG file written, if any.
    public let svg: String?

    public init(text: String, code: HealthCode, person: PersonID, status: ColourStatus?, png: String?, svg: String?) {
        self.text = text
        self.code = HealthCodeReport(code)
        self.person = person.rawValue
        self.status = status.map(ColourStatusReport.init)
        self.png = png
        self.svg = svg
    }
}

/// A verification's verdict (GB/T 38963 §6.7), as JSON: valid or the reason code, the message,
/// the malformed offset, the verified code and its issuer, a newer code of the same person, and the
/// issuing platform's register finding (a refusing finding is the reason: `superseded`, `notIssued`).
public struct HealthCodeVerificationReport: Encodable, Hashable, Sendable {
    /// ``CodeVerificationResponse/isAccepted``.
    public let valid: Bool
    /// ``HealthCodeVerdict/reasonCode``, or the refusing ``RegisterFinding/reasonCode``.
    public let reason: String
    public let message: String
    /// Where a malformed code broke.
    public let offset: Int?
    public let issuer: String?
    public let code: HealthCodeReport?
    public let supersededBy: String?
    /// ``RegisterFinding/reasonCode`` when the issuing platform consulted its register.
    public let register: String?

    public init(_ response: CodeVerificationResponse) {
        let verdict = response.verdict
        valid = response.isAccepted
        if let finding = response.register, finding.refuses {
            reason = finding.reasonCode
            message = finding.description
        } else {
            reason = verdict.reasonCode
            message = verdict.description
        }
        register = response.register?.reasonCode
        if case .malformed(_, let offset) = verdict { self.offset = offset } else { offset = nil }
        if case .valid(let verified) = verdict {
            issuer = verified.issuer
            code = HealthCodeReport(verified.code)
        } else {
            issuer = nil
            code = nil
        }
        supersededBy = response.supersededBy?.hex
    }
}

/// A stored event (``HealthEventStore/StoredEvent``), as JSON: its id for corrections, China time.
public struct StoredHealthEventReport: Encodable, Hashable, Sendable {
    public let id: Int64
    public let time: String
    public let kind: String
    public let payload: [String: JSONValue]
    public let actor: String

    public init(_ event: HealthEventStore.StoredEvent) {
        id = event.id
        time = event.time.description
        kind = event.kind
        payload = event.payload
        actor = event.actor
    }
}

/// A row of the issued-code register (``HealthEventStore/IssuedCodeRecord``), as JSON.
public struct IssuedCodeRecordReport: Encodable, Hashable, Sendable {
    public let codeId: String
    public let colour: String
    public let region: String
    public let issuedAt: String
    public let expiresAt: String
    public let keyId: String
    /// The rule set the colour was derived with.
    public let rules: String

    public init(_ record: HealthEventStore.IssuedCodeRecord) {
        codeId = record.codeID.hex
        colour = record.colour.rawValue
        region = record.region
        issuedAt = ISO8601Instant.format(record.issuedAt)
        expiresAt = ISO8601Instant.format(record.expiresAt)
        keyId = record.keyID.hex
        rules = record.rules
    }
}

/// What the information query (GB/T 38963 §6.4) knows of a person, as JSON: colour, basic
/// information, every event (corrections included) and every code issued.
public struct HealthInformationReport: Encodable, Hashable, Sendable {
    public let person: String
    public let rules: String
    public let status: ColourStatusReport
    public let basicInfo: [String: JSONValue]
    public let events: [StoredHealthEventReport]
    public let issuedCodes: [IssuedCodeRecordReport]

    /// - Parameters:
    ///   - response: the service's answer to the query.
    ///   - person: the person asked about.
    ///   - status: the person's colour status now.
    ///   - rules: the rule set the status was derived with (the request's, or the service's).
    public init(person: PersonID, rules: String, status: ColourStatus, response: HealthInformationQueryResponse) {
        self.person = person.rawValue
        self.rules = rules
        self.status = ColourStatusReport(status)
        basicInfo = response.basicInfo
        events = response.events.map(StoredHealthEventReport.init)
        issuedCodes = response.issuedCodes.map(IssuedCodeRecordReport.init)
    }
}

// MARK: - Opening the service

extension RuleSet {
    /// The rule set a service uses when none is chosen: the last Hainan rules (2022-09).
    public static let defaultID = "hainan-2022-09"
}

extension LocalHealthCodeService {
    /// The service over the event store at `path` (created on first use) under the shipped rule
    /// set `rules`: what a program that takes `--db` and `--rules` opens. `mode: .readOnly` for
    /// requests that only read (status, verification).
    ///
    /// - Throws: `HealthCardError` naming the shipped sets if `rules` is not one; the store's errors.
    public static func open(
        storeAt path: String, rules: String, issuer: HealthCodeIssuer? = nil, verifier: HealthCodeVerifier? = nil,
        clock: any WallClock = SystemClock(), mode: StoreKind.AccessMode = .readWrite
    ) throws -> LocalHealthCodeService {
        LocalHealthCodeService(
            store: try HealthEventStore(path: path, mode: mode), issuer: issuer, verifier: verifier, rules: try RuleSet.named(rules),
            clock: clock)
    }

    /// Verifies `request` offline with `verifier` and, when an event store is given, looks the
    /// code up in its register to report a newer code of the same person (``CodeVerificationResponse/supersededBy``).
    ///
    /// Why one entry point: a checkpoint verifies with or without the issuing platform's store,
    /// and both must give the same verdict; the store only adds the register's facts.
    ///
    /// - Parameters:
    ///   - request: the code text, the time and who presented it.
    ///   - verifier: the trust and revocation lists to verify with.
    ///   - storePath: the event store to consult (it must be the issuer's), or `nil`.
    ///   - clock: the time when `request.now` is `nil`.
    public static func verify(
        _ request: CodeVerificationRequest, with verifier: HealthCodeVerifier, registerAt storePath: String?,
        clock: any WallClock = SystemClock()
    ) async throws -> CodeVerificationResponse {
        guard let storePath else {
            let verdict = verifier.verify(request.text, now: request.now ?? clock.now(), presentedBy: request.presentedBy)
            return CodeVerificationResponse(returnCode: verdict.isValid ? .success : .codeRejected, verdict: verdict)
        }
        let service = try open(
            storeAt: storePath, rules: RuleSet.defaultID, verifier: verifier, clock: clock, mode: .readOnly)
        return try await service.verifyCode(request)
    }
}

extension HealthCodeReport {
    /// The report as `JSONEncoder` with `.sortedKeys` writes it, written directly (`JSONWriter`).
    package func write(to json: inout JSONWriter) {
        json.object { o in
            o.string("codeId", codeId)
            o.string("colour", colour)
            o.integer("colourCode", Int64(colourCode))
            o.string("expiresAt", expiresAt)
            o.string("issuedAt", issuedAt)
            o.string("keyId", keyId)
            o.string("region", region)
            o.string("subject", subject)
        }
    }
}

extension HealthCodeVerificationReport {
    /// The report as `JSONEncoder` with `.sortedKeys` writes it, written directly (`JSONWriter`):
    /// `hcard serve` answers every code verification with it (Docs/serve.md §9).
    package func write(to json: inout JSONWriter) {
        json.object { o in
            o.verdictReport(
                code: code.map { code in { code.write(to: &$0) } }, issuer: issuer, message: message, offset: offset,
                reason: reason,
                afterReason: {
                    $0.string("register", register)
                    $0.string("supersededBy", supersededBy)
                }, valid: valid)
        }
    }
}
