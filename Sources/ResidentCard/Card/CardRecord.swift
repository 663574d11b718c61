import Foundation
import HealthCardFoundation

/// A typed view of one card file (or one record of a cyclic file): a `Codable` struct whose JSON
/// keys are the field keys of its ``ElementaryFileSpec``. Array properties are the layout's
/// repeating groups (`symptoms`, `costs`) or numbered fields (`contacts.1.name`).
///
/// Conformers add no code: ``CardRecordCodec`` converts any of them to and from card bytes by
/// walking the layout, so a field is described once, in ``ResidentCardFileSystem``.
public protocol CardRecord: Codable, Hashable, Sendable {
    /// The file this record lives in (for encounter records: the first slot; all slots share a layout).
    static var file: ElementaryFileSpec { get }
}

extension CardRecord {
    /// Decodes a record from JSON as people write it: group arrays may be left out.
    public static func fromJSON(_ data: Data) throws -> Self {
        guard var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw HealthCardError.malformed("expected a JSON object for a \(file.name) record")
        }
        for key in CardRecordCodec.arrayKeys(of: file) where object[key] == nil { object[key] = [Any]() }
        return try JSONDecoder().decode(Self.self, from: JSONSerialization.data(withJSONObject: object))
    }

    /// Pretty JSON with sorted keys: the form `hcard read --json` prints.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
