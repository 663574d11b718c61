import Foundation
import HealthCardFoundation
import HealthQR

// The application interfaces of GB/T 38963-2020 《个人健康信息码 应用接口》 (health-code.md §3.1):
//
//   6.2 用户健康信息申报  health declaration        HealthDeclarationInterface
//   6.3 用户行程申报      trip declaration          TripDeclarationInterface
//   6.4 用户健康信息查询  information query         HealthInformationQueryInterface
//   6.5 健康码调用申请    code application          CodeApplicationInterface
//   6.6 健康码制码请求    code generation (制码)    CodeGenerationInterface
//   6.7 健康码验码请求    code verification (验码)  CodeVerificationInterface
//   6.8 用户健康信息纠错  correction                HealthInformationCorrectionInterface
//
// [U] Only the clause titles are public. Every request and response field, every return code and
// the meaning of "调用申请" below are THIS PROJECT'S OWN, chosen to fit the titles; the normative
// tables (and Annex B's return codes) were not obtainable (health-code.md §3.2, §6 item 1). Replace
// them when the text is available. Transport (JSON over HTTPS is assumed, §3.2) is not modelled:
// the protocols are what a transport adapter would call.

/// A return code of the health-code interfaces.
///
/// [U] This project's codes, not GB/T 38963 Annex B's (not public). A struct over a string so
/// that the standard's codes can be added without breaking callers.
public struct HealthCodeReturnCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Done.
    public static let success = HealthCodeReturnCode(rawValue: "0000")
    /// The request broke one or more rules; `violations` lists every one. Nothing was stored.
    public static let invalidRequest = HealthCodeReturnCode(rawValue: "1001")
    /// The person has no record here (declare first).
    public static let unknownPerson = HealthCodeReturnCode(rawValue: "2001")
    /// The event to correct does not exist or is not this person's.
    public static let unknownEvent = HealthCodeReturnCode(rawValue: "2002")
    /// The code application id is unknown, another person's or expired.
    public static let applicationNotValid = HealthCodeReturnCode(rawValue: "2003")
    /// The scanned code was not accepted; the verdict says why.
    public static let codeRejected = HealthCodeReturnCode(rawValue: "3001")

    public var description: String {
        switch self {
        case .success: "\(rawValue) success"
        case .invalidRequest: "\(rawValue) invalid request"
        case .unknownPerson: "\(rawValue) unknown person"
        case .unknownEvent: "\(rawValue) unknown event"
        case .applicationNotValid: "\(rawValue) code application not valid"
        case .codeRejected: "\(rawValue) code rejected"
        default: rawValue
        }
    }
}

/// One broken rule of a request, named by element (the schema's violation type, reused so that a
/// form shows every interface's errors the same way).
public typealias HealthCodeViolation = HealthInformationSchema.Violation

// MARK: - 6.2 Health declaration

/// A health declaration: one GB/T 38962 record (basic and health information, flat, element id →
/// value, validated by ``HealthInformationSchema``).
public struct HealthDeclarationRequest: Hashable, Sendable {
    public var record: [String: JSONValue]
    /// When it was declared, China time; now if `nil`.
    public var time: CalendarDateTime?
    /// Who declares: `self`, or an agent.
    public var actor: String

    public init(record: [String: JSONValue], time: CalendarDateTime? = nil, actor: String = "self") {
        self.record = record
        self.time = time
        self.actor = actor
    }
}

public struct HealthDeclarationResponse: Hashable, Sendable {
    public var returnCode: HealthCodeReturnCode
    /// Every violation, when ``returnCode`` is ``HealthCodeReturnCode/invalidRequest``.
    public var violations: [HealthCodeViolation]
    public var person: PersonID?
    /// The stored declaration event.
    public var eventID: Int64?
    /// The colour after the declaration, under the service's rule set.
    public var status: ColourStatus?

    public init(
        returnCode: HealthCodeReturnCode, violations: [HealthCodeViolation] = [], person: PersonID? = nil,
        eventID: Int64? = nil, status: ColourStatus? = nil
    ) {
        self.returnCode = returnCode
        self.violations = violations
        self.person = person
        self.eventID = eventID
        self.status = status
    }
}

/// GB/T 38963 §6.2 用户健康信息申报. [U] Fields and return codes are this project's.
public protocol HealthDeclarationInterface: Sendable {
    func declareHealth(_ request: HealthDeclarationRequest) async throws -> HealthDeclarationResponse
}

// MARK: - 6.3 Trip declaration

