import HealthCardTestSupport
import Testing
@testable import EMPI
@testable import HealthCardFoundation


/// The GB 11643 worked examples through the EMPI path, ../shared/specs/empi.md §3.1.
@Suite("EMPI citizen IDs (GB 11643 through the matcher)")
struct EMPICitizenIDTests {
    typealias F = EMPIFixture

    @Test(
        "the worked examples normalise as valid, with birth date and sex (as of 2000: the 1880 one is over 130 today)",
        arguments: [
            ("11010519491231002X", 19_491_231, UInt8(2)), ("440524188001010014", 18_800_101, UInt8(1)),
        ])
    func workedExamples(id: String, birth: Int32, sex: UInt8) {
        var issues: [RecordIssue] = []
        let record = Normalizer(today: CalendarDate(year: 2000, month: 1, day: 1)!).normalize(
            F.record("a", citizenID: id), issues: &issues)
        #expect(issues.isEmpty, "\(issues)")
        #expect(record.hasOwnValidCitizenID)
        #expect(record.citizenIDText == id)
        #expect(record.idBirthDate == birth)
        #expect(record.idSex == sex)
        #expect(Comparator.citizenID(record, record) == .exact)
    }

    @Test("lower-case x and full-width digits normalise to the same ID")
    func normalisedForms() {
        let upper = F.normalized(F.record("a", citizenID: "11010519491231002X"))
        let lower = F.normalized(F.record("b", citizenID: " 11010519491231002x "))
        let wide = F.normalized(F.record("c", citizenID: "１１０１０５１９４９１２３１００２Ｘ"))
        #expect(Comparator.citizenID(upper, lower) == .exact)
        #expect(Comparator.citizenID(upper, wide) == .exact)
    }

    @Test("a 15-digit number and its upgrade are one identifier and link deterministically")
    func legacyUpgrade() {
        #expect(CitizenID.upgrade(legacy: "110105491231002") == "11010519491231002X")
        let legacy = F.normalized(F.record("a", name: "张三", citizenID: "110105491231002"))
        let full = F.normalized(F.record("b", name: "张三", citizenID: "11010519491231002X"))
        #expect(legacy.idFlags.contains(.upgraded))
        #expect(legacy.citizenIDText == "11010519491231002X")
        #expect(Comparator.citizenID(legacy, full) == .legacyEquivalent)
        let score = Scorer().score(legacy, full)
        #expect(score.deterministicRule == .citizenID)
        #expect(score.decision == .autoLink)
        // And they share the blocking key of rule 1.
        let keys = Blocker(rules: [.citizenID])
        #expect(keys.keys(for: legacy) == keys.keys(for: full))
    }

    @Test("an invalid ID is reported with the record's line and never links deterministically")
    func invalidID() {
        var record = F.record("a", name: "张三", citizenID: "110105194912310021")
        record.line = 7
        var issues: [RecordIssue] = []
        let normalized = F.normalizer.normalize(record, issues: &issues)
        #expect(issues.count == 1)
        #expect(issues.first?.kind == .invalidCitizenID && issues.first?.line == 7)
        #expect(issues.first?.message.contains("expected X, got 1") == true)
        #expect(normalized.hasCitizenID && !normalized.hasOwnValidCitizenID)
        let valid = F.normalized(F.record("b", name: "张三", citizenID: "11010519491231002X"))
        #expect(Comparator.citizenID(normalized, valid) == .oneEdit)
        #expect(Scorer().score(normalized, valid).deterministicRule == nil)
    }

    @Test("every single-digit corruption of a valid ID fails and compares as one edit")
    func corruptions() {
        let valid = Array("11010519491231002X")
        let reference = F.normalized(F.record("r", citizenID: String(valid)))
        for position in 0..<17 {
            for digit in "0123456789" where digit != valid[position] {
                var corrupted = valid
                corrupted[position] = digit
                let record = F.normalized(F.record("c", citizenID: String(corrupted)))
                #expect(!record.idFlags.contains(.valid))
                if record.hasCitizenID { #expect(Comparator.citizenID(reference, record) == .oneEdit) }
            }
        }
    }
}
