import Foundation
import HealthCardTestSupport
import HealthQR
import Testing
@testable import HealthCardFoundation
@testable import PersonalHealthCode


@Suite("HealthCodeStore: event store and the GB/T 38963 interfaces")
struct HealthCodeStoreServiceTests {
    static let validRecord: [String: JSONValue] = [
        "name": .string("张三"), "sex": .string("1"), "documentType": .string("01"),
        "documentNumber": .string("11010519491231002X"), "householdRegion": .string("460105"),
        "temperature": .number(36.6), "symptoms": .array([]), "riskAreaStay": .bool(false), "overseas": .bool(false),
    ]

    static func dateTime(_ text: String) -> CalendarDateTime { CalendarDateTime(iso: text)! }
    static func instant(_ text: String) -> Date { ChinaTime.instant(of: dateTime(text)) }
    static func march(_ day: Int) -> CalendarDate { CalendarDate(year: 2026, month: 3, day: day)! }

    struct Fixture {
        let directory: URL
        let path: String
        let service: LocalHealthCodeService

        init() throws {
            directory = try HealthCodeFixtures.temporaryDirectory()
            path = directory.appendingPathComponent("hc.sqlite").path
            let (_, issuer, trust) = try HealthCodeFixtures.key()
            service = LocalHealthCodeService(
                store: try HealthEventStore(path: path), issuer: issuer, verifier: HealthCodeVerifier(trustList: trust),
                rules: try RuleSet.named("hainan-2022-09"))
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test("the file is created on first use, in WAL mode, and reopens with its rows")
    func fileCreatedOnFirstUse() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        #expect(FileManager.default.fileExists(atPath: fixture.path))
        #expect(try await fixture.service.store.counts() == .init(persons: 0, events: 0, issuedCodes: 0))
        let response = try await fixture.service.declareHealth(
            .init(record: Self.validRecord, time: Self.dateTime("2026-03-01T09:00:00")))
        #expect(response.returnCode == .success)
        #expect(response.status?.colour == .green)
        #expect(FileManager.default.fileExists(atPath: fixture.path + "-wal"))
        let reopened = try HealthEventStore(path: fixture.path)
        #expect(try reopened.counts() == .init(persons: 1, events: 1, issuedCodes: 0))
        let person = try #require(try reopened.person(HealthCodeFixtures.person))
        #expect(person.basicInfo["name"] == .string("张三"))
        #expect(person.basicInfo["temperature"] == nil)
        let events = try reopened.events(of: HealthCodeFixtures.person)
        #expect(events.map(\.kind) == ["declaration"])
        #expect(events[0].actor == "self")
        if case .object(let record) = events[0].payload["record"] {
            #expect(record["temperature"] == .number(36.6))
        } else {
            Issue.record("the declaration's health part is not stored")
        }
    }

    @Test("an invalid declaration (bad ID, 45 ℃, unknown region) lists every violation and stores nothing")
    func invalidDeclaration() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        // One valid person first, so "nothing stored" is checked against a non-empty store too.
        _ = try await fixture.service.declareHealth(.init(record: Self.validRecord))
        let before = try await fixture.service.store.counts()

        var record = Self.validRecord
        record["documentNumber"] = .string("110105194912310021")
        record["temperature"] = .number(45)
        record["householdRegion"] = .string("999999")
        let response = try await fixture.service.declareHealth(.init(record: record))
        #expect(response.returnCode == .invalidRequest)
        #expect(Set(response.violations.map(\.element)) == ["documentNumber", "temperature", "householdRegion"])
        #expect(response.violations.count == 3)
        let byElement = Dictionary(uniqueKeysWithValues: response.violations.map { ($0.element, $0) })
        #expect(byElement["documentNumber"]?.name == "证件号码")
        #expect(byElement["documentNumber"]?.message.contains("check character") == true)
        #expect(byElement["temperature"]?.message.contains("above 43") == true)
        #expect(byElement["householdRegion"]?.message.contains("unknown region '999999'") == true)
        #expect(response.person == nil && response.eventID == nil)
        #expect(try await fixture.service.store.counts() == before)
        #expect(try await fixture.service.store.person(try PersonID("03:X")) == nil)

        // An empty store stays empty too.
        let empty = try Fixture()
        defer { empty.remove() }
        _ = try await empty.service.declareHealth(.init(record: record))
        #expect(try await empty.service.store.counts() == .init(persons: 0, events: 0, issuedCodes: 0))
    }

