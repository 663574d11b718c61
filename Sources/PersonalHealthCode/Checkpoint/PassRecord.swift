import Foundation
import GRDB
import HealthCardFoundation

/// One passage as read back from the ``PassLog``.
///
/// The reasons come back as their stable codes (``DenialReason/code``) and the joined
/// descriptions (``detail``), not as typed values: the log keeps what was decided and why, in
/// words, for people and exports; it does not keep the scanned code, so a verdict cannot be
/// rebuilt (and must not be: the log is no place for replayable codes).
public struct PassRecord: Hashable, Sendable {
    /// The acknowledgement number, increasing in order of writing.
    public let id: Int64
    /// When, to the second.
    public let time: Date
    public let checkpoint: CheckpointSite
    public let direction: PassDirection
    public let credential: Credential.Kind
    /// Who, in full; show ``PassHolder/masked`` unless the reader is entitled to the full number.
    public let holder: PassHolder?
    public let colour: HealthColour?
    /// °C.
    public let temperature: Double?
    public let outcome: CheckpointDecision.Outcome
    /// ``DenialReason/code`` of each reason; empty for a pass.
    public let reasonCodes: [String]
    /// The reasons' descriptions, `; `-separated.
    public let detail: String
    public let plate: String?

    /// The time as people in China read it, ISO 8601 with the zone: `2026-03-02T08:15:00+08:00`.
    public var chinaTime: String { ChinaTime.dateTime(at: time).description + "+08:00" }

    /// A row of `SELECT \(PassLog.recordColumns)`: columns by position, since a query reads
    /// thousands of rows and a lookup by name costs more than the value.
    init(row: Row) throws {
        try self.init(
            stored: StoredPassage(
                time: row[1], checkpoint: row[2], checkpointName: row[3], area: row[4], department: row[5],
                direction: row[6], credential: row[7], person: row[8], colour: row[9], temperature: row[10],
                decision: row[11], reasons: row[12], detail: row[13], plate: row[14]),
            id: row[0])
    }

    /// The passage `id` from its stored columns, checked: the one decoding of a pass-log row, for
    /// the SQLite file and the server's PostgreSQL table alike.
    ///
    /// - Throws: `malformed` for an unknown direction, credential or decision, or a bad holder.
    package init(stored: StoredPassage, id: Int64) throws {
        self.id = id
        time = Date(timeIntervalSince1970: TimeInterval(stored.time))
        checkpoint = try CheckpointSite(
            id: stored.checkpoint, name: stored.checkpointName, area: stored.area, department: stored.department)
        guard let direction = PassDirection(rawValue: stored.direction),
            let credential = Credential.Kind(rawValue: stored.credential),
            let outcome = CheckpointDecision.Outcome(rawValue: stored.decision)
        else {
            throw HealthCardError.malformed(
                "passage \(id): unknown direction '\(stored.direction)', credential '\(stored.credential)' "
                    + "or decision '\(stored.decision)'")
        }
        self.direction = direction
        self.credential = credential
        self.outcome = outcome
        holder = try stored.person.map(PassHolder.init)
        colour = stored.colour.map(HealthColour.init(rawValue:))
        temperature = stored.temperature
        reasonCodes = stored.reasons.split(separator: " ").map(String.init)
        detail = stored.detail
        plate = stored.plate
    }
}

/// The columns one passage is stored as (`PassLog`'s `passage` table; the server's PostgreSQL
/// `checkpoint_passage`), made in one place so that every store writes the same values.
package struct StoredPassage: Sendable {
    /// Unix seconds, rounded down.
    package var time: Int64
    package var checkpoint: String
    package var checkpointName: String
    package var area: String
    package var department: String
    package var direction: String
    package var credential: String
    /// `PassHolder.storedValue`, in full.
    package var person: String?
    package var colour: String?
    package var temperature: Double?
    package var decision: String
    /// `DenialReason` codes, space-separated.
    package var reasons: String
    /// Their descriptions, `; `-separated.
    package var detail: String
    package var plate: String?

    package init(
        time: Int64, checkpoint: String, checkpointName: String, area: String, department: String, direction: String,
        credential: String, person: String?, colour: String?, temperature: Double?, decision: String, reasons: String,
        detail: String, plate: String?
    ) {
        self.time = time
        self.checkpoint = checkpoint
        self.checkpointName = checkpointName
        self.area = area
        self.department = department
        self.direction = direction
        self.credential = credential
        self.person = person
        self.colour = colour
        self.temperature = temperature
        self.decision = decision
        self.reasons = reasons
        self.detail = detail
        self.plate = plate
    }

    /// How `passage` is stored.
    package init(_ passage: Passage) {
        let decision = passage.decision
        self.init(
            time: Int64(passage.time.timeIntervalSince1970.rounded(.down)), checkpoint: passage.checkpoint.id,
            checkpointName: passage.checkpoint.name, area: passage.checkpoint.area,
            department: passage.checkpoint.department, direction: passage.direction.rawValue,
            credential: decision.credential.rawValue, person: decision.holder?.storedValue,
            colour: decision.colour?.rawValue, temperature: decision.temperature, decision: decision.outcome.rawValue,
            reasons: decision.reasons.map(\.code).joined(separator: " "),
            detail: decision.reasons.map(\.description).joined(separator: "; "), plate: passage.plate)
    }
}
