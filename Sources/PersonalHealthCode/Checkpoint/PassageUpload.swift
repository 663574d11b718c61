import Foundation
import HealthCardFoundation

/// A batch of passages a gate station uploads to the platform (Docs/station.md, "Offline
/// operation and upload"; `POST /v1/checkpoints/{checkpoint}/passages` of `hcard serve`):
/// `{"checkpoint": "G1", "passages": [...]}`, each passage as `hcard passlog query --json` writes
/// it with full ids (``PassRecordReport``).
///
/// The platform records each passage once, keyed by the station's checkpoint and the passage's
/// id in the station's own log (its ``Item/origin``): a batch resent after a lost answer or a
/// station crash finds its passages already there and records nothing twice.
///
/// Decoding is exact, as everywhere a file or a request is read: every passage must carry every
/// field (`person`, `colour`, `temperature` and `plate` may be absent or `null`) with a valid value (a known direction, credential and decision, a full holder, a time
/// with its zone), belong to the batch's checkpoint, and the ids must increase (the station's log
/// order). Anything else refuses the whole batch, naming the passage and the field.
public struct PassageUpload: Sendable {
    /// One uploaded passage: its id in the station's log and the columns to store.
    public struct Item: Sendable {
        /// The passage's id in the station's own pass log.
        public let origin: Int64
        package let stored: StoredPassage
    }

    /// What the platform did with a batch.
    public struct Outcome: Codable, Hashable, Sendable {
        /// Passages in the batch.
        public var received: Int
        /// Passages recorded now.
        public var recorded: Int
        /// Passages already recorded by an earlier upload (a resent batch).
        public var duplicates: Int

        public init(received: Int, recorded: Int, duplicates: Int) {
            self.received = received
            self.recorded = recorded
            self.duplicates = duplicates
        }
    }

    /// The station's checkpoint id.
    public let checkpoint: String
    /// The passages, in the station's log order.
    public let items: [Item]

    /// At most this many passages in one batch (the station sends 200).
    public static let batchLimit = 1000

    /// The wire form: ``PassRecordReport``'s fields (``shape`` checks them before decoding).
    private struct Batch: Decodable {
        let checkpoint: String
        let passages: [Wire]
    }

    private struct Wire: Decodable {
        let id: Int64
        let time: String
        let checkpoint: String
        let checkpointName: String
        let area: String
        let department: String
        let direction: String
        let credential: String
        let person: String?
        let colour: String?
        let temperature: Double?
        let decision: String
        let reasons: [String]
        let detail: String
        let plate: String?
    }

    /// The batch's JSON shape: no unknown key, every key present but the four a passage may lack
    /// (absent or `null`; their type is checked by the decoder).
    private static let shape: JSONShape = {
        let passage: [String: JSONShape] = [
            "id": .integer, "time": .string, "checkpoint": .string, "checkpointName": .string, "area": .string,
            "department": .string, "direction": .string, "credential": .string, "person": .any, "colour": .any,
            "temperature": .any, "decision": .string, "reasons": .array(.string), "detail": .string, "plate": .any,
        ]
        let optional: Set<String> = ["person", "colour", "temperature", "plate"]
        return .object(
            ["checkpoint": .string, "passages": .array(.object(passage, required: Set(passage.keys).subtracting(optional)))],
            required: ["checkpoint", "passages"])
    }()

    /// Reads and checks a batch for the checkpoint `checkpoint` (the one in the request's path).
    ///
    /// - Throws: `malformed` naming the passage (by position and id) and the field: JSON that is
    ///   not a batch, a missing or unknown-valued field, a masked or invalid holder, a time
    ///   without a zone, a passage of another checkpoint, ids not increasing, an empty batch or
    ///   one of more than ``batchLimit`` passages.
    public init(json: Data, checkpoint: String) throws {
        try Self.shape.check(json: Array(json), source: "passage upload")
        let batch: Batch
        do {
            batch = try JSONDecoder().decode(Batch.self, from: json)
        } catch {
            // Only a nullable field of the wrong type gets past the shape.
            throw HealthCardError.malformed("passage upload: person, colour, temperature or plate has the wrong type")
        }
        guard batch.checkpoint == checkpoint else {
            throw HealthCardError.malformed(
                "passage upload: the batch is for checkpoint \"\(batch.checkpoint)\", sent to \"\(checkpoint)\"")
        }
        guard (1...Self.batchLimit).contains(batch.passages.count) else {
            throw HealthCardError.malformed(
                "passage upload: \(batch.passages.count) passages; a batch holds 1…\(Self.batchLimit)")
        }
        var items: [Item] = []
        items.reserveCapacity(batch.passages.count)
        for (index, wire) in batch.passages.enumerated() {
            let name = "passage upload: passages[\(index)] (id \(wire.id))"
            guard wire.checkpoint == checkpoint else {
                throw HealthCardError.malformed("\(name): checkpoint \"\(wire.checkpoint)\" is not the batch's \"\(checkpoint)\"")
            }
            if let previous = items.last, wire.id <= previous.origin {
                throw HealthCardError.malformed("\(name): ids must increase (the previous one is \(previous.origin))")
            }
            guard let time = ISO8601Instant.parse(wire.time) else {
                throw HealthCardError.malformed("\(name): time \"\(wire.time)\" is not an ISO 8601 time with a zone")
            }
            if let reason = wire.reasons.first(where: { $0.isEmpty || $0.contains(" ") }) {
                throw HealthCardError.malformed("\(name): reasons: \"\(reason)\" is not a reason code")
            }
            let stored = StoredPassage(
                time: Int64(time.timeIntervalSince1970.rounded(.down)), checkpoint: wire.checkpoint,
                checkpointName: wire.checkpointName, area: wire.area, department: wire.department,
                direction: wire.direction, credential: wire.credential, person: wire.person, colour: wire.colour,
                temperature: wire.temperature, decision: wire.decision, reasons: wire.reasons.joined(separator: " "),
                detail: wire.detail, plate: wire.plate)
            do {
                // The one decoding of a stored passage checks every value as the pass log reads it.
                let record = try PassRecord(stored: stored, id: wire.id)
                if let person = wire.person, record.holder?.storedValue != person {
                    throw HealthCardError.malformed("person \"\(person)\" is not a holder in full (masked?)")
                }
            } catch let error as HealthCardError {
                throw HealthCardError.malformed("\(name): \(error.reason)")
            }
            items.append(Item(origin: wire.id, stored: stored))
        }
        self.checkpoint = checkpoint
        self.items = items
    }
}
