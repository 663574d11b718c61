import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard site`: register the places that register people at the scan (Docs/registrations.md).
/// Thin: ``RegistrationSite`` checks, ``RegistrationStore`` stores.
struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Registration sites: fever clinics, pharmacies, observation sites, employers, checkpoints.",
        discussion: """
            A site registers once, with its type, name, county (GB/T 2260) and operator; every \
            registration (hcard register) is attributed to a site and an operator.

            Examples:
              hcard site add --store reg.db --id FC1 --type feverClinic --name "海口市人民医院发热门诊" \\
                  --region 460106 --operator "海口市人民医院"
              hcard site list --store reg.db --json
            """,
        subcommands: [Add.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a site.",
            discussion: """
                Refused: an id outside [0-9A-Za-z_-]{1,32}, an id already registered, a region that is \
                not a current county-level GB/T 2260 code, an empty name or operator.

                Example:
                  hcard site add --store reg.db --id PH1 --type pharmacy --name "一心堂滨海店" \\
                      --region 460106 --operator "一心堂"
                """)

        @Option(help: "The registration store (SQLite, created on first use).")
        var store: String
        @Option(help: "The site id.")
        var id: String
        @Option(help: "feverClinic, pharmacy, observationSite, employer or checkpoint.")
        var type: SiteType
        @Option(help: "The site's name.")
        var name: String
        @Option(help: "Its county: a current GB/T 2260 code (460106).")
        var region: String
        @Option(name: .customLong("operator"), help: "The organisation running it.")
        var operatorName: String

        func run() throws {
            let site = try RegistrationSite(id: id, type: type, name: name, region: region, operatorName: operatorName)
            try RegistrationStore(path: store).addSite(site, now: SystemClock().now())
            print("site \(site.id) registered: \(site.type.rawValue), \(site.name), \(site.region), \(site.operatorName)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the sites.", discussion: "Example:\n  hcard site list --store reg.db")

        @Option(help: "The registration store.")
        var store: String
        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let sites = try RegistrationStore(path: store, mode: .readOnly).sites()
            if json { return try printJSON(sites) }
            for site in sites {
                print([site.id, site.type.rawValue, site.region, site.name, site.operatorName].joined(separator: "\t"))
            }
        }
    }
}

extension SiteType: ExpressibleByArgument {}
