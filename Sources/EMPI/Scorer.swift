import HealthCardFoundation

/// Scores record pairs with a ``MatchModel`` (../shared/specs/empi.md §1.1 steps 3, 5-7):
/// total weight W = log2(λ/(1−λ)) + Σ field weights, each log2(m/u) with u replaced by the value's
/// frequency on term-frequency levels, m and u clamped to [1e-6, 1−1e-6], each field capped; then
/// the deterministic pre-pass, the vetoes and the two thresholds.
///
/// The model is compiled into flat weight tables once, so ``score(_:_:notSamePerson:)`` does no
/// allocation and no dictionary lookup; thresholds are compared as weights, so the hot path needs
/// no exponential. ``explain(_:_:_:_:levels:blockingRules:notSamePerson:)`` recomputes the same numbers
/// with the same arithmetic, so its parts add up to exactly the scored total.
public struct Scorer: Sendable {
    public let model: MatchModel
    let priorWeight: Double
    /// Capped weight per field and level (`field * 16 + level`), 0 for neutral levels.
    private let weights: [Double]
    /// log2 of the clamped m per field and level, for term-frequency levels.
    private let log2m: [Double]
    /// log2 of the level's u minus log2 of the reference u the value frequency replaces: the
    /// exact level's for "equal after normalisation" levels, the level's own otherwise.
    private let log2UOverReference: [Double]
    private let termFrequency: [Bool]
    private let caps: [Double]
    private let log2UFloor: Double
    private let log2UCeiling: Double
    let autoLinkWeight: Double
    let reviewWeight: Double
    private let strongDomains: [UInt64]
    private let householdCap: Double?

    public init(model: MatchModel = .default) {
        self.model = model
        let range = MatchModel.probabilityRange
        func clamp(_ x: Double) -> Double { min(max(x, range.lowerBound), range.upperBound) }
        let lambda = clamp(model.prior)
        priorWeight = EMPIMath.log2(lambda / (1 - lambda))
        var weights = [Double](repeating: 0, count: MatchField.count * 16)
        var log2m = [Double](repeating: 0, count: MatchField.count * 16)
        var termFrequency = [Bool](repeating: false, count: MatchField.count * 16)
        var uOverReference = [Double](repeating: 0, count: MatchField.count * 16)
        var caps = [Double](repeating: model.weightCap, count: MatchField.count)
        for field in MatchField.allCases {
            guard let parameters = model.field(field) else { continue }
            let cap = parameters.weightCap ?? model.weightCap
            caps[field.index] = cap
            for entry in parameters.levels {
                guard let level = field.level(named: entry.level), !field.isNeutral(level: level) else { continue }
                let slot = field.index * 16 + level
                let m = clamp(entry.m)
                let u = clamp(entry.u)
                log2m[slot] = EMPIMath.log2(m)
                weights[slot] = min(max(EMPIMath.log2(m) - EMPIMath.log2(u), -cap), cap)
                termFrequency[slot] = parameters.termFrequencyLevels.contains(entry.level)
                if let reference = Self.referenceLevel[entry.level],
                    let referenceU = parameters.levels.first(where: { $0.level == reference })?.u
                {
                    uOverReference[slot] = EMPIMath.log2(u) - EMPIMath.log2(clamp(referenceU))
                }
            }
        }
        self.weights = weights
        self.log2m = log2m
        self.termFrequency = termFrequency
        self.log2UOverReference = uOverReference
        self.caps = caps
        log2UFloor = EMPIMath.log2(clamp(model.termFrequencyMinimumU))
        log2UCeiling = EMPIMath.log2(range.upperBound)
        let thresholds = model.thresholds
        autoLinkWeight = EMPIMath.weight(probability: min(max(thresholds.autoLink, 1e-12), 1 - 1e-12))
        reviewWeight = EMPIMath.weight(probability: min(max(thresholds.review, 1e-12), 1 - 1e-12))
        strongDomains = model.strongIdentifierDomains.map(StableHash.of).sorted()
        householdCap = model.householdCap
    }

    /// Levels that mean "the same value, written differently": their term-frequency u scales the
    /// value frequency by u(level)/u(exact), as Splink's adjustment does. A mistyped token
    /// (`tokenTypo`) is the same name with a slip: a rare name mistyped is still rare (issue 18:
    /// "Xiuming Deng" / "Xiuning Deng" with the same birth date weighed as much as "John Smith").
    static let referenceLevel: [String: String] = [
        "simplified": "exact", "normalized": "exact", "tokenTypo": "exact",
    ]

