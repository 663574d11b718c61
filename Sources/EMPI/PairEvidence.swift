/// What a scored pair's explanation needs besides the two records (issue 18 item 6): the levels
/// the scorer found, the term frequencies it used, the vetoes and deterministic rule it applied
/// and the blocking rules that proposed the pair — a few numbers, where the explanation itself is
/// a kilobyte and more of text.
///
/// ``Scorer/explain(_:_:_:_:evidence:)`` gives from it and the two records (normalised again)
/// exactly the explanation ``Scorer/explain(_:_:_:_:levels:blockingRules:notSamePerson:)`` gave when
/// the pair was scored, with the same model and a normaliser with the same settings, so an index
/// can store this and build the explanation when it is read (tested on every reported pair of a
/// generated population). Why each part is kept rather than found again when read:
/// - the **levels** are the evidence the decision was made on (and comparing again costs the
///   comparison the score already made);
/// - the **term frequencies** depend on every record the matcher held when the pair was scored;
/// - the **vetoes** and the **deterministic rule** depend on the normaliser's settings (its
///   "today": a minor's record with a guardian's ID is an adult's date conflict years later), so
///   the decision an explanation shows never depends on when it is read.
public struct PairEvidence: Sendable, Hashable {
    public var levels: LevelVector
    public var blockingRules: BlockingRuleSet
    public var vetoes: VetoSet
    public var deterministicRule: DeterministicRule?
    /// Per field, in `MatchField.allCases` order: log2 of the pair's value frequency that took u's
    /// place in the field's weight (the larger of the two records'), `nil` when the field's level
    /// takes no such adjustment or neither record had a frequency.
    public var termFrequencies: [Double?]

    public init(
        levels: LevelVector, blockingRules: BlockingRuleSet, vetoes: VetoSet, deterministicRule: DeterministicRule?,
        termFrequencies: [Double?]
    ) {
        self.levels = levels
        self.blockingRules = blockingRules
        self.vetoes = vetoes
        self.deterministicRule = deterministicRule
        self.termFrequencies = termFrequencies
    }
}

extension Scorer {
    /// The evidence of a pair scored at `levels` (`Deduplicator.Pair/levels`,
    /// `ScoredPair/levels`): what ``explain(_:_:_:_:evidence:)`` needs to give its explanation
    /// again. `a` and `b` are the records as scored, annotated with the matcher's term frequencies.
    public func evidence(
        _ a: NormalizedRecord, _ b: NormalizedRecord, levels: LevelVector, blockingRules: BlockingRuleSet,
        notSamePerson: Bool = false
    ) -> PairEvidence {
        var core = evaluate(a, b, levels: levels)
        if notSamePerson { core.vetoes.insert(.notSamePerson) }
        var frequencies = [Double?](repeating: nil, count: MatchField.count)
        for field in 0..<MatchField.count where levels[field] != 0 {
            frequencies[field] = termFrequencyValue(field, levels[field], a, b)
        }
        return PairEvidence(
            levels: levels, blockingRules: blockingRules, vetoes: core.vetoes, deterministicRule: core.deterministic,
            termFrequencies: frequencies)
    }

    /// The explanation of a pair from its stored evidence: the raw values from `a` and `b`, the
    /// normalised values from `normalizedA` and `normalizedB` (their own term frequencies are not
    /// used: the evidence's are), everything else from `evidence` and this scorer's model.
    public func explain(
        _ a: PersonRecord, _ normalizedA: NormalizedRecord, _ b: PersonRecord, _ normalizedB: NormalizedRecord,
        evidence: PairEvidence
    ) -> Explanation {
        var x = normalizedA
        var y = normalizedB
        for field in 0..<MatchField.count {
            let value = evidence.termFrequencies.indices.contains(field) ? evidence.termFrequencies[field] : nil
            x.setTermFrequency(field: field, level: evidence.levels[field], value)
            y.setTermFrequency(field: field, level: evidence.levels[field], value)
        }
        var core = evaluate(x, y, levels: evidence.levels)
        core.vetoes = evidence.vetoes
        core.deterministic = evidence.deterministicRule
        return explanation(a, x, b, y, core: core, blockingRules: evidence.blockingRules)
    }
}

extension NormalizedRecord {
    /// Sets the frequency ``Scorer/termFrequencyValue(_:_:_:_:)`` reads for `field` at `level`
    /// (`nil`: none), so that a pair of records set alike gives back that value.
    mutating func setTermFrequency(field: Int, level: Int, _ value: Double?) {
        let value = value ?? Self.noTermFrequency
        switch field {
        case 1: tfName = value
        case 2: tfLatin = value
        case 3: tfBirthDate = value
        case 5: tfPhone = value
        case 6 where level == Int(AddressLevel.sameAddress.rawValue): tfAddress = value
        case 6: tfCounty = value
        default: break
        }
    }
}
