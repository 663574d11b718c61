import Dispatch
import Synchronization
import HealthCardFoundation

/// An in-memory blocking index over a set of normalised records (../shared/specs/empi.md §1.4):
/// per rule, the (key, record) pairs sorted by key, so a block is a contiguous run found by binary
/// search, and each record's own keys, so the rules that produce a pair can be recomputed in O(1).
///
/// It serves both batch deduplication (`forEachCandidatePair(in:_:)` over all blocks) and
/// matching one new record (``candidates(for:excluding:)``). A persistent index (SQLite) can store
/// the same ``BlockingKey`` values, which are stable hashes.
public struct CandidateIndex: Sendable {
    struct RuleIndex: Sendable {
        let rule: BlockingRule
        /// Sorted by (key, record).
        var keys: [UInt64] = []
        var records: [Int32] = []
        /// Keys of record i: `recordKeys[recordKeyStart[i]..<recordKeyStart[i + 1]]`.
        var recordKeyStart: [Int32] = []
        var recordKeys: [UInt64] = []
        /// Keys appended since `keys`/`records` were last merged, in two short levels sorted by
        /// (key, record) like them: an ``CandidateIndex/append(_:)`` inserts into `pending` (at most
        /// ``CandidateIndex/LevelLimits/pending`` keys), which is merged into `recent` when full, which
        /// is merged into the long arrays when it holds ``CandidateIndex/LevelLimits/recent`` keys. So an
        /// append moves a few hundred entries, and the long arrays (millions of keys, moved nearly
        /// whole by a merge) move once per tens of thousands of keys: with one short level, merging
        /// every thousand keys was about half of a feed's matcher work at a million records. Every
        /// record in `recent` is newer than every one in the long arrays, and every one in
        /// `pending` newer than those in `recent`. Readers see all three (``runs(_:)``).
        var recentKeys: [UInt64] = []
        var recentRecords: [Int32] = []
        var pendingKeys: [UInt64] = []
        var pendingRecords: [Int32] = []
        /// Keys whose block is larger than the maximum block size.
        var overflow: Set<UInt64> = []
        var blocks = 0
        var overflowRecords = 0

        @inline(__always) func keys(of record: Int) -> ArraySlice<UInt64> {
            recordKeys[Int(recordKeyStart[record])..<Int(recordKeyStart[record + 1])]
        }

        /// The runs of records with `key` in the long arrays, in `recent` and in `pending`.
        func runs(_ key: UInt64) -> (merged: Range<Int>, recent: Range<Int>, pending: Range<Int>) {
            (Self.run(of: key, in: keys), Self.run(of: key, in: recentKeys), Self.run(of: key, in: pendingKeys))
        }

        /// The records with `key`, in record order (the long arrays' run, then `recent`'s, then
        /// `pending`'s).
        func forEachRecord(in runs: (merged: Range<Int>, recent: Range<Int>, pending: Range<Int>), _ body: (Int32) -> Void) {
            for position in runs.merged { body(records[position]) }
            for position in runs.recent { body(recentRecords[position]) }
            for position in runs.pending { body(pendingRecords[position]) }
        }

        /// The positions of `key` in sorted `keys`, by binary search for both ends: a block over
        /// the maximum size (tens of thousands of records at a million) is measured, not walked.
        static func run(of key: UInt64, in keys: [UInt64]) -> Range<Int> {
            let start = firstPosition(in: keys) { $0 >= key }
            guard start < keys.count, keys[start] == key else { return start..<start }
            return start..<firstPosition(in: keys, from: start) { $0 > key }
        }

        /// The first position from `low` whose key satisfies `isPast` (false, then true, over
        /// sorted `keys`), or `keys.count`.
        static func firstPosition(in keys: [UInt64], from low: Int = 0, _ isPast: (UInt64) -> Bool) -> Int {
            var low = low
            var high = keys.count
            while low < high {
                let mid = (low + high) / 2
                if isPast(keys[mid]) { high = mid } else { low = mid + 1 }
            }
            return low
        }

        /// Merges `pending` into `recent`, and `recent` into the long arrays once it holds
        /// `recentLimit` keys.
        mutating func mergePending(recentLimit: Int) {
            Self.merge(&pendingKeys, &pendingRecords, into: &recentKeys, &recentRecords)
            if recentKeys.count >= recentLimit { mergeRecent() }
        }

        /// Merges `pending` and `recent` into the long arrays.
        mutating func mergeAll() {
            Self.merge(&pendingKeys, &pendingRecords, into: &recentKeys, &recentRecords)
            mergeRecent()
        }

        private mutating func mergeRecent() {
            Self.merge(&recentKeys, &recentRecords, into: &keys, &records)
        }

