import Foundation
import HealthCardFoundation

/// A versioned colour rule set as data (health-code.md §5.1, §5.3 "Rule set = data"): the day
/// counts and switches that differ between Hainan's 2020-02, 2021-08, 2022-05 and 2022-09 rules.
/// `nil` means the rule set has no such automatic path (only a manual conversion ends it).
///
/// The shipped files (`Resources/rules/*.json`) carry a `source` note; where the public text is
/// truncated the value is an assumption and the file says so.
public struct RuleSet: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var effective: CalendarDate
    public var source: String

    /// Consecutive days of normal check-ins that turn symptom-yellow green.
    public var symptomCheckInDays: Int?
    /// Consecutive days of normal check-ins that turn a self-declared red (risk area) green.
    public var riskAreaCheckInDays: Int?
    /// Days after arrival after which a risk-area stay ends by itself (isolation period).
    public var riskAreaIsolationDays: Int?
    /// Days after an overseas declaration after which it clears automatically when nothing is found.
    public var overseasAutoClearDays: Int?
    /// Days after an overseas declaration of isolation (when there is no auto-clear).
    public var overseasIsolationDays: Int?
    /// Red days after discharge/release, per case status, before the code turns yellow.
    public var redDaysAfterRelease: [String: Int]
    /// Yellow days (home monitoring) after the red period, before green.
    public var yellowDaysAfterRelease: [String: Int]
    /// Whether a closed case needs consecutive normal check-ins instead (v2020-02): days.
    public var releaseCheckInDays: Int?
    /// Days after a fever-clinic visit after which it clears with a negative NAT in that window.
    public var feverClinicAutoClearDays: Int?
    /// Exposure near a case of at least this many minutes turns the code yellow (v2021-08).
    public var exposureMinutes: Int?
    /// Days an exposure keeps the code yellow unless a negative NAT clears it earlier [U].
    public var exposureYellowDays: Int?
    /// Whether a missed day resets a consecutive check-in count ("连续" is undefined) [U].
    public var missedDayResetsCount: Bool
    /// Days a purchase of fever or cough medicine keeps the code yellow, unless a negative NAT
    /// taken on or after the purchase day clears it earlier; `nil` (absent from the file): a
    /// purchase does not bear on the colour. [U] No public Hainan text binds pharmacy sales to the
    /// colour; the shipped rule sets leave it out, a province's own rule file sets it.
    public var feverMedicinePurchaseYellowDays: Int?
    /// Whether a medical-observation registration opens a case of its case type, so that the code
    /// is red while the person is observed; `nil` or `false` (absent): it does not bear on the
    /// colour. [U] The public texts only say that people under observation are red (v2021-08 red
    /// (2)), not that the observation site's record is what turns the code.
    public var medicalObservationOpensCase: Bool?

    /// The rule sets that ship with the library, by id (`hainan-2020-02` … `hainan-2022-09`).
    public static let shipped: [String: RuleSet] = {
        var sets: [String: RuleSet] = [:]
        for id in ["hainan-2020-02", "hainan-2021-08", "hainan-2022-05", "hainan-2022-09"] {
            guard let url = Bundle.module.url(forResource: id, withExtension: "json", subdirectory: "rules"),
                let data = try? Data(contentsOf: url), let rules = try? RuleSet(json: Array(data), source: "rules/\(id).json")
            else { preconditionFailure("HealthCardCore resource rules/\(id).json is missing or invalid") }
            sets[id] = rules
        }
        return sets
    }()

    /// A rule set from a file of the shipped form (`Resources/rules/*.json`), every key checked:
    /// a misspelt key is an error naming the file and the key, never a silently absent rule.
    ///
    /// - Throws: `HealthCardError/Code/malformed` naming `source` and the key or value.
    public init(json bytes: [UInt8], source: String) throws {
        let count = JSONShape.object(
            Dictionary(uniqueKeysWithValues: HealthEvent.CaseStatus.allCases.map { ($0.rawValue, JSONShape.integer) }))
        let shape = JSONShape.object(
            [
                "id": .string, "name": .string, "effective": .string, "source": .string,
                "symptomCheckInDays": .any, "riskAreaCheckInDays": .any, "riskAreaIsolationDays": .any,
                "overseasAutoClearDays": .any, "overseasIsolationDays": .any, "redDaysAfterRelease": count,
                "yellowDaysAfterRelease": count, "releaseCheckInDays": .any, "feverClinicAutoClearDays": .any,
                "exposureMinutes": .any, "exposureYellowDays": .any, "missedDayResetsCount": .bool,
                "feverMedicinePurchaseYellowDays": .any, "medicalObservationOpensCase": .any,
            ],
            required: ["id", "name", "effective", "source", "redDaysAfterRelease", "yellowDaysAfterRelease",
                "missedDayResetsCount"])
        try shape.check(json: bytes, source: source)
        do {
            self = try JSONDecoder().decode(RuleSet.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw HealthCardError.malformed("\(source): \(DecodingErrorText.describe(error))")
        }
    }

    public static func named(_ id: String) throws -> RuleSet {
        guard let rules = shipped[id] else {
            throw HealthCardError.invalidValue("no rule set '\(id)'; shipped: \(shipped.keys.sorted().joined(separator: ", "))")
        }
        return rules
    }
}