/// One stop of a trip: a region of China (GB/T 2260) or a country abroad (GB/T 2659 alpha-3).
public struct TripStop: Hashable, Sendable, Codable {
    /// A 6-digit GB/T 2260 code, for a stop in China.
    public var region: String?
    /// A GB/T 2659 alpha-3 code other than `CHN`, for a stop abroad.
    public var country: String?
    public var arrival: CalendarDate
    public var departure: CalendarDate?
    /// Whether the place was a medium- or high-risk area at the time (as published then).
    public var riskArea: Bool

    public init(
        region: String? = nil, country: String? = nil, arrival: CalendarDate, departure: CalendarDate? = nil,
        riskArea: Bool = false
    ) {
        self.region = region
        self.country = country
        self.arrival = arrival
        self.departure = departure
        self.riskArea = riskArea
    }
}

public struct TripDeclarationRequest: Hashable, Sendable {
    public var person: PersonID
    public var stops: [TripStop]
    public var time: CalendarDateTime?
    public var actor: String

    public init(person: PersonID, stops: [TripStop], time: CalendarDateTime? = nil, actor: String = "self") {
        self.person = person
        self.stops = stops
        self.time = time
        self.actor = actor
    }
}

public struct TripDeclarationResponse: Hashable, Sendable {
    public var returnCode: HealthCodeReturnCode
    public var violations: [HealthCodeViolation]
    public var eventID: Int64?
    public var status: ColourStatus?

    public init(
        returnCode: HealthCodeReturnCode, violations: [HealthCodeViolation] = [], eventID: Int64? = nil,
        status: ColourStatus? = nil
    ) {
        self.returnCode = returnCode
        self.violations = violations
        self.eventID = eventID
        self.status = status
    }
}

/// GB/T 38963 §6.3 用户行程申报. [U] Fields and return codes are this project's.
public protocol TripDeclarationInterface: Sendable {
    func declareTrip(_ request: TripDeclarationRequest) async throws -> TripDeclarationResponse
}

// MARK: - 6.4 Information query

public struct HealthInformationQueryRequest: Hashable, Sendable {
    public var person: PersonID
    /// The date of the colour status; today (China) if `nil`.
    public var date: CalendarDate?
    /// A rule set id (`hainan-2022-09`); the service's if `nil`.
    public var rules: String?

    public init(person: PersonID, date: CalendarDate? = nil, rules: String? = nil) {
        self.person = person
        self.date = date
        self.rules = rules
    }
}

public struct HealthInformationQueryResponse: Hashable, Sendable {
    public var returnCode: HealthCodeReturnCode
    public var violations: [HealthCodeViolation]
    public var basicInfo: [String: JSONValue]
    /// Every stored event, corrections included (the audit trail).
    public var events: [HealthEventStore.StoredEvent]
    /// Colour, reasons and when each ends.
    public var status: ColourStatus?
    /// The rule set the status was derived with.
    public var rules: String?
    public var issuedCodes: [HealthEventStore.IssuedCodeRecord]

    public init(
        returnCode: HealthCodeReturnCode, violations: [HealthCodeViolation] = [], basicInfo: [String: JSONValue] = [:],
        events: [HealthEventStore.StoredEvent] = [], status: ColourStatus? = nil, rules: String? = nil,
        issuedCodes: [HealthEventStore.IssuedCodeRecord] = []
    ) {
        self.returnCode = returnCode
        self.violations = violations
        self.basicInfo = basicInfo
        self.events = events
        self.status = status
        self.rules = rules
        self.issuedCodes = issuedCodes
    }
}

/// GB/T 38963 §6.4 用户健康信息查询. [U] Fields and return codes are this project's.
public protocol HealthInformationQueryInterface: Sendable {
    func queryHealthInformation(_ request: HealthInformationQueryRequest) async throws -> HealthInformationQueryResponse
}

// MARK: - 6.5 Code application (调用申请)

/// An application by a third party (an app, a venue system, another province's platform) to call
/// up a person's health code. [U] The standard's meaning of 调用申请 is not public; this models it
/// as a consent grant: the grant's id may be passed to code generation, and every grant is an
/// event in the person's record (who asked, why, until when).
public struct CodeApplicationRequest: Hashable, Sendable {
    public var person: PersonID
    /// Who applies: an app id, a venue, a platform.
    public var applicant: String
    public var purpose: String
    /// How long the grant lasts; 1 hour if `nil` [U].
    public var validity: Duration?
    public var now: Date?

    public init(person: PersonID, applicant: String, purpose: String, validity: Duration? = nil, now: Date? = nil) {
        self.person = person
        self.applicant = applicant
        self.purpose = purpose
        self.validity = validity
        self.now = now
    }
}