        /// Merges the sorted `newerKeys` (with their records, every one newer than every record in
        /// `records`, so they go after equal keys) into the sorted `keys`, and empties them.
        /// In place, from the back: the long arrays grow by the newer count; each newer key's
        /// place is found by binary search, and the entries after it move as one block
        /// (`memmove`), so a merge costs one pass of memory copying instead of a compare per entry.
        static func merge(
            _ newerKeys: inout [UInt64], _ newerRecords: inout [Int32], into keys: inout [UInt64], _ records: inout [Int32]
        ) {
            guard !newerKeys.isEmpty else { return }
            // Each newer key goes after the entries with keys up to its own; the places do not
            // decrease, as the newer keys are sorted.
            let places = newerKeys.map { key in firstPosition(in: keys) { $0 > key } }
            let known = keys.count
            keys.append(contentsOf: newerKeys)
            records.append(contentsOf: newerRecords)
            keys.withUnsafeMutableBufferPointer { keys in
                records.withUnsafeMutableBufferPointer { records in
                    guard let keyBase = keys.baseAddress, let recordBase = records.baseAddress else { return }
                    // keys[0..<end] are the old entries not yet moved; the newer ones up to j go
                    // before everything placed so far.
                    var end = known
                    for j in stride(from: newerKeys.count - 1, through: 0, by: -1) {
                        let place = places[j]
                        let count = end - place
                        if count > 0 {
                            UnsafeMutableRawPointer(keyBase + place + j + 1).copyMemory(
                                from: keyBase + place, byteCount: count * MemoryLayout<UInt64>.stride)
                            UnsafeMutableRawPointer(recordBase + place + j + 1).copyMemory(
                                from: recordBase + place, byteCount: count * MemoryLayout<Int32>.stride)
                        }
                        keys[place + j] = newerKeys[j]
                        records[place + j] = newerRecords[j]
                        end = place
                    }
                }
            }
            newerKeys.removeAll(keepingCapacity: true)
            newerRecords.removeAll(keepingCapacity: true)
        }
    }

    /// The sizes of a rule's two short levels of appended keys (see `RuleIndex.recentKeys`).
    struct LevelLimits: Sendable {
        /// How many keys `pending` holds before it is merged into `recent`: an append moves half
        /// of them on average.
        var pending: Int
        /// How many keys `recent` holds before it is merged into the long arrays: a merge into
        /// `recent` moves it whole, a merge into the long arrays moves them nearly whole. With
        /// these sizes an append moves about 4 kB per rule at a million records, against 30 kB
        /// with one level of 1,024.
        var recent: Int

        static let standard = LevelLimits(pending: 512, recent: 32_768)
    }

    /// This index's level sizes (tests make them small, so that both merges happen often).
    var levelLimits = LevelLimits.standard

    /// Whether every appended key is merged into the sorted arrays (always so for an index built
    /// at once); the batch enumerations below need it and work on a merged copy otherwise.
    var isMerged: Bool { ruleIndexes.allSatisfy { $0.pendingKeys.isEmpty && $0.recentKeys.isEmpty } }

    /// This index with every pending key merged.
    func merged() -> CandidateIndex {
        var copy = self
        for position in copy.ruleIndexes.indices { copy.ruleIndexes[position].mergeAll() }
        return copy
    }

    public let blocker: Blocker
    public private(set) var count: Int
    var ruleIndexes: [RuleIndex]

    /// Builds every rule's index; the rules are independent, so with many records they are built on
    /// all cores (the result does not depend on which thread built which rule).
    public init(records: [NormalizedRecord], blocker: Blocker = Blocker()) {
        self.blocker = blocker
        self.count = records.count
        let rules = blocker.rules
        guard records.count >= Self.parallelBuildThreshold, rules.count > 1 else {
            ruleIndexes = rules.map { Self.ruleIndex($0, records: records, blocker: blocker) }
            return
        }
        let built = Mutex([Int: RuleIndex]())
        DispatchQueue.concurrentPerform(iterations: rules.count) { number in
            let index = Self.ruleIndex(rules[number], records: records, blocker: blocker)
            built.withLock { $0[number] = index }
        }
        ruleIndexes = built.withLock { table in rules.indices.map { table[$0]! } }
    }

    /// Below this many records the rules are indexed on the calling thread.
    static let parallelBuildThreshold = 4_096

