import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard empi find`: the PDQ demographic query (`PatientIndex.demographics(_:)`).
extension EMPICommand {
    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "PDQ query: persons by name, birth date, sex and identifiers, a page at a time.",
            discussion: """
                A person matches when they hold every --identifier and one of their records has \
                every demographic criterion, compared after the matcher's normalisation (陳 = 陈, \
                "Li Ming" finds 李明, 19850312 = 1985-03-12, 女 = 2). Ordered by person ID; the \
                last line names the --after value of the next page. Exit 1 for a criterion that \
                does not parse or no criterion at all.

                Example:
                  hcard empi find --db idx.db --name 王芳 --birth-date 1990-07-01 --json
                  hcard empi find --db idx.db --sex 2 --limit 50 --after 1200
                """)

        @OptionGroup var index: IndexOptions
        @Option(help: "Full name, Hanzi or Latin.") var name: String?
        @Option(help: "Birth date: YYYYMMDD, YYYY-MM-DD or YYYY/M/D.") var birthDate: String?
        @Option(help: "Sex: 1/2, 男/女, M/F, male/female.") var sex: String?
        @Option(help: "DOMAIN:VALUE the person must hold (repeatable).") var identifier: [String] = []
        @Option(help: "Only persons with a larger ID (the previous page's next).") var after: Int64?
        @Option(help: "Page size, 1-1000.") var limit = 100
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let identifiers = try identifier.map { text in
                guard let reference = RecordReference(text) else {
                    throw ValidationError("--identifier \"\(text)\" must be DOMAIN:VALUE")
                }
                return DemographicsQuery.Identifier(domain: reference.domain, value: reference.id)
            }
            let query = DemographicsQuery(
                name: name, birthDate: birthDate, sex: sex, identifiers: identifiers,
                after: after.map(EnterpriseID.init(rawValue:)), limit: limit)
            let page: DemographicsPage
            do {
                page = try index.open(mode: .readOnly).demographics(query)
            } catch let error as HealthCardError {
                printError("error: \(error.reason)")
                throw ExitCode(1)
            }
            if json { return try printJSON(page) }
            for match in page.matches {
                let golden = match.golden
                let fields = [golden.fullName, golden.birthDate, golden.sex].map { $0 ?? "-" }
                let score = match.score.map { String(format: "%.3f", $0) } ?? "-"
                print(
                    "person \(match.person)\t\(fields.joined(separator: "\t"))\tscore \(score)\t"
                        + match.records.map(\.description).joined(separator: " "))
            }
            print("\(page.total) matching; " + (page.next.map { "next page: --after \($0)" } ?? "last page"))
        }
    }
}
