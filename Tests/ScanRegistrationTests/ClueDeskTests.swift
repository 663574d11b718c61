import Foundation
import HealthCardFoundation
import Testing
import ScanRegistration

@Suite("Clue reports: report → routing → outbox → acknowledgement → feedback; overdue per county")
struct ClueDeskTests {
    static let now = RegistrationFixture.now

    func desk(_ f: RegistrationFixture, at time: Date) -> ClueDesk {
        ClueDesk(
            store: f.registrations, gateway: OutboxSMSGateway(directory: f.directory.appendingPathComponent("outbox").path),
            clock: FixedClock(time))
    }

    @Test("done-when: a report travels to the district handler's outbox, is acknowledged and answered")
    func lifecycle() throws {
        let f = try RegistrationFixture()
        try FileManager.default.createDirectory(at: f.directory.appendingPathComponent("outbox"), withIntermediateDirectories: true)
        let desk = desk(f, at: Self.now)
        try desk.setHandler(region: "460106", name: "龙华区疫情防控指挥部", phone: "0898-66660001")
        try desk.setHandler(region: "460100", name: "海口市疫情防控指挥部", phone: "0898-66660000")
        let (report, failure) = try desk.report(
            NewClueReport(
                subject: try ClueSubject("violation/gathering"), region: "460106", place: "滨海大道某KTV",
                description: "夜间多人聚集，未戴口罩", reporterPhone: "13700137000"))
        #expect(failure == nil)
        #expect(report.status == "notified")
        #expect(report.handler?.name == "龙华区疫情防控指挥部")
        let outbox = OutboxSMSGateway(directory: f.directory.appendingPathComponent("outbox").path)
        let messages = try outbox.messages()
        #expect(messages.count == 1)
        #expect(messages.first?.to == "0898-66660001")
        #expect(messages.first?.reference == "clue-\(report.id)")
        #expect(messages.first?.text.contains("violation/gathering 海南省 海口市 龙华区 滨海大道某KTV") == true)
        #expect(report.messageID == "clue-\(report.id).json")
        // A county without its own handler goes to its prefecture's.
        let (meilan, _) = try desk.report(
            NewClueReport(subject: try ClueSubject("feverNotExcluded"), region: "460108", place: "某小区", description: "邻居发热未就医"))
        #expect(meilan.handler?.region == "460100")
        // Feedback before the acknowledgement is refused; then acknowledged and closed.
        #expect(throws: HealthCardError(code: .invalidOperation, reason: "")) { try desk.feedback(report.id, text: "已处置") }
        let later = self.desk(f, at: Self.now.addingTimeInterval(1800))
        #expect(try later.acknowledge(report.id, by: "值班员张三").status == "acknowledged")
        #expect(throws: HealthCardError(code: .invalidOperation, reason: "")) { try later.acknowledge(report.id, by: "x") }
        let closed = try later.feedback(report.id, text: "已到场劝散，场所停业整顿")
        #expect(closed.status == "closed")
        #expect(closed.feedback == "已到场劝散，场所停业整顿")
        #expect(closed.acknowledgedBy == "值班员张三")
        #expect(throws: HealthCardError(code: .invalidOperation, reason: "")) { try later.notify(report.id) }
    }

    @Test("done-when: overdue reports are listed per county; answered ones are not")
    func supervision() throws {
        let f = try RegistrationFixture()
        try FileManager.default.createDirectory(at: f.directory.appendingPathComponent("outbox"), withIntermediateDirectories: true)
        let desk = desk(f, at: Self.now)
        try desk.setHandler(region: "460106", name: "龙华区", phone: "0898-66660001")
        try desk.setHandler(region: "460105", name: "秀英区", phone: "0898-66660002")
        let subject = try ClueSubject("priceGouging")
        let slow = try desk.report(NewClueReport(subject: subject, region: "460106", place: "A药店", description: "口罩一只50元")).report
        let answered = try desk.report(NewClueReport(subject: subject, region: "460106", place: "B药店", description: "哄抬价格")).report
        let acknowledged = try desk.report(NewClueReport(subject: subject, region: "460105", place: "C超市", description: "哄抬价格")).report
        let unrouted = try desk.report(NewClueReport(subject: subject, region: "469002", place: "琼海某店", description: "哄抬价格"))
        #expect(unrouted.notificationError == "no handler covers region 469002")
        #expect(unrouted.report.status == "unrouted")
        let soon = self.desk(f, at: Self.now.addingTimeInterval(600))
        try soon.acknowledge(answered.id, by: "甲")
        try soon.feedback(answered.id, text: "已查处")
        try soon.acknowledge(acknowledged.id, by: "乙")
        // At +1 h nothing routed is late yet; the unrouted one is.
        #expect(try desk.overdue(now: Self.now.addingTimeInterval(3600)).map(\.county) == ["469002"])
        // At +3 h the unacknowledged one is 1 h late; at +25 h the acknowledged one lacks feedback.
        let three = try desk.overdue(now: Self.now.addingTimeInterval(3 * 3600))
        #expect(three.map(\.county) == ["460106", "469002"])
        #expect(three.first?.reports.map(\.report.id) == [slow.id])
        #expect(three.first?.reports.first?.reason == "notAcknowledged")
        #expect(three.first?.reports.first?.late == .seconds(3600))
        let day = try desk.overdue(now: Self.now.addingTimeInterval(25 * 3600))
        #expect(day.map(\.county) == ["460105", "460106", "469002"])
        #expect(day.first?.reports.first?.reason == "noFeedback")
    }

    @Test("strict input: subjects, regions and phones are checked, naming the value")
    func strict() throws {
        let f = try RegistrationFixture()
        let desk = desk(f, at: Self.now)
        #expect(throws: HealthCardError.invalidValue("")) { try ClueSubject("violation/fever") }
        #expect(throws: HealthCardError.invalidValue("")) { try ClueSubject("gatherings") }
        #expect(try ClueSubject("closeContact") == .suspectedCase(.closeContact))
        #expect(throws: HealthCardError.invalidValue("")) {
            try desk.report(NewClueReport(subject: .violation(.counterfeit), region: "460100", place: "x", description: "y"))
        }
        #expect(throws: HealthCardError.invalidValue("")) {
            try desk.report(NewClueReport(subject: .violation(.counterfeit), region: "460106", place: " ", description: "y"))
        }
        #expect(throws: HealthCardError.invalidValue("")) { try desk.setHandler(region: "460106", name: "x", phone: "call me") }
        #expect(try f.registrations.clues().isEmpty)
    }

    @Test("the outbox writes each message once, whole")
    func outbox() throws {
        let f = try RegistrationFixture()
        let directory = f.directory.appendingPathComponent("outbox")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let outbox = OutboxSMSGateway(directory: directory.path)
        let message = SMSMessage(to: "13800138000", text: "测试", reference: "clue-1")
        #expect(try outbox.send(message) == "clue-1.json")
        #expect(throws: FileAccessError.self) { try outbox.send(message) }
        #expect(throws: HealthCardError.invalidValue("")) { try outbox.send(SMSMessage(to: "1", text: "x", reference: "../x")) }
        #expect(try outbox.messages() == [message])
    }
}