    /// One rule's index over `records`: every record's keys, sorted, with block and overflow counts.
    static func ruleIndex(_ rule: BlockingRule, records: [NormalizedRecord], blocker: Blocker) -> RuleIndex {
        var index = RuleIndex(rule: rule)
        var entries: [(key: UInt64, record: Int32)] = []
        entries.reserveCapacity(records.count)
        index.recordKeyStart.reserveCapacity(records.count + 1)
        index.recordKeyStart.append(0)
        // By position, so no record is copied (an enumerated element is a copy: a retain per field).
        for number in records.indices {
            Blocker.forEachKey(of: records[number], rule: rule) { key in
                entries.append((key, Int32(number)))
                index.recordKeys.append(key)
            }
            index.recordKeyStart.append(Int32(index.recordKeys.count))
        }
        entries.sort { ($0.key, $0.record) < ($1.key, $1.record) }
        index.keys = entries.map(\.key)
        index.records = entries.map(\.record)
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count && entries[end].key == entries[start].key { end += 1 }
            if end - start >= 2 { index.blocks += 1 }
            if end - start > blocker.maximumBlockSize(for: rule) {
                index.overflow.insert(entries[start].key)
                index.overflowRecords += end - start
            }
            start = end
        }
        return index
    }

    /// Adds one record as number ``count``, leaving the index exactly as if it had been built with
    /// the record at the end: keys inserted in order, block and overflow counts updated. A persistent
    /// index (`PatientIndex`) grows this way on every feed instead of rebuilding; keys go to short
    /// sorted arrays per rule (`RuleIndex.recentKeys`), merged into the long ones every
    /// `LevelLimits.recent` keys, so an append costs O(pending + recent / pending) plus
    /// O(n / recent) amortised (empi.md §1.4: never a full scan).
    public mutating func append(_ record: NormalizedRecord) {
        let number = Int32(count)
        for position in ruleIndexes.indices {
            // Taken out of the array while it changes, so its arrays have one owner and grow in place
            // (a plain copy would duplicate every array of every rule on each append).
            var index = ruleIndexes[position]
            ruleIndexes[position] = RuleIndex(rule: index.rule)
            let cap = blocker.maximumBlockSize(for: index.rule)
            Blocker.forEachKey(of: record, rule: index.rule) { key in
                let runs = index.runs(key)
                index.pendingKeys.insert(key, at: runs.pending.upperBound)
                index.pendingRecords.insert(number, at: runs.pending.upperBound)
                index.recordKeys.append(key)
                let size = runs.merged.count + runs.recent.count + runs.pending.count + 1
                if size == 2 { index.blocks += 1 }
                if size == cap + 1 {
                    index.overflow.insert(key)
                    index.overflowRecords += size
                } else if size > cap + 1 {
                    index.overflowRecords += 1
                }
            }
            index.recordKeyStart.append(Int32(index.recordKeys.count))
            if index.pendingKeys.count >= levelLimits.pending { index.mergePending(recentLimit: levelLimits.recent) }
            ruleIndexes[position] = index
        }
        count += 1
    }

    /// The rules under which records `i` and `j` share a key in a block that did not overflow.
    @inline(__always) public func rules(_ i: Int, _ j: Int) -> BlockingRuleSet {
        var set = BlockingRuleSet()
        for index in ruleIndexes {
            let other = index.keys(of: j)
            for key in index.keys(of: i) where other.contains(key) {
                if index.overflow.isEmpty || !index.overflow.contains(key) {
                    set.insert(index.rule)
                    break
                }
            }
        }
        return set
    }

    /// A candidate for a query record: an indexed record and the rules that produced it.
    public struct Candidate: Sendable, Hashable {
        public let record: Int
        public let rules: BlockingRuleSet
    }

    /// Candidates for one record, in ascending record order; `excluding` drops the record itself when
    /// it is in the index. Blocks over the maximum size are skipped (see ``statistics``).
    public func candidates(for record: NormalizedRecord, excluding: Int? = nil) -> [Candidate] {
        var hits: [(record: Int32, bit: UInt16)] = []
        for index in ruleIndexes {
            Blocker.forEachKey(of: record, rule: index.rule) { key in
                let runs = index.runs(key)
                let size = runs.merged.count + runs.recent.count + runs.pending.count
                guard size <= blocker.maximumBlockSize(for: index.rule) else { return }
                index.forEachRecord(in: runs) { hits.append(($0, index.rule.bit)) }
            }
        }
        hits.sort { ($0.record, $0.bit) < ($1.record, $1.bit) }
        var result: [Candidate] = []
        var position = 0
        while position < hits.count {
            let current = hits[position].record
            var bits: UInt16 = 0
            while position < hits.count && hits[position].record == current {
                bits |= hits[position].bit
                position += 1
            }
            if Int(current) != excluding {
                result.append(Candidate(record: Int(current), rules: BlockingRuleSet(rawValue: bits)))
            }
        }
        return result
    }

    /// A contiguous run of one rule's index: one block.
    struct Block: Sendable {
        let rule: Int
        let range: Range<Int>
        var pairs: Int { range.count * (range.count - 1) / 2 }
    }

    /// Every block with at least two records and at most the maximum size, in rule and key order.
    func blocks() -> [Block] {
        guard isMerged else { return merged().blocks() }
        var result: [Block] = []
        for (ruleNumber, index) in ruleIndexes.enumerated() {
            var start = 0
            while start < index.keys.count {
                var end = start + 1
                while end < index.keys.count && index.keys[end] == index.keys[start] { end += 1 }
                if end - start >= 2 && end - start <= blocker.maximumBlockSize(for: index.rule) {
                    result.append(Block(rule: ruleNumber, range: start..<end))
                }
                start = end
            }
        }
        return result
    }

    /// Calls `body(i, j, rules)` once for each distinct candidate pair (i < j) produced by
    /// `blocks`: a pair is emitted by the lowest rule that produces it, from the block of its
    /// smallest shared key under that rule, so the union is enumerated without a global set.
    func forEachCandidatePair(in blocks: ArraySlice<Block>, _ body: (Int, Int, BlockingRuleSet) -> Void) {
        guard isMerged else { return merged().forEachCandidatePair(in: blocks, body) }
        for block in blocks {
            let index = ruleIndexes[block.rule]
            let key = index.keys[block.range.lowerBound]
            for x in block.range {
                let i = Int(index.records[x])
                for y in (x + 1)..<block.range.upperBound {
                    let j = Int(index.records[y])
                    let rules = self.rules(i, j)
                    guard rules.first == index.rule else { continue }
                    // Under this rule, emit only from the smallest key the two records share.
                    var smallest = key
                    let other = index.keys(of: j)
                    for shared in index.keys(of: i) where shared < smallest && other.contains(shared) {
                        if index.overflow.isEmpty || !index.overflow.contains(shared) { smallest = shared }
                    }
                    if smallest == key { body(i, j, rules) }
                }
            }
        }
    }

    /// Calls `body(i, j)` once for each pair that shares a key under the rule at `ruleNumber`
    /// (an index into ``Blocker/rules``), taking every `stride`-th pair: the EM sample of one rule.
    func forEachPair(ofRule ruleNumber: Int, stride: Int, _ body: (Int, Int) -> Void) {
        guard isMerged else { return merged().forEachPair(ofRule: ruleNumber, stride: stride, body) }
        let index = ruleIndexes[ruleNumber]
        var counter = 0
        for block in blocks() where block.rule == ruleNumber {
            let key = index.keys[block.range.lowerBound]
            for x in block.range {
                let i = Int(index.records[x])
                for y in (x + 1)..<block.range.upperBound {
                    counter += 1
                    guard counter % stride == 0 else { continue }
                    let j = Int(index.records[y])
                    let other = index.keys(of: j)
                    var smallest = key
                    for shared in index.keys(of: i) where shared < smallest && other.contains(shared) {
                        if index.overflow.isEmpty || !index.overflow.contains(shared) { smallest = shared }
                    }
                    if smallest == key { body(i, j) }
                }
            }
        }
    }

    /// Block counts per rule: blocks of two or more records, blocks skipped as too large, and the
    /// records in those.
    public var statistics: [BlockingStatistics.Rule] {
        ruleIndexes.map {
            BlockingStatistics.Rule(
                rule: $0.rule, keys: $0.keys.count + $0.recentKeys.count + $0.pendingKeys.count, blocks: $0.blocks, overflowBlocks: $0.overflow.count,
                overflowRecords: $0.overflowRecords, pairs: 0)
        }
    }
}