    // MARK: Weights

    /// log2 of the term-frequency-adjusted u for this field and level, or `nil` when the level
    /// takes no adjustment or the records carry no frequencies. The larger of the two records'
    /// values is used, so the score is symmetric.
    @inline(__always) func termFrequencyLog2U(
        _ field: Int, _ level: Int, _ a: NormalizedRecord, _ b: NormalizedRecord
    ) -> Double? {
        guard let value = termFrequencyValue(field, level, a, b) else { return nil }
        return min(max(value, log2UFloor) + log2UOverReference[field * 16 + level], log2UCeiling)
    }

    /// The pair's value frequency (log2) behind ``termFrequencyLog2U(_:_:_:_:)``: the larger of
    /// the two records', before the floor and the level's scaling; `nil` when the level takes no
    /// adjustment or neither record carries a frequency. What `PairEvidence` keeps.
    @inline(__always) func termFrequencyValue(
        _ field: Int, _ level: Int, _ a: NormalizedRecord, _ b: NormalizedRecord
    ) -> Double? {
        guard termFrequency[field * 16 + level] else { return nil }
        let x: Double
        let y: Double
        switch field {
        case 1: (x, y) = (a.tfName, b.tfName)
        case 2: (x, y) = (a.tfLatin, b.tfLatin)
        case 3: (x, y) = (a.tfBirthDate, b.tfBirthDate)
        case 5: (x, y) = (a.tfPhone, b.tfPhone)
        case 6 where level == Int(AddressLevel.sameAddress.rawValue): (x, y) = (a.tfAddress, b.tfAddress)
        case 6: (x, y) = (a.tfCounty, b.tfCounty)
        default: return nil
        }
        let none = NormalizedRecord.noTermFrequency
        guard x != none || y != none else { return nil }
        return x == none ? y : (y == none ? x : max(x, y))
    }

    @inline(__always) func fieldWeight(
        _ field: Int, _ level: Int, _ a: NormalizedRecord, _ b: NormalizedRecord
    ) -> Double {
        if let log2U = termFrequencyLog2U(field, level, a, b) {
            let cap = caps[field]
            return min(max(log2m[field * 16 + level] - log2U, -cap), cap)
        }
        return weights[field * 16 + level]
    }

    /// A field's part of the total: its weight, with the address cut so that phone and address
    /// together stay within ``MatchModel/householdCap``.
    @inline(__always) func contribution(
        _ field: Int, _ levels: LevelVector, _ a: NormalizedRecord, _ b: NormalizedRecord
    ) -> Double {
        let level = levels[field]
        guard level != 0 else { return 0 }
        let weight = fieldWeight(field, level, a, b)
        guard field == 6, let cap = householdCap, weight > 0, levels[5] != 0 else { return weight }
        let phone = fieldWeight(5, levels[5], a, b)
        return phone > 0 && phone + weight > cap ? max(cap - phone, 0) : weight
    }

    // MARK: Scoring

    /// Levels, weight, deterministic rule and vetoes of a pair: the allocation-free core.
    @inline(__always) func evaluate(_ a: NormalizedRecord, _ b: NormalizedRecord) -> PairScore {
        evaluate(a, b, levels: Comparator.levels(a, b))
    }

