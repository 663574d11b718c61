import HealthCardTestSupport
import Foundation
import Testing
@testable import EMPI
@testable import HealthCardFoundation


/// Fellegi-Sunter arithmetic, explanations, thresholds and vetoes, ../shared/specs/empi.md §1.3-§1.6, §5.1.
@Suite("EMPI scoring and decisions")
struct EMPIScoringTests {
    typealias F = EMPIFixture

    static let a = F.record(
        "a", name: "王小明", birth: "1990-05-06", sex: "1", citizenID: F.id("11010519900506123"),
        phone: "13812345678", address: "人民路1号", region: "110105")
    static let b = F.record(
        "b", name: "王晓明", birth: "19900506", sex: "男", citizenID: nil, phone: "13812345678", region: "110108")

    @Test("explanation parts add up to the total weight, and the scorer agrees")
    func partsSum() throws {
        let scorer = Scorer()
        let x = F.normalized(Self.a)
        let y = F.normalized(Self.b)
        let explanation = scorer.explain(Self.a, x, Self.b, y, blockingRules: BlockingRuleSet([.phone]))
        #expect(explanation.partsSum == explanation.totalWeight)
        #expect(scorer.score(x, y).weight == explanation.totalWeight)
        #expect(explanation.prior.weight == EMPIMath.log2(1e-5 / (1 - 1e-5)))
        #expect(explanation.blockingRules == ["same-mobile"])
        let name = try #require(explanation.fields.first { $0.field == .nameHanzi })
        #expect(name.level == "homophone" && name.rawA == "王小明" && name.rawB == "王晓明")
        let m = try #require(name.m)
        let u = try #require(name.u)
        #expect(abs(name.weight - EMPIMath.log2(m / u)) < 1e-12)
        #expect(explanation.fields.first { $0.field == .citizenID }?.level == "null")
        #expect(explanation.fields.first { $0.field == .citizenID }?.weight == 0)
        let json = try explanation.json()
        #expect(json.contains("\"totalWeight\"") && json.contains("\"blockingRules\""))
    }

    @Test("parts add up for every pair of a generated population, with term frequencies")
    func partsSumGenerated() {
        let population = SyntheticPopulation(seed: 3, options: .init(persons: 60))
        var records = population.records.map(F.normalized)
        TermFrequencies(records: records).annotate(&records)
        let scorer = Scorer()
        for i in 0..<min(records.count, 40) {
            for j in (i + 1)..<min(records.count, 40) {
                let e = scorer.explain(population.records[i], records[i], population.records[j], records[j])
                #expect(e.partsSum == e.totalWeight)
                #expect(scorer.score(records[i], records[j]).weight == e.totalWeight)
                #expect(scorer.score(records[j], records[i]).weight == e.totalWeight, "symmetric")
            }
        }
    }

    @Test("an explanation from the levels the deduplicator scored equals one that compares the pair again")
    func explanationFromScoredLevels() throws {
        let population = SyntheticPopulation(seed: 5, options: .init(persons: 300))
        let result = Deduplicator(estimator: nil).run(population.records)
        let scorer = Scorer()
        #expect(result.pairs.count > 100)
        for pair in result.pairs {
            let (a, b) = (population.records[pair.a], population.records[pair.b])
            let (x, y) = (result.normalized[pair.a], result.normalized[pair.b])
            #expect(pair.levels == scorer.score(x, y).levels)
            let reused = scorer.explain(a, x, b, y, levels: pair.levels, blockingRules: pair.blockingRules)
            #expect(reused == scorer.explain(a, x, b, y, blockingRules: pair.blockingRules))
            #expect(reused.totalWeight == pair.weight && reused.decision == pair.decision)
        }
    }

