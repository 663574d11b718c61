import Foundation
import HealthCardFoundation

/// What a clue report is about (issue 20 §5): a suspected case in one of the four health-condition
/// categories, or a violation of the prevention rules.
public enum ClueSubject: Hashable, Sendable {
    case suspectedCase(HealthCondition)
    case violation(ViolationKind)

    /// The four categories of people the prevention rules single out (四类人员). [U] The seed's
    /// wording is not in the specs; these are the four categories of the national prevention
    /// guidelines: confirmed cases, suspected cases, fever patients in whom COVID-19 cannot be
    /// excluded, and close contacts of confirmed cases.
    public enum HealthCondition: String, Hashable, Sendable, CaseIterable {
        case confirmed, suspected, feverNotExcluded, closeContact
    }

    /// Violations the public may report: gatherings, movement against the rules, price gouging,
    /// counterfeit (protective) goods, a business reopening without approval.
    public enum ViolationKind: String, Hashable, Sendable, CaseIterable {
        case gathering, movement, priceGouging, counterfeit, unauthorisedReopening
    }

    /// `suspectedCase` or `violation`.
    public var category: String {
        switch self {
        case .suspectedCase: "suspectedCase"
        case .violation: "violation"
        }
    }

    /// The condition or violation kind.
    public var kind: String {
        switch self {
        case .suspectedCase(let condition): condition.rawValue
        case .violation(let kind): kind.rawValue
        }
    }

    /// A subject from its stored or typed form: `suspectedCase/feverNotExcluded`, `violation/gathering`,
    /// or the kind alone (every kind name is unique across the two categories).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` listing the valid subjects.
    public init(_ text: String) throws {
        let kind = text.split(separator: "/", maxSplits: 1).last.map(String.init) ?? text
        let category = text.contains("/") ? String(text.prefix { $0 != "/" }) : nil
        if category != "violation", let condition = HealthCondition(rawValue: kind) {
            self = .suspectedCase(condition)
        } else if category != "suspectedCase", let violation = ViolationKind(rawValue: kind) {
            self = .violation(violation)
        } else {
            throw HealthCardError.invalidValue(
                "clue subject '\(TerminalText.escaped(text))': one of \(Self.allNames.joined(separator: ", "))")
        }
    }

    /// Every subject as `category/kind`.
    public static var allNames: [String] {
        HealthCondition.allCases.map { "suspectedCase/\($0.rawValue)" } + ViolationKind.allCases.map { "violation/\($0.rawValue)" }
    }

    public var name: String { "\(category)/\(kind)" }
}

/// A new clue report from the public.
public struct NewClueReport: Hashable, Sendable {
    public var subject: ClueSubject
    /// The county-level GB/T 2260 code of the place (routing is by it).
    public var region: String
    /// The place in words (address, venue).
    public var place: String
    public var description: String
    /// The reporter's phone for feedback; reports may be anonymous.
    public var reporterPhone: String?

    public init(subject: ClueSubject, region: String, place: String, description: String, reporterPhone: String? = nil) {
        self.subject = subject
        self.region = region
        self.place = place
        self.description = description
        self.reporterPhone = reporterPhone
    }
}

/// The district office that handles clue reports of a region (a county, or a prefecture or
/// province as the fallback for its counties without a handler of their own).
public struct ClueHandler: Hashable, Sendable, Codable {
    public let region: String
    public let name: String
    /// Where notifications go (an SMS gateway's recipient).
    public let phone: String
}

/// A stored clue report and how far it has travelled.
public struct ClueReport: Hashable, Sendable {
    public let id: Int64
    public let subject: ClueSubject
    public let region: String
    public let place: String
    public let description: String
    public let reporterPhone: String?
    public let reportedAt: Date
    /// The handler it was routed to; `nil`: no handler covers its region.
    public let handler: ClueHandler?
    public let notifiedAt: Date?
    /// The gateway's message id.
    public let messageID: String?
    public let acknowledgedAt: Date?
    public let acknowledgedBy: String?
    public let feedbackAt: Date?
    public let feedback: String?

    /// Where the report is: `unrouted`, `routed` (not yet notified), `notified`, `acknowledged`, `closed` (feedback given).
    public var status: String {
        if feedbackAt != nil { return "closed" }
        if acknowledgedAt != nil { return "acknowledged" }
        if notifiedAt != nil { return "notified" }
        return handler == nil ? "unrouted" : "routed"
    }
}
