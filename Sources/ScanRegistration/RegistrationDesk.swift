import Foundation
import HealthCardFoundation
import PersonalHealthCode

/// What a desk at a site is asked to register.
public struct RegistrationRequest: Hashable, Sendable {
    public var site: String
    /// The staff member registering: `[0-9A-Za-z_-]{1,32}`.
    public var operatorID: String
    /// The form id (`fever-clinic`, …).
    public var form: String
    /// What was scanned or typed; `nil` only for a form with `"identity": "none"`.
    public var credential: Credential?
    /// The fields as entered; prefilled identity fields may be left out.
    public var values: [String: JSONValue]
    /// The registration time; the desk's clock if `nil`.
    public var now: Date?

    public init(
        site: String, operatorID: String, form: String, credential: Credential?, values: [String: JSONValue],
        now: Date? = nil
    ) {
        self.site = site
        self.operatorID = operatorID
        self.form = form
        self.credential = credential
        self.values = values
        self.now = now
    }
}

/// The outcome of a registration: stored (with its acknowledgement number, the events it raised
/// and the colour after them), or rejected with every violation.
public enum RegistrationOutcome: Hashable, Sendable {
    case stored(id: Int64, eventIDs: [Int64], status: ColourStatus?)
    case rejected([FormViolation])
}

/// The registration desk of a site (issue 20 §1-§4): scan → prefill → validate the scenario's form
/// → store, attributed to the site and the operator → raise the scenario's events for the colour.
///
/// Order of the checks, so that nothing is stored or raised on doubt:
/// 1. the site exists and the form is for its type (thrown: a configuration error);
/// 2. the scan verifies (``ScanPrefiller``; a refused scan throws ``ScanRefusal``);
/// 3. the prefilled form has no violation, a typed ID agrees with the scan, the colour is admitted
///    (return to work: green only), the required earlier filing exists (the employer's resumption
///    declaration): otherwise ``RegistrationOutcome/rejected(_:)`` with **every** violation;
/// 4. the registration is stored (durable on return), then its events are appended to the event
///    store through `LocalHealthCodeService/recordEvent(_:for:actor:)` and their ids recorded.
///    The two are separate files: a crash between leaves a registration whose `events` is `nil`,
///    which a query shows.
public struct RegistrationDesk: Sendable {
    public let store: RegistrationStore
    public var prefiller: ScanPrefiller
    /// The health-code service whose event store receives the scenario's events; `nil`: none raised.
    public var service: LocalHealthCodeService?
    /// The forms by id (default: the shipped ones).
    public var forms: [String: ScenarioForm]
    public var regions: RegionTable
    public var clock: any WallClock

    public init(
        store: RegistrationStore, prefiller: ScanPrefiller, service: LocalHealthCodeService? = nil,
        forms: [String: ScenarioForm] = ScenarioForm.shipped, regions: RegionTable = .shipped,
        clock: any WallClock = SystemClock()
    ) {
        self.store = store
        self.prefiller = prefiller
        self.service = service
        self.forms = forms
        self.regions = regions
        self.clock = clock
    }

