import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard clue`: epidemic clue reports from the public, routed to the district's handler and
/// tracked to a response (Docs/registrations.md, "Clue reports"). Thin over ``ClueDesk``.
struct ClueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clue",
        abstract: "Clue reports: report, route to the district handler, notify, acknowledge, feedback, supervise.",
        discussion: """
            Notifications go to an outbox directory (one JSON file per message, written atomically), \
            from which an SMS gateway or an operator sends them.

            Examples:
              hcard clue handler --store reg.db --region 460106 --name "龙华区疫情防控指挥部" --phone 0898-66660001
              hcard clue report --store reg.db --outbox outbox --subject violation/gathering --region 460106 \\
                  --place "滨海大道某KTV" --description "夜间多人聚集"
              hcard clue ack 1 --store reg.db --by 值班员张三
              hcard clue feedback 1 --store reg.db --text "已到场劝散"
              hcard clue overdue --store reg.db
            """,
        subcommands: [Handler.self, Report.self, Notify.self, Ack.self, Feedback.self, List.self, Overdue.self]
    )

    /// The store, the outbox and the supervision limits every clue command shares.
    struct DeskOptions: ParsableArguments {
        @Option(help: "The registration store.")
        var store: String
        @Option(help: "The outbox directory of the SMS gateway.")
        var outbox = "outbox"
        @Option(help: "Hours from the report to the acknowledgement before it is overdue.")
        var ackHours = 2
        @Option(help: "Hours from the report to the feedback before it is overdue.")
        var feedbackHours = 24

        func validate() throws {
            guard (1...720).contains(ackHours), (1...720).contains(feedbackHours) else {
                throw ValidationError("--ack-hours and --feedback-hours must be 1...720")
            }
        }

        func desk(now: Date? = nil) throws -> ClueDesk {
            ClueDesk(
                store: try RegistrationStore(path: store), gateway: OutboxSMSGateway(directory: outbox),
                clock: now.map { FixedClock($0) as any WallClock } ?? SystemClock(),
                acknowledgeWithin: .seconds(ackHours * 3600), feedbackWithin: .seconds(feedbackHours * 3600))
        }
    }

    struct Handler: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the handler of a region (county, or prefecture/province as the fallback).",
            discussion: "Example:\n  hcard clue handler --store reg.db --region 460100 --name 海口市指挥部 --phone 0898-66660000")
        @OptionGroup var options: DeskOptions
        @Option(help: "A current GB/T 2260 code.")
        var region: String
        @Option(help: "The handling office.")
        var name: String
        @Option(help: "Its phone (the notification's recipient).")
        var phone: String

        func run() throws {
            try options.desk().setHandler(region: region, name: name, phone: phone)
            print("handler of \(region): \(name) \(phone)")
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report a clue; it is routed and its handler notified.",
            discussion: """
                Subjects: \(ClueSubject.allNames.joined(separator: ", ")) (the kind alone also works).

                Example:
                  hcard clue report --store reg.db --subject feverNotExcluded --region 460108 --place 某小区 \\
                      --description 邻居发热未就医 --phone 13700137000
                """)
        @OptionGroup var options: DeskOptions
        @Option(help: "What is reported.")
        var subject: String
        @Option(help: "The county (GB/T 2260).")
        var region: String
        @Option(help: "The place in words.")
        var place: String
        @Option(help: "What was seen.")
        var description: String
        @Option(help: "The reporter's phone, for feedback.")
        var phone: String?

        func run() throws {
            let (report, failure) = try options.desk().report(
                NewClueReport(subject: try ClueSubject(subject), region: region, place: place, description: description, reporterPhone: phone))
            print("clue #\(report.id) \(report.status)" + (report.handler.map { " to \($0.name) (\($0.region))" } ?? ""))
            if let failure {
                printError("clue #\(report.id) not notified: \(failure)")
                throw ExitCode(1)
            }
        }
    }

    struct Notify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a routed report that was not notified (the gateway failed).",
            discussion: "Example:\n  hcard clue notify 3 --store reg.db --outbox outbox")
        @OptionGroup var options: DeskOptions
        @Argument(help: "The report number.")
        var id: Int64

        func run() throws {
            let report = try options.desk().notify(id)
            print("clue #\(report.id) notified: \(report.messageID ?? "")")
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The handler acknowledges a report.", discussion: "Example:\n  hcard clue ack 1 --store reg.db --by 值班员张三")
        @OptionGroup var options: DeskOptions
        @Argument(help: "The report number.")
        var id: Int64
        @Option(help: "Who acknowledges.")
        var by: String

        func run() throws {
            print("clue #\(try options.desk().acknowledge(id, by: by).id) acknowledged")
        }
    }

    struct Feedback: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The handler's feedback, which closes a report.",
            discussion: "Example:\n  hcard clue feedback 1 --store reg.db --text 已到场劝散")
        @OptionGroup var options: DeskOptions
        @Argument(help: "The report number.")
        var id: Int64
        @Option(help: "What was done.")
        var text: String

        func run() throws {
            print("clue #\(try options.desk().feedback(id, text: text).id) closed")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List reports, oldest first.", discussion: "Example:\n  hcard clue list --store reg.db --region 460106")
        @OptionGroup var options: DeskOptions
        @Option(help: "Only this county.")
        var region: String?

        func run() throws {
            for report in try options.desk().store.clues(region: region) {
                print(["#\(report.id)", ISO8601Instant.format(report.reportedAt), report.region, report.subject.name, report.status,
                    report.handler?.name ?? "-", report.place].joined(separator: "\t"))
            }
        }
    }

    struct Overdue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Supervision: open reports past their limits, per county.",
            discussion: """
                Overdue: unrouted or not notified at once; not acknowledged within --ack-hours (default 2); \
                no feedback within --feedback-hours (default 24). Exit status 2 when any is overdue.

                Example:
                  hcard clue overdue --store reg.db --now 2026-03-02T10:00:00
                """)
        @OptionGroup var options: DeskOptions
        @Option(help: "Judge as of this time instead of now.")
        var now: ChinaTimeArgument?

        func run() throws {
            let counties = try options.desk(now: now?.instant).overdue()
            for (county, reports) in counties {
                print("\(county) \(RegionTable.shipped.fullName(of: county) ?? ""): \(reports.count) overdue")
                for item in reports {
                    print("  #\(item.report.id)\t\(item.reason)\t\(item.late.components.seconds / 60) min late\t\(item.report.subject.name)\t\(item.report.place)")
                }
            }
            if !counties.isEmpty { throw ExitCode(2) }
        }
    }
}
