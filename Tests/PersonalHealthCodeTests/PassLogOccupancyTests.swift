import Foundation
import GRDB
import Testing
@testable import HealthCardFoundation
@testable import HealthCardTestSupport
@testable import PersonalHealthCode

/// "Who is inside", stays and per-department counts as queries of a real pass log, on hand-placed
/// entries and exits whose answers are known.
@Suite("PassLog occupancy: inside now, stays, departments")
struct PassLogOccupancyTests {
    @Test("inside = last passed passage is an entry; a denied exit does not leave; stays pair in → out")
    func occupancy() throws {
        let (log, directory) = try PassLogTests.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let entry = try CheckpointSite(id: "E1", department: "Outpatients")
        let exit = try CheckpointSite(id: "X1", department: "Outpatients")
        let ward = try CheckpointSite(id: "W1", department: "Ward")
        let a = PassLogTests.people[0], b = PassLogTests.people[1], c = PassLogTests.people[2]
        let start = PassLogTests.start
        func add(_ minute: Double, _ site: CheckpointSite, _ direction: PassDirection, _ holder: PassHolder, deny: Bool = false)
            throws
        {
            try log.append(
                Passage(
                    time: start.addingTimeInterval(minute * 60), checkpoint: site, direction: direction,
                    decision: PassLogTests.decision(holder, deny: deny, temperature: 36.5)))
        }
        try add(0, entry, .entering, a)
        try add(1, entry, .entering, b)
        try add(2, ward, .entering, c)
        try add(30, exit, .leaving, a)  // a: stayed 30 minutes, gone
        try add(40, exit, .leaving, b, deny: true)  // b: turned back at the exit, still inside
        try add(50, entry, .entering, a)  // a again
        try add(55, ward, .leaving, c)

        let inside = try log.inside(matching: PassLogFilter())
        #expect(inside.map(\.holder) == [b, a])
        #expect(inside.map(\.since) == [start.addingTimeInterval(60), start.addingTimeInterval(50 * 60)])
        #expect(try log.inside(matching: PassLogFilter(department: "Ward")).isEmpty)
        // As of minute 45: a had left, b inside, c in the ward.
        let earlier = try log.inside(matching: PassLogFilter(to: start.addingTimeInterval(45 * 60)))
        #expect(Set(earlier.map(\.holder)) == [b, c])

        let stays = try log.stays(matching: PassLogFilter())
        #expect(stays.map(\.holder) == [a, c])
        #expect(stays.map(\.seconds) == [30 * 60, 53 * 60])

        let departments = try log.countsPerDepartment(matching: PassLogFilter())
        #expect(departments == [
            DepartmentPassCount(department: "Outpatients", entered: 3, left: 1, denied: 1),
            DepartmentPassCount(department: "Ward", entered: 1, left: 1, denied: 0),
        ])
    }

    /// "Inside now" reads the `inside` table the log keeps as it grows; any other filter groups the
    /// passages. Both must give the same people on a log where everything happens: entries and
    /// exits, denials, unreadable scans, four departments, people crossing between them.
    @Test("inside now (the kept table) equals the grouping query, whole site and per department; a v1 log is backfilled")
    func keptTableEqualsQuery() throws {
        let (log, directory) = try PassLogTests.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let departments = ["A", "B", "C", ""]
        let sites = try (0..<8).map { try CheckpointSite(id: "G\($0)", department: departments[$0 % 4]) }
        var generator = SystemRandomNumberGenerator()
        var passages: [Passage] = []
        for index in 0..<3_000 {
            let holder = Int.random(in: 0..<12, using: &generator) == 0 ? nil : PassLogTests.people.randomElement(using: &generator)
            passages.append(
                Passage(
                    time: PassLogTests.start.addingTimeInterval(Double(index) * 7),
                    checkpoint: sites.randomElement(using: &generator)!, direction: Bool.random(using: &generator) ? .entering : .leaving,
                    decision: PassLogTests.decision(holder, deny: Int.random(in: 0..<6, using: &generator) == 0, temperature: 36.5)))
        }
        // Half one transaction at a time (the trigger per append), half in one batch.
        for passage in passages[..<1_500] { try log.append(passage) }
        try log.append(contentsOf: passages[1_500...])

        let later = PassLogFilter(to: PassLogTests.start.addingTimeInterval(86_400))
        func agree(_ log: PassLog) throws {
            #expect(try log.inside(matching: PassLogFilter()) == log.inside(matching: later))
            #expect(!(try log.inside(matching: PassLogFilter())).isEmpty)
            for department in departments {
                var slow = later
                slow.department = department
                #expect(try log.inside(matching: PassLogFilter(department: department)) == log.inside(matching: slow), "\(department)")
            }
        }
        try agree(log)

        // A log written before the table existed: the migration fills it from the passages.
        let path = log.path
        try log.pool.write { db in
            try db.execute(sql: "DROP TRIGGER passage_inside; DROP TABLE inside; DELETE FROM grdb_migrations WHERE identifier = 'v2-inside'")
        }
        try agree(try PassLog(path: path))
    }
}
