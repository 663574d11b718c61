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
    /// Decodes a record from JSON as people write it: group arrays may be left out, and a key the
    /// layout does not have is an error (``CardRecordCodec/jsonShape(of:)``), because a misspelt
    /// key would otherwise be dropped and its field written as empty.
    ///
    /// - Parameters:
    ///   - data: the JSON text.
    ///   - source: the input's name in messages (the file name); default `"payment record"`.
    /// - Throws: `HealthCardError/Code/malformed` naming `source`, the unknown key and the closest
    ///   known one: `p.json: unknown key "Phone1" (closest known key: "phone1")`; `DecodingError`
    ///   for a value of the wrong type.
    public static func fromJSON(_ data: Data, source: String? = nil) throws -> Self {
        let source = source ?? "\(file.name) record"
        guard try JSONSerialization.jsonObject(with: data) is [String: Any] else {
            throw HealthCardError.malformed("\(source): expected a JSON object for a \(file.name) record")
        }
        try CardRecordCodec.jsonShape(of: file).check(json: Array(data), source: source)
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
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