    @Test(
        "done-when: red person's code verifies red; once green a new code is green, the old one expires on schedule"
    )
    func redThenGreen() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let service = fixture.service
        let person = HealthCodeFixtures.person
        _ = try await service.declareHealth(.init(record: Self.validRecord, time: Self.dateTime("2026-03-01T09:00:00")))
        let opened = try await service.recordEvent(
            HealthEvent(Self.dateTime("2026-03-02T10:00:00"), .caseOpened(.confirmed)), for: person, actor: "cdc")
        #expect(opened.status.colour == .red)

        let redIssued = Self.instant("2026-03-02T12:00:00")
        let red = try await service.generateCode(.init(person: person, now: redIssued))
        #expect(red.returnCode == .success)
        let redText = try #require(red.text)
        let redCode = try #require(red.code)
        #expect(red.status?.colour == .red)
        #expect(red.status?.reasons.first?.category == "case.confirmed")
        let redCheck = try await service.verifyCode(.init(text: redText, now: Self.instant("2026-03-02T13:00:00")))
        guard case .valid(let verified) = redCheck.verdict else {
            Issue.record("red code: \(redCheck.verdict)")
            return
        }
        #expect(verified.colour == .red)
        #expect(verified.code.region == "460100")
        #expect(redCheck.issued?.person == person)

        // Released on 03-05: red for 7 days, yellow for 7, green from 03-19 (hainan-2022-09).
        try await service.recordEvent(
            HealthEvent(Self.dateTime("2026-03-05T10:00:00"), .caseClosed(.confirmed)), for: person, actor: "cdc")
        let yellow = try await service.generateCode(.init(person: person, now: Self.instant("2026-03-15T09:00:00")))
        #expect(yellow.code?.colour == .yellow)
        let green = try await service.generateCode(.init(person: person, now: Self.instant("2026-03-20T09:00:00")))
        let greenText = try #require(green.text)
        #expect(green.code?.colour == .green)
        #expect(green.status?.reasons == [])
        let greenCheck = try await service.verifyCode(.init(text: greenText, now: Self.instant("2026-03-20T09:05:00")))
        guard case .valid(let greenVerified) = greenCheck.verdict else {
            Issue.record("green code: \(greenCheck.verdict)")
            return
        }
        #expect(greenVerified.colour == .green)
        #expect(greenCheck.supersededBy == nil)

        // The old red code runs to its expiry (24 h, plus 30 s skew), then it is expired.
        #expect(redCode.expiresAt == redIssued.addingTimeInterval(86_400))
        let lastSecond = try await service.verifyCode(
            .init(text: redText, now: redCode.expiresAt.addingTimeInterval(30)))
        #expect(lastSecond.verdict.isValid)
        #expect(lastSecond.supersededBy == green.code?.id)  // the newest code since
        let late = try await service.verifyCode(.init(text: redText, now: redCode.expiresAt.addingTimeInterval(31)))
        #expect(late.verdict == .expired(expiry: redCode.expiresAt, now: redCode.expiresAt.addingTimeInterval(31)))
        #expect(late.returnCode == .codeRejected)
        let afterGreen = try await service.verifyCode(.init(text: redText, now: Self.instant("2026-03-20T09:05:00")))
        #expect(afterGreen.verdict.reasonCode == "expired")

