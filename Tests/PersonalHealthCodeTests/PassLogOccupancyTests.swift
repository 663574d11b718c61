import Foundation
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
}
