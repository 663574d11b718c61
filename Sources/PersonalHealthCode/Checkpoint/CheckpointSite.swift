import Foundation
import HealthCardFoundation

/// A checkpoint as the pass log names it: its id, a name for people, where it is (area), and the
/// department that runs it.
///
/// Why these four: staff query "all passages at gate 3 yesterday" (id), "everything in Haikou
/// Longhua district" (area), "everything our infection-control office runs" (department); the name
/// is for reports. Qinghai's verification context carries the same facts as terminal id,
/// place of use and institution (health-code.md §4.4, `sam`, `use_citycode`, `hospital_code`).
/// The area is free text; a GB/T 2260 region code is the natural value.
public struct CheckpointSite: Hashable, Sendable, Codable {
    /// The checkpoint id: 1...64 printable characters without spaces.
    public let id: String
    /// A name for people (may be empty).
    public let name: String
    /// Where it is: a GB/T 2260 code or free text (may be empty).
    public let area: String
    /// The department that runs it (may be empty).
    public let department: String

    /// - Throws: `HealthCardError/Code/invalidValue` for an empty, over-long or spaced id.
    public init(id: String, name: String = "", area: String = "", department: String = "") throws {
        guard (1...64).contains(id.utf8.count), id.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw HealthCardError.invalidValue(
                "checkpoint id '\(id)' must be 1...64 printable ASCII characters without spaces")
        }
        self.id = id
        self.name = name
        self.area = area
        self.department = department
    }
}

/// Which way someone passed.
public enum PassDirection: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case entering = "in"
    case leaving = "out"

    /// `in` or `out`, as stored and typed.
    public var description: String { rawValue }
}

/// One passage to record: when, where, which way, what was decided, and the vehicle if any.
///
/// - SeeAlso: ``PassLog/append(_:)``.
public struct Passage: Hashable, Sendable {
    public var time: Date
    public var checkpoint: CheckpointSite
    public var direction: PassDirection
    public var decision: CheckpointDecision
    /// A vehicle plate (road checkpoints), as read.
    public var plate: String?

    public init(
        time: Date, checkpoint: CheckpointSite, direction: PassDirection, decision: CheckpointDecision,
        plate: String? = nil
    ) {
        self.time = time
        self.checkpoint = checkpoint
        self.direction = direction
        self.decision = decision
        self.plate = plate
    }
}
