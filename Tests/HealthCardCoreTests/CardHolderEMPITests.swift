import HealthCardCore
import Testing

/// The cross-stack adapter in the umbrella: a read card's holder as an EMPI source record.
@Suite("Card holder → EMPI record")
struct CardHolderEMPITests {
    @Test("the card number is the id; name, birth date, sex code and the ID number as a citizen ID")
    func fromCard() throws {
        var contents = CardContents(issuer: IssuerRecord(cardNumber: "H46010000001"))
        contents.holder = HolderRecord(
            name: "张三", sex: Sex(code: "1"),
            birthDate: CalendarDate(year: 1949, month: 12, day: 31), idNumber: "11010519491231002X")
        let record = try PersonRecord(card: contents, domain: "hospital-card")
        #expect(record.id == "H46010000001" && record.domain == "hospital-card")
        #expect(record.fullName == "张三" && record.birthDate == "1949-12-31" && record.sex == "1")
        #expect(record.identifiers == [PatientIdentifier.citizenID("11010519491231002X")])
    }

    @Test("without a card number the ID number is the id; with neither, an error")
    func fallbacks() throws {
        var contents = CardContents(issuer: IssuerRecord())
        #expect(throws: HealthCardError.self) { try PersonRecord(card: contents, domain: "d") }
        contents.holder = HolderRecord(idNumber: "11010519491231002X")
        #expect(try PersonRecord(card: contents, domain: "d").id == "11010519491231002X")
    }
}
