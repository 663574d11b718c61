import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard write`: one record through the terminal session (secure messaging, slot commit).
struct WriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write a record to the card from a JSON file.",
        discussion: """
            Kinds: \(RecordKind.allCases.map(\.rawValue).joined(separator: ", ")).
            TLV files (payment … special) are replaced as a whole: fields left out are cleared, and only \
            changed records are sent. Allergies and immunizations are added as the newest record. \
            Outpatient and inpatient records go to the lowest empty slot; the slot is committed (index \
            marked valid) only after the data, signature and certificate are on the card, then read back.

            Examples:
              hcard write outpatient --from Fixtures/records/outpatient.json --image card.img
              hcard write allergy --from allergy.json --image card.img --trace
              hcard write photo --from face.jpg --image card.img
            """
    )

    enum RecordKind: String, CaseIterable, ExpressibleByArgument {
        case payment, addresses, contacts, occupation, documents, clinical, special
        case allergy, immunization, outpatient, inpatient, photo
    }

    @Argument(help: "What to write.")
    var kind: RecordKind

    @Option(help: "The record as JSON (for photo: a JPEG file).")
    var from: String

    @OptionGroup var target: CardTargetOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let data = try readFile(from)
        let connection = try target.open()
        let session = connection.session
        var slot: Int?
        do {
            switch kind {
            case .payment: try await session.write(try PaymentRecord.fromJSON(data, source: from))
            case .addresses: try await session.write(try AddressRecord.fromJSON(data, source: from))
            case .contacts: try await session.write(try ContactsRecord.fromJSON(data, source: from))
            case .occupation: try await session.write(try OccupationRecord.fromJSON(data, source: from))
            case .documents: try await session.write(try DocumentsRecord.fromJSON(data, source: from))
            case .clinical: try await session.write(try ClinicalRecord.fromJSON(data, source: from))
            case .special: try await session.write(try SpecialRecord.fromJSON(data, source: from))
            case .allergy: try await session.addAllergy(try AllergyRecord.fromJSON(data, source: from))
            case .immunization: try await session.addImmunization(try ImmunizationRecord.fromJSON(data, source: from))
            case .outpatient: slot = try await session.writeOutpatient(try OutpatientRecord.fromJSON(data, source: from))
            case .inpatient: slot = try await session.writeInpatient(try InpatientRecord.fromJSON(data, source: from))
            case .photo: try await session.writePhoto(Array(data))
            }
        } catch where isContentError(error) {
            throw FileContentError(from, "not a valid \(kind) record", error)
        }
        let apdus = connection.apduCount()
        if json {
            try printJSON(WriteResult(kind: kind.rawValue, slot: slot, apdus: apdus))
        } else if let slot {
            let file = (kind == .outpatient ? "ED" : "EE") + (slot < 10 ? "0\(slot)" : "\(slot)")
            print("\(kind) record written to slot \(slot) (DF03/\(file)), committed and read back (\(apdus) APDUs)")
        } else {
            print("\(kind) written (\(apdus) APDUs)")
        }
    }

    struct WriteResult: Encodable {
        let kind: String
        let slot: Int?
        let apdus: Int
    }
}

/// `hcard erase`: mark an encounter slot empty.
struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Mark an outpatient or inpatient slot empty (DF03 index, UK_DF03_2).",
        discussion: """
            Examples:
              hcard erase outpatient 2 --image card.img
              hcard erase inpatient 1 --reader "Virtual PCD 00 00" --sam-reader "Virtual PCD 00 01"
            """
    )

    @Argument(help: "outpatient or inpatient.")
    var kind: EncounterKind

    @Argument(help: "Slot number: 1-5 outpatient, 1-3 inpatient.")
    var slot: Int

    @OptionGroup var target: CardTargetOptions

    func run() async throws {
        let connection = try target.open()
        try await connection.session.erase(kind, slot: slot)
        print("\(kind) slot \(slot) marked empty")
    }
}

extension EncounterKind: ExpressibleByArgument {}