/// Blocking figures for a report (../shared/specs/empi.md §1.4).
public struct BlockingStatistics: Sendable, Hashable, Codable {
    public struct Rule: Sendable, Hashable, Codable {
        public var rule: BlockingRule
        /// Keys generated (records × keys per record).
        public var keys: Int
        public var blocks: Int
        /// Blocks over the maximum size, skipped: never silently compared in full.
        public var overflowBlocks: Int
        public var overflowRecords: Int
        /// Candidate pairs this rule emitted first (pairs are counted once, under their lowest rule).
        public var pairs: Int
    }

    public var rules: [Rule]
    public var records: Int
    /// Distinct candidate pairs scored.
    public var candidatePairs: Int
    /// True-match pairs among the candidates, when the truth is known.
    public var truePairsReached: Int?
    /// All true-match pairs, when the truth is known.
    public var truePairs: Int?

    /// All pairs of the data set: n(n−1)/2.
    public var possiblePairs: Double { Double(records) * Double(records - 1) / 2 }
    /// 1 − candidates / possible pairs.
    public var reductionRatio: Double { possiblePairs > 0 ? 1 - Double(candidatePairs) / possiblePairs : 0 }
    /// True pairs reached ÷ all true pairs.
    public var pairCompleteness: Double? {
        guard let reached = truePairsReached, let all = truePairs, all > 0 else { return nil }
        return Double(reached) / Double(all)
    }
}