public struct CodeApplicationResponse: Hashable, Sendable {
    public var returnCode: HealthCodeReturnCode
    public var violations: [HealthCodeViolation]
    /// 16 upper-case hex digits.
    public var applicationID: String?
    public var expiresAt: Date?

    public init(
        returnCode: HealthCodeReturnCode, violations: [HealthCodeViolation] = [], applicationID: String? = nil,
        expiresAt: Date? = nil
    ) {
        self.returnCode = returnCode
        self.violations = violations
        self.applicationID = applicationID
        self.expiresAt = expiresAt
    }
}

/// GB/T 38963 §6.5 健康码调用申请. [U] Fields, meaning and return codes are this project's.
public protocol CodeApplicationInterface: Sendable {
    func applyForCode(_ request: CodeApplicationRequest) async throws -> CodeApplicationResponse
}

// MARK: - 6.6 Code generation (制码)

public struct CodeGenerationRequest: Hashable, Sendable {
    public var person: PersonID
    /// The issuing region (GB/T 2260); the service's default if `nil`.
    public var region: String?
    /// The code's validity; the service's default (24 h) if `nil`.
    public var validity: Duration?
    /// A rule set id; the service's if `nil`.
    public var rules: String?
    /// The issue time; now if `nil`. Only events up to this instant count.
    public var now: Date?
    /// A grant from ``CodeApplicationInterface``, required only when the service says so.
    public var applicationID: String?

    public init(
        person: PersonID, region: String? = nil, validity: Duration? = nil, rules: String? = nil, now: Date? = nil,
        applicationID: String? = nil
    ) {
        self.person = person
        self.region = region
        self.validity = validity
        self.rules = rules
        self.now = now
        self.applicationID = applicationID
    }
}

public struct CodeGenerationResponse: Hashable, Sendable {
    public var returnCode: HealthCodeReturnCode
    public var violations: [HealthCodeViolation]
    /// `HCC1-…`.
    public var text: String?
    public var code: HealthCode?
    /// The status the colour was taken from (reasons and when each ends).
    public var status: ColourStatus?

    public init(
        returnCode: HealthCodeReturnCode, violations: [HealthCodeViolation] = [], text: String? = nil,
        code: HealthCode? = nil, status: ColourStatus? = nil
    ) {
        self.returnCode = returnCode
        self.violations = violations
        self.text = text
        self.code = code
        self.status = status
    }
}

/// GB/T 38963 §6.6 健康码制码请求. [U] Fields and return codes are this project's.
public protocol CodeGenerationInterface: Sendable {
    func generateCode(_ request: CodeGenerationRequest) async throws -> CodeGenerationResponse
}

// MARK: - 6.7 Code verification (验码)

public struct CodeVerificationRequest: Hashable, Sendable {
    /// The scanned text.
    public var text: String
    public var now: Date?
    /// The identity document shown with the code, if any.
    public var presentedBy: PersonID?

    public init(text: String, now: Date? = nil, presentedBy: PersonID? = nil) {
        self.text = text
        self.now = now
        self.presentedBy = presentedBy
    }
}

public struct CodeVerificationResponse: Hashable, Sendable {
    public var returnCode: HealthCodeReturnCode
    public var verdict: HealthCodeVerdict
    /// The register row, when this service issued the code.
    public var issued: HealthEventStore.IssuedCodeRecord?
    /// The newest code issued to the same person after this one, if any (this one still runs to
    /// its expiry: codes are not withdrawn when the colour changes).
    public var supersededBy: HealthCode.ID?
    /// The issuing platform's finding, when it verified against its register
    /// (``LocalHealthCodeService/verifyCodeAtIssuer(_:issuingKeys:)``); `nil` otherwise.
    public var register: RegisterFinding?

    public init(
        returnCode: HealthCodeReturnCode, verdict: HealthCodeVerdict, issued: HealthEventStore.IssuedCodeRecord? = nil,
        supersededBy: HealthCode.ID? = nil, register: RegisterFinding? = nil
    ) {
        self.returnCode = returnCode
        self.verdict = verdict
        self.issued = issued
        self.supersededBy = supersededBy
        self.register = register
    }

    /// Whether the code is accepted: the verdict is valid and the register (if consulted) does
    /// not refuse it.
    public var isAccepted: Bool { verdict.isValid && register?.refuses != true }
}

/// GB/T 38963 §6.7 健康码验码请求. [U] Fields and return codes are this project's.
public protocol CodeVerificationInterface: Sendable {
    func verifyCode(_ request: CodeVerificationRequest) async throws -> CodeVerificationResponse
}

// MARK: - 6.8 Correction

