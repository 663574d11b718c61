import Foundation
import HealthCardFoundation

/// Clue reports from the public, tracked to a response (issue 20 §5):
/// report → route by region to the district's handler → notify through the ``SMSGateway`` →
/// the handler acknowledges → the handler gives feedback; reports that wait too long are listed
/// per county for the supervising office (``overdue(now:)``).
///
/// Routing: the handler of the report's county; else of its prefecture (`xxxx00`); else of its
/// province (`xx0000`). A report no handler covers is stored unrouted and is overdue at once.
///
/// [U] The time limits are not public: acknowledge within 2 hours and give feedback within 24 hours
/// by default (``acknowledgeWithin``, ``feedbackWithin``), what a district office would set.
public struct ClueDesk: Sendable {
    public let store: RegistrationStore
    public var gateway: any SMSGateway
    public var regions: RegionTable
    public var clock: any WallClock
    /// From the report to the acknowledgement.
    public var acknowledgeWithin: Duration
    /// From the report to the feedback.
    public var feedbackWithin: Duration

    public init(
        store: RegistrationStore, gateway: any SMSGateway, regions: RegionTable = .shipped,
        clock: any WallClock = SystemClock(), acknowledgeWithin: Duration = .seconds(2 * 3600),
        feedbackWithin: Duration = .seconds(24 * 3600)
    ) {
        self.store = store
        self.gateway = gateway
        self.regions = regions
        self.clock = clock
        self.acknowledgeWithin = acknowledgeWithin
        self.feedbackWithin = feedbackWithin
    }

    /// Registers the handler of a region (a current GB/T 2260 code of any level).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for an unknown region, an empty name or a
    ///   phone that is not a number.
    public func setHandler(region: String, name: String, phone: String) throws {
        guard regions.region(code: region)?.isCurrent == true else {
            throw HealthCardError.invalidValue("handler region '\(TerminalText.escaped(region))' is not a current GB/T 2260 code")
        }
        guard !name.trimmingWhitespace().isEmpty else { throw HealthCardError.invalidValue("handler name is required") }
        guard phone.range(of: ScenarioForm.phonePattern, options: .regularExpression) != nil else {
            throw HealthCardError.invalidValue("handler phone '\(TerminalText.escaped(phone))' is not a mobile or landline number")
        }
        try store.setClueHandler(ClueHandler(region: region, name: name, phone: phone))
    }

    /// Stores `report`, routes it and notifies its handler.
    ///
    /// - Returns: the stored report; if the gateway refused, it is routed but not notified, and
    ///   ``notify(_:)`` tries again.
    /// - Throws: `HealthCardError/Code/invalidValue` for a region that is not a current county, an
    ///   empty place or description, a reporter phone that is not a number; storage errors.
    public func report(_ report: NewClueReport) throws -> (report: ClueReport, notificationError: String?) {
        try RegistrationSite.checkCounty(report.region, regions: regions, what: "clue region")
        guard !report.place.trimmingWhitespace().isEmpty, report.place.count <= 200 else {
            throw HealthCardError.invalidValue("clue place: 1...200 characters")
        }
        guard !report.description.trimmingWhitespace().isEmpty, report.description.count <= 2000 else {
            throw HealthCardError.invalidValue("clue description: 1...2000 characters")
        }
        if let phone = report.reporterPhone, phone.range(of: ScenarioForm.phonePattern, options: .regularExpression) == nil {
            throw HealthCardError.invalidValue("reporter phone '\(TerminalText.escaped(phone))' is not a mobile or landline number")
        }
        let handler = try route(report.region)
        let id = try store.insertClue(report, handler: handler, now: clock.now())
        guard handler != nil else { return (try store.clue(id), "no handler covers region \(report.region)") }
        do {
            return (try notify(id), nil)
        } catch {
            return (try store.clue(id), (error as? HealthCardError)?.reason ?? "\(error)")
        }
    }

    /// The handler for a county: its own, its prefecture's, or its province's.
    public func route(_ county: String) throws -> ClueHandler? {
        let handlers = Dictionary(uniqueKeysWithValues: try store.clueHandlers().map { ($0.region, $0) })
        let prefecture = String(county.prefix(4)) + "00"
        let province = String(county.prefix(2)) + "0000"
        return handlers[county] ?? handlers[prefecture] ?? handlers[province]
    }

