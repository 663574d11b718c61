import Foundation
import Testing
import GRDB
@testable import EMPIIndex
@testable import HealthCardFoundation
@testable import HealthQR


/// A fresh account database in a temporary directory.
struct AccountFixture {
    let directory: URL
    let service: AccountService
    static let now = Date(timeIntervalSince1970: 1_772_352_000)  // 2026-03-01T08:00:00Z
    static let liMing = AccountService.Identity(
        name: "李明", citizenID: "110105198503120012", phone: "13800138000", address: "北京市朝阳区建国路1号")
    static let wangFang = AccountService.Identity(name: "王芳", citizenID: "31011519900701002X")

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        service = try AccountService(path: directory.appendingPathComponent("empi.sqlite").path)
    }

    /// Every account-table row, for before/after comparisons.
    func dump() throws -> [String] {
        try service.index.pool.read { db in
            var rows: [String] = []
            for table in ["account", "card", "bankBinding", "blacklist", "whitelist", "oplog", "record", "link", "event"] {
                rows += try String.fetchAll(db, sql: "SELECT '\(table)' || ':' || quote(json_array(*)) FROM (SELECT * FROM \(table))")
            }
            return rows
        }
    }
}


@Suite("Accounts: registration through the EMPI, lifecycle, status, platform files")
struct AccountServiceTests {
    @Test("registration: account, EMPI person and cross index agree; the same person again gets the same account")
    func registration() throws {
        let fixture = try AccountFixture()
        let first = try fixture.service.register(
            AccountFixture.liMing, channel: "wechat", physicalCard: "HC0001", actor: "test", now: AccountFixture.now)
        #expect(first.created)
        let account = first.account
        #expect(account.electronicCardID.rawValue.count == 64)
        #expect(!account.electronicCardID.rawValue.contains("110105198503120012"))
        #expect(account.electronicCardID == ElectronicCardID(person: account.person, secret: fixture.service.secret))
        #expect(Set(account.cards.map(\.kind)) == [.electronic, .physical])

        // The cross index: from the e-card to every other identifier of the same person.
        let xref = try fixture.service.index.crossReference(
            domain: AccountService.Domain.electronicCard, value: account.electronicCardID.rawValue)
        #expect(xref.person == account.person)
        let values = Set(xref.identifiers.map { "\($0.domain)=\($0.value)" })
        #expect(values.contains("citizen-id=110105198503120012"))
        #expect(values.contains("resident-health-card=HC0001"))
        #expect(values.contains("ehc-registration=110105198503120012"))

        let again = try fixture.service.register(
            AccountService.Identity(name: "李明", citizenID: "110105198503120012"), channel: "app", now: AccountFixture.now)
        #expect(!again.created && again.account.electronicCardID == account.electronicCardID)
        let other = try fixture.service.register(AccountFixture.wangFang, channel: "app", now: AccountFixture.now)
        #expect(other.created && other.account.person != account.person)

        // Events: the index registered three records for Li Ming; the oplog has one registration each.
        let events = try fixture.service.index.events().filter { $0.person == account.person }
        #expect(events.filter { $0.kind == .register }.count == 3)
        #expect(try fixture.service.operations().map(\.operation) == [.register, .register])
    }