        let register = try await service.store.issuedCodes(of: person)
        #expect(register.map(\.colour) == [.red, .yellow, .green])
        #expect(register.allSatisfy { $0.rules == "hainan-2022-09" && $0.region == "460100" })
        #expect(try await service.store.counts() == .init(persons: 1, events: 3, issuedCodes: 3))
    }

    @Test("query: colour, reasons and their ends under another rule set; unknown person and rule set")
    func query() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let person = HealthCodeFixtures.person
        _ = try await fixture.service.declareHealth(
            .init(record: Self.validRecord, time: Self.dateTime("2026-03-01T09:00:00")))
        try await fixture.service.recordEvent(
            HealthEvent(Self.dateTime("2026-03-02T10:00:00"), .caseOpened(.confirmed)), for: person, actor: "cdc")
        try await fixture.service.recordEvent(
            HealthEvent(Self.dateTime("2026-03-05T10:00:00"), .caseClosed(.confirmed)), for: person, actor: "cdc")
        let v9 = try await fixture.service.queryHealthInformation(
            .init(person: person, date: Self.march(13)))
        #expect(v9.status?.colour == .yellow)
        #expect(v9.status?.reasons.first?.endsOn == Self.march(19))
        #expect(v9.events.count == 3)
        let v5 = try await fixture.service.queryHealthInformation(
            .init(person: person, date: Self.march(13), rules: "hainan-2022-05"))
        #expect(v5.status?.colour == .red)
        #expect(v5.rules == "hainan-2022-05")
        let unknown = try await fixture.service.queryHealthInformation(.init(person: HealthCodeFixtures.otherPerson))
        #expect(unknown.returnCode == .unknownPerson)
        let badRules = try await fixture.service.queryHealthInformation(.init(person: person, rules: "nowhere-2020"))
        #expect(badRules.returnCode == .invalidRequest)
        #expect(badRules.violations.first?.element == "rules")
    }

    @Test("trip declaration: a risk-area stay turns red; unknown regions and bad countries are listed, nothing stored")
    func trip() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let person = HealthCodeFixtures.person
        let time = Self.dateTime("2026-03-03T09:00:00")
        let unknown = try await fixture.service.declareTrip(
            .init(person: person, stops: [.init(region: "440300", arrival: Self.march(1))], time: time))
        #expect(unknown.returnCode == .unknownPerson)
        _ = try await fixture.service.declareHealth(
            .init(record: Self.validRecord, time: Self.dateTime("2026-03-01T09:00:00")))
        let before = try await fixture.service.store.counts()
        let bad = try await fixture.service.declareTrip(
            .init(
                person: person,
                stops: [
                    .init(region: "999999", arrival: Self.march(1)),
                    .init(country: "CHN", arrival: Self.march(1)),
                    .init(
                        region: "440300", arrival: Self.march(2),
                        departure: Self.march(1)),
                ], time: time))
        #expect(bad.returnCode == .invalidRequest)
        #expect(bad.violations.map(\.element) == ["stops[0].region", "stops[1].country", "stops[2].departure"])
        #expect(try await fixture.service.store.counts() == before)
        let good = try await fixture.service.declareTrip(
            .init(
                person: person,
                stops: [.init(region: "440300", arrival: Self.march(1), riskArea: true)],
                time: time))
        #expect(good.returnCode == .success)
        #expect(good.status?.colour == .red)
        #expect(good.status?.reasons.first?.category == "riskAreaStay")
    }

    @Test("correction retracts an event (kept on record) and the colour follows; corrections are validated")
    func correction() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let person = HealthCodeFixtures.person
        _ = try await fixture.service.declareHealth(
            .init(record: Self.validRecord, time: Self.dateTime("2026-03-01T09:00:00")))
        let wrong = try await fixture.service.recordEvent(
            HealthEvent(Self.dateTime("2026-03-02T10:00:00"), .caseOpened(.confirmed)), for: person, actor: "cdc")
        #expect(wrong.status.colour == .red)

        let invalid = try await fixture.service.correct(.init(person: person, reason: " ", actor: ""))
        #expect(invalid.returnCode == .invalidRequest)
        #expect(invalid.violations.map(\.element) == ["reason", "actor", "eventID"])
        let missing = try await fixture.service.correct(.init(person: person, eventID: 999, reason: "x", actor: "hq"))
        #expect(missing.returnCode == .unknownEvent)

        let corrected = try await fixture.service.correct(
            .init(
                person: person, eventID: wrong.eventID, replacement: .caseOpened(.closeContact), reason: "wrong status",
                actor: "county-hq", time: Self.dateTime("2026-03-02T11:00:00")))
        #expect(corrected.returnCode == .success)
        #expect(corrected.eventIDs.count == 2)
        let events = try await fixture.service.store.events(of: person)
        #expect(events.map(\.kind) == ["declaration", "caseOpened", "caseOpened", "correction"])
        let effective = HealthEventStore.effectiveEvents(events)
        #expect(
            effective.map(\.kind) == [
                .declaration(symptoms: [], riskAreaStay: false, overseas: false), .caseOpened(.closeContact),
            ])
        let again = try await fixture.service.correct(
            .init(person: person, eventID: wrong.eventID, reason: "twice", actor: "county-hq"))
        #expect(again.returnCode == .unknownEvent)

        // Basic information: validated against the basic group only.
        var basic = Self.validRecord.filter { ["name", "sex", "documentType", "documentNumber"].contains($0.key) }
        basic["name"] = .string("张叁")
        basic["phone"] = .string("12")
        let badBasic = try await fixture.service.correct(
            .init(person: person, basicInfo: basic, reason: "typo", actor: "self"))
        #expect(badBasic.violations.map(\.element) == ["phone"])
        basic["phone"] = nil
        let fixed = try await fixture.service.correct(
            .init(person: person, basicInfo: basic, reason: "typo", actor: "self"))
        #expect(fixed.returnCode == .success)
        #expect(try await fixture.service.store.person(person)?.basicInfo["name"] == .string("张叁"))
    }

    @Test("code application (调用申请) grants a time-limited id that code generation checks")
    func application() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var service = fixture.service
        service.requiresApplication = true
        let person = HealthCodeFixtures.person
        _ = try await service.declareHealth(.init(record: Self.validRecord, time: Self.dateTime("2026-03-01T09:00:00")))
        let now = Self.instant("2026-03-01T10:00:00")
        let denied = try await service.generateCode(.init(person: person, now: now))
        #expect(denied.returnCode == .applicationNotValid)
        let empty = try await service.applyForCode(.init(person: person, applicant: "", purpose: "", now: now))
        #expect(empty.violations.map(\.element) == ["applicant", "purpose"])
        let granted = try await service.applyForCode(
            .init(person: person, applicant: "venue-0001", purpose: "entry", validity: .seconds(600), now: now))
        let id = try #require(granted.applicationID)
        #expect(granted.expiresAt == now.addingTimeInterval(600))
        let code = try await service.generateCode(
            .init(person: person, now: now.addingTimeInterval(60), applicationID: id))
        #expect(code.returnCode == .success)
        let late = try await service.generateCode(
            .init(person: person, now: now.addingTimeInterval(601), applicationID: id))
        #expect(late.returnCode == .applicationNotValid)
        let region = try await service.generateCode(
            .init(person: person, region: "999999", now: now.addingTimeInterval(60), applicationID: id))
        #expect(region.violations.map(\.element) == ["region"])
        // The application is on record but does not bear on the colour.
        #expect(try await service.store.events(of: person).map(\.kind) == ["declaration", "codeApplication"])
        #expect(code.status?.colour == .green)
    }

    @Test("a fever in the declaration counts as a symptom; stored kinds round-trip through the payload coding")
    func eventCoding() async throws {
        let kinds: [HealthEvent.Kind] = [
            .checkIn(normal: false), .declaration(symptoms: ["cough"], riskAreaStay: true, overseas: false),
            .testResult(positive: true), .feverClinicVisit(excludesCOVID: true), .caseOpened(.asymptomatic),
            .caseClosed(.inbound), .exposure(minutes: 45),
            .manualConversion(to: .yellow, actor: "checkpoint", reason: "x"),
        ]
        for kind in kinds {
            let (name, payload) = HealthEventStore.encode(kind)
            #expect(HealthEventStore.decode(kind: name, payload: payload) == kind)
        }
        let fixture = try Fixture()
        defer { fixture.remove() }
        var record = Self.validRecord
        record["temperature"] = .number(38.1)
        let response = try await fixture.service.declareHealth(
            .init(record: record, time: Self.dateTime("2026-03-01T09:00:00")))
        #expect(response.status?.colour == .yellow)
        #expect(response.status?.reasons.first?.category == "symptoms")
    }

    @Test("the register entry read in one statement: the code's row, the newer code, a row that does not parse skipped")
    func registerEntryInOneStatement() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = try HealthEventStore(path: fixture.path)
        let person = HealthCodeFixtures.person
        _ = try await store.update(person, now: Self.instant("2026-03-01T09:00:00")) { _, _ in
            HealthRecordChange(createsPerson: true, value: 0)
        }
        func code(_ number: Int) throws -> HealthEventStore.IssuedCodeRecord {
            HealthEventStore.IssuedCodeRecord(
                codeID: try HealthCode.ID(hex: String(format: "%016x", number)), person: person, colour: .green,
                region: "460100", issuedAt: Self.instant("2026-03-01T09:00:00"),
                expiresAt: Self.instant("2026-03-02T09:00:00"), keyID: try KeyID(hex: "0123456789abcdef"),
                rules: "hainan-2022-09")
        }
        /// The entry of the one statement, checked against the register's list of the person's codes.
        func entry(_ record: HealthEventStore.IssuedCodeRecord) async throws -> HealthEventStore.RegisterEntry? {
            let read = try await store.registerEntry(of: record.codeID)
            let listed = try await store.registerEntryFromCodes(of: record.codeID)
            #expect(read?.issued == listed?.issued && read?.newer == listed?.newer)
            return read
        }
        let first = try code(1)
        let second = try code(2)
        #expect(try await entry(first) == nil)
        try await store.recordIssuedCode(first)
        #expect(try await entry(first)?.issued == first)
        #expect(try await entry(first)?.newer == nil)
        try await store.recordIssuedCode(second)
        #expect(try await entry(first)?.newer == second.codeID)
        #expect(try await entry(second)?.newer == nil)
        // A newer row whose key id does not parse (no store writes one): the register's list
        // skips it, and so does the entry.
        _ = try await SQLiteCommand.run(
            URL(fileURLWithPath: fixture.path),
            """
            INSERT INTO issuedCode (codeId, personId, colour, region, issuedAt, expiresAt, keyId, rules)
            VALUES ('0000000000000003', '\(person.rawValue)', 'green', '460100', 0, 0, 'not-a-key-id', 'x');
            """)
        #expect(try await entry(first)?.newer == second.codeID)
        #expect(try await entry(second)?.newer == nil)
    }
}
