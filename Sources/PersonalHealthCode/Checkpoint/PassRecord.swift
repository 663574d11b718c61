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
        id = row[0]
        time = Date(timeIntervalSince1970: TimeInterval(row[1] as Int64))
        checkpoint = try CheckpointSite(id: row[2], name: row[3], area: row[4], department: row[5])
        let directionText: String = row[6]
        let credentialText: String = row[7]
        let decisionText: String = row[11]
        guard let direction = PassDirection(rawValue: directionText),
            let credential = Credential.Kind(rawValue: credentialText),
            let outcome = CheckpointDecision.Outcome(rawValue: decisionText)
        else {
            throw HealthCardError.malformed(
                "passage \(id): unknown direction '\(directionText)', credential '\(credentialText)' "
                    + "or decision '\(decisionText)'")
        }
        self.direction = direction
        self.credential = credential
        self.outcome = outcome
        holder = try (row[8] as String?).map(PassHolder.init)
        colour = (row[9] as String?).map(HealthColour.init(rawValue:))
        temperature = row[10]
        let reasons: String = row[12]
        reasonCodes = reasons.split(separator: " ").map(String.init)
        detail = row[13]
        plate = row[14]
    }
}
