import HealthCardCore

enum IdentityBenchmarks {
    static func run() async throws {
        let validator = CitizenIDValidator(today: CalendarDate(year: 2026, month: 11, day: 22)!)
        let ids = ["11010519491231002X", "440524188001010014", "110105491231002", "110105194912310021"]
        let result = await measure("citizen ID", operations: 40_000) {
            for _ in 0..<10_000 { for id in ids { _ = validator.validate(id) } }
        }
        printTable("Identity", [
            ["operation", "median per op", "per second"],
            ["GB 11643 validation incl. region lookup", pretty(result.median / result.operations), format(result.perSecond)],
        ])
    }
}