/// A correction (纠错): retract one stored event, optionally with the corrected event in its place,
/// and/or replace the basic information. The original stays in the store (append-only); the colour
/// engine no longer sees it.
public struct CorrectionRequest: Hashable, Sendable {
    public var person: PersonID
    /// The event to retract.
    public var eventID: Int64?
    /// The corrected event, recorded at the retracted event's time.
    public var replacement: HealthEvent.Kind?
    /// New basic information (the `basic` group of the schema), replacing the stored one.
    public var basicInfo: [String: JSONValue]?
    public var reason: String
    public var actor: String
    public var time: CalendarDateTime?

    public init(
        person: PersonID, eventID: Int64? = nil, replacement: HealthEvent.Kind? = nil,
        basicInfo: [String: JSONValue]? = nil, reason: String, actor: String, time: CalendarDateTime? = nil
    ) {
        self.person = person
        self.eventID = eventID
        self.replacement = replacement
        self.basicInfo = basicInfo
        self.reason = reason
        self.actor = actor
        self.time = time
    }
}

public struct CorrectionResponse: Hashable, Sendable {
    public var returnCode: HealthCodeReturnCode
    public var violations: [HealthCodeViolation]
    /// The correction event and, if any, the replacement.
    public var eventIDs: [Int64]
    public var status: ColourStatus?

    public init(
        returnCode: HealthCodeReturnCode, violations: [HealthCodeViolation] = [], eventIDs: [Int64] = [],
        status: ColourStatus? = nil
    ) {
        self.returnCode = returnCode
        self.violations = violations
        self.eventIDs = eventIDs
        self.status = status
    }
}

/// GB/T 38963 §6.8 用户健康信息纠错. [U] Fields and return codes are this project's.
public protocol HealthInformationCorrectionInterface: Sendable {
    func correct(_ request: CorrectionRequest) async throws -> CorrectionResponse
}

/// All seven interfaces of GB/T 38963 clause 6.
public typealias HealthCodeService = HealthDeclarationInterface & TripDeclarationInterface
    & HealthInformationQueryInterface & CodeApplicationInterface & CodeGenerationInterface & CodeVerificationInterface
    & HealthInformationCorrectionInterface

// MARK: - Local implementation

/// The seven interfaces over a ``HealthEventStorage`` (the SQLite ``HealthEventStore``, or the
/// server's PostgreSQL tables), ``ColourEngine``, ``HealthCodeIssuer`` and ``HealthCodeVerifier``:
/// what a province's platform would run behind its transport.
///
/// Every request is validated completely first and every violation is returned together
/// (``HealthCodeReturnCode/invalidRequest``); only then is anything written, as one serial update
/// of the person (``HealthEventStorage/update(_:now:_:)``): what depends on the stored record (the
/// person exists, the event to correct is not retracted yet) is decided inside it, so the same
/// rules hold on every backend and between several server nodes. Storage failures are thrown,
/// not returned.
///
/// [U] Field names, return codes and the checks beyond the schema are this project's (see the top
/// of this file). Assumptions, each a property: the fever threshold 37.3 ℃ (``feverThreshold``),
/// the default region and code validity.
public struct LocalHealthCodeService: HealthCodeService {
    /// Where persons, events and issued codes are kept.
    public let store: any HealthEventStorage
    /// Signs codes; code generation throws without one.
    public var issuer: HealthCodeIssuer?
    /// Checks codes; verification throws without one.
    public var verifier: HealthCodeVerifier?
    /// The rule set used when a request names none.
    public var rules: RuleSet
    public var schema: HealthInformationSchema
    public var regions: RegionTable
    /// The issuing region when a request names none: 460100 (Haikou), matching the Hainan rule sets.
    public var defaultRegion: String
    public var defaultValidity: Duration
    /// A declared temperature at or above this counts as the symptom `fever`. [U] 37.3 ℃ is the
    /// usual screening threshold in China; no source here binds it to the health code.
    public var feverThreshold: Double
    /// Whether code generation needs a grant from ``applyForCode(_:)``.
    public var requiresApplication: Bool
    /// The clock read when a request carries no time.
    public var clock: any WallClock

    public init(
        store: any HealthEventStorage, issuer: HealthCodeIssuer? = nil, verifier: HealthCodeVerifier? = nil,
        rules: RuleSet, schema: HealthInformationSchema = .shipped, regions: RegionTable = .shipped,
        defaultRegion: String = "460100", defaultValidity: Duration = HealthCodeIssuer.defaultValidity,
        feverThreshold: Double = 37.3, requiresApplication: Bool = false,
        clock: any WallClock = SystemClock()
    ) {
        self.store = store
        self.issuer = issuer
        self.verifier = verifier
        self.rules = rules
        self.schema = schema
        self.regions = regions
        self.defaultRegion = defaultRegion
        self.defaultValidity = defaultValidity
        self.feverThreshold = feverThreshold
        self.requiresApplication = requiresApplication
        self.clock = clock
    }

