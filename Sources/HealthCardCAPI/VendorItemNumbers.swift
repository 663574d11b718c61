import HealthCardFoundation
import ResidentCard

/// Where a national data-item number (1-384, health-card.md §4 and appendices A/B) lives, for
/// the item-number interfaces (vendor-interface.md §5.3 `HD_*`, §6 `wsc_*`).
///
/// Items 1-57 are the TLV records (the item is the tag), 58-61 the cyclic allergy and
/// immunisation fields, 62/63 the DF03 index bytes, 64-212 the inpatient file (EE: 147 data
/// fields in offset order, then 211 signature and 212 SAM certificate) and 213-384 the
/// outpatient file (ED: 170 data fields, then 383 and 384).
enum VendorItemNumber {
    enum Location {
        case tlv(ElementaryFileSpec, index: Int)
        case cyclic(ElementaryFileSpec, index: Int)
        case index(EncounterKind)
        case encounter(EncounterKind, FieldSpec)
    }

    static let tlvFiles: [ElementaryFileSpec] = ResidentCardFileSystem.allFiles.filter { $0.structure == .tlvRecords }

    static func locate(_ item: Int) throws -> Location {
        switch item {
        case 1...57:
            for file in tlvFiles {
                if let index = file.fields.firstIndex(where: { $0.item.map(Int.init) == item }) { return .tlv(file, index: index) }
            }
        case 58, 59: return .cyclic(ResidentCardFileSystem.EF.allergies, index: item - 58)
        case 60, 61: return .cyclic(ResidentCardFileSystem.EF.immunizations, index: item - 60)
        case 62: return .index(.inpatient)
        case 63: return .index(.outpatient)
        case 64...212: return .encounter(.inpatient, field(.inpatient, item - 64))
        case 213...384: return .encounter(.outpatient, field(.outpatient, item - 213))
        default: break
        }
        throw VendorFailure(VendorCode.parameter, "item \(item) is not a data item (1...384)")
    }

    /// The n-th field of an encounter file in item order: the data fields, then signature and certificate.
    static func field(_ kind: EncounterKind, _ n: Int) -> FieldSpec {
        let data = VendorEncounters.dataFields(kind)
        let trailer = kind.files[0].fields.filter { $0.offset >= kind.dataLength }.sorted { $0.offset < $1.offset }
        return (data + trailer)[n]
    }

    /// The item numbers of an encounter file's fields, first to last.
    static func items(_ kind: EncounterKind) -> ClosedRange<Int> { kind == .inpatient ? 64...212 : 213...384 }
}
