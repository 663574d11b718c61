import HealthCardFoundation

/// The Fellegi-Sunter model (../shared/specs/empi.md §1.3, §1.5): m and u per field and level, the
/// prior λ, which levels take a term-frequency adjustment, weight caps, thresholds and the
/// deterministic rules.
///
/// ``default`` scores sensibly on a fresh install before any training; ``Estimator`` replaces m, u
/// and λ from unlabelled data. As JSON, every key is optional and overrides the defaults, so a
/// config file can override a single m or u:
/// `{"fields": [{"field": "phone", "levels": [{"level": "exact", "m": 0.5}]}]}`.
public struct MatchModel: Sendable, Hashable {
    public struct Level: Sendable, Hashable, Codable {
        public var level: String
        /// P(level | match).
        public var m: Double
        /// P(level | non-match).
        public var u: Double

        public init(level: String, m: Double, u: Double) {
            self.level = level
            self.m = m
            self.u = u
        }
    }

    public struct Field: Sendable, Hashable {
        public var field: MatchField
        /// Every level except the neutral ones (`null`, `placeholder`), best first.
        public var levels: [Level]
        /// Levels where exact agreement on a value v replaces u with v's relative frequency.
        public var termFrequencyLevels: [String]
        /// Overrides ``MatchModel/weightCap`` for this field.
        public var weightCap: Double?

        public init(field: MatchField, levels: [Level], termFrequencyLevels: [String] = [], weightCap: Double? = nil) {
            self.field = field
            self.levels = levels
            self.termFrequencyLevels = termFrequencyLevels
            self.weightCap = weightCap
        }
    }

    public struct Thresholds: Sendable, Hashable, Codable {
        /// p ≥ this links automatically.
        public var autoLink: Double
        /// p ≥ this (and below auto-link) goes to a human.
        public var review: Double

        public init(autoLink: Double = 0.99, review: Double = 0.5) {
            self.autoLink = autoLink
            self.review = review
        }
    }

    /// λ: the prior probability that two records drawn at random are the same person.
    public var prior: Double
    public var fields: [Field]
    public var thresholds: Thresholds
    /// No single field's weight may exceed ±this many bits.
    public var weightCap: Double
    /// Floor of a term-frequency-adjusted u.
    public var termFrequencyMinimumU: Double
    /// Exact agreement on valid own citizen IDs links at once (`deterministic:citizen-id`).
    public var deterministicCitizenID: Bool
    /// Identifier domains whose exact agreement links at once (`deterministic:identifier`).
    public var strongIdentifierDomains: [String]
    /// Apply the ``Veto/uncorroborated`` rule.
    public var vetoUncorroborated: Bool
    /// Phone and address together may add at most this many bits: a household shares both, so
    /// their agreements are one piece of evidence, not two independent ones (the model's
    /// independence assumption fails for them). `nil`: no joint cap.
    public var householdCap: Double?

    /// m and u are clamped to this range before taking logarithms.
    public static let probabilityRange = 1e-6...(1 - 1e-6)

    public init(
        prior: Double, fields: [Field], thresholds: Thresholds = Thresholds(), weightCap: Double = 15,
        termFrequencyMinimumU: Double = 1e-5, deterministicCitizenID: Bool = true,
        strongIdentifierDomains: [String] = [], vetoUncorroborated: Bool = true, householdCap: Double? = 16
    ) {
        self.prior = prior
        self.fields = fields
        self.thresholds = thresholds
        self.weightCap = weightCap
        self.termFrequencyMinimumU = termFrequencyMinimumU
        self.deterministicCitizenID = deterministicCitizenID
        self.strongIdentifierDomains = strongIdentifierDomains
        self.vetoUncorroborated = vetoUncorroborated
        self.householdCap = householdCap
    }

    public func field(_ field: MatchField) -> Field? { fields.first { $0.field == field } }

    /// m and u of a level, `nil` for the neutral levels.
    public func parameters(_ field: MatchField, level name: String) -> (m: Double, u: Double)? {
        guard let entry = self.field(field)?.levels.first(where: { $0.level == name }) else { return nil }
        return (entry.m, entry.u)
    }