    private static func violation(_ element: String, _ name: String, _ message: String) -> HealthCodeViolation {
        HealthCodeViolation(element: element, name: name, message: message)
    }

    private func ruleSet(_ id: String?, _ violations: inout [HealthCodeViolation]) -> RuleSet {
        guard let id, id != rules.id else { return rules }
        do { return try RuleSet.named(id) } catch {
            violations.append(
                Self.violation("rules", "rule set", "\((error as? HealthCardError)?.reason ?? "\(error)")"))
            return rules
        }
    }

    /// The colour status of `person` at `instant` from the effective events up to it.
    private func status(of events: [HealthEventStore.StoredEvent], rules: RuleSet, at time: CalendarDateTime)
        -> ColourStatus
    {
        let effective = HealthEventStore.effectiveEvents(events).filter { $0.time <= time }
        return ColourEngine.status(of: effective, rules: rules, on: time.date)
    }

    // MARK: 6.2

    public func declareHealth(_ request: HealthDeclarationRequest) async throws -> HealthDeclarationResponse {
        var violations = schema.validate(request.record, regions: regions)
        var person: PersonID?
        let flagged = Set(violations.map(\.element))
        if case .string(let type) = request.record["documentType"],
            case .string(let number) = request.record["documentNumber"],
            !flagged.contains("documentType"), !flagged.contains("documentNumber")
        {
            do { person = try PersonID(documentType: type, number: number) } catch {
                violations.append(
                    Self.violation("documentNumber", "证件号码", (error as? HealthCardError)?.reason ?? "\(error)"))
            }
        }
        guard violations.isEmpty, let person else {
            return HealthDeclarationResponse(returnCode: .invalidRequest, violations: violations)
        }
        let now = clock.now()
        let time = request.time ?? ChinaTime.dateTime(at: now)
        let basicIDs = Set(schema.groups.first { $0.id == "basic" }?.elements.map(\.id) ?? [])
        let basic = request.record.filter { basicIDs.contains($0.key) }
        let health = request.record.filter { !basicIDs.contains($0.key) }

        var symptoms: [String] = []
        if case .array(let items) = health["symptoms"] {
            symptoms = items.compactMap { if case .string(let text) = $0 { text } else { nil } }
        }
        if case .number(let temperature) = health["temperature"], temperature >= feverThreshold,
            !symptoms.contains("fever")
        {
            symptoms.append("fever")
        }
        func flag(_ key: String) -> Bool { if case .bool(true) = health[key] { true } else { false } }
        let event = HealthEvent(
            time, .declaration(symptoms: symptoms, riskAreaStay: flag("riskAreaStay"), overseas: flag("overseas")))
        let declared = HealthEventStore.NewEvent(event, actor: request.actor, extra: ["record": .object(health)])
        let updated = try await store.update(person, now: now) { _, _ in
            HealthRecordChange(basicInfo: basic, events: [declared], value: ())
        }
        return HealthDeclarationResponse(
            returnCode: .success, violations: [], person: person, eventID: updated.eventIDs.first,
            status: status(of: updated.events, rules: rules, at: time))
    }

    // MARK: 6.3