    /// Sends report `id` to its handler (again, if an earlier send failed).
    ///
    /// - Throws: `HealthCardError/Code/invalidOperation` for an unrouted or already notified report;
    ///   whatever the gateway throws (then nothing is recorded).
    @discardableResult
    public func notify(_ id: Int64) throws -> ClueReport {
        let report = try store.clue(id)
        guard let handler = report.handler else {
            throw HealthCardError(code: .invalidOperation, reason: "clue report \(id) has no handler (region \(report.region))")
        }
        guard report.notifiedAt == nil else {
            throw HealthCardError(code: .invalidOperation, reason: "clue report \(id) was already notified")
        }
        let place = regions.fullName(of: report.region) ?? report.region
        let text = "【疫情线索 \(id)】\(report.subject.name) \(place) \(report.place): \(report.description)"
        let messageID = try gateway.send(SMSMessage(to: handler.phone, text: text, reference: "clue-\(id)"))
        try store.markNotified(id, at: clock.now(), messageID: messageID) { stored in
            if stored.notifiedAt != nil {
                throw HealthCardError(code: .invalidOperation, reason: "clue report \(id) was already notified")
            }
        }
        return try store.clue(id)
    }

    /// The handler acknowledges report `id`.
    ///
    /// - Throws: `HealthCardError/Code/invalidOperation` unless it was notified and not yet acknowledged.
    @discardableResult
    public func acknowledge(_ id: Int64, by handler: String) throws -> ClueReport {
        guard !handler.trimmingWhitespace().isEmpty else { throw HealthCardError.invalidValue("acknowledged by: required") }
        try store.markAcknowledged(id, at: clock.now(), by: handler) { report in
            guard report.notifiedAt != nil, report.acknowledgedAt == nil else {
                throw HealthCardError(
                    code: .invalidOperation, reason: "clue report \(id) is \(report.status); only a notified report is acknowledged")
            }
        }
        return try store.clue(id)
    }

    /// The handler's feedback on report `id`, which closes it.
    ///
    /// - Throws: `HealthCardError/Code/invalidOperation` unless it was acknowledged and not yet closed.
    @discardableResult
    public func feedback(_ id: Int64, text: String) throws -> ClueReport {
        guard !text.trimmingWhitespace().isEmpty, text.count <= 2000 else {
            throw HealthCardError.invalidValue("feedback: 1...2000 characters")
        }
        try store.markFeedback(id, at: clock.now(), text: text) { report in
            guard report.acknowledgedAt != nil, report.feedbackAt == nil else {
                throw HealthCardError(
                    code: .invalidOperation, reason: "clue report \(id) is \(report.status); feedback follows the acknowledgement, once")
            }
        }
        return try store.clue(id)
    }

    /// An overdue report and why.
    public struct Overdue: Hashable, Sendable {
        public let report: ClueReport
        /// `unrouted`, `notNotified`, `notAcknowledged`, `noFeedback`.
        public let reason: String
        /// How long it has waited past its limit (zero for an unrouted or unsent report).
        public let late: Duration
    }

    /// Open reports past their limits at `now`, by county (supervision), oldest first in each.
    public func overdue(now: Date? = nil) throws -> [(county: String, reports: [Overdue])] {
        let now = now ?? clock.now()
        var byCounty: [String: [Overdue]] = [:]
        for report in try store.clues() where report.feedbackAt == nil {
            let waited = Duration.seconds(Int64(now.timeIntervalSince(report.reportedAt).rounded(.down)))
            let item: Overdue?
            if report.handler == nil {
                item = Overdue(report: report, reason: "unrouted", late: .zero)
            } else if report.notifiedAt == nil {
                item = Overdue(report: report, reason: "notNotified", late: .zero)
            } else if report.acknowledgedAt == nil {
                item = waited > acknowledgeWithin ? Overdue(report: report, reason: "notAcknowledged", late: waited - acknowledgeWithin) : nil
            } else {
                item = waited > feedbackWithin ? Overdue(report: report, reason: "noFeedback", late: waited - feedbackWithin) : nil
            }
            if let item { byCounty[report.region, default: []].append(item) }
        }
        return byCounty.keys.sorted().map { ($0, byCounty[$0]!) }
    }
}