    /// ``evaluate(_:_:)`` from levels already compared (`Comparator.levels(a, b)`): what an
    /// explanation of a scored pair reuses rather than comparing the pair again.
    @inline(__always) func evaluate(_ a: NormalizedRecord, _ b: NormalizedRecord, levels: LevelVector) -> PairScore {
        var weight = priorWeight
        for field in 0..<MatchField.count {
            let level = levels[field]
            if level != 0 { weight += contribution(field, levels, a, b) }
        }
        var deterministic: DeterministicRule?
        var vetoes = VetoSet()
        let id = levels[0]
        if id == Int(CitizenIDLevel.exact.rawValue) || id == Int(CitizenIDLevel.legacyEquivalent.rawValue) {
            if model.deterministicCitizenID && a.hasOwnValidCitizenID && b.hasOwnValidCitizenID {
                deterministic = .citizenID
            }
        } else if id == Int(CitizenIDLevel.different.rawValue) && a.hasOwnValidCitizenID && b.hasOwnValidCitizenID {
            vetoes.insert(.conflictingCitizenIDs)
        }
        if deterministic == nil && !strongDomains.isEmpty && levels[7] == Int(IdentifierLevel.exact.rawValue)
            && sharesStrongIdentifier(a, b)
        {
            deterministic = .identifier
        }
        if id == Int(CitizenIDLevel.household.rawValue) {
            if a.hasGuardianID != b.hasGuardianID
                && (a.hasConfirmedOwnCitizenID || b.hasConfirmedOwnCitizenID)
            {
                vetoes.insert(.guardianID)  // a parent's own record and a child's carrying that ID
            }
            if Comparator.namesDisagree(
                HanziNameLevel(rawValue: UInt8(levels[1])) ?? .null, LatinNameLevel(rawValue: UInt8(levels[2])) ?? .null)
            {
                vetoes.insert(.householdID)
            }
        }
        if likelyTwins(a, b, levels) { vetoes.insert(.likelyTwins) }
        if model.vetoUncorroborated && deterministic == nil && uncorroborated(levels)
            && !(levels[7] == Int(IdentifierLevel.oneOrTwoEdits.rawValue) && Comparator.identifierTypo(a, b))
        {
            vetoes.insert(.uncorroborated)
        }
        return PairScore(levels: levels, weight: weight, deterministic: deterministic, vetoes: vetoes)
    }

    private func sharesStrongIdentifier(_ a: NormalizedRecord, _ b: NormalizedRecord) -> Bool {
        for x in a.identifiers where strongDomains.contains(x.domain) {
            if b.identifiers.contains(x) { return true }
        }
        return false
    }

    /// Same birth date, surname and phone or address; given names that differ (a substituted
    /// character, a different name) or cannot be compared (missing, placeholder); no agreeing
    /// citizen ID and no shared card number (../shared/specs/empi.md §1.5).
    @inline(__always) func likelyTwins(_ a: NormalizedRecord, _ b: NormalizedRecord, _ levels: LevelVector) -> Bool {
        let birth = levels[3]
        guard birth == Int(BirthDateLevel.exact.rawValue) || birth == Int(BirthDateLevel.exactJanuaryFirst.rawValue)
        else { return false }
        let phone = levels[5]
        let address = levels[6]
        let shared =
            phone == Int(PhoneLevel.exact.rawValue)
            || address == Int(AddressLevel.sameAddress.rawValue) || address == Int(AddressLevel.sameCounty.rawValue)
        guard shared else { return false }
        // IDs that agree say "same person", unless they differ only in the sequence digits, which
        // is how twins' IDs differ (a typo there cannot be told from a sibling's number).
        let id = levels[0]
        if id != 0 && id != Int(CitizenIDLevel.different.rawValue) && id != Int(CitizenIDLevel.household.rawValue)
            && !((id == Int(CitizenIDLevel.oneEdit.rawValue) || id == Int(CitizenIDLevel.twoEdits.rawValue))
                && (a.idPacked ^ b.idPacked) & ~0xFF == 0
                && (a.idPacked != b.idPacked || a.idDigit17 != b.idDigit17))
        {
            return false
        }
        // One card number in one domain: the same person's card, not a sibling's.
        if levels[7] == Int(IdentifierLevel.exact.rawValue) { return false }
        let hanzi = HanziNameLevel(rawValue: UInt8(levels[1])) ?? .null
        let latin = LatinNameLevel(rawValue: UInt8(levels[2])) ?? .null
        // A name that cannot be compared (missing, or a newborn placeholder) cannot tell twins apart;
        // nor can pinyin alone when one side has no Hanzi: twins' given names are often
        // homophones (王勇 / 王永 are both "Wang Yong"), found at a million records.
        // Latin names that agree after reordering or case folding (PHILLIPS Philip / Philip
        // Phillips) are one name; only pinyin derived from Hanzi hides the written difference.
        let derived = a.nameFlags.contains(.derivedLatin) || b.nameFlags.contains(.derivedLatin)
        let pinyinOnly = latin == .normalized && derived
        let unknown =
            (hanzi == .null && (latin == .null || pinyinOnly)) || hanzi == .placeholder || latin == .placeholder
        let surname =
            unknown || (a.familyHash != 0 && a.familyHash == b.familyHash)
            || a.familyPinyinKeys.contains(where: b.familyPinyinKeys.contains)
        guard surname else { return false }
        switch (hanzi, latin) {
        // Pinyin read off Hanzi has no typos: a passport spelling one syllable away from it (陈大欣
        // "chen daxin" / "CHEN NAXIN") is a twin's other character as often as a slip.
        case (.null, .tokenTypo) where derived, (.null, .jaroWinkler92) where derived:
            return true
        // Latin tokens each within two edits (Stepanie Brwn / Stephanie Brown) are typos: twins'
        // given names differ by more than that (a Hanzi given name differs from a twin's in one
        // character, so there a one-character difference stays a twin's name).
        case (.null, .jaroWinkler92) where Comparator.everyTokenWithinTwoEdits(a.latinSorted, b.latinSorted):
            return false
        case (.oneCharacter, _), (.different, _), (_, .jaroWinkler92), (_, .jaroWinkler85), (_, .different):
            // 大伟 / 小伟 differ in one character; so do 朱艳娜 and a record of her twin 朱艳X that
            // lost a character, so a dropped character counts as different too.
            return true
        default:
            return unknown
        }
    }

