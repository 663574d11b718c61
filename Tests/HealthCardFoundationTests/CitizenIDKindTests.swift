import Testing
@testable import HealthCardFoundation

/// Separators in typed IDs, and numbers that are not citizen IDs although they share the format.
@Suite("Citizen ID: separators and foreign permanent resident IDs")
struct CitizenIDKindTests {
    let validator = CitizenIDValidator(today: CalendarDate(year: 2026, month: 11, day: 22)!)

    @Test("hyphens and spaces (half- or full-width) are dropped before checking",
          arguments: ["110105-19491231-002X", "110105 19491231 002X", "110105－19491231－002x", "110105　1949 1231 002X"])
    func separators(input: String) throws {
        let report = validator.validate(input)
        #expect(report.isValid, "\(report.findings)")
        #expect(report.normalized == "11010519491231002X")
        #expect(try CitizenID(input).value == "11010519491231002X")
    }

    @Test("a leading 9 is a foreign permanent resident ID: its own kind, issuing province checked")
    func foreignPermanentResident() throws {
        let foreign = validator.validate(CitizenIDTests.withCheckCharacter("91184019800101001"))
        #expect(foreign.isValid, "\(foreign.findings)")
        #expect(foreign.kind == .foreignPermanentResident)
        #expect(foreign.regionCode == nil)
        let ninetyNine = validator.validate(CitizenIDTests.withCheckCharacter("99184019800101001"))
        #expect(!ninetyNine.isValid)
        #expect(ninetyNine.kind == .foreignPermanentResident)
        #expect(ninetyNine.firstError == "foreign permanent resident ID: issuing province code 91 is not in use")
        #expect(validator.validate("11010519491231002X").kind == .citizenID)
        #expect(validator.validate(CitizenIDTests.withCheckCharacter("81000019800101001")).kind == .residencePermit)
    }

    @Test("the normal form skips the Unicode pass and gives what the pass would; anything else takes it")
    func normalFormFastPath() {
        for normal in ["11010519491231002X", "440524198001010013"] {
            #expect(CitizenIDValidator.isNormalForm(normal))
            #expect(CitizenIDValidator.withoutSeparators(normal) == normal)
            #expect(CitizenIDValidator.normalizedCharacters(normal) == normal)
        }
        for other in ["11010519491231002x", "1101051949123100２X", " 11010519491231002X", "110105-19491231002X",
            "1101051949123100X2", "11010519491231002", "11010519491231002XX", "110105491231002", ""]
        {
            #expect(!CitizenIDValidator.isNormalForm(other), "\(other)")
        }
        #expect(CitizenIDValidator.withoutSeparators("11010519491231002x") == "11010519491231002X")
    }
}

