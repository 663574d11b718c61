import Foundation
import HealthCardCrypto
import HealthCardFoundation
import Hummingbird
import PersonalHealthCode

/// `POST /v1/health-code/declarations` body: one GB/T 38962 record (element id → value).
struct DeclarationBody: Decodable {
    var record: [String: JSONValue]
}

/// `POST /v1/health-code/trips` body: the person and the stops of one trip.
struct TripBody: Decodable {
    var person: String
    var stops: [TripStop]
}

/// `POST /v1/health-code/codes` body: whose code, optionally the region and the validity.
struct IssueCodeBody: Decodable {
    var person: String
    var region: String?
    var validitySeconds: Int?
    /// A grant from `POST /v1/health-code/applications` (required with `requireCodeApplication`).
    var applicationId: String?
}

/// `POST /v1/health-code/applications` body (GB/T 38963 §6.5): whose code the calling client
/// applies to call up, why, and for how long. The applicant is the client's key name, never the body.
struct CodeApplicationBody: Decodable {
    var person: String
    var purpose: String
    var validitySeconds: Int?
}

/// The answer of a code application: the interface's return code and, on success, the grant.
struct CodeApplicationAnswer: Encodable {
    var returnCode: HealthCodeReturnCode
    var violations: [HealthCodeViolation]
    var person: String
    var applicant: String
    var applicationId: String?
    /// When the grant ends (ISO 8601).
    var expiresAt: Date?
}

/// `POST /v1/health-code/corrections` body: retract one stored event of the person.
struct CorrectionBody: Decodable {
    var person: String
    var event: Int64
    var reason: String
}

/// The answer of an issuing request: the interface's return code and, on success, the code.
struct IssuedCodeAnswer: Encodable {
    var returnCode: HealthCodeReturnCode
    var violations: [HealthCodeViolation]
    var person: String
    var text: String?
    var code: HealthCodeReport?
    var status: ColourStatusReport?
}