    /// No identifying field agrees (citizen ID, phone, address line or card; a card number one
    /// or two edits away corroborates when ``Comparator/identifierTypo(_:_:)`` says it is a typo,
    /// not a neighbour in a sequence: checked by the caller, which has the records) and the
    /// disagreements weigh two or more: a different citizen ID, address or card weighs two, a
    /// different phone or an address agreeing only on the city or province one (a person's phone
    /// changes often, m 0.29; their address, ID and card rarely). Issue 18: one different address
    /// under the same name and birth date is how unrelated namesakes look once names and dates
    /// get their full weight. A household's ID number agrees on neither side of this.
    @inline(__always) func uncorroborated(_ levels: LevelVector) -> Bool {
        var disagreements = 0
        let id = levels[0]
        if id == Int(CitizenIDLevel.different.rawValue) {
            disagreements += 2
        } else if id != 0 && id != Int(CitizenIDLevel.household.rawValue) {
            return false
        }
        let phone = levels[5]
        if phone == Int(PhoneLevel.exact.rawValue) || phone == Int(PhoneLevel.lastEight.rawValue) { return false }
        if phone != 0 { disagreements += 1 }
        let address = levels[6]
        if address == Int(AddressLevel.sameAddress.rawValue) || address == Int(AddressLevel.sameCounty.rawValue) {
            return false
        }
        if address == Int(AddressLevel.different.rawValue) {
            disagreements += 2
        } else if address != 0 {
            disagreements += 1
        }
        let card = levels[7]
        if card == Int(IdentifierLevel.exact.rawValue) { return false }
        if card == Int(IdentifierLevel.different.rawValue) { disagreements += 2 }
        return disagreements >= 2
    }

    @inline(__always) func band(weight: Double) -> MatchBand {
        weight >= autoLinkWeight ? .autoLink : (weight >= reviewWeight ? .review : .nonMatch)
    }

    /// Band from the weight, then the deterministic rule (links), then the vetoes (auto-link → review).
    @inline(__always) func decision(_ score: PairScore) -> MatchBand {
        var decision = band(weight: score.weight)
        if score.deterministic != nil { decision = .autoLink }
        if !score.vetoes.isEmpty && decision == .autoLink { decision = .review }
        return decision
    }

    /// Scores one pair. `notSamePerson` adds the veto for a persistent "not the same person" assertion.
    public func score(_ a: NormalizedRecord, _ b: NormalizedRecord, notSamePerson: Bool = false) -> ScoredPair {
        var core = evaluate(a, b)
        if notSamePerson { core.vetoes.insert(.notSamePerson) }
        return ScoredPair(
            levels: core.levels, weight: core.weight, probability: EMPIMath.probability(weight: core.weight),
            band: band(weight: core.weight), decision: decision(core), deterministicRule: core.deterministic,
            vetoes: core.vetoes)
    }
}

/// The allocation-free result of ``Scorer/evaluate(_:_:)``.
struct PairScore: Sendable {
    var levels: LevelVector
    var weight: Double
    var deterministic: DeterministicRule?
    var vetoes: VetoSet
}

/// A scored pair: per-field levels, total weight and probability, the band the probability falls
/// in, and the final decision after the deterministic rule and the vetoes.
public struct ScoredPair: Sendable, Hashable {
    public let levels: LevelVector
    public let weight: Double
    public let probability: Double
    public let band: MatchBand
    public let decision: MatchBand
    public let deterministicRule: DeterministicRule?
    public let vetoes: VetoSet
}
