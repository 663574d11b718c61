import HealthCardFoundation

/// Derives the health-code colour from a person's events: a pure function of
/// (events, rule set, date) → colour + active reasons with their exit conditions
/// (health-code.md §5.3). Nothing about colour is stored, so a 14-day history can be replayed
/// under any rule set and any "as of" date.
///
/// Interpretation of the Hainan rules (§5.1), where the public text leaves room [U]:
/// - symptoms (declared, or an abnormal check-in) → yellow until `symptomCheckInDays`
///   consecutive days of normal check-ins after the last abnormal one;
/// - a case (confirmed, asymptomatic, suspected, close contact, inbound) → red while open; after
///   it closes, red for `redDaysAfterRelease[status]` more days, then yellow for
///   `yellowDaysAfterRelease[status]` days (home monitoring), then green; rule sets without these
///   numbers use `releaseCheckInDays` consecutive check-ins instead;
/// - a declared risk-area stay → red, ended by `riskAreaCheckInDays` check-ins, by the end of
///   `riskAreaIsolationDays`, or only manually when neither is set (HQ, v2022);
/// - an overseas declaration → red, cleared after `overseasAutoClearDays` (v2022) or
///   `overseasIsolationDays`;
/// - a fever-clinic visit → yellow until a re-visit excludes COVID, or after
///   `feverClinicAutoClearDays` days with a negative NAT within that window;
/// - an exposure of at least `exposureMinutes` → yellow for `exposureYellowDays`, ended early by
///   a negative NAT taken after it;
/// - a purchase of fever or cough medicine → yellow for `feverMedicinePurchaseYellowDays`, ended
///   early by a negative NAT taken on or after it; no effect when the rule set leaves it out [U];
/// - a manual conversion to green ends every reason active at that time; to yellow or red it
///   adds a reason that only a later manual conversion ends; later automatic triggers apply as usual.
public enum ColourEngine {
    /// The status at the end of `date` (every event on or before that day counts).
    public static func status(of events: [HealthEvent], rules: RuleSet, on date: CalendarDate) -> ColourStatus {
        let relevant = events.filter { $0.time.date <= date }.sorted { $0.time < $1.time }
        var reasons: [ColourStatus.Reason] = []

        func checkIns(after day: CalendarDate) -> (streak: Int, lastAbnormal: CalendarDate?) {
            // Days after `day` (exclusive) up to `date` with at least one normal and no abnormal check-in.
            var normalDays = Set<Int>()
            var abnormalDays = Set<Int>()
            for event in relevant where event.time.date > day {
                guard case .checkIn(let normal) = event.kind else { continue }
                if normal {
                    normalDays.insert(event.time.date.daysSinceEpoch)
                } else {
                    abnormalDays.insert(event.time.date.daysSinceEpoch)
                }
            }
            var streak = 0
            var lastAbnormal: CalendarDate?
            for dayNumber in (day.daysSinceEpoch + 1)...max(day.daysSinceEpoch + 1, date.daysSinceEpoch) {
                if abnormalDays.contains(dayNumber) {
                    streak = 0
                    lastAbnormal = CalendarDate(daysSinceEpoch: dayNumber)
                } else if normalDays.contains(dayNumber) {
                    streak += 1
                } else if rules.missedDayResetsCount, dayNumber < date.daysSinceEpoch {
                    streak = 0  // a missed day resets the count; today may still be checked in
                }
            }
            return (streak, lastAbnormal)
        }

        func negativeTest(after day: CalendarDate) -> Bool {
            relevant.contains { event in
                if case .testResult(false) = event.kind { return event.time.date >= day }
                return false
            }
        }

        /// A reason ended by `days` consecutive normal check-ins after `since`, or nil if it has ended.
        func checkInReason(_ category: String, _ colour: HealthColour, since: CalendarDate, days: Int) -> ColourStatus.Reason? {
            let (streak, _) = checkIns(after: since)
            guard streak < days else { return nil }
            return .init(category: category, colour: colour, since: since, source: "auto",
                exitCondition: "\(days) consecutive days of normal check-ins (\(streak) so far)",
                endsOn: date.adding(days: days - streak))
        }

        for event in relevant {
            let day = event.time.date
            switch event.kind {
            case .checkIn(normal: false):
                if let days = rules.symptomCheckInDays {
                    reasons.removeAll { $0.category == "symptoms" }
                    if let reason = checkInReason("symptoms", .yellow, since: day, days: days) { reasons.append(reason) }
                }
            case .declaration(let symptoms, let riskAreaStay, let overseas):
                if !symptoms.isEmpty, let days = rules.symptomCheckInDays {
                    reasons.removeAll { $0.category == "symptoms" }
                    if let reason = checkInReason("symptoms", .yellow, since: day, days: days) { reasons.append(reason) }
                }
                if riskAreaStay {
                    if let days = rules.riskAreaCheckInDays {
                        if let reason = checkInReason("riskAreaStay", .red, since: day, days: days) { reasons.append(reason) }
                    } else if let days = rules.riskAreaIsolationDays {
                        let end = day.adding(days: days)
                        if end > date {
                            reasons.append(.init(category: "riskAreaStay", colour: .red, since: day, source: "auto",
                                exitCondition: "\(days) days of isolation after arrival", endsOn: end))
                        }
                    } else {
                        reasons.append(.init(category: "riskAreaStay", colour: .red, since: day, source: "auto",
                            exitCondition: "manual conversion by the county HQ after control ends", endsOn: nil))
                    }
                }
                if overseas {
                    if let days = rules.overseasAutoClearDays ?? rules.overseasIsolationDays {
                        let end = day.adding(days: days)
                        if end > date {
                            let how = rules.overseasAutoClearDays != nil ? "automatic after \(days) days if no overseas record is found"
                                : "\(days) days of isolation"
                            reasons.append(.init(category: "overseas", colour: .red, since: day, source: "auto",
                                exitCondition: how, endsOn: end))
                        }
                    } else {
                        reasons.append(.init(category: "overseas", colour: .red, since: day, source: "auto",
                            exitCondition: "manual conversion", endsOn: nil))
                    }
                }
            case .caseOpened(let status):
                reasons.removeAll { $0.category == "case.\(status.rawValue)" }
                reasons.append(.init(category: "case.\(status.rawValue)", colour: .red, since: day, source: "auto",
                    exitCondition: "release from isolation or treatment, then the post-release periods", endsOn: nil))
            case .caseClosed(let status):
                let category = "case.\(status.rawValue)"
                guard let open = reasons.firstIndex(where: { $0.category == category }) else { break }
                let since = reasons[open].since
                reasons.remove(at: open)
                if let red = rules.redDaysAfterRelease[status.rawValue] {
                    let yellow = rules.yellowDaysAfterRelease[status.rawValue] ?? 0
                    let redEnd = day.adding(days: red)
                    let yellowEnd = redEnd.adding(days: yellow)
                    if date < redEnd {
                        reasons.append(.init(category: category, colour: .red, since: since, source: "auto",
                            exitCondition: "\(red) days after release (then \(yellow) days yellow)", endsOn: redEnd))
                    } else if date < yellowEnd {
                        reasons.append(.init(category: category, colour: .yellow, since: redEnd, source: "auto",
                            exitCondition: "\(yellow) days of home monitoring after release", endsOn: yellowEnd))
                    }
                } else if let days = rules.releaseCheckInDays {
                    if let reason = checkInReason(category, .red, since: day, days: days) { reasons.append(reason) }
                }
            case .feverClinicVisit(let excludesCOVID):
                reasons.removeAll { $0.category == "feverClinic" }
                if excludesCOVID { break }
                if let days = rules.feverClinicAutoClearDays {
                    let end = day.adding(days: days)
                    let cleared = date >= end && relevant.contains { later in
                        if case .testResult(false) = later.kind { return later.time.date > date.adding(days: -days) }
                        return false
                    }
                    if !cleared {
                        reasons.append(.init(category: "feverClinic", colour: .yellow, since: day, source: "auto",
                            exitCondition: "a re-visit that excludes COVID, or \(days) days with a negative NAT within them",
                            endsOn: end))
                    }
                } else {
                    reasons.append(.init(category: "feverClinic", colour: .yellow, since: day, source: "auto",
                        exitCondition: "a re-visit that excludes COVID", endsOn: nil))
                }
            case .feverMedicinePurchase:
                guard let days = rules.feverMedicinePurchaseYellowDays else { break }
                reasons.removeAll { $0.category == "feverMedicine" }
                let end = day.adding(days: days)
                if date < end, !negativeTest(after: day) {
                    reasons.append(.init(category: "feverMedicine", colour: .yellow, since: day, source: "auto",
                        exitCondition: "\(days) days, or a negative NAT taken on or after the purchase", endsOn: end))
                }
            case .exposure(let minutes):
                guard let threshold = rules.exposureMinutes, minutes >= threshold else { break }
                let days = rules.exposureYellowDays ?? 14
                let end = day.adding(days: days)
                if date < end, !negativeTest(after: day) {
                    reasons.append(.init(category: "exposure", colour: .yellow, since: day, source: "auto",
                        exitCondition: "\(days) days, or a negative NAT taken after the exposure", endsOn: end))
                }
            case .manualConversion(let colour, let actor, let reason):
                if colour == .green {
                    reasons.removeAll()
                } else {
                    reasons.removeAll { $0.category == "manual" }
                    reasons.append(.init(category: "manual", colour: colour, since: day, source: actor,
                        exitCondition: "a later manual conversion (\(reason))", endsOn: nil))
                }
            case .checkIn(normal: true), .testResult:
                break
            }
        }
        reasons.sort { ($0.colour, $1.since) > ($1.colour, $0.since) }
        return ColourStatus(date: date, colour: reasons.map(\.colour).max() ?? .green, reasons: reasons)
    }

    /// The colour on every day from `start` to `end` inclusive.
    public static func timeline(of events: [HealthEvent], rules: RuleSet, from start: CalendarDate, to end: CalendarDate)
        -> [(date: CalendarDate, colour: HealthColour)]
    {
        (start.daysSinceEpoch...end.daysSinceEpoch).map { day in
            let date = CalendarDate(daysSinceEpoch: day)
            return (date, status(of: events, rules: rules, on: date).colour)
        }
    }
}
