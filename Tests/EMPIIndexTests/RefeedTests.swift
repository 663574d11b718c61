import Foundation
import GRDB
import HealthCardTestSupport
import Testing
@testable import EMPI
@testable import EMPIIndex
@testable import HealthCardFoundation

/// A re-fed, changed record is matched again (issue 18 item 7): its automatic link follows the
/// evidence, with an event; manual links stay and the doubt goes to review.
@Suite("EMPI index: re-fed records are matched again")
struct RefeedTests {
    static let now = EMPIIndexTests.now
    static let fangID = EMPIFixture.id("11010519900506123")
    static let leiID = EMPIFixture.id("44052419850102001")

    /// 王芳 with two records (F1, F2) and 李雷 with one (L1).
    static func makeIndex() throws -> (PatientIndex, fang: EnterpriseID, lei: EnterpriseID) {
        let (index, _) = try EMPIIndexTests.makeIndex()
        let f1 = EMPIFixture.record("F1", name: "王芳", birth: "1990-05-06", sex: "2", citizenID: fangID, phone: "13800000001")
        var f2 = f1
        f2.id = "F2"
        let l1 = EMPIFixture.record("L1", name: "李雷", birth: "1985-01-02", sex: "1", citizenID: leiID, phone: "13900000003")
        let fang = try #require(try index.feed(f1, now: now).person)
        #expect(try index.feed(f2, now: now).person == fang)
        let lei = try #require(try index.feed(l1, now: now).person)
        #expect(fang != lei)
        return (index, fang, lei)
    }

    static func ref(_ id: String) -> RecordReference { RecordReference(domain: "test", id: id) }

    /// Every link row but its probability and explanation.
    static func linksWithoutEvidence(_ index: PatientIndex) throws -> [String] {
        try DatabaseQueue(path: index.path).read { db in
            try Row.fetchAll(db, sql: "SELECT record, person, provenance, time, actor FROM link ORDER BY record").map(\.description)
        }
    }

    @Test("a changed record that now belongs to another person moves there, with a link event")
    func movesToAnotherPerson() throws {
        let (index, fang, lei) = try Self.makeIndex()
        let eventsBefore = try index.statistics().lastEvent
        // F2 was entered with the wrong patient's data; the source corrects it to 李雷's.
        let corrected = EMPIFixture.record(
            "F2", name: "李雷", birth: "1985-01-02", sex: "1", citizenID: Self.leiID, phone: "13900000003")
        let result = try index.feed(corrected, now: Self.now)
        #expect(result.decision == .relinked && result.person == lei && result.provenance == .deterministic)
        #expect(try index.personOf(Self.ref("F2")) == lei)
        let events = try index.events(since: eventsBefore)
        #expect(events.map(\.kind) == [.update, .link])
        #expect(events[1].person == lei && events[1].record == Self.ref("F2"))
        #expect(events[1].payload == ["from": .number(Double(fang.rawValue)), "reason": .string("changed-record")])
        // The link carries the evidence; both golden records follow.
        let link = try #require(try index.person(lei).links.first { $0.record == Self.ref("F2") })
        #expect(link.provenance == .deterministic && link.explanation != nil && link.probability != nil)
        #expect(try index.person(fang).golden.identifiers.map(\.value).contains(Self.leiID) == false)
        #expect(try index.person(lei).links.count == 2)
        // The matcher (rebuilt after the change, and from a re-opened file) sees F2 under 李雷: a
        // third record of him links to him alone (with F2 still under 王芳, two persons would
        // auto-link and it would go to review).
        var another = corrected
        another.id = "L9"
        let preview = try index.match(another)
        #expect(preview.decision == .linked && preview.person == lei)
        let reopened = try PatientIndex(path: index.path, normalizer: EMPIFixture.normalizer)
        #expect(try reopened.match(another).person == lei)
        // Feeding it once more changes nothing.
        let again = try index.feed(corrected, now: Self.now)
        #expect(again.decision == .unchanged && again.person == lei)
        #expect(try index.statistics().lastEvent == eventsBefore + 2)
    }

    @Test("a changed record that matches nobody any more leaves its person for a new one")
    func movesToANewPerson() throws {
        let (index, fang, lei) = try Self.makeIndex()
        let stranger = EMPIFixture.record(
            "F2", name: "赵敏", birth: "1970-03-04", sex: "2", citizenID: EMPIFixture.id("31011519700304002"))
        let result = try index.feed(stranger, now: Self.now)
        #expect(result.decision == .relinked)
        let person = try #require(result.person)
        #expect(person != fang && person != lei)
        #expect(try index.personOf(Self.ref("F2")) == person)
        #expect(try index.person(fang).links.map(\.record) == [Self.ref("F1")])
        // A record alone in its person stays there whatever it changes to.
        let alone = EMPIFixture.record("L1", name: "钱坤", birth: "1975-06-07", sex: "1")
        let kept = try index.feed(alone, now: Self.now)
        #expect(kept.decision == .unchanged && kept.person == lei)
    }

