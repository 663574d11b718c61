import Testing
import Foundation
@testable import HealthCardFoundation


/// GB 11643-1999 rules, ../shared/specs/empi.md §3.1 and §5.1.
@Suite("Citizen ID (GB 11643-1999)")
struct CitizenIDTests {
    /// A fixed "today" so date rules do not drift with the calendar.
    let validator = CitizenIDValidator(today: CalendarDate(year: 2026, month: 11, day: 22)!)

    @Test("the spec's worked examples are valid (as of 2000: the 1880 one is over 130 today)", arguments: ["11010519491231002X", "440524188001010014"])
    func workedExamples(id: String) throws {
        let report = CitizenIDValidator(today: CalendarDate(year: 2000, month: 1, day: 1)!).validate(id)
        #expect(report.isValid, "\(report.findings)")
        #expect(!validator.validate(id).findings.contains { $0.level == .checkCharacter })
    }

    @Test("derives birth date, sex and region")
    func derivedFields() throws {
        let report = validator.validate("11010519491231002X")
        #expect(report.birthDate == CalendarDate(year: 1949, month: 12, day: 31))
        #expect(report.sex == .female)
        #expect(report.regionCode == "110105")
        #expect(report.regionName == "北京市 朝阳区")
        #expect(report.findings.isEmpty)
        let id = try CitizenID("11010519491231002X")
        #expect(id.sex == .female && id.sequence == "002" && id.checkCharacter == "X")
        #expect(id.birthDate == CalendarDate(year: 1949, month: 12, day: 31))
    }

    @Test("check character MOD 11-2 over known bodies", arguments: [
        ("11010519491231002", "X"), ("44052418800101001", "4"), ("51010419700101123", "1"),
    ])
    func checkCharacter(body: String, expected: Character) {
        #expect(CitizenID.checkCharacter(forBody: body) == expected)
    }

    @Test("every single-digit corruption of a valid ID fails the check")
    func singleDigitCorruption() {
        let valid = Array("11010519491231002X")
        var rejected = 0
        for position in 0..<17 {
            for digit in "0123456789" where digit != valid[position] {
                var corrupted = valid
                corrupted[position] = digit
                let report = validator.validate(String(corrupted))
                #expect(!report.isValid, "\(String(corrupted)) passed")
                rejected += report.isValid ? 0 : 1
            }
        }
        #expect(rejected == 17 * 9)
    }

    @Test("wrong check character names the expected one")
    func wrongCheckCharacter() {
        let report = validator.validate("110105194912310021")
        #expect(!report.isValid)
        #expect(report.firstError == "wrong check character: expected X, got 1")
        #expect(report.findings.first?.position == 18)
        #expect(throws: HealthCardError.invalidValue("")) { try CitizenID("110105194912310021") }
    }

    @Test("lower-case x and full-width digits are normalised")
    func normalisation() {
        #expect(validator.validate("11010519491231002x").normalized == "11010519491231002X")
        #expect(validator.validate(" １１０１０５１９４９１２３１００２Ｘ ").isValid)
    }

    @Test("15-digit legacy numbers upgrade to 18")
    func legacyUpgrade() throws {
        #expect(CitizenID.upgrade(legacy: "110105491231002") == "11010519491231002X")
        let report = validator.validate("110105491231002")
        #expect(report.isValid && report.upgradedFrom15)
        #expect(report.normalized == "11010519491231002X")
        let id = try CitizenID("110105491231002")
        #expect(id.legacyForm == "110105491231002")
        #expect(id == (try CitizenID("110105491231002")))
    }

    @Test("bad length is reported with the count", arguments: ["", "1101051949123100", "1101054912310021", "11010519491231002X1"])
    func badLength(id: String) {
        let report = validator.validate(id)
        #expect(report.findings.map(\.level) == [.format])
        #expect(report.firstError?.hasPrefix("bad length: \(id.count) characters") == true)
    }

    @Test("bad character names its position", arguments: [
        ("11010A19491231002X", "A", 6), ("X10105194912310021", "X", 1), ("1101051949-231002X", "-", 11),
        ("11010549123100X", "X", 15),
    ])
    func badCharacter(id: String, character: String, position: Int) {
        let report = validator.validate(id)
        #expect(report.firstError == "bad character '\(character)' at position \(position)")
        #expect(report.findings.first?.position == position)
    }

    @Test("impossible dates are rejected", arguments: ["19490230", "19490231", "19491301", "19000229", "19490100"])
    func impossibleDate(date: String) {
        let id = Self.withCheckCharacter("110105" + date + "002")
        let report = validator.validate(id)
        #expect(report.findings.map(\.level) == [.birthDate])
        #expect(report.firstError == "impossible date \(date) (positions 7-14)")
    }

    @Test("29 February exists in leap years only")
    func leapDay() {
        #expect(validator.validate(Self.withCheckCharacter("11010520000229002")).isValid)
        #expect(!validator.validate(Self.withCheckCharacter("11010521000229002")).isValid)
    }

    @Test("a future birth date is invalid; an age over 130 is an error")
    func dateBounds() {
        let future = validator.validate(Self.withCheckCharacter("11010520271231002"))
        #expect(future.firstError == "birth date 2027-12-31 is in the future")
        let old = validator.validate("440524188001010014")
        #expect(!old.isValid)
        #expect(old.firstError == "birth date 1880-01-01 gives an age of 146, over 130")
    }

    @Test("sex comes from the parity of the 17th digit")
    func sexParity() {
        for digit in 0...9 {
            let report = validator.validate(Self.withCheckCharacter("1101051949123100\(digit)"))
            #expect(report.sex == (digit % 2 == 1 ? .male : .female))
        }
    }

    @Test("unknown province is an error, unknown county a warning, retired county a warning")
    func regions() {
        let province = validator.validate(Self.withCheckCharacter("99010519491231002"))
        #expect(province.findings.contains { $0.level == .province })
        let noProvince = validator.validate(Self.withCheckCharacter("19010519491231002"))
        #expect(!noProvince.isValid)
        #expect(noProvince.firstError == "unknown region: province code 19 is not in use")
        let county = validator.validate("440524198001010013")
        #expect(county.isValid)
        #expect(county.findings.contains { $0.level == .region && $0.message.contains("unknown region: 440524") })
        let retired = validator.validate(Self.withCheckCharacter("11010319800101002"))  // 崇文区, merged 2010
        #expect(retired.isValid)
        #expect(retired.findings.contains { $0.level == .region && $0.message.contains("retired") })
        #expect(CitizenIDValidator(regions: nil, today: validator.today).validate("440524198001010013")
            .findings.allSatisfy { $0.level != .region })
    }

    @Test("Hong Kong, Macau and Taiwan residence permit numbers")
    func residencePermits() {
        let taiwan = validator.validate(Self.withCheckCharacter("83000019900101002"))
        #expect(taiwan.isValid && taiwan.findings.isEmpty)
        #expect(taiwan.regionName == "台湾地区")
        let odd = validator.validate(Self.withCheckCharacter("81010119900101002"))
        #expect(odd.isValid)
        #expect(odd.findings.map(\.level) == [.region])
    }

    @Test("JSON round trip of a CitizenID")
    func codable() throws {
        let id = try CitizenID("11010519491231002X")
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == #"["11010519491231002X"]"#)
        #expect(try JSONDecoder().decode([CitizenID].self, from: data) == [id])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CitizenID].self, from: Data(#"["110105194912310021"]"#.utf8))
        }
    }

    static func withCheckCharacter(_ body: String) -> String {
        body + String(CitizenID.checkCharacter(forBody: body)!)
    }
}