    /// Sets m and/or u of one level (the override of ../shared/specs/empi.md §1.3).
    public mutating func set(_ field: MatchField, level name: String, m: Double? = nil, u: Double? = nil) {
        guard let f = fields.firstIndex(where: { $0.field == field }),
            let l = fields[f].levels.firstIndex(where: { $0.level == name })
        else { return }
        if let m { fields[f].levels[l].m = m }
        if let u { fields[f].levels[l].u = u }
    }

    /// Defaults for a fresh install: m from the corruption rates seen in registration data, u from
    /// how often unrelated people agree (1/N for unique identifiers, ~1/30,000 for birth dates, …),
    /// λ = 1e-5 (about one duplicate per 100,000 pairs, an index of ~100,000 people).
    public static let `default` = MatchModel(
        prior: 1e-5,
        fields: [
            Field(
                field: .citizenID,
                levels: [
                    Level(level: "exact", m: 0.80, u: 1e-6),
                    Level(level: "oneEdit", m: 0.04, u: 2e-6),
                    Level(level: "legacyEquivalent", m: 0.04, u: 1e-6),
                    Level(level: "twoEdits", m: 0.01, u: 1e-5),
                    Level(level: "different", m: 0.11, u: 0.999986),
                ]),
            Field(
                field: .nameHanzi,
                levels: [
                    Level(level: "exact", m: 0.86, u: 5e-4),
                    Level(level: "simplified", m: 0.03, u: 1e-5),
                    // At least as likely by chance as `exact`: every name has homophones (issue 18:
                    // at 2e-4, homophone + birth date alone auto-linked twins and namesakes).
                    Level(level: "homophone", m: 0.03, u: 5e-4),
                    Level(level: "oneCharacter", m: 0.04, u: 0.01),
                    Level(level: "swapped", m: 0.01, u: 1e-5),
                    Level(level: "different", m: 0.03, u: 0.989),
                ], termFrequencyLevels: ["exact", "simplified"]),
            Field(
                field: .nameLatin,
                levels: [
                    Level(level: "exact", m: 0.70, u: 5e-4),
                    Level(level: "normalized", m: 0.20, u: 2e-4),
                    Level(level: "tokenTypo", m: 0.05, u: 2e-4),
                    Level(level: "jaroWinkler92", m: 0.02, u: 0.003),
                    Level(level: "jaroWinkler85", m: 0.01, u: 0.02),
                    Level(level: "different", m: 0.02, u: 0.9758),
                ], termFrequencyLevels: ["exact", "normalized", "tokenTypo"]),
            Field(
                field: .birthDate,
                levels: [
                    Level(level: "exact", m: 0.90, u: 4e-5),
                    Level(level: "exactJanuaryFirst", m: 0.005, u: 2e-4),
                    Level(level: "monthDaySwapped", m: 0.008, u: 3e-5),
                    Level(level: "oneDigit", m: 0.02, u: 6e-4),
                    Level(level: "lunarShift", m: 0.01, u: 0.004),
                    Level(level: "sameYearMonth", m: 0.005, u: 0.0008),
                    Level(level: "withinOneYear", m: 0.01, u: 0.02),
                    Level(level: "different", m: 0.04, u: 0.97),
                ], termFrequencyLevels: ["exact", "exactJanuaryFirst"]),
            Field(
                field: .sex,
                levels: [
                    Level(level: "same", m: 0.98, u: 0.5),
                    Level(level: "different", m: 0.02, u: 0.5),
                ]),
            Field(
                field: .phone,
                levels: [
                    Level(level: "exact", m: 0.70, u: 1e-4),
                    Level(level: "lastEight", m: 0.01, u: 1e-5),
                    Level(level: "different", m: 0.29, u: 0.9999),
                ], termFrequencyLevels: ["exact"]),
            Field(
                field: .address,
                levels: [
                    Level(level: "sameAddress", m: 0.55, u: 1e-4),
                    Level(level: "sameCounty", m: 0.30, u: 0.005),
                    Level(level: "sameCity", m: 0.05, u: 0.02),
                    Level(level: "sameProvince", m: 0.04, u: 0.08),
                    Level(level: "different", m: 0.06, u: 0.895),
                ], termFrequencyLevels: ["sameAddress", "sameCounty"]),
            Field(
                field: .identifier,
                levels: [
                    Level(level: "exact", m: 0.90, u: 1e-6),
                    Level(level: "different", m: 0.05, u: 0.997999),
                    Level(level: "oneOrTwoEdits", m: 0.05, u: 0.002),
                ]),
        ])
}

