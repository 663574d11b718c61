import HealthCardFoundation

/// Matches one incoming record against an index of known records grouped into persons
/// (../shared/specs/empi.md §1.1): normalise, annotate with the index's term frequencies, collect
/// candidates from the blocking index (never a full scan), score each, keep the best record per
/// person, and decide. When several persons reach auto-link, none is picked silently: all go to
/// review (§1.5).
///
/// This is the in-memory form; a persistent index stores the same blocking keys and the same
/// normalised records, and can reuse ``Scorer`` and ``decide(_:)`` unchanged.
public struct RecordMatcher: Sendable {
    public private(set) var records: [NormalizedRecord]
    /// The person (enterprise ID) of each indexed record.
    public private(set) var personOfRecord: [Int]
    public private(set) var index: CandidateIndex
    public private(set) var termFrequencies: TermFrequencies
    /// The fields a PDQ query compares, as compact columns over ``records``.
    public private(set) var demographics: DemographicColumns
    public let scorer: Scorer
    public let normalizer: Normalizer

    /// Indexes `records`, each belonging to the person at the same position of `persons`.
    public init(
        records: [PersonRecord], persons: [Int], model: MatchModel = .default, blocker: Blocker = Blocker(),
        normalizer: Normalizer = Normalizer()
    ) {
        precondition(records.count == persons.count, "one person per record")
        var normalized = records.map { normalizer.normalize($0) }
        let frequencies = TermFrequencies(records: normalized)
        frequencies.annotate(&normalized)
        self.init(
            normalized: normalized, persons: persons, termFrequencies: frequencies, scorer: Scorer(model: model),
            blocker: blocker, normalizer: normalizer)
    }

    /// Builds on records already normalised and annotated with `termFrequencies`.
    public init(
        normalized: [NormalizedRecord], persons: [Int], termFrequencies: TermFrequencies, scorer: Scorer,
        blocker: Blocker = Blocker(), normalizer: Normalizer = Normalizer()
    ) {
        self.init(
            normalized: normalized, persons: persons, termFrequencies: termFrequencies,
            index: CandidateIndex(records: normalized, blocker: blocker), scorer: scorer, normalizer: normalizer)
    }

    /// Builds on records already normalised, annotated with `termFrequencies` and indexed in
    /// `index` (a `Deduplicator` run's, so a bulk ingest does not block its records twice).
    public init(
        normalized: [NormalizedRecord], persons: [Int], termFrequencies: TermFrequencies, index: CandidateIndex,
        scorer: Scorer, normalizer: Normalizer = Normalizer()
    ) {
        precondition(index.count == normalized.count, "the index holds exactly the records")
        self.records = normalized
        self.personOfRecord = persons
        self.index = index
        self.termFrequencies = termFrequencies
        self.demographics = DemographicColumns(records: normalized)
        self.scorer = scorer
        self.normalizer = normalizer
    }

    /// A candidate person: its best-scoring record and the rules that produced that record.
    public struct Candidate: Sendable, Hashable {
        public let person: Int
        public let record: Int
        public let score: ScoredPair
        public let blockingRules: BlockingRuleSet
        /// The person's decision: the best record's, capped at review when any record of the person
        /// carries a hard conflict (conflicting IDs, a "not the same person" assertion).
        public let decision: MatchBand
    }

    public enum Decision: Sendable, Hashable {
        case link(person: Int)
        case review(persons: [Int])
        case newPerson
    }

    public struct Outcome: Sendable {
        public var decision: Decision
        /// Candidate persons, best first.
        public var candidates: [Candidate]
        public var issues: [RecordIssue]
        /// The record as normalised and annotated for scoring, for explanations.
        public var normalized: NormalizedRecord
    }

    /// Adds a record of `person` to the index (a persistent index growing by one feed): its values
    /// are counted into the term frequencies first, then it is annotated and indexed. Returns the
    /// record's number.
    @discardableResult
    public mutating func add(_ record: PersonRecord, person: Int) -> Int {
        add(normalized: normalizer.normalize(record), person: person)
    }

    /// ``add(_:person:)`` for a record normalised already by this matcher's ``normalizer`` (a
    /// caller that normalised it before taking the index's write lock, to shorten the lock).
    @discardableResult
    public mutating func add(normalized record: NormalizedRecord, person: Int) -> Int {
        var normalized = record
        termFrequencies.add(normalized)
        termFrequencies.annotate(&normalized)
        records.append(normalized)
        personOfRecord.append(person)
        index.append(normalized)
        demographics.append(normalized)
        return records.count - 1
    }

    /// Moves indexed record `record` to `person` (a link, unlink or merge in a persistent index).
    public mutating func assign(record: Int, to person: Int) { personOfRecord[record] = person }

    /// Matches `record`. `notSamePersons` are persons with a persistent "not the same person"
    /// assertion against this record; `excluding` is the record's own number when it is indexed
    /// (a re-feed), so it is not its own candidate.
    public func match(_ record: PersonRecord, notSamePersons: Set<Int> = [], excluding: Int? = nil) -> Outcome {
        var issues: [RecordIssue] = []
        let normalized = normalizer.normalize(record, issues: &issues)
        return match(normalized: normalized, issues: issues, notSamePersons: notSamePersons, excluding: excluding)
    }

    /// ``match(_:notSamePersons:excluding:)`` for a record normalised already by this matcher's
    /// ``normalizer``, with the `issues` that normalisation found. Normalising is the part of a
    /// match that does not depend on the index, so a caller holding a write lock can do it first.
    public func match(
        normalized record: NormalizedRecord, issues: [RecordIssue], notSamePersons: Set<Int> = [], excluding: Int? = nil
    ) -> Outcome {
        var normalized = record
        termFrequencies.annotate(&normalized)
        var best: [Int: Candidate] = [:]
        var conflicted: Set<Int> = []
        for candidate in index.candidates(for: normalized, excluding: excluding) {
            let person = personOfRecord[candidate.record]
            // The candidate's record is read in place: an array element read by value is a copy,
            // which retains every one of its fields.
            let score = records.withUnsafeBufferPointer { records in
                scorer.score(normalized, records[candidate.record], notSamePerson: notSamePersons.contains(person))
            }
            if score.vetoes.contains(.conflictingCitizenIDs) || score.vetoes.contains(.notSamePerson) {
                conflicted.insert(person)
            }
            let entry = Candidate(
                person: person, record: candidate.record, score: score, blockingRules: candidate.rules,
                decision: score.decision)
            if let current = best[person], (current.score.weight, -current.record) >= (score.weight, -candidate.record)
            {
                continue
            }
            best[person] = entry
        }
        var candidates = best.values.map { candidate in
            conflicted.contains(candidate.person) && candidate.decision == .autoLink
                ? Candidate(
                    person: candidate.person, record: candidate.record, score: candidate.score,
                    blockingRules: candidate.blockingRules, decision: .review)
                : candidate
        }
        candidates.sort { ($0.score.weight, -$0.person) > ($1.score.weight, -$1.person) }
        return Outcome(
            decision: Self.decide(candidates), candidates: candidates, issues: issues, normalized: normalized)
    }

    /// One auto-link person links; several go to review together; otherwise review candidates are
    /// queued, and with none the record starts a new person.
    public static func decide(_ candidates: [Candidate]) -> Decision {
        let linked = candidates.filter { $0.decision == .autoLink }.map(\.person)
        if linked.count == 1 { return .link(person: linked[0]) }
        if linked.count > 1 { return .review(persons: linked) }
        let review = candidates.filter { $0.decision == .review }.map(\.person)
        return review.isEmpty ? .newPerson : .review(persons: review)
    }
}