    @Test("an explanation rebuilt from a pair's evidence and its records normalised again is byte-identical")
    func explanationFromEvidence() throws {
        // Both populations (Chinese and romanised), every reported pair, with and without a "not
        // the same person" assertion; the records are normalised again without term frequencies,
        // as an index reading a stored link does, with a normaliser of the same settings.
        let normalizer = Normalizer(today: CalendarDate(year: 2026, month: 1, day: 1)!)
        let populations = [
            SyntheticPopulation(seed: 5, options: .init(persons: 300)).records,
            RomanisedPopulation(seed: 7, persons: 300).records,
        ]
        var checked = 0
        var withFrequencies = 0
        var vetoed = 0
        for records in populations {
            let result = Deduplicator(normalizer: normalizer, estimator: nil).run(records)
            let scorer = Scorer(model: result.model)
            #expect(result.pairs.count > 100)
            for (number, pair) in result.pairs.enumerated() {
                let (a, b) = (records[pair.a], records[pair.b])
                let (x, y) = (result.normalized[pair.a], result.normalized[pair.b])
                let notSame = number % 5 == 0
                let scored = scorer.explain(
                    a, x, b, y, levels: pair.levels, blockingRules: pair.blockingRules, notSamePerson: notSame)
                let evidence = scorer.evidence(
                    x, y, levels: pair.levels, blockingRules: pair.blockingRules, notSamePerson: notSame)
                let rebuilt = scorer.explain(
                    a, normalizer.normalize(a), b, normalizer.normalize(b), evidence: evidence)
                #expect(rebuilt == scored)
                #expect(try rebuilt.json() == scored.json())
                if evidence.termFrequencies.contains(where: { $0 != nil }) { withFrequencies += 1 }
                if !evidence.vetoes.isEmpty { vetoed += 1 }
                checked += 1
            }
        }
        #expect(checked > 400 && withFrequencies > 100 && vetoed > 50)
        // The evidence, not the records' own frequencies, decides the weights: records annotated
        // with other frequencies give the same explanation.
        let records = populations[0]
        let result = Deduplicator(normalizer: normalizer, estimator: nil).run(records)
        let scorer = Scorer(model: result.model)
        let pair = try #require(result.pairs.first { $0.decision == .autoLink })
        let evidence = scorer.evidence(
            result.normalized[pair.a], result.normalized[pair.b], levels: pair.levels, blockingRules: pair.blockingRules)
        var others = Array(records.prefix(20)).map(normalizer.normalize)
        TermFrequencies(records: others).annotate(&others)
        var x = normalizer.normalize(records[pair.a])
        var y = normalizer.normalize(records[pair.b])
        TermFrequencies(records: others).annotate(&x)
        TermFrequencies(records: others).annotate(&y)
        #expect(
            scorer.explain(records[pair.a], x, records[pair.b], y, evidence: evidence)
                == scorer.explain(
                    records[pair.a], result.normalized[pair.a], records[pair.b], result.normalized[pair.b],
                    levels: pair.levels, blockingRules: pair.blockingRules))
    }

    @Test("probability rises with weight")
    func probabilityMonotone() {
        var previous = -1.0
        for weight in stride(from: -60.0, through: 60.0, by: 0.5) {
            let p = EMPIMath.probability(weight: weight)
            // Strictly rising where a Double can tell the values apart, never falling anywhere.
            #expect(abs(weight) < 40 ? p > previous : p >= previous)
            #expect(p >= 0 && p <= 1)
            previous = p
        }
        #expect(EMPIMath.probability(weight: 0) == 0.5)
        #expect(abs(EMPIMath.probability(weight: EMPIMath.weight(probability: 0.99)) - 0.99) < 1e-12)
    }

    @Test("term frequency: agreeing on a common surname weighs less than on a rare one")
    func termFrequency() {
        var records = (0..<50).map { F.normalized(F.record("w\($0)", name: "王伟")) }
        records.append(F.normalized(F.record("r1", name: "乐颖")))
        records.append(F.normalized(F.record("r2", name: "乐颖")))
        TermFrequencies(records: records).annotate(&records)
        let scorer = Scorer()
        let common = scorer.score(records[0], records[1])
        let rare = scorer.score(records[50], records[51])
        #expect(common.levels[.nameHanzi] == Int(HanziNameLevel.exact.rawValue))
        #expect(rare.levels[.nameHanzi] == Int(HanziNameLevel.exact.rawValue))
        #expect(common.weight < rare.weight)
        let e = scorer.explain(F.record("w0", name: "王伟"), records[0], F.record("w1", name: "王伟"), records[1])
        let name = e.fields.first { $0.field == .nameHanzi }!
        #expect(name.termFrequencyU != nil && name.termFrequencyU! > name.u!)
        // Without annotation the model's u is used.
        let plain = scorer.score(F.name("王伟"), F.name("王伟"))
        #expect(plain.weight > common.weight)
    }

    @Test("term frequency from parts: one person's duplicates do not make a rare name or date common")
    func termFrequencyParts() {
        // 1,000 people with ordinary names and dates, the first with four records, and a
        // placeholder date (1 January) on every fiftieth.
        var records: [NormalizedRecord] = []
        let families = ["Smith", "Jones", "Brown", "Taylor", "Evans"]
        let givens = ["John", "Mary", "Paul", "Anne", "Mark", "Lucy", "Adam", "Ruth"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        for person in 0..<1_000 {
            let year = "19\(50 + person % 30)"
            let birth = person % 50 == 7 ? year + "-01-01" : year + "-" + two(1 + person % 12) + "-" + two(1 + (person / 12 + 5) % 28)
            for copy in 0..<(person == 0 ? 4 : 1) {
                records.append(F.normalized(F.record(
                    "\(person)-\(copy)", family: families[person % 5], given: givens[person % 8], birth: birth)))
            }
        }
        TermFrequencies(records: records).annotate(&records)
        // The duplicated person's date (1950-01-06, on 6 records of 3 persons) against an ordinary
        // one (1952-03-06, 3 records of 3 persons): counted whole, four records against one would
        // be 2 bits; from parts, about 1.1.
        #expect(abs(records[0].tfBirthDate - records[5].tfBirthDate) < 1.5)
        // A placeholder day is common: agreeing on it weighs less.
        let placeholder = records.firstIndex { $0.birthDate % 10_000 == 101 }!
        #expect(records[placeholder].tfBirthDate > records[5].tfBirthDate + 2)
        // A Latin name's frequency is the product of its tokens' (about 1/5 × 1/8 here).
        #expect(abs(records[5].tfLatin - EMPIMath.log2(1.0 / 5 * 1.0 / 8)) < 1)
    }

    @Test("m and u are clamped and a field's weight is capped")
    func clampAndCap() {
        var model = MatchModel.default
        model.set(.citizenID, level: "exact", m: 1, u: 0)
        model.weightCap = 10
        let scorer = Scorer(model: model)
        let x = F.normalized(F.record("a", citizenID: "11010519491231002X"))
        let e = scorer.explain(F.record("a"), x, F.record("b"), x)
        let id = e.fields.first { $0.field == .citizenID }!
        #expect(id.weight == 10 && id.capped)
    }

    @Test("band boundaries sit exactly at the thresholds")
    func bandBoundaries() {
        let scorer = Scorer(model: MatchModel.default)
        #expect(scorer.band(weight: EMPIMath.weight(probability: 0.99)) == .autoLink)
        #expect(scorer.band(weight: EMPIMath.weight(probability: 0.99).nextDown) == .review)
        #expect(scorer.band(weight: 0) == .review)
        #expect(scorer.band(weight: (0.0).nextDown) == .nonMatch)
        var model = MatchModel.default
        model.thresholds = .init(autoLink: 0.9, review: 0.2)
        let other = Scorer(model: model)
        #expect(other.band(weight: EMPIMath.weight(probability: 0.95)) == .autoLink)
        #expect(other.band(weight: EMPIMath.weight(probability: 0.3)) == .review)
        #expect(other.band(weight: EMPIMath.weight(probability: 0.1)) == .nonMatch)
    }

    @Test("equal valid citizen IDs link deterministically")
    func deterministic() {
        let x = F.normalized(F.record("a", name: "张伟", citizenID: "11010519491231002X"))
        let y = F.normalized(F.record("b", name: "張偉", citizenID: "11010519491231002x"))
        let score = Scorer().score(x, y)
        #expect(score.deterministicRule == .citizenID)
        #expect(score.decision == .autoLink)
        #expect(score.deterministicRule?.reason == "deterministic:citizen-id")
        var model = MatchModel.default
        model.deterministicCitizenID = false
        #expect(Scorer(model: model).score(x, y).deterministicRule == nil)
        // Under a different name the same number is a household's, not an identity.
        let other = F.normalized(F.record("c", name: "李四", citizenID: "11010519491231002X"))
        #expect(Scorer().score(x, other).deterministicRule == nil)
        #expect(Scorer().score(x, other).decision != .autoLink)
    }

    @Test("veto: conflicting valid citizen IDs")
    func vetoConflictingIDs() {
        let x = F.normalized(
            F.record(
                "a", name: "张伟", birth: "1990-05-06", sex: "1", citizenID: F.id("11010519900506123"),
                phone: "13812345678", address: "人民路1号", region: "110105"))
        let y = F.normalized(
            F.record(
                "b", name: "张伟", birth: "1990-05-06", sex: "1", citizenID: F.id("44052419900506123"),
                phone: "13812345678", address: "人民路1号", region: "110105"))
        var model = MatchModel.default
        model.set(.citizenID, level: "different", m: 0.5)  // so the score alone would link
        let score = Scorer(model: model).score(x, y)
        #expect(score.band == .autoLink)
        #expect(score.vetoes.contains(.conflictingCitizenIDs))
        #expect(score.decision == .review)
    }

    @Test("veto: an ID whose birth date is far from the record's is a guardian's")
    func vetoGuardian() {
        let mother = F.normalized(
            F.record(
                "m", name: "李芳", birth: "1990-05-06", sex: "2", citizenID: F.id("11010519900506124"),
                phone: "13812345678"))
        let child = F.normalized(
            F.record(
                "c", name: "李芳", birth: "2025-03-01", sex: "2", citizenID: F.id("11010519900506124"),
                phone: "13812345678"))
        #expect(child.hasGuardianID && !mother.hasGuardianID)
        let score = Scorer().score(mother, child)
        #expect(score.levels[.citizenID] == Int(CitizenIDLevel.household.rawValue), "a guardian's ID is a household's")
        #expect(score.deterministicRule == nil)
        #expect(score.vetoes.contains(.guardianID))
        #expect(score.decision != .autoLink)
        // A newborn under a placeholder name carries the mother's ID even without a birth date.
        let newborn = F.normalized(F.record("n", name: "李芳之女", citizenID: F.id("11010519900506124")))
        #expect(newborn.hasGuardianID)
        #expect(Scorer().score(mother, newborn).decision != .autoLink)
    }

    @Test("no deterministic link by an agreeing citizen ID when the names disagree: a household's number")
    func householdIDNamesDisagree() {
        let id = F.id("11010519800506123")
        // The parent's record, and a child's record without a birth date carrying the parent's ID.
        let parent = F.normalized(
            F.record("p", name: "王建国", birth: "1980-05-06", sex: "1", citizenID: id, phone: "13812345678",
                address: "人民路1号", region: "110105"))
        let child = F.normalized(
            F.record("c", name: "王小宝", sex: "1", citizenID: id, phone: "13812345678", address: "人民路1号",
                region: "110105"))
        #expect(!child.hasGuardianID, "no birth date: the number alone cannot show it is a guardian's")
        let score = Scorer().score(parent, child)
        #expect(score.levels[.citizenID] == Int(CitizenIDLevel.household.rawValue))
        #expect(score.deterministicRule == nil)
        #expect(score.vetoes.contains(.householdID))
        #expect(score.decision != .autoLink)
        #expect(score.probability < 0.5, "the number adds nothing: \(score.probability)")
        // Latin-only records: the same rule.
        let latinParent = F.normalized(F.record("lp", name: "WANG Jianguo", citizenID: id))
        let latinChild = F.normalized(F.record("lc", name: "LI Mei", citizenID: id))
        let latin = Scorer().score(latinParent, latinChild)
        #expect(latin.deterministicRule == nil && latin.decision != .autoLink)
        #expect(latin.vetoes.contains(.householdID))
        // Agreeing names keep the deterministic link.
        let same = F.normalized(F.record("s", name: "王建国", citizenID: id))
        #expect(Scorer().score(parent, same).deterministicRule == .citizenID)
        #expect(Scorer().score(parent, same).decision == .autoLink)
    }

    @Test("an ID whose birth date is 15+ years before the record's is a household link, not an identity")
    func householdIDFifteenYears() {
        let id = F.id("11010519850506123")
        let parent = F.normalized(F.record("p", name: "赵敏", birth: "1985-05-06", sex: "2", citizenID: id))
        // Same name as the parent (a namesake child): only the birth date shows the ID is not hers.
        let child = F.normalized(F.record("c", name: "赵敏", birth: "2012-09-01", sex: "2", citizenID: id))
        #expect(child.hasGuardianID)
        let score = Scorer().score(parent, child)
        #expect(score.levels[.citizenID] == Int(CitizenIDLevel.household.rawValue))
        #expect(score.deterministicRule == nil && score.decision != .autoLink)
        #expect(score.vetoes.contains(.guardianID))
    }

    @Test("an adult's record with an ID from another birth date: compared by its digits, not a guardian's")
    func adultDateConflict() {
        // A namesake's record carrying someone else's valid ID (born 1974) under a 1999 birth date.
        let own = F.normalized(F.record("a", name: "Binrui Ma", birth: "1999-04-26", sex: "2", citizenID: F.id("11010519990426294")))
        let other = F.normalized(F.record("b", name: "Binrui Ma", birth: "1999-04-26", sex: "2", citizenID: F.id("44030519740519904")))
        #expect(!other.hasGuardianID && !other.hasOwnValidCitizenID)
        #expect(other.normalizedValue(.citizenID)!.contains("adult"))
        let score = Scorer().score(own, other)
        #expect(score.levels[.citizenID] == Int(CitizenIDLevel.different.rawValue))
        #expect(score.vetoes.contains(.uncorroborated) && score.decision != .autoLink, "weight \(score.weight)")
        // The same number with a wrong birth date on one record: agreement, but no deterministic link.
        let typo = F.normalized(F.record("c", name: "Binrui Ma", birth: "1979-04-26", sex: "2", citizenID: F.id("11010519990426294")))
        #expect(!typo.hasGuardianID && !typo.hasOwnValidCitizenID)
        let same = Scorer().score(own, typo)
        #expect(same.levels[.citizenID] == Int(CitizenIDLevel.exact.rawValue) && same.deterministicRule == nil)
        #expect(same.decision == .autoLink, "weight \(same.weight)")
        // A minor's record with such an ID still carries a guardian's.
        let child = F.normalized(F.record("d", name: "马小宝", birth: "2015-04-26", citizenID: F.id("11010519990426294")))
        #expect(child.hasGuardianID)
    }

    @Test("veto: a passport spelling one syllable from a Hanzi name's pinyin can be a twin (陈大欣 / CHEN NAXIN)")
    func vetoPinyinTypoTwins() {
        let hanzi = F.record(
            "h", name: "陈大欣", birth: "2003-04-11", sex: "2", address: "四川省遂宁市船山区人民大道751号")
        var pinyin = hanzi
        pinyin.id = "p"
        pinyin.fullName = "CHEN NAXIN"
        let score = Scorer().score(F.normalized(hanzi), F.normalized(pinyin))
        #expect(score.levels[.nameLatin] == Int(LatinNameLevel.tokenTypo.rawValue))
        #expect(score.vetoes.contains(.likelyTwins) && score.decision != .autoLink)
        // Between two passport spellings the same slip is a typo.
        var other = pinyin
        other.fullName = "CHEN DAXIN"
        #expect(!Scorer().score(F.normalized(other), F.normalized(pinyin)).vetoes.contains(.likelyTwins))
    }

    @Test("the same guardian's ID on two records of one child does not veto them")
    func guardianIDSameChild() {
        let guardian = F.id("11010519800506123")
        let one = F.record(
            "c1", name: "王小宝", birth: "2015-03-01", sex: "1", citizenID: guardian, phone: "13812345678",
            address: "人民路1号", region: "110105")
        var two = one
        two.id = "c2"
        two.birthDate = "20150301"
        let x = F.normalized(one)
        let y = F.normalized(two)
        #expect(x.hasGuardianID && y.hasGuardianID)
        let score = Scorer().score(x, y)
        #expect(score.vetoes.isEmpty, "\(score.vetoes.vetoes)")
        #expect(score.levels[.citizenID] == Int(CitizenIDLevel.household.rawValue))
        #expect(score.deterministicRule == nil, "the guardian's number is not the child's identity")
        #expect(score.decision == .autoLink)
        // The child's record without a birth date (guardian not shown) and with one: not vetoed either.
        var three = one
        three.id = "c3"
        three.birthDate = nil
        let z = F.normalized(three)
        let other = Scorer().score(x, z)
        #expect(!other.vetoes.contains(.guardianID) && !other.vetoes.contains(.householdID))
        #expect(other.decision == .autoLink)
        // A sibling born another year under the same guardian's ID: not linked.
        var sibling = one
        sibling.id = "s"
        sibling.fullName = "王小玲"
        sibling.sex = "2"
        sibling.birthDate = "2018-07-09"
        #expect(Scorer().score(x, F.normalized(sibling)).decision == .nonMatch)
        // Twins under the same guardian's ID: the twins veto still holds.
        var twin = one
        twin.id = "t"
        twin.fullName = "王大宝"
        #expect(Scorer().score(x, F.normalized(twin)).vetoes.contains(.likelyTwins))
    }

    @Test("a guardian's ID does not link a child's record to the parent's")
    func guardianIDNotToParent() {
        let id = F.id("11010519800506123")
        let parent = F.normalized(
            F.record("p", name: "王芳", birth: "1980-05-06", sex: "2", citizenID: id, phone: "13812345678",
                address: "人民路1号", region: "110105"))
        let child = F.normalized(
            F.record("c", name: "王芳之女", birth: "2024-01-02", sex: "2", citizenID: id, phone: "13812345678",
                address: "人民路1号", region: "110105"))
        let score = Scorer().score(parent, child)
        #expect(score.deterministicRule == nil && score.decision != .autoLink)
        #expect(score.vetoes.contains(.guardianID))
    }

    @Test("veto: likely twins")
    func vetoTwins() {
        let one = F.record(
            "t1", name: "张大伟", birth: "2010-03-04", sex: "1", phone: "13812345678", address: "人民路1号", region: "110105")
        var other = one
        other.id = "t2"
        other.fullName = "张小伟"
        let score = Scorer().score(F.normalized(one), F.normalized(other))
        #expect(score.band == .autoLink, "the score alone would link: weight \(score.weight)")
        #expect(score.vetoes.contains(.likelyTwins))
        #expect(score.decision == .review)
        // The same person with an agreeing ID is not twins.
        var a = one
        a.identifiers = [.citizenID(F.id("11010520100304123"))]
        var b = other
        b.fullName = "张大伟"
        b.identifiers = a.identifiers
        #expect(!Scorer().score(F.normalized(a), F.normalized(b)).vetoes.contains(.likelyTwins))
    }

    @Test("veto: twins whose names agree only in pinyin (王勇 and a passport record 'Yong Wang' of 王永)")
    func vetoHomophoneTwins() {
        // The pair that merged two twins at a million records (bench empi-twins): one record
        // with split Hanzi name fields, the other's name only in pinyin; same birth date and address.
        var hanzi = F.record("h", birth: "1980-09-06", sex: "1", address: "青年路754号29栋2504", region: "130535")
        hanzi.familyName = "王"
        hanzi.givenName = "勇"
        var pinyin = F.record(
            "p", name: "Yong Wang", birth: "19800906", sex: "1", phone: "13293573431", address: "青年路754号29栋2504",
            region: "130535")
        pinyin.identifiers = []
        let score = Scorer().score(F.normalized(hanzi), F.normalized(pinyin))
        #expect(score.vetoes.contains(.likelyTwins))
        #expect(score.decision != .autoLink, "weight \(score.weight)")
    }

    @Test("veto: likely twins in Latin names: another given name, not a typo of it")
    func vetoLatinTwins() {
        func pair(_ x: String, _ y: String) -> ScoredPair {
            let a = F.record(
                "a", name: x, birth: "2010-03-04", sex: "1", phone: "07700900123", address: "12 High Street")
            var b = a
            b.id = "b"
            b.fullName = y
            return Scorer().score(F.normalized(a), F.normalized(b))
        }
        // Twins: two given names, or two syllables that are each a name (Hai / Hui).
        #expect(pair("Wang Hai", "Wang Hui").vetoes.contains(.likelyTwins))
        #expect(pair("Emily Brown", "Sarah Brown").vetoes.contains(.likelyTwins))
        // One person with typos: a letter changed in a syllable that is none after it (a keyboard
        // slip, an OCR digit), or every token within two edits.
        for (x, y) in [("Wang Wei", "Wang Wri"), ("Chen Lin", "Chen L1n"), ("Stephanie Brown", "Stepanie Brwn")] {
            let score = pair(x, y)
            #expect(!score.vetoes.contains(.likelyTwins), "\(x) / \(y)")
            #expect(score.decision == .autoLink, "\(x) / \(y): weight \(score.weight)")
        }
    }

    @Test("term frequency on a mistyped token: a rare name mistyped weighs more than a common one")
    func termFrequencyTokenTypo() {
        var records = (0..<200).map { F.normalized(F.record("c\($0)", name: "John Smith")) }
        records += (0..<200).map { F.normalized(F.record("o\($0)", name: "Mary Jones")) }
        records.append(F.normalized(F.record("r1", name: "Xiuming Deng")))
        records.append(F.normalized(F.record("r2", name: "Xiuning Deng")))
        records.append(F.normalized(F.record("c-typo", name: "Jonh Smith")))
        TermFrequencies(records: records).annotate(&records)
        let scorer = Scorer()
        let rare = scorer.score(records[400], records[401])
        let common = scorer.score(records[0], records[402])
        #expect(rare.levels[.nameLatin] == Int(LatinNameLevel.tokenTypo.rawValue))
        #expect(common.levels[.nameLatin] == Int(LatinNameLevel.tokenTypo.rawValue))
        #expect(rare.weight > common.weight + 5, "rare \(rare.weight), common \(common.weight)")
        // Without frequencies the level's own u applies, between the two.
        let plain = scorer.score(F.name("Xiuming Deng"), F.name("Xiuning Deng"))
        #expect(plain.weight < rare.weight && plain.weight > common.weight)
        let e = scorer.explain(
            F.record("r1", name: "Xiuming Deng"), records[400], F.record("r2", name: "Xiuning Deng"), records[401])
        #expect(e.partsSum == e.totalWeight)
        #expect(e.fields.first { $0.field == .nameLatin }?.termFrequencyU != nil)
    }

    @Test("veto: a persistent not-the-same-person assertion")
    func vetoNotSamePerson() {
        let x = F.normalized(Self.a)
        let score = Scorer().score(x, x, notSamePerson: true)
        #expect(score.vetoes.contains(.notSamePerson))
        #expect(score.decision == .review)
        #expect(Scorer().score(x, x).decision == .autoLink)
    }

    @Test("veto: only name, birth date and sex agree while identifying fields disagree")
    func vetoUncorroborated() {
        let x = F.normalized(
            F.record(
                "a", name: "方洁", birth: "1977-02-23", sex: "2", phone: "17895286632", address: "光明路48号",
                region: "450804"))
        let y = F.normalized(
            F.record(
                "b", name: "方洁", birth: "1977-02-23", sex: "2", phone: "13989503613", address: "幸福路267号",
                region: "533324"))
        var model = MatchModel.default
        model.prior = 0.01
        let score = Scorer(model: model).score(x, y)
        #expect(score.band == .autoLink)
        #expect(score.vetoes.contains(.uncorroborated))
        #expect(score.decision == .review)
        model.vetoUncorroborated = false
        #expect(Scorer(model: model).score(x, y).decision == .autoLink)
    }

    @Test("an identifier typo corroborates against the uncorroborated veto; a neighbouring number in a sequence does not")
    func identifierTypoCorroborates() {
        func record(_ id: String, card: String, address: String) -> NormalizedRecord {
            F.normalized(
                F.record(id, family: "Wilson", given: "Lisa", birth: "1939-10-08", sex: "F", address: address,
                    cards: [("ni-number", card)]))
        }
        let a = record("a", card: "735870995", address: "Flat 30, 213 York Road")
        let typo = record("b", card: "735870395", address: "8 Church Lane")
        #expect(Comparator.identifier(a, typo) == .oneOrTwoEdits && Comparator.identifierTypo(a, typo))
        let score = Scorer().score(a, typo)
        #expect(!score.vetoes.contains(.uncorroborated))
        #expect(score.decision == .autoLink, "name, birth date and a mistyped number: \(score.weight)")
        // Numbers that differ only in their last two characters are how a sequence of cards
        // looks (a family registering together): no corroboration, the veto stands.
        let neighbour = record("c", card: "735870996", address: "8 Church Lane")
        #expect(Comparator.identifier(a, neighbour) == .oneOrTwoEdits && !Comparator.identifierTypo(a, neighbour))
        #expect(Scorer().score(a, neighbour).vetoes.contains(.uncorroborated))
        let transposed = record("d", card: "735870959", address: "8 Church Lane")
        #expect(!Comparator.identifierTypo(a, transposed), "the last two swapped")
        #expect(Comparator.identifierTypo(a, record("e", card: "73587095", address: "x")), "a digit dropped")
        #expect(!Comparator.identifierTypo(a, record("f", card: "735870995", address: "x")), "equal is not a typo")
    }

    @Test("a family name alone against the full name keeps one citizen ID an identity, not a household's")
    func familyNameOnlyKeepsID() {
        let id = F.id("11010520020428891")
        let full = F.normalized(F.record("a", family: "Zhou", given: "Kaikai", birth: "2002-04-28", citizenID: id))
        let familyOnly = F.normalized(F.record("b", family: "ZHOU", birth: "2002-04-28", citizenID: id))
        let score = Scorer().score(full, familyOnly)
        #expect(score.levels[.citizenID] == Int(CitizenIDLevel.exact.rawValue))
        #expect(score.deterministicRule == .citizenID && score.decision == .autoLink)
        // Another given name on each side is still a household's number.
        let other = F.normalized(F.record("c", family: "Zhou", given: "Xiaoming", citizenID: id))
        #expect(Scorer().score(full, other).levels[.citizenID] == Int(CitizenIDLevel.household.rawValue))
        #expect(Scorer().score(full, other).vetoes.contains(.householdID))
    }

    @Test("placeholder names carry no weight")
    func placeholderName() {
        let x = F.normalized(F.record("a", name: "新生儿", birth: "2025-10-01"))
        let y = F.normalized(F.record("b", name: "王小明", birth: "2025-10-01"))
        let e = Scorer().explain(F.record("a"), x, F.record("b"), y)
        let name = e.fields.first { $0.field == .nameHanzi }!
        #expect(name.level == "placeholder" && name.weight == 0 && name.m == nil)
    }

    @Test("the model is JSON: defaults round-trip, and a partial file overrides single values")
    func modelJSON() throws {
        let data = try JSONEncoder().encode(MatchModel.default)
        #expect(try JSONDecoder().decode(MatchModel.self, from: data) == .default)
        let partial = #"{"prior": 0.001, "fields": [{"field": "phone", "levels": [{"level": "exact", "m": 0.5}]}]}"#
        let model = try JSONDecoder().decode(MatchModel.self, from: Data(partial.utf8))
        #expect(model.prior == 0.001)
        #expect(model.parameters(.phone, level: "exact")?.m == 0.5)
        #expect(model.parameters(.phone, level: "exact")?.u == MatchModel.default.parameters(.phone, level: "exact")?.u)
        #expect(model.thresholds == MatchModel.default.thresholds)
        let bad = #"{"fields": [{"field": "phone", "levels": [{"level": "nonsense", "m": 0.5}]}]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(MatchModel.self, from: Data(bad.utf8)) }
    }
}