/// The GB/T 38963 personal health-code interfaces (health-code.md §3.1; Docs/serve.md "Health
/// codes") over `LocalHealthCodeService`, the service `hcard code` uses: declare (§6.2), trip
/// (§6.3), information query (§6.4), code application (§6.5), issue a code (§6.6), correct (§6.8).
/// Verification (§6.7) is `POST /v1/codes/verify`, which takes `HCC1-` codes and consults the
/// register of issued codes (`LocalHealthCodeService.verifyCodeAtIssuer`).
///
/// [U] Envelope: the standard's request/response tables are not public (health-code.md §3.2), so
/// these are JSON bodies with the library's field names, and the library's return codes
/// (`0000` success, `1001` invalid request with every violation, `2001` unknown person, …) in the
/// body with HTTP 200 whenever the interface answered; HTTP 4xx only for what never reached it
/// (no key, wrong role, a body that does not parse, a person ID that does not parse).
extension HealthCardServer {
    var healthCodeEndpoints: [Endpoint] {
        [
            Endpoint(.post, "/v1/health-code/declarations", roles: [.issuer], audit: .write) { request, _, client in
                let body = try await RequestDecoding.body(DeclarationBody.self, request)
                let response = try await self.healthCode.declareHealth(
                    HealthDeclarationRequest(record: body.record, actor: Self.actor(client)))
                return JSONResponse.make(
                    HealthCodeRequestReport(
                        returnCode: response.returnCode, violations: response.violations, person: response.person,
                        eventID: response.eventID, status: response.status))
            },
            Endpoint(.post, "/v1/health-code/trips", roles: [.issuer], audit: .write) { request, _, client in
                let body = try await RequestDecoding.body(TripBody.self, request)
                let person = try Self.personID(body.person)
                let response = try await self.healthCode.declareTrip(
                    TripDeclarationRequest(person: person, stops: body.stops, actor: Self.actor(client)))
                return JSONResponse.make(
                    HealthCodeRequestReport(
                        returnCode: response.returnCode, violations: response.violations, person: person,
                        eventID: response.eventID, status: response.status))
            },
            Endpoint(.get, "/v1/health-code/persons/{person}", roles: [.issuer, .auditor], audit: .lookup) {
                request, context, _ in
                let person = try Self.personID(try RequestDecoding.path(context, "person"))
                var date: CalendarDate?
                if let text = RequestDecoding.string(request, "date") {
                    guard let parsed = CalendarDate(lenient: text) else {
                        throw APIProblem.badRequest("date \"\(text)\" is not a real YYYY-MM-DD date")
                    }
                    date = parsed
                }
                let rules = self.configuration.rules
                let response = try await self.healthCode.queryHealthInformation(
                    HealthInformationQueryRequest(person: person, date: date, rules: rules))
                guard response.returnCode == .success, let status = response.status else {
                    throw APIProblem(
                        status: 404, error: "unknownPerson",
                        message: "\(response.returnCode): no health record of this person (declare first)")
                }
                return JSONResponse.make(
                    HealthInformationReport(person: person, rules: rules, status: status, response: response))
            },
            Endpoint(.post, "/v1/health-code/codes", roles: [.issuer], audit: .write) { request, _, _ in
                let body = try await RequestDecoding.body(IssueCodeBody.self, request)
                let person = try Self.personID(body.person)
                guard self.healthCode.issuer != nil else {
                    throw APIProblem(
                        status: 409, error: "noIssuingKey",
                        message: "this server has no issuing key (issuerKey in the configuration)")
                }
                if let seconds = body.validitySeconds, !(60...(7 * 86_400)).contains(seconds) {
                    throw APIProblem.badRequest("validitySeconds must be 60...604800")
                }
                let response = try await self.healthCode.generateCode(
                    CodeGenerationRequest(
                        person: person, region: body.region, validity: body.validitySeconds.map { .seconds($0) },
                        applicationID: body.applicationId))
                return JSONResponse.make(
                    IssuedCodeAnswer(
                        returnCode: response.returnCode, violations: response.violations, person: person.rawValue,
                        text: response.text, code: response.code.map(HealthCodeReport.init),
                        status: response.status.map(ColourStatusReport.init)))
            },
            Endpoint(.post, "/v1/health-code/applications", roles: [.issuer], audit: .write) { request, _, client in
                let body = try await RequestDecoding.body(CodeApplicationBody.self, request)
                let person = try Self.personID(body.person)
                if let seconds = body.validitySeconds, !(60...86_400).contains(seconds) {
                    throw APIProblem.badRequest("validitySeconds must be 60...86400")
                }
                let applicant = Self.actor(client)
                let response = try await self.healthCode.applyForCode(
                    CodeApplicationRequest(
                        person: person, applicant: applicant, purpose: body.purpose,
                        validity: body.validitySeconds.map { .seconds($0) }))
                return JSONResponse.make(
                    CodeApplicationAnswer(
                        returnCode: response.returnCode, violations: response.violations, person: person.rawValue,
                        applicant: applicant, applicationId: response.applicationID,
                        expiresAt: response.expiresAt))
            },
            Endpoint(.post, "/v1/health-code/corrections", roles: [.issuer], audit: .write) { request, _, client in
                let body = try await RequestDecoding.body(CorrectionBody.self, request)
                let person = try Self.personID(body.person)
                let response = try await self.healthCode.correct(
                    CorrectionRequest(person: person, eventID: body.event, reason: body.reason, actor: Self.actor(client)))
                return JSONResponse.make(
                    HealthCodeRequestReport(
                        returnCode: response.returnCode, violations: response.violations, person: person,
                        eventID: response.eventIDs.first, status: response.status))
            },
        ]
    }

    static func personID(_ text: String) throws -> PersonID {
        do { return try PersonID(text) } catch {
            throw APIProblem.badRequest("person \"\(text)\": \((error as? HealthCardError)?.reason ?? "\(error)")")
        }
    }

    /// The health-code service of `configuration`: the rule set, the issuing key if one is
    /// configured, and its event store — the SQLite file (created on first start), or with
    /// `postgres` the shared database's tables.
    static func healthCodeService(configuration: ServerConfiguration, storage: ServerStorage, postgres: SharedDatabase?)
        throws -> LocalHealthCodeService
    {
        guard RuleSet.shipped[configuration.rules] != nil else {
            throw ServerError.invalidConfiguration(
                "rules \"\(configuration.rules)\" is not a shipped rule set ("
                    + RuleSet.shipped.keys.sorted().joined(separator: ", ") + ")")
        }
        let issuer = try configuration.issuerKey.map { path in
            do { return try HealthCodeIssuer(privateKey: try KeyFiles.readPrivateKey(at: path)) } catch {
                throw ServerError.invalidConfiguration("issuerKey \(path): \(error)")
            }
        }
        let store: any HealthEventStorage =
            if let postgres { PostgresHealthEventStore(database: postgres) } else {
                try HealthEventStore(path: configuration.healthCodeDb ?? storage.healthCode)
            }
        return LocalHealthCodeService(
            store: store, issuer: issuer, rules: try RuleSet.named(configuration.rules),
            requiresApplication: configuration.requireCodeApplication)
    }
}

extension ServerStorage {
    /// The health-code event store when none is configured: `<db without .sqlite/.db>-health-code.sqlite`.
    public var healthCode: String {
        String(server.dropLast("-server.sqlite".count)) + "-health-code.sqlite"
    }
}
