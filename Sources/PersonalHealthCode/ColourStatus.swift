import HealthCardFoundation

/// A person's colour at one moment, with every reason that is active and how it ends.
public struct ColourStatus: Hashable, Sendable, Codable {
    public var date: CalendarDate
    public var colour: HealthColour
    /// Active reasons, most severe first.
    public var reasons: [Reason]

    public struct Reason: Hashable, Sendable, Codable {
        /// `symptoms`, `riskAreaStay`, `overseas`, `case.confirmed`, `feverClinic`, `exposure`, `manual`.
        public var category: String
        public var colour: HealthColour
        public var since: CalendarDate
        /// Who set it: `auto`, or the actor of a manual conversion.
        public var source: String
        /// The exit condition in words: "7 consecutive days of normal check-ins (3 so far)".
        public var exitCondition: String
        /// The day it ends if nothing else happens, when that is known.
        public var endsOn: CalendarDate?
    }
}