    /// Registers `request` (see the type for the order of the checks).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for an unknown site or form, a form not for the
    ///   site's type, a bad operator id, a missing or superfluous credential; ``ScanRefusal`` for a
    ///   scan that does not verify; storage errors.
    public func register(_ request: RegistrationRequest) async throws -> RegistrationOutcome {
        let now = request.now ?? clock.now()
        guard let site = try store.site(request.site) else {
            throw HealthCardError.invalidValue("no site '\(TerminalText.escaped(request.site))'; register it first (hcard site add)")
        }
        guard let form = forms[request.form] else {
            throw HealthCardError.invalidValue(
                "no form '\(TerminalText.escaped(request.form))'; known: \(forms.keys.sorted().joined(separator: ", "))")
        }
        guard form.siteTypes.contains(site.type) else {
            throw HealthCardError.invalidValue(
                "form \(form.form) is for \(form.siteTypes.map(\.rawValue).joined(separator: ", ")) sites; site \(site.id) is a \(site.type.rawValue)")
        }
        try RegistrationSite.checkID(request.operatorID, what: "operator")
        let identity: ScannedIdentity?
        switch (form.identity ?? .person, request.credential) {
        case (.none, nil): identity = nil
        case (.none, _?):
            throw HealthCardError.invalidValue("form \(form.form) is the site's own filing: no code or ID is scanned")
        case (.person, nil):
            throw HealthCardError.invalidValue("form \(form.form) registers a person: scan a code or give an ID number")
        case (.person, let credential?):
            identity = try prefiller.identify(credential, now: now)
        }

        let today = ChinaTime.dateTime(at: now).date
        var values = request.values
        var violations: [FormViolation] = []
        func violation(_ field: String, _ label: String, _ rule: String, _ message: String) {
            violations.append(FormViolation(form: form.qualifiedName, field: field, label: label, rule: rule, message: message))
        }
        if let identity {
            for field in form.fields {
                guard let fact = field.prefill, let known = identity.facts[fact] else { continue }
                if let given = values[field.id], given != .null, given != known, Self.fixedFacts.contains(fact) {
                    // Reported, and the scan's value is what the rest of the form is checked with.
                    violation(field.id, field.label, "identity", "does not match the scanned identity")
                    values[field.id] = known
                } else if values[field.id] == nil || values[field.id] == .null {
                    values[field.id] = known
                }
            }
        }
        violations += form.validate(values, on: today, regions: regions)
        if let admitted = form.admitColours {
            if let colour = identity?.colour {
                if !admitted.contains(colour.rawValue) {
                    violation("colour", "健康码", "admitColours", "only a \(admitted.joined(separator: " or ")) code may register; this code is \(colour)")
                }
            } else {
                violation("colour", "健康码", "admitColours", "needs a health code showing \(admitted.joined(separator: " or ")); an ID number or e-health-card code carries no colour")
            }
        }
        if let required = form.requiresForm, try !store.hasRegistration(site: site.id, form: required) {
            violation("site", "场所", "requiresForm", "site \(site.id) has not filed \(required) yet")
        }
        // The person the registration is about: the scan's, or a typed ID that must fit the scan.
        var person = identity?.person
        if person == nil, case .string(let typed)? = values["idNumber"], let id = try? PersonID(typed) {
            if case .healthCodeSubject(let subject)? = identity?.holder, HealthCode.Subject(person: id) != subject {
                violation("idNumber", "身份证号", "identity", "is not the holder of the scanned health code")
            } else {
                person = id
            }
        }
        guard violations.isEmpty else { return .rejected(violations) }

        let id = try store.append(
            NewRegistration(
                site: site.id, operatorID: request.operatorID, form: form.form, formVersion: form.version, time: now,
                credential: identity?.credential.rawValue ?? "none",
                holder: person.map { PassHolder.person($0).storedValue } ?? identity?.holder.storedValue,
                idNumber: person?.rawValue, colour: identity?.colour?.rawValue, codeID: identity?.codeID, fields: values))
        guard let service, let person else { return .stored(id: id, eventIDs: [], status: nil) }
        var eventIDs: [Int64] = []
        var status: ColourStatus?
        let actor = "site:\(site.id)/\(request.operatorID)"
        for event in RegistrationEffects.events(form: form.form, values: values, at: ChinaTime.dateTime(at: now), rules: service.rules) {
            let recorded = try await service.recordEvent(event, for: person, actor: actor)
            eventIDs.append(recorded.eventID)
            status = recorded.status
        }
        try store.recordEvents(eventIDs, of: id)
        return .stored(id: id, eventIDs: eventIDs, status: status)
    }

    /// Facts the desk may not overwrite: they come from the verified scan.
    static let fixedFacts: Set<ScannedIdentity.Fact> = [.idNumber, .age, .birthDate, .sex]
}