    @Test("a changed record that still matches its person keeps its link; only an update event")
    func staysWhenTheEvidenceHolds() throws {
        let (index, fang, _) = try Self.makeIndex()
        let eventsBefore = try index.statistics().lastEvent
        let stateBefore = try index.dumpState()["link"]
        let linksBefore = try Self.linksWithoutEvidence(index)
        var moved = EMPIFixture.record("F2", name: "王芳", birth: "1990-05-06", sex: "2", citizenID: Self.fangID)
        moved.phone = "13800000999"
        moved.addressLines = ["上海市徐汇区漕溪北路88号"]
        let result = try index.feed(moved, now: Self.now)
        #expect(result.decision == .unchanged && result.person == fang)
        #expect(try index.events(since: eventsBefore).map(\.kind) == [.update])
        #expect(try index.person(fang).golden.phone == "13800000999")
        // The link stays as it was (person, provenance, time, actor); it now stands on the new
        // data, so its probability and explanation are the new match's.
        #expect(try Self.linksWithoutEvidence(index) == linksBefore)
        #expect(try index.dumpState()["link"] != stateBefore)
        let link = try #require(try index.person(fang).links.first { $0.record == Self.ref("F2") })
        let explanation = try JSONDecoder().decode(Explanation.self, from: Data(try #require(link.explanation).utf8))
        #expect(explanation.fields.first { $0.field == .phone }?.rawA == "13800000999")
        #expect(link.probability == explanation.probability)
    }

    @Test("explanations name the record versions they were scored on: a re-fed record's old data stays theirs")
    func explanationsKeepTheirData() throws {
        let (index, fang, _) = try Self.makeIndex()
        // F2's link was made against F1 as it was; F1 then changes (its phone) and stays.
        let before = try #require(try index.person(fang).links.first { $0.record == Self.ref("F2") }?.explanation)
        var changed = EMPIFixture.record(
            "F1", name: "王芳", birth: "1990-05-06", sex: "2", citizenID: Self.fangID, phone: "13800000777")
        changed.addressLines = ["北京市西城区金融大街1号"]
        #expect(try index.feed(changed, now: Self.now).decision == .unchanged)
        let links = try index.person(fang).links
        // F2's explanation still shows F1's old phone beside the levels scored on it, byte for byte.
        #expect(links.first { $0.record == Self.ref("F2") }?.explanation == before)
        #expect(before.contains("13800000001") && !before.contains("13800000777"))
        // F1 started its person: its link was made by no match and gets no explanation now either
        // (a link a match made takes the new match's: `staysWhenTheEvidenceHolds`).
        let own = try #require(links.first { $0.record == Self.ref("F1") })
        #expect(own.explanation == nil && own.probability == nil)
        // Read by another process, on another day: the same explanations (the normaliser's
        // settings are stored with each).
        let later = Normalizer(today: CalendarDate(year: 2045, month: 6, day: 1)!)
        let reopened = try PatientIndex(path: index.path, normalizer: later)
        #expect(try reopened.person(fang).links.map(\.explanation) == links.map(\.explanation))
        // Changed twice in one transaction: each replaced version is kept under its own number.
        try index.transaction { transaction in
            for phone in ["13800000666", "13800000555"] {
                changed.phone = phone
                _ = try transaction.feed(changed, actor: "test", now: Self.now)
            }
        }
        let kept = try DatabaseQueue(path: index.path).read { db in
            try Row.fetchAll(db, sql: """
                SELECT recordVersion.version, recordVersion.data, record.version AS current FROM recordVersion
                JOIN record ON record.id = recordVersion.record WHERE record.localId = 'F1' ORDER BY recordVersion.version
                """)
        }
        #expect(kept.count == 3)
        #expect(Set(kept.map { $0["version"] as Int64 }).count == 3 && kept.allSatisfy { ($0["current"] as Int64) > $0["version"] })
        #expect(kept.map { ($0["data"] as String).contains("13800000001") } == [true, false, false])
        #expect((kept[2]["data"] as String).contains("13800000666"))
        #expect(try index.person(fang).links.first { $0.record == Self.ref("F2") }?.explanation == before)
    }

    @Test("a manual link is never moved by a re-feed; the doubt is queued for review")
    func manualLinkStays() throws {
        let (index, fang, lei) = try Self.makeIndex()
        _ = try index.link(Self.ref("F2"), to: fang, actor: "steward", now: Self.now)
        let corrected = EMPIFixture.record(
            "F2", name: "李雷", birth: "1985-01-02", sex: "1", citizenID: Self.leiID, phone: "13900000003")
        let result = try index.feed(corrected, now: Self.now)
        #expect(result.decision == .review && result.person == fang && result.provenance == .manual)
        #expect(try index.personOf(Self.ref("F2")) == fang)
        let item = try #require(try index.reviews().first { $0.id == result.reviewItem })
        #expect(item.reason == "changed-record" && item.record == Self.ref("F2") && item.person == fang)
        #expect(item.candidates.map(\.person) == [lei])
        // Resolving it as the evidence says moves the record by hand.
        _ = try index.resolveReview(item.id, .link(lei), actor: "steward", now: Self.now)
        #expect(try index.personOf(Self.ref("F2")) == lei)
    }
}
