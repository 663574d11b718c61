import HealthCardTestSupport
import Testing
@testable import EMPI
@testable import HealthCardFoundation


/// Blocking (../shared/specs/empi.md §1.4) and single-record matching against an index (§1.1, §1.5).
@Suite("EMPI blocking and matching")
struct EMPIBlockingTests {
    typealias F = EMPIFixture

    @Test("each pair is produced once and remembers every rule that produced it")
    func unionOfRules() {
        let records = [
            F.record(
                "1", name: "张伟", birth: "1990-05-06", sex: "1", citizenID: F.id("11010519900506123"),
                phone: "13812345678", region: "110105"),
            F.record(
                "2", name: "章伟", birth: "1990-05-06", sex: "1", citizenID: F.id("11010519900506123"),
                phone: "13812345678", region: "110108"),
            F.record("3", name: "李娜", birth: "1985-01-01", sex: "2", phone: "13812345678"),
            F.record("4", name: "王芳", birth: "1970-07-07", sex: "2"),
        ].map(F.normalized)
        let index = CandidateIndex(records: records)
        var seen: [RecordPair: BlockingRuleSet] = [:]
        index.forEachCandidatePair(in: index.blocks()[...]) { i, j, rules in
            #expect(seen[RecordPair(i, j)] == nil, "pair \(i),\(j) emitted twice")
            seen[RecordPair(i, j)] = rules
        }
        #expect(Set(seen.keys) == [RecordPair(0, 1), RecordPair(0, 2), RecordPair(1, 2)])
        let rules = seen[RecordPair(0, 1)]!.rules
        #expect(rules.contains(.citizenID) && rules.contains(.idBirthDateSurname) && rules.contains(.phone))
        #expect(rules.contains(.fullNameRegion), "张伟 and 章伟 share the pinyin zhang wei and the prefix 1101")
        #expect(rules.contains(.birthDateGivenName) && rules.contains(.birthYearSurnameSex) == false)
        #expect(seen[RecordPair(0, 2)]!.rules == [.phone])
        let candidates = index.candidates(for: records[0], excluding: 0)
        #expect(candidates.map(\.record) == [1, 2])
        #expect(candidates[0].rules == seen[RecordPair(0, 1)]!)
    }

    @Test("a block's run is found by its two ends, at the start, the end, inside and absent")
    func blockRun() {
        let keys: [UInt64] = [1, 3, 3, 3, 5, 5]
        let run = { (key: UInt64) in CandidateIndex.RuleIndex.run(of: key, in: keys) }
        #expect(run(0) == 0..<0 && run(1) == 0..<1 && run(2) == 1..<1 && run(3) == 1..<4)
        #expect(run(4) == 4..<4 && run(5) == 4..<6 && run(6) == 6..<6)
        #expect(CandidateIndex.RuleIndex.run(of: 3, in: []) == 0..<0)
        let big = [UInt64](repeating: 7, count: 50_000) + [8]
        #expect(CandidateIndex.RuleIndex.run(of: 7, in: big) == 0..<50_000)
    }

