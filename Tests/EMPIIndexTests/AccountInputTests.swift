import Foundation
import Testing
@testable import EMPIIndex
@testable import HealthCardFoundation

/// Values an account refuses instead of storing: a phone that is no phone number, a bank card
/// already bound to another person's account.
@Suite("Accounts: phone numbers and bank cards are checked before they are stored")
struct AccountInputTests {
    @Test("phones: 11-digit mobiles starting 13-19 and landlines with area code; anything else is refused")
    func phoneRule() throws {
        for good in ["13800138000", "199 0000 0000", "010-62345678", "0898-66881234", "01062345678", "0898-66881234-12"] {
            #expect(throws: Never.self, "\(good)") { try PhoneNumber.normalized(good) }
        }
        #expect(try PhoneNumber.normalized("138 0013 8000") == "13800138000")
        for bad in ["abc", "", "1", "12800138000", "1380013800", "138001380001", "+8613800138000", "010-1234567",
                    "10-62345678", "010-62345678-1234567", "010--62345678", "0x1234"] {
            #expect(throws: HealthCardError.self, "\(bad)") { try PhoneNumber.normalized(bad) }
        }
    }

    @Test("register and update refuse a phone that is not one, naming it, and store nothing")
    func accountPhones() throws {
        let fixture = try AccountFixture()
        var identity = AccountFixture.wangFang
        identity.phone = "abc"
        #expect(throws: HealthCardError.invalidValue("")) { try fixture.service.register(identity, channel: "app") }
        #expect(try fixture.service.account(citizenID: identity.citizenID) == nil)
        let id = try fixture.service.register(AccountFixture.liMing, channel: "app").account.electronicCardID
        let before = try fixture.dump()
        do {
            _ = try fixture.service.update(id, phone: "abc")
            Issue.record("phone abc accepted")
        } catch let error as HealthCardError {
            #expect(error.reason.contains("phone 'abc'"))
        }
        #expect(try fixture.dump() == before)
        #expect(try fixture.service.update(id, phone: "010-62345678").phone == "010-62345678")
    }

    @Test("a bank card binds to one account: again to the same is a no-op, to another is refused")
    func bankCardOneAccount() throws {
        let fixture = try AccountFixture()
        let li = try fixture.service.register(AccountFixture.liMing, channel: "app").account.electronicCardID
        let wang = try fixture.service.register(AccountFixture.wangFang, channel: "app").account.electronicCardID
        let number = try BankCardNumber("6228 4804 0256 4890 018")
        #expect(try fixture.service.bindBankCard(li, number: number).bankCards == ["622848*********0018"])
        #expect(try fixture.service.bindBankCard(li, number: number).bankCards == ["622848*********0018"])
        do {
            _ = try fixture.service.bindBankCard(wang, number: number)
            Issue.record("the same bank card bound to a second account")
        } catch let error as HealthCardError {
            #expect(error.code == .invalidOperation)
            #expect(error.reason.contains("already bound to account \(li.rawValue)"), "\(error.reason)")
        }
        #expect(try fixture.service.account(wang)?.bankCards == [])
    }
}
