import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard code`: personal health information codes (健康码, GB/T 38961-38963) over a local event
/// store: declare, record events, issue (制码), verify (验码), status. Thin: everything goes through
/// ``LocalHealthCodeService`` (Docs/health-code.md).
struct HealthCodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Health codes: declarations, events, colour status, signed HCC1 codes.",
        discussion: """
            The colour is derived from the person's events under a versioned rule set (default \
            hainan-2022-09), never stored. Codes are HCC1- followed by base45 text, signed with SM2/SM3: \
            key id, code id, colour, issuing region, subject hash, issue and expiry time. \
            The SQLite file given by --db is created on first use. See Docs/health-code.md.

            Examples:
              hcard code declare --db hc.db --from declaration.json
              hcard code event --db hc.db --person ID --kind case-opened --status confirmed
              hcard code status --db hc.db --person ID --at 2026-03-20
              hcard code issue --db hc.db --person ID --key issuer.key --png code.png
              hcard code verify code.png --trust trust.json
            """,
        subcommands: [Declare.self, Trip.self, Event.self, Correct.self, Issue.self, Verify.self, Status.self]
    )

    /// Options shared by the commands that open the store.
    struct StoreOptions: ParsableArguments {
        @Option(help: "The SQLite event store (created on first use).")
        var db: String

        @Option(help: "The colour rule set: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.")
        var rules = "hainan-2022-09"

        func validate() throws {
            guard RuleSet.shipped[rules] != nil else {
                throw ValidationError(
                    "--rules '\(rules)': no such rule set; shipped: "
                        + RuleSet.shipped.keys.sorted().joined(separator: ", ")
                )
            }
        }

        func service(issuer: HealthCodeIssuer? = nil, verifier: HealthCodeVerifier? = nil) throws
            -> LocalHealthCodeService
        {
            LocalHealthCodeService(
                store: try HealthEventStore(path: db), issuer: issuer, verifier: verifier,
                rules: try RuleSet.named(rules))
        }
    }

    // MARK: declare

    struct Declare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a health declaration (GB/T 38963 §6.2); exit 1 listing every violation.",
            discussion: """
                The file is one JSON object of GB/T 38962 elements (the shipped schema): name, sex, \
                documentType, documentNumber, householdRegion, …, temperature, symptoms, riskAreaStay, \
                overseas, caseContact. An invalid declaration is rejected with every violation and \
                nothing is stored. `-` reads standard input.

                Example:
                  hcard code declare --db hc.db --from declaration.json --at 2026-03-01T09:00:00+08:00
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(help: "The declaration JSON file, or - for standard input.")
        var from: String

        @Option(help: "When it was declared: ISO 8601 (a time without a zone is China time). Default: now.")
        var at: ChinaTimeArgument?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let data =
                from == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: from))
            let record: [String: JSONValue]
            do {
                record = try JSONDecoder().decode([String: JSONValue].self, from: data)
            } catch {
                throw ValidationError("\(from): not a JSON object of GB/T 38962 elements (\(error))")
            }
            let response = try await store.service().declareHealth(
                HealthDeclarationRequest(record: record, time: at?.dateTime))
            if json {
                try printJSON(
                    ResponseJSON(
                        returnCode: response.returnCode, violations: response.violations,
                        person: response.person?.rawValue, eventId: response.eventID,
                        status: response.status.map(StatusJSON.init)))
            } else if response.returnCode == .success, let person = response.person, let status = response.status {
                print("declared \(person) (event \(response.eventID ?? 0))")
                printStatus(status, person: person, rules: store.rules)
            } else {
                printRejection(response.violations)
            }
            if response.returnCode != .success { throw ExitCode(1) }
        }
    }

    // MARK: trip

    struct Trip: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a trip declaration of one stop (GB/T 38963 §6.3).",
            discussion: """
                Example:
                  hcard code trip --db hc.db --person ID --region 440300 --arrival 2026-03-01 --risk-area
                """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "The person: a citizen ID, or TT:NUMBER with a CV02.01.101 document type.")
        var person: PersonArgument
        @Option(help: "The place in China, a 6-digit GB/T 2260 code.")
        var region: String?
        @Option(help: "The place abroad, a GB/T 2659 alpha-3 code.")
        var country: String?
        @Option(help: "Arrival date, YYYY-MM-DD.")
        var arrival: String
        @Option(help: "Departure date, YYYY-MM-DD.")
        var departure: String?
        @Flag(help: "The place was a medium- or high-risk area.")
        var riskArea = false
        @Option(help: "When it was declared (ISO 8601; no zone = China time). Default: now.")
        var at: ChinaTimeArgument?
        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            guard let arrivalDate = CalendarDate(lenient: arrival) else {
                throw ValidationError("--arrival '\(arrival)' is not a date")
            }
            var departureDate: CalendarDate?
            if let departure {
                guard let date = CalendarDate(lenient: departure) else {
                    throw ValidationError("--departure '\(departure)' is not a date")
                }
                departureDate = date
            }
            let stop = TripStop(
                region: region, country: country, arrival: arrivalDate, departure: departureDate, riskArea: riskArea)
            let response = try await store.service().declareTrip(
                TripDeclarationRequest(person: person.id, stops: [stop], time: at?.dateTime))
            try report(
                response.returnCode, violations: response.violations, person: person.id, eventID: response.eventID,
                status: response.status, rules: store.rules, json: json, verb: "trip declared")
        }
    }

    // MARK: event

    /// The event kinds the command line can record.
    enum EventKind: String, ExpressibleByArgument, CaseIterable {
        case checkIn = "check-in"
        case testResult = "test-result"
        case feverClinic = "fever-clinic"
        case caseOpened = "case-opened"
        case caseClosed = "case-closed"
        case exposure
        case manualConversion = "manual-conversion"
    }

    struct Event: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an event: check-in, test result, fever-clinic visit, case, exposure, manual conversion.",
            discussion: """
                For scripting histories. Events are append-only; `hcard code correct` retracts one.

                Examples:
                  hcard code event --db hc.db --person ID --kind check-in [--abnormal]
                  hcard code event --db hc.db --person ID --kind test-result [--positive]
                  hcard code event --db hc.db --person ID --kind fever-clinic [--excludes-covid]
                  hcard code event --db hc.db --person ID --kind case-opened --status confirmed
                  hcard code event --db hc.db --person ID --kind exposure --minutes 45
                  hcard code event --db hc.db --person ID --kind manual-conversion --to green \\
                      --actor county-hq --reason "control ended"
                """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "The person: a citizen ID, or TT:NUMBER with a CV02.01.101 document type.")
        var person: PersonArgument
        @Option(help: "check-in, test-result, fever-clinic, case-opened, case-closed, exposure, manual-conversion.")
        var kind: EventKind
        @Flag(help: "check-in: symptoms or an abnormal temperature.")
        var abnormal = false
        @Flag(help: "test-result: positive (default negative).")
        var positive = false
        @Flag(help: "fever-clinic: a re-visit that excludes COVID.")
        var excludesCovid = false
        @Option(help: "case-opened/closed: confirmed, asymptomatic, suspected, closeContact, inbound.")
        var status: String?
        @Option(help: "exposure: minutes near the case.")
        var minutes: Int?
        @Option(help: "manual-conversion: the colour.")
        var to: String?
        @Option(help: "manual-conversion: why.")
        var reason: String?
        @Option(help: "Who records it.")
        var actor = "hcard"
        @Option(help: "When it happened (ISO 8601; no zone = China time). Default: now.")
        var at: ChinaTimeArgument?
        @Flag(help: "Print JSON.")
        var json = false

        func healthEventKind() throws -> HealthEvent.Kind {
            func caseStatus() throws -> HealthEvent.CaseStatus {
                guard let status, let value = HealthEvent.CaseStatus(rawValue: status) else {
                    throw ValidationError(
                        "--status is required: "
                            + HealthEvent.CaseStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    )
                }
                return value
            }
            switch kind {
            case .checkIn: return .checkIn(normal: !abnormal)
            case .testResult: return .testResult(positive: positive)
            case .feverClinic: return .feverClinicVisit(excludesCOVID: excludesCovid)
            case .caseOpened: return .caseOpened(try caseStatus())
            case .caseClosed: return .caseClosed(try caseStatus())
            case .exposure:
                guard let minutes, minutes >= 0 else { throw ValidationError("--minutes (0 or more) is required") }
                return .exposure(minutes: minutes)
            case .manualConversion:
                guard let to, !to.isEmpty else { throw ValidationError("--to COLOUR is required") }
                guard let reason, !reason.isEmpty else { throw ValidationError("--reason is required") }
                return .manualConversion(to: HealthColour(rawValue: to), actor: actor, reason: reason)
            }
        }

        func validate() throws { _ = try healthEventKind() }

        func run() async throws {
            let time = at?.dateTime ?? ChinaTime.dateTime(at: Date())
            let (eventID, status) = try await store.service().recordEvent(
                HealthEvent(time, try healthEventKind()), for: person.id, actor: actor)
            try report(
                .success, violations: [], person: person.id, eventID: eventID, status: status, rules: store.rules,
                json: json, verb: "recorded \(kind.rawValue) for")
        }
    }

    // MARK: correct

    struct Correct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retract a stored event (GB/T 38963 §6.8 correction); the original stays on record.",
            discussion: """
                Example:
                  hcard code correct --db hc.db --person ID --event 3 --reason "wrong person" --actor county-hq
                """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "The person.")
        var person: PersonArgument
        @Option(help: "The id of the event to retract (see `hcard code status --json`).")
        var event: Int64
        @Option(help: "Why.")
        var reason: String
        @Option(help: "Who corrects.")
        var actor: String
        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let response = try await store.service().correct(
                CorrectionRequest(person: person.id, eventID: event, reason: reason, actor: actor))
            try report(
                response.returnCode, violations: response.violations, person: person.id,
                eventID: response.eventIDs.first, status: response.status, rules: store.rules, json: json,
                verb: "corrected event \(event) of")
        }
    }

    // MARK: issue

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a signed health code (制码) with the colour the person's history gives now.",
            discussion: """
                Prints the HCC1 text on standard output (the colour and expiry go to standard error), \
                and writes the symbol with --png/--svg or shows it with --terminal. GB/T 38961 \
                recommends Grid Matrix; --symbology grid-matrix is accepted but not implemented yet.

                Examples:
                  hcard code issue --db hc.db --person 11010519491231002X --key issuer.key --png code.png
                  hcard code issue --db hc.db --person ID --key issuer.key --region 460200 --valid 12h --json
                """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "The person: a citizen ID, or TT:NUMBER.")
        var person: PersonArgument
        @Option(help: "The issuer's SM2 private key PEM file.")
        var key: String
        @Option(help: "The issuing region, GB/T 2260. Default: 460100.")
        var region = "460100"
        @Option(help: "Validity: seconds, or with a unit s/m/h/d (24h). Default: 24h.")
        var valid: DurationArgument = DurationArgument(seconds: 24 * 3600)
        @Option(help: "Issue time (ISO 8601; no zone = China time). Default: now.")
        var at: ChinaTimeArgument?
        @Option(help: "qr or grid-matrix (recommended by GB/T 38961; not implemented).")
        var symbology = "qr"
        @Option(help: "Write the symbol as a PNG file.")
        var png: String?
        @Option(help: "Write the symbol as an SVG file.")
        var svg: String?
        @Flag(help: "Show the symbol in the terminal.")
        var terminal = false
        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard Symbology(rawValue: symbology) != nil else {
                throw ValidationError("--symbology '\(symbology)': expected qr or grid-matrix")
            }
        }

        func run() async throws {
            // Refuse an unrenderable symbology before anything is signed or registered.
            let symbology = Symbology(rawValue: symbology) ?? .qr
            try symbology.requireImplemented()
            warnIfReadableByOthers(key)
            let issuer = try HealthCodeIssuer(privateKey: KeyFiles.readPrivateKey(at: key))
            let response = try await store.service(issuer: issuer).generateCode(
                CodeGenerationRequest(
                    person: person.id, region: region, validity: .seconds(valid.seconds), rules: store.rules,
                    now: at?.instant))
            guard response.returnCode == .success, let text = response.text, let code = response.code else {
                if json {
                    try printJSON(
                        ResponseJSON(
                            returnCode: response.returnCode, violations: response.violations,
                            person: person.id.rawValue,
                            eventId: nil, status: response.status.map(StatusJSON.init)))
                } else if response.returnCode == .unknownPerson {
                    printError("unknown person \(person.id) in \(store.db): declare first")
                } else {
                    printRejection(response.violations)
                }
                throw ExitCode(1)
            }
            var matrix: QRMatrix?
            if png != nil || svg != nil || terminal {
                let symbol = try HealthCodeIssuer.symbol(for: text, symbology: symbology, encoder: QREncoder())
                if let png { try QRImage.writePNG(symbol, to: URL(fileURLWithPath: png)) }
                if let svg { try Data(symbol.svg().utf8).write(to: URL(fileURLWithPath: svg), options: .atomic) }
                matrix = symbol
            }
            if json {
                try printJSON(
                    IssuedJSON(
                        text: text, code: HealthCodeJSON(code), person: person.id.rawValue,
                        status: response.status.map(StatusJSON.init), png: png, svg: svg))
            } else {
                print(text)
                if terminal, let matrix { print(matrix.terminal()) }
                printError(
                    "\(code.colour?.rawValue ?? "?") code \(code.id) for \(person.id.masked), region \(code.region), "
                        + "valid \(ISO8601Instant.format(code.issuedAt)) to \(ISO8601Instant.format(code.expiresAt))")
            }
        }
    }

    // MARK: verify

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a health code (验码) offline; exit 1 unless valid.",
            discussion: """
                Reads the code from an image (PNG or JPEG), from --text, or from the first line of \
                standard input. Verdicts: valid (colour, region, times, code id), malformed (with \
                the offset), unknown key id, key not valid, bad signature, revoked key/code, unknown \
                colour, expired, not yet valid, subject mismatch (with --person). Revoked code ids are \
                listed in the revocation file's cardIds (hcard keys revoke --card-id CODEID).

                Examples:
                  hcard code verify code.png --trust trust.json
                  hcard code verify --text "HCC1-…" --trust trust.json --revoked revoked.json --json
                  hcard code verify code.png --trust trust.json --person 11010519491231002X --db hc.db
                """
        )

        @Argument(help: "A PNG or JPEG image holding the code.")
        var image: String?
        @Option(help: "The scanned text.")
        var text: String?
        @OptionGroup var verification: VerificationOptions
        @Option(help: "The identity document presented with the code (a citizen ID, or TT:NUMBER).")
        var person: PersonArgument?
        @Option(help: "The event store, to report whether a newer code was issued since.")
        var db: String?
        @Option(help: "Verify as of this time (ISO 8601; no zone = China time) instead of now.")
        var now: ChinaTimeArgument?
        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            if image != nil && text != nil { throw ValidationError("give an IMAGE or --text, not both") }
        }

        func run() async throws {
            let input: String
            if let image {
                let payloads = try QRImage.decode(fileAt: URL(fileURLWithPath: image))
                guard let first = payloads.first else {
                    printError("no QR code found in \(image)")
                    throw ExitCode(1)
                }
                input = String(decoding: first, as: UTF8.self)
            } else {
                input = text.map(trimmingLineEnd) ?? readLine() ?? ""
            }
            let verifier = HealthCodeVerifier(
                trustList: try verification.trustList(), revocations: try verification.revocations(),
                clockSkew: verification.clockSkew)
            let request = CodeVerificationRequest(text: input, now: now?.instant, presentedBy: person?.id)
            let response: CodeVerificationResponse
            if let db {
                let service = LocalHealthCodeService(
                    store: try HealthEventStore(path: db), verifier: verifier,
                    rules: try RuleSet.named("hainan-2022-09"))
                response = try await service.verifyCode(request)
            } else {
                let verdict = verifier.verify(input, now: now?.instant, presentedBy: person?.id)
                response = CodeVerificationResponse(
                    returnCode: verdict.isValid ? .success : .codeRejected, verdict: verdict)
            }
            if json {
                try printJSON(HealthVerdictJSON(response))
            } else {
                print(response.verdict.isValid ? response.verdict.description : "INVALID: \(response.verdict)")
                if let newer = response.supersededBy { print("note: a newer code \(newer) has been issued since") }
            }
            if !response.verdict.isValid { throw ExitCode(1) }
        }
    }

    // MARK: status

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The person's colour on a date, every active reason and when each ends.",
            discussion: """
                Example:
                  hcard code status --db hc.db --person 11010519491231002X --at 2026-03-20 --rules hainan-2022-05
                """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "The person: a citizen ID, or TT:NUMBER.")
        var person: PersonArgument
        @Option(help: "The date (YYYY-MM-DD, or an ISO 8601 time). Default: today in China.")
        var at: ChinaTimeArgument?
        @Flag(help: "Print JSON, with the events and issued codes.")
        var json = false

        func run() async throws {
            let response = try await store.service().queryHealthInformation(
                HealthInformationQueryRequest(person: person.id, date: at?.dateTime.date, rules: store.rules))
            guard response.returnCode == .success, let status = response.status else {
                if json {
                    try printJSON(
                        ResponseJSON(
                            returnCode: response.returnCode, violations: response.violations,
                            person: person.id.rawValue,
                            eventId: nil, status: nil))
                } else {
                    printError("unknown person \(person.id) in \(store.db)")
                }
                throw ExitCode(1)
            }
            if json {
                try printJSON(
                    QueryJSON(
                        person: person.id.rawValue, rules: store.rules, status: StatusJSON(status),
                        basicInfo: response.basicInfo, events: response.events.map(EventJSON.init),
                        issuedCodes: response.issuedCodes.map(IssuedCodeJSON.init)))
            } else {
                printStatus(status, person: person.id, rules: store.rules)
            }
        }
    }
}

// MARK: - Output


private func printRejection(_ violations: [HealthCodeViolation]) {
    print("rejected: \(violations.count) violation\(violations.count == 1 ? "" : "s"); nothing was stored")
    for violation in violations { print("  \(violation)") }
}

private func printStatus(_ status: ColourStatus, person: PersonID, rules: String) {
    print("\(person): \(status.colour) on \(status.date) (\(rules))")
    for reason in status.reasons {
        let ends = reason.endsOn.map { "ends \($0)" } ?? "no set end"
        print(
            "  \(reason.colour) \(reason.category) since \(reason.since) (\(reason.source)): "
                + "\(reason.exitCondition); \(ends)"
        )
    }
}

/// Prints the outcome of a write command and exits 1 unless it succeeded.
private func report(
    _ returnCode: HealthCodeReturnCode, violations: [HealthCodeViolation], person: PersonID, eventID: Int64?,
    status: ColourStatus?, rules: String, json: Bool, verb: String
) throws {
    if json {
        try printJSON(
            ResponseJSON(
                returnCode: returnCode, violations: violations, person: person.rawValue, eventId: eventID,
                status: status.map(StatusJSON.init)))
    } else if returnCode == .success, let status {
        print("\(verb) \(person) (event \(eventID ?? 0))")
        printStatus(status, person: person, rules: rules)
    } else if returnCode == .invalidRequest {
        printRejection(violations)
    } else {
        printError("\(returnCode) for \(person)")
    }
    if returnCode != .success { throw ExitCode(1) }
}

struct ResponseJSON: Encodable {
    let returnCode: HealthCodeReturnCode
    let violations: [HealthCodeViolation]
    let person: String?
    let eventId: Int64?
    let status: StatusJSON?
}

struct StatusJSON: Encodable {
    let date: String
    let colour: String
    let reasons: [ReasonJSON]

    struct ReasonJSON: Encodable {
        let category: String
        let colour: String
        let since: String
        let source: String
        let exitCondition: String
        let endsOn: String?
    }

    init(_ status: ColourStatus) {
        date = status.date.description
        colour = status.colour.rawValue
        reasons = status.reasons.map {
            ReasonJSON(
                category: $0.category, colour: $0.colour.rawValue, since: $0.since.description, source: $0.source,
                exitCondition: $0.exitCondition, endsOn: $0.endsOn?.description)
        }
    }
}

struct HealthCodeJSON: Encodable {
    let codeId: String
    let keyId: String
    let colour: String?
    let colourCode: Int
    let region: String
    let subject: String
    let issuedAt: String
    let expiresAt: String

    init(_ code: HealthCode) {
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

struct IssuedJSON: Encodable {
    let text: String
    let code: HealthCodeJSON
    let person: String
    let status: StatusJSON?
    let png: String?
    let svg: String?
}

struct HealthVerdictJSON: Encodable {
    let valid: Bool
    let reason: String
    let message: String
    let offset: Int?
    let issuer: String?
    let code: HealthCodeJSON?
    let supersededBy: String?

    init(_ response: CodeVerificationResponse) {
        let verdict = response.verdict
        valid = verdict.isValid
        reason = verdict.reasonCode
        message = verdict.description
        if case .malformed(_, let offset) = verdict { self.offset = offset } else { offset = nil }
        if case .valid(let verified) = verdict {
            issuer = verified.issuer
            code = HealthCodeJSON(verified.code)
        } else {
            issuer = nil
            code = nil
        }
        supersededBy = response.supersededBy?.hex
    }
}

struct EventJSON: Encodable {
    let id: Int64
    let time: String
    let kind: String
    let payload: [String: JSONValue]
    let actor: String

    init(_ event: HealthEventStore.StoredEvent) {
        id = event.id
        time = event.time.description
        kind = event.kind
        payload = event.payload
        actor = event.actor
    }
}

struct IssuedCodeJSON: Encodable {
    let codeId: String
    let colour: String
    let region: String
    let issuedAt: String
    let expiresAt: String
    let keyId: String
    let rules: String

    init(_ record: HealthEventStore.IssuedCodeRecord) {
        codeId = record.codeID.hex
        colour = record.colour.rawValue
        region = record.region
        issuedAt = ISO8601Instant.format(record.issuedAt)
        expiresAt = ISO8601Instant.format(record.expiresAt)
        keyId = record.keyID.hex
        rules = record.rules
    }
}

struct QueryJSON: Encodable {
    let person: String
    let rules: String
    let status: StatusJSON
    let basicInfo: [String: JSONValue]
    let events: [EventJSON]
    let issuedCodes: [IssuedCodeJSON]
}

// MARK: - Arguments

/// A person on the command line: a citizen ID, or `TT:NUMBER`.
struct PersonArgument: ExpressibleByArgument {
    let id: PersonID

    init?(argument: String) {
        guard let id = try? PersonID(argument) else { return nil }
        self.id = id
    }
}

/// A time on the command line: ISO 8601 with a zone (an instant), or without one (China time), or a
/// date alone (00:00 China time).
struct ChinaTimeArgument: ExpressibleByArgument {
    let dateTime: CalendarDateTime
    let instant: Date

    init?(argument: String) {
        if argument.contains("T"), let instant = ISO8601Instant.parse(argument) {
            self.instant = instant
            dateTime = ChinaTime.dateTime(at: instant)
        } else if let value = CalendarDateTime(iso: argument) {
            dateTime = value
            instant = ChinaTime.instant(of: value)
        } else if let date = CalendarDate(lenient: argument),
            let value = CalendarDateTime(date: date, hour: 0, minute: 0, second: 0)
        {
            dateTime = value
            instant = ChinaTime.instant(of: value)
        } else {
            return nil
        }
    }
}

/// A duration: whole seconds, or a number with `s`, `m`, `h` or `d`.
struct DurationArgument: ExpressibleByArgument {
    let seconds: Int

    init(seconds: Int) { self.seconds = seconds }

    init?(argument: String) {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var text = argument
        var unit = 1
        if let last = text.last, let value = units[last] {
            unit = value
            text.removeLast()
        }
        guard let number = Int(text), number > 0, number <= Int(UInt32.max) / unit else { return nil }
        seconds = number * unit
    }

    var defaultValueDescription: String { seconds % 3600 == 0 ? "\(seconds / 3600)h" : "\(seconds)s" }
}
