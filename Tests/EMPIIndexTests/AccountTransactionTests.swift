import Foundation
import GRDB
import Testing
@testable import EMPI
@testable import EMPIIndex
@testable import HealthCardFoundation


/// Each account operation is one transaction with the index: refused half-way, it leaves the
/// account tables, the persons, the cross index and the events exactly as they were.
@Suite("Accounts: one transaction with the index, an oplog row and an index event per operation")
struct AccountTransactionTests {
    @Test("a registration refused half-way (card of another account) writes nothing, index included")
    func refusedRegistrationWritesNothing() throws {
        let fixture = try AccountFixture()
        let li = try fixture.service.register(AccountFixture.liMing, channel: "app", physicalCard: "HC0001").account
        let before = try fixture.dump()
        let indexBefore = try fixture.service.index.dumpState()
        #expect(throws: HealthCardError.self) {
            try fixture.service.register(AccountFixture.wangFang, channel: "app", physicalCard: "HC0001")
        }
        #expect(try fixture.dump() == before)
        #expect(try fixture.service.index.dumpState() == indexBefore)
        #expect(try fixture.service.index.crossReference(domain: "resident-health-card", value: "HC0001").person == li.person)
        #expect(try fixture.service.account(citizenID: AccountFixture.wangFang.citizenID) == nil)
    }

    @Test("a card number the index holds for another person is not taken over by a registration")
    func cardOfAnotherPersonInTheIndex() throws {
        let fixture = try AccountFixture()
        let hospital = try fixture.service.index.feed(
            PersonRecord(
                id: "HC0005", domain: AccountService.Domain.physicalCard, fullName: "王芳", birthDate: "1990-07-01",
                sex: "2",
                identifiers: [PatientIdentifier(domain: "citizen-id", value: "31011519900701002X", kind: .citizenID)]),
            now: AccountFixture.now)
        let before = try fixture.dump()
        #expect {
            try fixture.service.register(AccountFixture.liMing, channel: "app", physicalCard: "HC0005")
        } throws: { error in
            (error as? HealthCardError)?.reason.contains("belongs to person \(hospital.person!)") == true
        }
        #expect(try fixture.dump() == before)
    }

    @Test("registering again with other contact data returns the account and changes neither it nor the index")
    func reRegistrationChangesNothing() throws {
        let fixture = try AccountFixture()
        let first = try fixture.service.register(AccountFixture.liMing, channel: "app", now: AccountFixture.now)
        let before = try fixture.dump()
        var moved = AccountFixture.liMing
        moved.phone = "13999999999"
        let again = try fixture.service.register(moved, channel: "wechat", now: AccountFixture.now.addingTimeInterval(60))
        #expect(!again.created && again.account == first.account)
        #expect(again.match.person == first.account.person)
        #expect(try fixture.dump() == before)
        #expect(try fixture.service.index.person(first.account.person).golden.phone == "13800138000")
    }

    @Test("every operation: one oplog row and one index event of kind account naming the person")
    func oplogAndEventPerOperation() throws {
        let fixture = try AccountFixture()
        let service = fixture.service
        let account = try service.register(AccountFixture.liMing, channel: "app", physicalCard: "HC0001").account
        let id = account.electronicCardID
        _ = try service.update(id, address: "上海市浦东新区世纪大道100号")
        _ = try service.reportLost("HC0001")
        _ = try service.replace("HC0001", with: "HC0002")
        let bank = try BankCardNumber("6228480402564890018")
        _ = try service.bindBankCard(id, number: bank)
        _ = try service.unbindBankCard(id, number: bank)
        try service.addToBlacklist("HC0002", reason: "stolen")
        try service.removeFromBlacklist("HC0002", reason: "found")
        _ = try service.cancel(id, reason: .emigration)
        #expect(throws: HealthCardError.self) { try service.cancel(id, reason: .death) }

        let operations = try service.operations().map(\.operation.rawValue)
        #expect(operations == [
            "register", "update", "lost", "replace", "bind-bank", "unbind-bank", "blacklist-add", "blacklist-remove",
            "cancel",
        ])
        let events = try service.index.events().filter { $0.kind == .account }
        #expect(events.map { $0.payload["operation"] } == operations.map { JSONValue.string($0) })
        #expect(events.allSatisfy { $0.person == account.person })
        #expect(events.allSatisfy { $0.record == RecordReference(domain: "e-health-card", id: id.rawValue) })
        #expect(events.last?.payload["status"] == .string("cancelled"))
        #expect(events.last?.payload["reason"] == .string("emigration"))
        // Cancelled: inactive, still resolvable (empi.md §2.2), old and new physical cards alike.
        for (domain, value) in [("e-health-card", id.rawValue), ("resident-health-card", "HC0001"), ("resident-health-card", "HC0002")] {
            #expect(try service.index.crossReference(domain: domain, value: value).person == account.person)
        }
    }

    @Test("an import refused while applying (the person has another account here) applies nothing")
    func importRefusedWhileApplying() throws {
        let source = try AccountFixture()
        _ = try source.service.register(AccountFixture.liMing, channel: "app")
        _ = try source.service.register(AccountFixture.wangFang, channel: "app")
        let residents = try source.service.export(.resident, source: "CITY", now: AccountFixture.now)

        let target = try AccountFixture()
        _ = try target.service.register(AccountFixture.liMing, channel: "window")  // another secret: another e-card ID
        let before = try target.dump()
        let indexBefore = try target.service.index.dumpState()
        let liLine = try #require(residents.records.firstIndex { $0[1] == AccountFixture.liMing.citizenID }) + 2
        #expect {
            try target.service.import(try PlatformFile(parsing: residents.text), name: "r.txt")
        } throws: { error in
            let rejected = error as? PlatformFile.Rejected
            return rejected?.errors.map(\.line) == [liLine]
                && rejected?.errors.first?.message.contains("already has account") == true
        }
        #expect(try target.dump() == before)
        #expect(try target.service.index.dumpState() == indexBefore)
        #expect(try target.service.account(citizenID: AccountFixture.wangFang.citizenID) == nil)
    }

    @Test("a card file naming an account unknown here is rejected with the line, nothing applied")
    func cardOfUnknownAccount() throws {
        let source = try AccountFixture()
        _ = try source.service.register(AccountFixture.liMing, channel: "app", physicalCard: "HC0001")
        let cards = try source.service.export(.card, source: "CITY", now: AccountFixture.now)
        let target = try AccountFixture()
        #expect {
            try target.service.import(try PlatformFile(parsing: cards.text), name: "c.txt")
        } throws: { error in
            (error as? PlatformFile.Rejected)?.errors.first?.message.contains("import residents first") == true
        }
        #expect(try target.service.export(.card, source: "CITY", now: AccountFixture.now).records.isEmpty)
    }

    @Test("export then import into an empty database: same account tables, same cross index from every card")
    func roundTripKeepsTheCrossIndex() throws {
        let source = try AccountFixture()
        let li = try source.service.register(AccountFixture.liMing, channel: "app", physicalCard: "HC0001").account
        _ = try source.service.register(AccountFixture.wangFang, channel: "wechat", physicalCard: "HC0003")
        _ = try source.service.replace("HC0001", with: "HC0002")
        _ = try source.service.cancel(li.electronicCardID, reason: .death)
        let target = try AccountFixture()
        for kind in [PlatformFile.Kind.resident, .card, .blacklist, .whitelist, .oplog] {
            _ = try target.service.import(try PlatformFile(parsing: source.service.export(kind, source: "CITY").text))
        }
        #expect(try Self.tables(target) == Self.tables(source))
        for number in ["HC0001", "HC0002", "HC0003"] {
            #expect(try Self.crossReference(target, number) == Self.crossReference(source, number), "\(number)")
        }
    }

    /// The account tables without the person column (person IDs are each index's own).
    static func tables(_ fixture: AccountFixture) throws -> [String] {
        try fixture.service.index.pool.read { db in
            var rows = try String.fetchAll(
                db,
                sql: """
                    SELECT json_array(ecardId, citizenId, name, phone, address, channel, status, cancelReason, created, updated)
                    FROM account ORDER BY ecardId
                    """)
            for (table, order) in [("card", "number"), ("blacklist", "number"), ("whitelist", "number")] {
                rows += try String.fetchAll(db, sql: "SELECT '\(table)' || json_array(*) FROM (SELECT * FROM \(table) ORDER BY \(order))")
            }
            rows += try String.fetchAll(
                db, sql: "SELECT json_array(time, actor, operation, ecardId, number, detail) FROM oplog ORDER BY time, sequence")
            return rows
        }
    }

    /// Every identifier of the card's person, as `domain=value`.
    static func crossReference(_ fixture: AccountFixture, _ number: String) throws -> Set<String> {
        Set(
            try fixture.service.index.crossReference(domain: AccountService.Domain.physicalCard, value: number).identifiers
                .map { "\($0.domain)=\($0.value)" })
    }
}