    @Test("a real-name registration with an invalid ID or no name writes nothing")
    func invalidIdentity() throws {
        let fixture = try AccountFixture()
        let before = try fixture.dump()
        #expect(throws: HealthCardError.invalidValue("")) {
            try fixture.service.register(
                AccountService.Identity(name: "李明", citizenID: "110105198503120013"), channel: "app")
        }
        #expect(throws: HealthCardError.invalidValue("")) {
            try fixture.service.register(AccountService.Identity(name: " ", citizenID: "110105198503120012"), channel: "app")
        }
        #expect(try fixture.dump() == before)
    }

    @Test("update syncs to the EMPI person with an update event; cancel only for emigration or death, then revoked")
    func updateAndCancel() throws {
        let fixture = try AccountFixture()
        let id = try fixture.service.register(AccountFixture.liMing, channel: "app", now: AccountFixture.now).account
            .electronicCardID
        let updated = try fixture.service.update(id, phone: "13900000000", now: AccountFixture.now.addingTimeInterval(60))
        #expect(updated.phone == "13900000000")
        let person = try fixture.service.index.person(updated.person)
        #expect(person.golden.phone == "13900000000")
        #expect(try fixture.service.index.events().contains { $0.kind == .update && $0.person == updated.person })

        #expect(throws: HealthCardError.invalidValue("")) { try AccountService.cancellationReason("moved") }
        let cancelled = try fixture.service.cancel(id, reason: .death)
        #expect(cancelled.status == .cancelled && cancelled.cancellationReason == .death)
        #expect(cancelled.cards.allSatisfy { $0.state == .cancelled })
        #expect(try fixture.service.revocationList().isRevoked(cardID: id.rawValue))
        #expect(throws: HealthCardError.self) { try fixture.service.update(id, phone: "1") }
        // Still resolvable for history.
        #expect(try fixture.service.index.crossReference(domain: "e-health-card", value: id.rawValue).person == updated.person)
        #expect(try fixture.service.operations().map(\.operation) == [.register, .update, .cancel])
    }

    @Test("lost and replaced cards: blacklisted, flagged on use; both numbers resolve to the person")
    func lostAndReplaced() throws {
        let fixture = try AccountFixture()
        let account = try fixture.service.register(AccountFixture.liMing, channel: "app", physicalCard: "HC0001").account
        #expect(try !fixture.service.check("HC0001").refusesUse)
        let lost = try fixture.service.reportLost("HC0001")
        #expect(lost.refusesUse && lost.card?.state == .lost && lost.blacklisted == "reported lost")
        let replaced = try fixture.service.replace("HC0001", with: "HC0002")
        #expect(replaced.cards.first { $0.number == "HC0001" }?.replacedBy == "HC0002")
        #expect(try fixture.service.check("HC0001").refusesUse)
        #expect(try !fixture.service.check("HC0002").refusesUse)
        for number in ["HC0001", "HC0002"] {
            #expect(try fixture.service.index.crossReference(domain: "resident-health-card", value: number).person == account.person)
        }
        #expect(throws: HealthCardError.self) { try fixture.service.replace("HC0002", with: "HC0001") }

        // A found card comes off the blacklist onto the whitelist.
        try fixture.service.addToBlacklist("HC0002", reason: "stolen")
        try fixture.service.removeFromBlacklist("HC0002", reason: "found")
        #expect(try fixture.service.whitelistEntries().map(\.number) == ["HC0002"])
        #expect(try !fixture.service.check("HC0002").refusesUse)
    }

    @Test("a card check reads the card and the blacklist at once: known, unknown, and blacklisted without a card")
    func cardCheck() throws {
        let fixture = try AccountFixture()
        let account = try fixture.service.register(AccountFixture.liMing, channel: "app", physicalCard: "HC0001").account
        _ = try fixture.service.reportLost("HC0001")
        let lost = try fixture.service.check("HC0001")
        #expect(lost.card == (try fixture.service.account(account.electronicCardID))?.cards.first { $0.number == "HC0001" })
        #expect(lost.card?.state == .lost && lost.blacklisted == "reported lost" && lost.refusesUse)
        // A number this platform never issued, blacklisted by another: refused, with no card.
        try fixture.service.addToBlacklist("HC9999", reason: "stolen")
        let foreign = try fixture.service.check("HC9999")
        #expect(foreign.card == nil && foreign.blacklisted == "stolen" && foreign.refusesUse)
        let unknown = try fixture.service.check("HC8888")
        #expect(unknown.card == nil && unknown.blacklisted == nil && !unknown.refusesUse)
    }

    @Test("bank cards: Luhn-checked, stored only as token and masked number (the file never holds the number)")
    func bankCards() throws {
        let fixture = try AccountFixture()
        let id = try fixture.service.register(AccountFixture.liMing, channel: "app").account.electronicCardID
        #expect(throws: HealthCardError.invalidValue("")) { try BankCardNumber("6228480402564890019") }
        let number = try BankCardNumber("6228 4804 0256 4890 018")
        #expect(try fixture.service.bindBankCard(id, number: number).bankCards == ["622848*********0018"])
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path)
        for file in files {
            let bytes = try Data(contentsOf: fixture.directory.appendingPathComponent(file))
            #expect(bytes.range(of: Data("6228480402564890018".utf8)) == nil, "\(file) holds the bank card number")
        }
        #expect(try fixture.service.unbindBankCard(id, number: number).bankCards.isEmpty)
        #expect(throws: HealthCardError.self) { try fixture.service.unbindBankCard(id, number: number) }
    }

    @Test("export then import into an empty database reproduces every file; importing twice changes nothing")
    func exchangeRoundTrip() throws {
        let source = try AccountFixture()
        let li = try source.service.register(AccountFixture.liMing, channel: "app", physicalCard: "HC0001").account
        _ = try source.service.register(AccountFixture.wangFang, channel: "wechat")
        _ = try source.service.replace("HC0001", with: "HC0002")
        try source.service.addToBlacklist("HC9999", reason: "stolen")
        try source.service.addToBlacklist("HC8888", reason: "stolen")
        try source.service.removeFromBlacklist("HC8888", reason: "found")
        _ = try source.service.bindBankCard(li.electronicCardID, number: try BankCardNumber("6228480402564890018"))

        let kinds: [PlatformFile.Kind] = [.resident, .card, .blacklist, .whitelist, .oplog]
        let exported = try kinds.map { try source.service.export($0, source: "CITY", now: AccountFixture.now) }
        let target = try AccountFixture()
        for file in exported {
            let parsed = try PlatformFile(parsing: file.text, expected: file.kind)
            let summary = try target.service.import(parsed)
            #expect(summary.applied == file.records.count, "\(file.kind)")
        }
        for file in exported {
            #expect(try target.service.export(file.kind, source: "CITY", now: AccountFixture.now).text == file.text)
        }
        let before = try target.dump()
        for file in exported {
            #expect(try target.service.import(try PlatformFile(parsing: file.text)).applied == 0, "\(file.kind)")
        }
        #expect(try target.dump() == before)
        #expect(try target.service.account(citizenID: "110105198503120012")?.electronicCardID == li.electronicCardID)
    }

    @Test("incremental lists: a receiver that applies the changes since its version mirrors the blacklist and whitelist")
    func incrementalLists() throws {
        let source = try AccountFixture()
        let target = try AccountFixture()
        _ = try source.service.register(AccountFixture.liMing, channel: "app", physicalCard: "HC0001")
        try source.service.addToBlacklist("HC9999", reason: "stolen")
        var versions: [PlatformFile.Kind: Int64] = [:]
        for list in [PlatformFile.Kind.blacklist, .whitelist] {
            let whole = try source.service.downloadList(list, since: nil, source: "CITY")
            #expect(whole.file.kind == list)
            _ = try target.service.import(try PlatformFile(parsing: whole.file.text, expected: list))
            versions[list] = whole.version
        }
        // Every writer changes the log: a lost card, a found one, an import, a direct add.
        _ = try source.service.reportLost("HC0001")
        try source.service.removeFromBlacklist("HC9999", reason: "found")
        try source.service.addToBlacklist("HC7777", reason: "forged")
        _ = try source.service.import(
            PlatformFile(kind: .blacklist, source: "PROVINCE", created: AccountFixture.now, records: [["HC5555", "stolen", "2026-03-01T08:00:00Z"]]))
        try source.service.addToBlacklist("HC9999", reason: "stolen again")
        for list in [PlatformFile.Kind.blacklist, .whitelist] {
            let changes = try source.service.downloadList(list, since: versions[list], source: "CITY")
            #expect(changes.file.kind == list.changes)
            let numbers = changes.file.records.compactMap { Int64($0[0]) }
            #expect(numbers == numbers.sorted() && numbers.allSatisfy { $0 > versions[list]! && $0 <= changes.version })
            _ = try target.service.import(try PlatformFile(parsing: changes.file.text))
        }
        #expect(try target.service.blacklistEntries() == source.service.blacklistEntries())
        #expect(try target.service.whitelistEntries() == source.service.whitelistEntries())
        #expect(try source.service.blacklistEntries().map(\.number) == ["HC0001", "HC5555", "HC7777", "HC9999"])

        // Nothing new: an empty change file at the same version; a version never given is refused.
        let latest = try source.service.downloadList(.blacklist, since: nil, source: "CITY").version
        let empty = try source.service.downloadList(.blacklist, since: latest, source: "CITY")
        #expect(empty.file.records.isEmpty && empty.version == latest)
        #expect(throws: HealthCardError.self) { try source.service.downloadList(.blacklist, since: latest + 1, source: "CITY") }
        #expect(throws: HealthCardError.self) { try source.service.downloadList(.card, since: nil, source: "CITY") }

        // A change file out of order or with an unknown change is rejected whole.
        let bad = PlatformFile(
            kind: .blacklistChanges, source: "CITY", created: AccountFixture.now,
            records: [
                ["5", "add", "HC1", "stolen", "2026-03-01T08:00:00Z"], ["4", "add", "HC2", "stolen", "2026-03-01T08:00:00Z"],
                ["6", "delete", "HC3", "stolen", "2026-03-01T08:00:00Z"], ["x", "add", "HC4", "stolen", "2026-03-01T08:00:00Z"],
            ])
        let before = try target.dump()
        #expect {
            try target.service.import(try PlatformFile(parsing: bad.text), name: "changes.txt")
        } throws: { error in
            (error as? PlatformFile.Rejected)?.errors.map(\.line) == [3, 4, 5]
        }
        #expect(try target.dump() == before)
    }

    @Test("a malformed or corrupted platform file is rejected whole, every bad line named, nothing applied")
    func malformedFile() throws {
        let fixture = try AccountFixture()
        let good = PlatformFile(
            kind: .blacklist, source: "CITY", created: AccountFixture.now,
            records: [["HC1", "stolen", "2026-03-01T08:00:00Z"], ["HC2", "stolen", "yesterday"], ["HC3", "", "2026-03-01T08:00:00Z"]])
        #expect {
            try fixture.service.import(try PlatformFile(parsing: good.text), name: "b.txt")
        } throws: { error in
            let rejected = error as? PlatformFile.Rejected
            return rejected?.errors.map(\.line) == [3, 4] && rejected?.file == "b.txt"
        }
        #expect(try fixture.service.blacklistEntries().isEmpty)

        var lines = PlatformFile(
            kind: .blacklist, source: "CITY", created: AccountFixture.now, records: [["HC1", "stolen", "2026-03-01T08:00:00Z"]]
        ).text.components(separatedBy: "\n")
        lines[1] = "HC1|stolen|2026-03-01T08:00:01Z"
        #expect {
            try PlatformFile(parsing: lines.joined(separator: "\n"), expected: .blacklist)
        } throws: { error in
            (error as? PlatformFile.Rejected)?.errors.first?.message.contains("checksum") == true
        }
        #expect(throws: PlatformFile.Rejected.self) { try PlatformFile(parsing: good.text, expected: .card) }
        let escaped = PlatformFile(kind: .whitelist, source: "A|B", created: AccountFixture.now, records: [["X", "a|b%c\nd", "2026-03-01T08:00:00Z"]])
        #expect(try PlatformFile(parsing: escaped.text).records == escaped.records)
    }

    @Test("an escape after a prepended mark (U+0602) is decoded, not kept literally (found by the platform-file fuzz target)")
    func escapeAfterPrependedMark() throws {
        // U+0602 fuses with the next character into one grapheme; the '%' must still start an escape.
        let reason = "\u{0602}\n\u{0602}|\u{0602}%"
        let file = PlatformFile(kind: .whitelist, source: "CITY", created: AccountFixture.now, records: [["X", reason, "2026-03-01T08:00:00Z"]])
        let parsed = try PlatformFile(parsing: file.text)
        #expect(parsed.records == file.records)
        #expect(Array(parsed.records[0][1].unicodeScalars) == Array(reason.unicodeScalars))
        #expect(file.text.contains("\u{0602}%0A\u{0602}%7C\u{0602}%25"))
    }

    @Test("a line break or bar followed by a combining mark (U+0F8E) is escaped and split on (found by the platform-file fuzz target)")
    func separatorBeforeCombiningMark() throws {
        let address = "海口市\n\u{0F8E}美兰区|\u{0F8E}x"
        let file = PlatformFile(kind: .whitelist, source: "CITY", created: AccountFixture.now, records: [["X", address, "2026-03-01T08:00:00Z"]])
        #expect(file.text.unicodeScalars.filter { $0 == "\n" }.count == 3, "header, one record, trailer")
        #expect(file.text.contains("%0A\u{0F8E}") && file.text.contains("%7C\u{0F8E}"))
        let parsed = try PlatformFile(parsing: file.text)
        #expect(Array(parsed.records[0][1].unicodeScalars) == Array(address.unicodeScalars))
        // A raw bar before a mark still separates fields when reading.
        let fields = PlatformFile.split("a|\u{0F8E}b", at: "|")
        #expect(fields.count == 2)
    }
}