extension MatchModel: Codable {
    enum CodingKeys: String, CodingKey {
        case prior, fields, thresholds, weightCap, termFrequencyMinimumU, deterministicCitizenID
        case strongIdentifierDomains, vetoUncorroborated, householdCap
    }

    /// Decodes over ``default``: missing keys keep their default values, and a field entry
    /// overrides only the levels it lists.
    public init(from decoder: any Decoder) throws {
        self = .default
        let container = try decoder.container(keyedBy: CodingKeys.self)
        prior = try container.decodeIfPresent(Double.self, forKey: .prior) ?? prior
        thresholds = try container.decodeIfPresent(Thresholds.self, forKey: .thresholds) ?? thresholds
        weightCap = try container.decodeIfPresent(Double.self, forKey: .weightCap) ?? weightCap
        termFrequencyMinimumU =
            try container.decodeIfPresent(Double.self, forKey: .termFrequencyMinimumU) ?? termFrequencyMinimumU
        deterministicCitizenID =
            try container.decodeIfPresent(Bool.self, forKey: .deterministicCitizenID) ?? deterministicCitizenID
        strongIdentifierDomains =
            try container.decodeIfPresent([String].self, forKey: .strongIdentifierDomains) ?? strongIdentifierDomains
        vetoUncorroborated = try container.decodeIfPresent(Bool.self, forKey: .vetoUncorroborated) ?? vetoUncorroborated
        if container.contains(.householdCap) {
            householdCap = try container.decodeIfPresent(Double.self, forKey: .householdCap)
        }
        for entry in try container.decodeIfPresent([FieldOverride].self, forKey: .fields) ?? [] {
            guard let index = fields.firstIndex(where: { $0.field == entry.field }) else { continue }
            for level in entry.levels ?? [] {
                guard let l = fields[index].levels.firstIndex(where: { $0.level == level.level }) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .fields, in: container,
                        debugDescription: "unknown level \(level.level) of field \(entry.field.rawValue)")
                }
                if let m = level.m { fields[index].levels[l].m = m }
                if let u = level.u { fields[index].levels[l].u = u }
            }
            if let tf = entry.termFrequencyLevels { fields[index].termFrequencyLevels = tf }
            if let cap = entry.weightCap { fields[index].weightCap = cap }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(prior, forKey: .prior)
        try container.encode(thresholds, forKey: .thresholds)
        try container.encode(weightCap, forKey: .weightCap)
        try container.encode(termFrequencyMinimumU, forKey: .termFrequencyMinimumU)
        try container.encode(deterministicCitizenID, forKey: .deterministicCitizenID)
        try container.encode(strongIdentifierDomains, forKey: .strongIdentifierDomains)
        try container.encode(vetoUncorroborated, forKey: .vetoUncorroborated)
        try container.encode(householdCap, forKey: .householdCap)
        try container.encode(fields.map(FieldOverride.init), forKey: .fields)
    }

    private struct FieldOverride: Codable {
        struct LevelOverride: Codable {
            var level: String
            var m: Double?
            var u: Double?
        }
        var field: MatchField
        var levels: [LevelOverride]?
        var termFrequencyLevels: [String]?
        var weightCap: Double?

        init(_ field: Field) {
            self.field = field.field
            self.levels = field.levels.map { LevelOverride(level: $0.level, m: $0.m, u: $0.u) }
            self.termFrequencyLevels = field.termFrequencyLevels
            self.weightCap = field.weightCap
        }
    }
}