    @Test(
        "an index grown record by record, merging its short levels, equals one built at once",
        arguments: [CandidateIndex.LevelLimits.standard, CandidateIndex.LevelLimits(pending: 8, recent: 64)])
    func grownEqualsBuilt(limits: CandidateIndex.LevelLimits) {
        let normalizer = Normalizer()
        let records = SyntheticPopulation(seed: 7, options: .init(persons: 1_500)).records.map { normalizer.normalize($0) }
        let built = CandidateIndex(records: records)
        var grown = CandidateIndex(records: [])
        grown.levelLimits = limits
        for (number, record) in records.enumerated() {
            grown.append(record)
            // Read while growing, whatever the levels hold: the candidates of a built index.
            if number % 97 == 0 {
                let prefix = CandidateIndex(records: Array(records[...number]))
                #expect(grown.candidates(for: records[number / 2]) == prefix.candidates(for: records[number / 2]))
                #expect(grown.statistics.map(\.keys) == prefix.statistics.map(\.keys))
            }
        }
        #expect(grown.ruleIndexes.contains { $0.recentKeys.count + $0.pendingKeys.count > limits.pending }, "pending merged into recent")
        if limits.recent < 1_000 {
            #expect(grown.ruleIndexes.allSatisfy { $0.keys.count > limits.recent }, "recent merged into the long arrays")
        }
        let merged = grown.merged()
        for (a, b) in zip(merged.ruleIndexes, built.ruleIndexes) {
            #expect(a.keys == b.keys && a.records == b.records, "\(a.rule)")
            #expect(a.blocks == b.blocks && a.overflow == b.overflow && a.overflowRecords == b.overflowRecords, "\(a.rule)")
        }
        #expect(grown.candidates(for: records[17]) == built.candidates(for: records[17]))
    }

    @Test("an oversized block is skipped and counted, never compared in full")
    func blockCap() {
        let records = (0..<12).map {
            F.normalized(F.record("\($0)", name: "王伟\($0 % 3 == 0 ? "" : "明")", phone: "13800000000"))
        }
        let index = CandidateIndex(records: records, blocker: Blocker(rules: [.phone], maximumBlockSize: 10))
        #expect(index.blocks().isEmpty)
        #expect(index.statistics.first?.overflowBlocks == 1 && index.statistics.first?.overflowRecords == 12)
        #expect(index.candidates(for: records[0]).isEmpty)
        let roomy = CandidateIndex(records: records, blocker: Blocker(rules: [.phone], maximumBlockSize: 12))
        #expect(roomy.blocks().first?.pairs == 66)
    }