    public func declareTrip(_ request: TripDeclarationRequest) async throws -> TripDeclarationResponse {
        let now = clock.now()
        let time = request.time ?? ChinaTime.dateTime(at: now)
        var violations: [HealthCodeViolation] = []
        if request.stops.isEmpty { violations.append(Self.violation("stops", "行程", "at least one stop is required")) }
        for (index, stop) in request.stops.enumerated() {
            let element = "stops[\(index)]"
            switch (stop.region, stop.country) {
            case (let region?, nil):
                if regions.region(code: region) == nil {
                    violations.append(
                        Self.violation("\(element).region", "行程地区", "unknown region '\(region)' (GB/T 2260)"))
                }
            case (nil, let country?):
                if country.range(of: "^[A-Z]{3}$", options: .regularExpression) == nil || country == "CHN" {
                    violations.append(
                        Self.violation(
                            "\(element).country", "境外国家或地区",
                            "'\(country)' is not a GB/T 2659 alpha-3 code of a place abroad"))
                }
            default:
                violations.append(Self.violation(element, "行程", "give exactly one of region or country"))
            }
            if let departure = stop.departure, departure < stop.arrival {
                violations.append(
                    Self.violation("\(element).departure", "离开日期", "\(departure) is before the arrival \(stop.arrival)")
                )
            }
            if stop.arrival > time.date {
                violations.append(
                    Self.violation(
                        "\(element).arrival", "到达日期", "\(stop.arrival) is after the declaration (\(time.date))"))
            }
        }
        guard violations.isEmpty else {
            return TripDeclarationResponse(returnCode: .invalidRequest, violations: violations)
        }
        let stops: [JSONValue] = request.stops.map { stop in
            var object: [String: JSONValue] = [
                "arrival": .string(stop.arrival.description), "riskArea": .bool(stop.riskArea),
            ]
            if let region = stop.region { object["region"] = .string(region) }
            if let country = stop.country { object["country"] = .string(country) }
            if let departure = stop.departure { object["departure"] = .string(departure.description) }
            return .object(object)
        }
        let payload: [String: JSONValue] = [
            "stops": .array(stops), "symptoms": .array([]),
            "riskAreaStay": .bool(request.stops.contains(where: \.riskArea)),
            "overseas": .bool(request.stops.contains { $0.country != nil }),
        ]
        let trip = HealthEventStore.NewEvent(time: time, kind: "tripDeclaration", payload: payload, actor: request.actor)
        let updated = try await store.update(request.person, now: now) { person, _ in
            person == nil ? .nothing(()) : HealthRecordChange(events: [trip], value: ())
        }
        guard let eventID = updated.eventIDs.first else {
            return TripDeclarationResponse(returnCode: .unknownPerson, violations: [])
        }
        return TripDeclarationResponse(
            returnCode: .success, violations: [], eventID: eventID,
            status: status(of: updated.events, rules: rules, at: time))
    }

    // MARK: 6.4

    public func queryHealthInformation(_ request: HealthInformationQueryRequest) async throws
        -> HealthInformationQueryResponse
    {
        var violations: [HealthCodeViolation] = []
        let rules = ruleSet(request.rules, &violations)
        guard violations.isEmpty else {
            return HealthInformationQueryResponse(
                returnCode: .invalidRequest, violations: violations, basicInfo: [:], events: [], issuedCodes: [])
        }
        guard let snapshot = try await store.snapshot(of: request.person) else {
            return HealthInformationQueryResponse(
                returnCode: .unknownPerson, violations: [], basicInfo: [:], events: [], issuedCodes: [])
        }
        let date = request.date ?? ChinaTime.dateTime(at: clock.now()).date
        let effective = HealthEventStore.effectiveEvents(snapshot.events)
        return HealthInformationQueryResponse(
            returnCode: .success, violations: [], basicInfo: snapshot.person.basicInfo, events: snapshot.events,
            status: ColourEngine.status(of: effective, rules: rules, on: date), rules: rules.id,
            issuedCodes: snapshot.issuedCodes)
    }

    // MARK: 6.5

    /// How long a code application lasts when the request names no validity: 1 hour [U].
    public static let defaultApplicationValidity: Duration = .seconds(3600)

