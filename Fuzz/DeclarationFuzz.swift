// libFuzzer target for health-information declarations (Scripts/fuzz.sh declaration): a JSON
// object decoded as `[String: JSONValue]` and validated against the shipped schema
// (`HealthInformationSchema.shipped.validate`, with the GB/T 2260 region table, the national code
// tables and the GB 11643 citizen-ID check).
//
// Nothing may trap. A declaration written back with `JSONEncoder` decodes to the same values and
// gets the same violations, and every violation says what is wrong.
import Foundation

private let schema = HealthInformationSchema.shipped
private let regions = RegionTable.shipped

@_cdecl("LLVMFuzzerTestOneInput")
public func declarationFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Data(UnsafeBufferPointer(start: $0, count: size)) } ?? Data()
    guard let record = try? JSONDecoder().decode([String: JSONValue].self, from: bytes) else { return 0 }
    let violations = schema.validate(record, regions: regions)
    precondition(violations.allSatisfy { !$0.message.isEmpty })

    guard let json = try? JSONEncoder().encode(record),
        let again = try? JSONDecoder().decode([String: JSONValue].self, from: json)
    else { preconditionFailure("declaration cannot be written back") }
    precondition(again == record, "declaration does not round-trip through JSON")
    precondition(schema.validate(again, regions: regions) == violations, "validation is not deterministic")
    return 0
}
