import Foundation
import HealthCardFoundation
import ResidentCard

/// Checks record fixtures: the JSON that `hcard card new --holder` and `hcard write KIND --from`
/// take. A record fixture lives in a directory named `records` and its name says its kind:
/// `outpatient.json`, `outpatient.child.json` (the part before the first dot).
///
/// The check is the one a write does before touching a card: the JSON decodes as the record type
/// and every value encodes into its field (length, encoding, code, date), through the same
/// `CardRecordCodec` (health-card.md §3, §4).
public enum RecordFixtureValidator {
    /// The record types by fixture name.
    static let kinds: [String: any CardRecord.Type] = [
        "issuer": IssuerRecord.self, "holder": HolderRecord.self, "payment": PaymentRecord.self,
        "addresses": AddressRecord.self, "contacts": ContactsRecord.self, "occupation": OccupationRecord.self,
        "documents": DocumentsRecord.self, "clinical": ClinicalRecord.self, "special": SpecialRecord.self,
        "allergy": AllergyRecord.self, "immunization": ImmunizationRecord.self,
        "outpatient": OutpatientRecord.self, "inpatient": InpatientRecord.self,
    ]

    /// The kind named by a fixture path, if it is a record fixture.
    static func kind(ofPath path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        guard url.deletingLastPathComponent().lastPathComponent == "records" else { return nil }
        return String(url.lastPathComponent.prefix { $0 != "." })
    }

    /// The findings for a record fixture of `kind`.
    public static func validate(_ data: Data, kind: String, file: String) -> [FixtureFinding] {
        guard let type = kinds[kind] else {
            return [
                FixtureFinding(
                    .error, file: file,
                    "a record fixture is named after its kind (\(kinds.keys.sorted().joined(separator: ", "))); "
                        + "'\(kind)' is none of them")
            ]
        }
        do {
            try check(data, as: type, file: file)
            return []
        } catch let error as DecodingError {
            return [FixtureFinding(.error, file: file, location: error.path, "not a \(kind) record: \(error.summary)")]
        } catch let error as HealthCardError {
            return [FixtureFinding(.error, file: file, "\(kind) record: \(error.reason.droppingPrefix(file + ": "))")]
        } catch {
            return [FixtureFinding(.error, file: file, "\(kind) record: \(error)")]
        }
    }

    private static func check<R: CardRecord>(_ data: Data, as type: R.Type, file: String) throws {
        let record = try R.fromJSON(data, source: file)
        if case .tlvRecords = R.file.structure {
            _ = try CardRecordCodec.encodeTLVRecords(record)
        } else {
            _ = try CardRecordCodec.encodeFixed(record)
        }
    }
}