    public func applyForCode(_ request: CodeApplicationRequest) async throws -> CodeApplicationResponse {
        var violations: [HealthCodeViolation] = []
        if request.applicant.trimmingWhitespace().isEmpty {
            violations.append(Self.violation("applicant", "申请方", "required"))
        }
        if request.purpose.trimmingWhitespace().isEmpty {
            violations.append(Self.violation("purpose", "用途", "required"))
        }
        let validity = request.validity ?? Self.defaultApplicationValidity
        if validity.components.seconds < 1 {
            violations.append(Self.violation("validity", "有效期", "must be at least 1 second"))
        }
        guard violations.isEmpty else {
            return CodeApplicationResponse(returnCode: .invalidRequest, violations: violations)
        }
        let now = request.now ?? clock.now()
        let id = HealthCode.ID.random().hex
        let expires = Date(
            timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down) + Double(validity.components.seconds))
        let payload: [String: JSONValue] = [
            "applicationId": .string(id), "applicant": .string(request.applicant), "purpose": .string(request.purpose),
            "expiresAt": .number(expires.timeIntervalSince1970),
        ]
        let application = HealthEventStore.NewEvent(
            time: ChinaTime.dateTime(at: now), kind: "codeApplication", payload: payload, actor: request.applicant)
        let updated = try await store.update(request.person, now: now) { person, _ in
            person == nil ? .nothing(()) : HealthRecordChange(events: [application], value: ())
        }
        guard !updated.eventIDs.isEmpty else { return CodeApplicationResponse(returnCode: .unknownPerson, violations: []) }
        return CodeApplicationResponse(returnCode: .success, violations: [], applicationID: id, expiresAt: expires)
    }

    // MARK: 6.6

    public func generateCode(_ request: CodeGenerationRequest) async throws -> CodeGenerationResponse {
        guard let issuer else {
            throw HealthCardError.invalidValue("this service has no issuer key: it cannot make codes")
        }
        var violations: [HealthCodeViolation] = []
        let rules = ruleSet(request.rules, &violations)
        let region = request.region ?? defaultRegion
        if regions.region(code: region) == nil {
            violations.append(Self.violation("region", "发码地区", "unknown region '\(region)' (GB/T 2260)"))
        }
        let validity = request.validity ?? defaultValidity
        if validity.components.seconds < 1 || validity.components.attoseconds != 0 {
            violations.append(Self.violation("validity", "有效期", "must be whole seconds, at least 1"))
        }
        guard violations.isEmpty else {
            return CodeGenerationResponse(returnCode: .invalidRequest, violations: violations)
        }

        let now = request.now ?? clock.now()
        let time = ChinaTime.dateTime(at: now)
        guard let events = try await store.snapshot(of: request.person)?.events else {
            return CodeGenerationResponse(returnCode: .unknownPerson, violations: [])
        }
        if requiresApplication || request.applicationID != nil {
            let granted = events.contains { event in
                guard event.kind == "codeApplication",
                    case .string(request.applicationID) = event.payload["applicationId"],
                    case .number(let expires) = event.payload["expiresAt"]
                else { return false }
                return ChinaTime.instant(of: event.time) <= now && now.timeIntervalSince1970 <= expires
            }
            guard granted else { return CodeGenerationResponse(returnCode: .applicationNotValid, violations: []) }
        }
        let status = status(of: events, rules: rules, at: time)
        guard HealthCodeFormat.code(of: status.colour) != nil else {
            return CodeGenerationResponse(
                returnCode: .invalidRequest,
                violations: [Self.violation("colour", "码颜色", "colour '\(status.colour)' has no HCC1 code")],
                status: status)
        }
        // The colour is read, then the code signed (signing may be remote), then registered.
        let issued = try await issuer.issue(
            colour: status.colour, region: region, person: request.person, validity: validity, now: now)
        try await store.recordIssuedCode(
            .init(
                codeID: issued.code.id, person: request.person, colour: status.colour, region: region,
                issuedAt: issued.code.issuedAt, expiresAt: issued.code.expiresAt, keyID: issued.code.keyID,
                rules: rules.id))
        return CodeGenerationResponse(
            returnCode: .success, violations: [], text: issued.text, code: issued.code, status: status)
    }

    // MARK: 6.7

    public func verifyCode(_ request: CodeVerificationRequest) async throws -> CodeVerificationResponse {
        try await verifyCode(
            request, decoded: Result { () throws(PayloadSyntaxError) in try HealthCodeFormat.decode(request.text) })
    }

    /// ``verifyCode(_:)`` with the request's text decoded already by the caller
    /// (``HealthCodeFormat/decode(_:)`` of `request.text`, its result or its error; pass nothing
    /// else), so that a caller that read the code first decodes it once
    /// (``HealthCodeVerifier/verify(decoded:now:presentedBy:)``).
    func verifyCode(_ request: CodeVerificationRequest, decoded: Result<HealthCodeFormat.Decoded, PayloadSyntaxError>)
        async throws -> CodeVerificationResponse
    {
        guard let verifier else {
            throw HealthCardError.invalidValue("this service has no trust list: it cannot verify")
        }
        let verdict = verifier.verify(
            decoded: decoded, now: request.now ?? clock.now(), presentedBy: request.presentedBy)
        var entry: (issued: HealthEventStore.IssuedCodeRecord, newer: HealthCode.ID?)?
        if case .valid(let verified) = verdict { entry = try await registerEntry(of: verified.code.id) }
        return CodeVerificationResponse(
            returnCode: verdict.isValid ? .success : .codeRejected, verdict: verdict, issued: entry?.issued,
            supersededBy: entry?.newer)
    }

    // MARK: 6.8

    public func correct(_ request: CorrectionRequest) async throws -> CorrectionResponse {
        var violations: [HealthCodeViolation] = []
        if request.reason.trimmingWhitespace().isEmpty {
            violations.append(Self.violation("reason", "纠错原因", "required"))
        }
        if request.actor.trimmingWhitespace().isEmpty {
            violations.append(Self.violation("actor", "纠错人", "required"))
        }
        if request.eventID == nil && request.basicInfo == nil {
            violations.append(Self.violation("eventID", "纠错对象", "name an event to retract, or new basic information"))
        }
        if request.replacement != nil && request.eventID == nil {
            violations.append(Self.violation("replacement", "更正内容", "a replacement needs the event it replaces"))
        }
        if let basicInfo = request.basicInfo {
            let basicIDs = Set(schema.groups.first { $0.id == "basic" }?.elements.map(\.id) ?? [])
            let allIDs = Set(schema.groups.flatMap(\.elements).map(\.id))
            violations += schema.validate(basicInfo, regions: regions).filter { violation in
                basicIDs.contains(violation.element) || !allIDs.contains(violation.element)
            }
            for key in basicInfo.keys.sorted() where !basicIDs.contains(key) && allIDs.contains(key) {
                violations.append(Self.violation(key, key, "not basic information; correct the event instead"))
            }
            if case .string(let type) = basicInfo["documentType"],
                case .string(let number) = basicInfo["documentNumber"],
                (try? PersonID(documentType: type, number: number)) != request.person
            {
                violations.append(
                    Self.violation(
                        "documentNumber", "证件号码", "the document identifies another person; declare it instead"))
            }
        }
        guard violations.isEmpty else {
            return CorrectionResponse(returnCode: .invalidRequest, violations: violations, eventIDs: [])
        }

        let now = clock.now()
        let time = request.time ?? ChinaTime.dateTime(at: now)
        enum Outcome: Sendable { case unknownPerson, unknownEvent, done }
        let updated = try await store.update(request.person, now: now) { person, events -> HealthRecordChange<Outcome> in
            guard person != nil else { return .nothing(.unknownPerson) }
            var change = HealthRecordChange(basicInfo: request.basicInfo, value: Outcome.done)
            if let eventID = request.eventID {
                let retracted = Set(
                    events.compactMap { event -> Int64? in
                        guard event.kind == "correction", case .number(let id) = event.payload["retracts"] else {
                            return nil
                        }
                        return Int64(id)
                    })
                guard let target = events.first(where: { $0.id == eventID }), target.kind != "correction",
                    !retracted.contains(eventID)
                else { return .nothing(.unknownEvent) }
                change.events.append(
                    .init(
                        time: time, kind: "correction",
                        payload: ["retracts": .number(Double(eventID)), "reason": .string(request.reason)],
                        actor: request.actor))
                if let replacement = request.replacement {
                    change.events.append(
                        HealthEventStore.NewEvent(
                            HealthEvent(target.time, replacement), actor: request.actor,
                            extra: ["corrects": .number(Double(eventID))]))
                }
            } else if let basicInfo = request.basicInfo {
                change.events.append(
                    .init(
                        time: time, kind: "correction",
                        payload: ["basicInfo": .object(basicInfo), "reason": .string(request.reason)],
                        actor: request.actor))
            }
            return change
        }
        switch updated.value {
        case .unknownPerson: return CorrectionResponse(returnCode: .unknownPerson, violations: [], eventIDs: [])
        case .unknownEvent: return CorrectionResponse(returnCode: .unknownEvent, violations: [], eventIDs: [])
        case .done:
            return CorrectionResponse(
                returnCode: .success, violations: [], eventIDs: updated.eventIDs,
                status: status(of: updated.events, rules: rules, at: time))
        }
    }

    // MARK: Authority events (outside GB/T 38963)

    /// Records an event that does not come from the person: a check-in at a checkpoint, a test
    /// result, a case opened or closed by the health authority, an exposure, a manual conversion.
    /// The person is created (with no basic information) if unknown: the authority may know of a
    /// case before the person declares anything.
    ///
    /// - Returns: the event id and the status after it.
    /// - Throws: `HealthCardError/Code/invalidValue` for negative exposure minutes or a manual
    ///   conversion to a colour outside `HealthCodeFormat.colourTable` (listing the valid ones).
    @discardableResult
    public func recordEvent(_ event: HealthEvent, for person: PersonID, actor: String) async throws
        -> (eventID: Int64, status: ColourStatus)
    {
        if case .exposure(let minutes) = event.kind, minutes < 0 {
            throw HealthCardError.invalidValue("exposure minutes must not be negative")
        }
        // A colour no code can carry would be stored, then make every later `generateCode` fail.
        if case .manualConversion(let colour, _, _) = event.kind, HealthCodeFormat.code(of: colour) == nil {
            throw HealthCardError.invalidValue(
                "manual-conversion colour '\(colour)': not a colour a code can carry; valid: "
                    + HealthCodeFormat.colourTable.map(\.colour.rawValue).joined(separator: ", "))
        }
        let now = clock.now()
        let recorded = HealthEventStore.NewEvent(event, actor: actor)
        let updated = try await store.update(person, now: now) { _, _ in
            HealthRecordChange(createsPerson: true, events: [recorded], value: ())
        }
        return (updated.eventIDs[0], status(of: updated.events, rules: rules, at: event.time))
    }
}
