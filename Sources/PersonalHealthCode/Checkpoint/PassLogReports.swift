import Foundation
import HealthCardFoundation

// The pass log's analyses as JSON (`hcard passlog counts|companions|frequency --json`): instants in
// China time with `+08:00` (``PassRecordReport/chinaTime(_:)``), holders masked unless full ids
// were asked for, as in the export.

/// Passed and denied passages of one hour or one checkpoint.
public struct PassCountReport: Encodable, Hashable, Sendable {
    /// The hour's start (China time) or the checkpoint id.
    public let key: String
    /// The checkpoint's name; `nil` for an hour.
    public let name: String?
    public let passed: Int
    public let denied: Int
    public let total: Int

    public init(_ count: HourlyPassCount) {
        key = PassRecordReport.chinaTime(count.hour)
        name = nil
        passed = count.passed
        denied = count.denied
        total = count.total
    }

    public init(_ count: CheckpointPassCount) {
        key = count.checkpoint
        name = count.name
        passed = count.passed
        denied = count.denied
        total = count.total
    }
}

/// Someone who passed near a person (``PassLog/companions(of:minutes:days:now:limit:)``).
public struct CompanionReport: Encodable, Hashable, Sendable {
    public let person: String
    public let encounters: Int
    public let checkpoints: [String]
    public let first: String
    public let last: String

    public init(_ companion: Companion, fullIDs: Bool) {
        person = fullIDs ? companion.holder.storedValue : companion.holder.masked
        encounters = companion.encounters
        checkpoints = companion.checkpoints
        first = PassRecordReport.chinaTime(companion.first)
        last = PassRecordReport.chinaTime(companion.last)
    }
}

/// One person's visits to one checkpoint (``PassLog/frequency(matching:minimumVisits:limit:)``).
public struct PassFrequencyReport: Encodable, Hashable, Sendable {
    public let person: String
    public let checkpoint: String
    public let visits: Int
    public let first: String
    public let last: String

    public init(_ frequency: PassFrequency, fullIDs: Bool) {
        person = fullIDs ? frequency.holder.storedValue : frequency.holder.masked
        checkpoint = frequency.checkpoint
        visits = frequency.visits
        first = PassRecordReport.chinaTime(frequency.first)
        last = PassRecordReport.chinaTime(frequency.last)
    }
}

/// ``Occupant`` as `hcard passlog inside` prints it: the holder masked unless full ids were asked for.
public struct OccupantReport: Encodable, Hashable, Sendable {
    public let person: String
    public let since: String
    public let checkpoint: String
    public let department: String

    public init(_ occupant: Occupant, fullIDs: Bool) {
        person = fullIDs ? occupant.holder.storedValue : occupant.holder.masked
        since = PassRecordReport.chinaTime(occupant.since)
        checkpoint = occupant.checkpoint
        department = occupant.department
    }

    public var line: String { "\(person)\tin since \(since)\t\(checkpoint)\t\(department)" }
}

/// ``Stay`` as `hcard passlog stays` prints it.
public struct StayReport: Encodable, Hashable, Sendable {
    public let person: String
    public let entered: String
    public let left: String
    public let seconds: Int
    public let department: String

    public init(_ stay: Stay, fullIDs: Bool) {
        person = fullIDs ? stay.holder.storedValue : stay.holder.masked
        entered = PassRecordReport.chinaTime(stay.entered)
        left = PassRecordReport.chinaTime(stay.left)
        seconds = stay.seconds
        department = stay.department
    }

    public var line: String { "\(person)\t\(entered)\t\(left)\t\(seconds) s\t\(department)" }
}

/// ``DepartmentPassCount`` as `hcard passlog departments` prints it.
public struct DepartmentCountReport: Encodable, Hashable, Sendable {
    public let department: String
    public let entered: Int
    public let left: Int
    public let denied: Int

    public init(_ count: DepartmentPassCount) {
        department = count.department
        entered = count.entered
        left = count.left
        denied = count.denied
    }
}
