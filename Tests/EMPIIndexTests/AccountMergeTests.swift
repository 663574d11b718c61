import Foundation
import GRDB
import Testing
@testable import EMPI
@testable import EMPIIndex
@testable import HealthCardFoundation

/// Accounts follow their person through the index's merge and unmerge (issue 18 item 7).
@Suite("Accounts follow their person through merges")
struct AccountMergeTests {
    /// A hospital record of someone with no account: a person of its own in the index.
    static func hospitalPerson(_ fixture: AccountFixture) throws -> EnterpriseID {
        try fixture.service.index.registerDomain(IdentifierDomain(code: "hosp-a", type: .visitCard))
        let fed = try fixture.service.index.feed(
            PersonRecord(id: "MRN-7", domain: "hosp-a", fullName: "李明明", birthDate: "1985-03-21", sex: "1"),
            now: AccountFixture.now)
        return try #require(fed.person)
    }

    @Test("an account moves to the survivor when its person is merged, and back on unmerge")
    func accountFollowsMergeAndUnmerge() throws {
        let fixture = try AccountFixture()
        let service = fixture.service
        let account = try service.register(AccountFixture.liMing, channel: "app", now: AccountFixture.now).account
        let other = try Self.hospitalPerson(fixture)
        #expect(other != account.person)
        let before = try fixture.dump()

        let merge = try service.index.merge(account.person, into: other, actor: "steward", now: AccountFixture.now)
        // Found by the survivor's ID and by the retired one; it names the survivor.
        #expect(try service.account(person: other)?.electronicCardID == account.electronicCardID)
        #expect(try service.account(person: account.person)?.electronicCardID == account.electronicCardID)
        #expect(try service.account(account.electronicCardID)?.person == other)
        // Registering the same resident again gives the same account, not a second one.
        let again = try service.register(AccountFixture.liMing, channel: "app", now: AccountFixture.now)
        #expect(!again.created && again.account.electronicCardID == account.electronicCardID)
        // The e-card still resolves to the person in the cross index; the merge event names the account.
        #expect(
            try service.index.crossReference(domain: AccountService.Domain.electronicCard, value: account.electronicCardID.rawValue)
                .person == other)
        let event = try #require(try service.index.events().first { $0.sequence == merge.event })
        #expect(event.payload["accounts"] == .array([.string(account.electronicCardID.rawValue)]))

        _ = try service.index.unmerge(account.person, actor: "steward", now: AccountFixture.now)
        #expect(try service.account(account.electronicCardID)?.person == account.person)
        #expect(try service.account(person: other) == nil)
        #expect(try service.account(person: account.person)?.electronicCardID == account.electronicCardID)
        let after = try fixture.dump().filter { !$0.hasPrefix("event:") }
        #expect(after == before.filter { !$0.hasPrefix("event:") })
    }

    @Test("when both persons have accounts each keeps its own; the survivor's is the person's account")
    func bothHaveAccounts() throws {
        let fixture = try AccountFixture()
        let service = fixture.service
        let li = try service.register(AccountFixture.liMing, channel: "app", now: AccountFixture.now).account
        let wang = try service.register(AccountFixture.wangFang, channel: "app", now: AccountFixture.now).account
        let merge = try service.index.merge(wang.person, into: li.person, actor: "steward", now: AccountFixture.now)
        #expect(try service.account(person: li.person)?.electronicCardID == li.electronicCardID)
        #expect(try service.account(person: wang.person)?.electronicCardID == li.electronicCardID)
        #expect(try service.account(wang.electronicCardID)?.person == li.person)  // the live person
        let event = try #require(try service.index.events().first { $0.sequence == merge.event })
        #expect(event.payload["accounts"] == nil)

        _ = try service.index.unmerge(wang.person, actor: "steward", now: AccountFixture.now)
        #expect(try service.account(person: wang.person)?.electronicCardID == wang.electronicCardID)
        #expect(try service.account(wang.electronicCardID)?.person == wang.person)
        #expect(try service.account(person: li.person)?.electronicCardID == li.electronicCardID)
    }
}