    @Test("blocking keys are stable values that an index can persist")
    func stableKeys() {
        // Pinned values: changing the hash or the key layout invalidates every stored index.
        #expect(StableHash.of("abc") == 0x0CAD_8536_3553_4D79)
        let record = F.normalized(F.record("1", name: "张伟", birth: "1990-05-06", phone: "13812345678"))
        let again = F.normalized(F.record("2", name: "张伟", birth: "1990-05-06", phone: "+86 138 1234 5678"))
        let keys = Blocker().keys(for: record)
        #expect(keys.first { $0.rule == .phone }?.value == 0xDEDF_C578_B466_E309)
        #expect(keys.filter { $0.rule == .phone } == Blocker().keys(for: again).filter { $0.rule == .phone })
        #expect(
            Set(keys.map(\.rule)) == [
                .birthDateGivenName, .phone, .birthYearSurnameSex, .fullNameBirthDateOrBuilding, .fullNameOnly, .birthDateSex,
            ])
    }

    @Test("rule 8 finds swapped name order with a transposed date, and one building without a birth date")
    func fullNameBirthDateOrBuilding() {
        let records = [
            F.record("a", family: "王", given: "小明", birth: "1990-05-06"),
            F.record("b", family: "小明", given: "王", birth: "1990-06-05"),
            F.record("c", name: "李娜", address: "广东省深圳市南山区科技园路12号阳光花园3栋"),
            F.record("d", name: "李 娜", address: "科技园路12号"),
            F.record("e", name: "李娜", address: "科技园路14号"),
        ]
        let normalized = records.map(F.normalized)
        let index = CandidateIndex(records: normalized, blocker: Blocker())
        #expect(index.rules(0, 1).rules.filter { $0.rawValue <= 9 } == [.fullNameBirthDateOrBuilding])
        #expect(index.rules(2, 3).contains(.fullNameBirthDateOrBuilding))
        #expect(!index.rules(2, 4).contains(.fullNameBirthDateOrBuilding))
        // Misspelt Latin names share the sound-class key.
        let latin = [
            F.record("s1", family: "Brown", given: "Stephanie", birth: "1970-03-04"),
            F.record("s2", family: "BROWN", given: "Stepanie", birth: "1970-04-03"),
            F.record("s3", family: "Jennifer", given: "Williams", birth: "1948-04-19"),
            F.record("s4", family: "Williams", given: "Jemnifer", birth: "1948-04-19"),
            F.record("s5", family: "Williams", given: "Jessica", birth: "1948-04-19"),
        ].map(F.normalized)
        let latinIndex = CandidateIndex(records: latin, blocker: Blocker(rules: [.fullNameBirthDateOrBuilding]))
        #expect(latinIndex.rules(0, 1).contains(.fullNameBirthDateOrBuilding), "typo and swapped date")
        #expect(latinIndex.rules(2, 3).contains(.fullNameBirthDateOrBuilding), "typo and swapped order")
        #expect(!latinIndex.rules(3, 4).contains(.fullNameBirthDateOrBuilding))
    }

    @Test("rule 9 finds an identifier with one typo or transposition, never a different number")
    func identifierMasked() {
        let id = F.id("11010519900506123")
        let records = [
            F.record("a", name: "张伟", citizenID: id),
            F.record("b", name: "赵六", citizenID: "11010519900506" + "923" + String(id.last!)),  // typo in the sequence
            F.record("c", name: "王五", citizenID: "11010519900507123" + String(id.last!)),  // typo in the date
            F.record("d", name: "李四", citizenID: F.id("44030519751231456")),
            F.record("e", name: "Smith", cards: [("ni-number", "123456789")]),
            F.record("f", name: "Smyth", cards: [("ni-number", "123465789")]),  // transposition
            F.record("g", name: "Smith", cards: [("ni-number", "987654321")]),
            F.record("h", name: "Smith", cards: [("other", "123456789")]),  // another domain
        ].map(F.normalized)
        let index = CandidateIndex(records: records, blocker: Blocker(rules: [.identifierMasked]))
        #expect(index.rules(0, 1).contains(.identifierMasked))
        #expect(index.rules(0, 2).contains(.identifierMasked))
        #expect(index.rules(0, 3).isEmpty)
        #expect(index.rules(4, 5).contains(.identifierMasked))
        #expect(index.rules(4, 6).isEmpty && index.rules(4, 7).isEmpty)
    }

    @Test("rules 10 and 11: a full name alone, and a birth date (or swapped) or building with sex, under small caps")
    func singleFieldRules() {
        let records = [
            F.record("a", family: "Wright", given: "Matthew"),
            F.record("b", family: "WRIGHT", given: "Matthew", birth: "2014-08-07"),
            F.record("c", family: "Wrigt", given: "Mathew"),  // typos: same sound-class key
            F.record("d", family: "Evans", birth: "1970-03-04", sex: "2"),
            F.record("e", family: "Evanz", given: "Mary", birth: "1970-04-03", sex: "F"),  // swapped date
            F.record("f", family: "Evans", given: "Mary", birth: "1970-03-04", sex: "1"),
        ].map(F.normalized)
        let index = CandidateIndex(records: records, blocker: Blocker(rules: [.fullNameOnly, .birthDateSex]))
        #expect(index.rules(0, 1) == BlockingRuleSet([.fullNameOnly]))
        #expect(index.rules(0, 2) == BlockingRuleSet([.fullNameOnly]))
        #expect(index.rules(3, 4) == BlockingRuleSet([.birthDateSex]))
        #expect(index.rules(3, 5).isEmpty, "another sex")
        let flats = [
            F.record("g", family: "Jones", sex: "2", address: "Flat 3, 12 High Street"),
            F.record("h", family: "Xyz", sex: "F", address: "12 High St"),
        ].map(F.normalized)
        #expect(CandidateIndex(records: flats, blocker: Blocker(rules: [.birthDateSex])).rules(0, 1) == BlockingRuleSet([.birthDateSex]))
        #expect(Blocker().maximumBlockSize(for: .fullNameOnly) == 30 && Blocker().maximumBlockSize(for: .birthDateSex) == 40)
    }

    @Test("blocking recall per rule and for the union, with the true pairs no rule proposes")
    func blockingRecall() {
        let records = [
            F.record("a", name: "张伟", birth: "1990-05-06", phone: "13812345678"),
            F.record("b", name: "张伟", birth: "1990-05-06"),
            F.record("c", name: "赵伟", birth: "1991-01-01", phone: "13812345678"),
            F.record("d", name: "钱七", birth: "1950-01-01"),
            F.record("e", name: "孙八", birth: "1960-02-02"),
        ].map(F.normalized)
        let index = CandidateIndex(records: records, blocker: Blocker(rules: [.phone, .birthDateGivenName]))
        // Persons: a, b, c are one (phone finds a-c, name and date a-b, nothing b-c); d and e are one
        // (no shared key).
        let recall = BlockingRecall(index: index, truth: [0, 0, 0, 1, 1])
        #expect(recall.truePairs == 4 && recall.truePairsReached == 2)
        #expect(recall.missed == [RecordPair(1, 2), RecordPair(3, 4)])
        #expect(recall.rules.map(\.truePairsReached) == [1, 1])
        #expect(recall.rules.map(\.blockPairs) == [1, 1])
        #expect(recall.recall == 0.5 && recall.recall(of: recall.rules[0]) == 0.25)
        // Linkage: only pairs across the files (a | b c d e) count.
        let linked = BlockingRecall(index: index, truth: [0, 0, 0, 1, 1], leftCount: 1)
        #expect(linked.truePairs == 2 && linked.truePairsReached == 2 && linked.missed.isEmpty)
    }

    @Test("matching one record: link, new person, and several auto-link persons go to review")
    func recordMatcher() {
        let known = [
            F.record(
                "a1", name: "张伟", birth: "1990-05-06", sex: "1", citizenID: F.id("11010519900506123"),
                phone: "13812345678"),
            F.record("a2", name: "张伟", birth: "1990-05-06", sex: "1", phone: "13812345678", region: "110105"),
            F.record("b1", name: "李娜", birth: "1985-01-01", sex: "2", citizenID: F.id("44052419850101002")),
        ]
        let matcher = RecordMatcher(records: known, persons: [100, 100, 200], normalizer: F.normalizer)
        let same = matcher.match(
            F.record(
                "n", name: "張偉", birth: "19900506", sex: "男",
                citizenID: F.id("11010519900506123")))
        #expect(same.decision == .link(person: 100))
        #expect(same.candidates.first?.blockingRules.contains(.citizenID) == true)
        let stranger = matcher.match(F.record("s", name: "赵六", birth: "2001-02-03", sex: "1"))
        #expect(stranger.decision == .newPerson)
        let refused = matcher.match(
            F.record("n", name: "张伟", birth: "19900506", sex: "1", citizenID: F.id("11010519900506123")),
            notSamePersons: [100])
        #expect(refused.decision == .review(persons: [100]))

        // The same person entered twice under two person IDs: both reach auto-link, neither is picked.
        // (Other people fill the index so that term frequencies mean something.)
        let others = SyntheticPopulation(seed: 1, options: .init(persons: 200)).records
        let split = RecordMatcher(
            records: Array(known[0...1]) + others, persons: [1, 2] + others.indices.map { 1_000 + $0 },
            normalizer: F.normalizer)
        let outcome = split.match(
            F.record(
                "n", name: "张伟", birth: "1990-05-06", sex: "1",
                citizenID: F.id("11010519900506123"), phone: "13812345678"))
        #expect(outcome.candidates.filter { $0.decision == .autoLink }.map(\.person).sorted() == [1, 2])
        #expect(outcome.decision == .review(persons: [1, 2]) || outcome.decision == .review(persons: [2, 1]))
    }
}
