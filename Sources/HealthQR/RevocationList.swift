import Foundation
import HealthCardCrypto
import HealthCardFoundation

/// Card ids and key ids that must no longer verify, whatever their signatures say.
///
/// Why both: a card is revoked when it is cancelled (Qinghai card status `0`, health-code.md §4.6)
/// or lost; a key is revoked when it is compromised, which must stop *every* code it signed at once,
/// before the trust list's validity period would. The trust list says who may sign; this list
/// takes that back for individual cards and keys without re-issuing the trust list.
///
/// File format:
/// ```json
/// {"version": 1, "cardIds": ["E1D10AAC…"], "keyIds": ["0123456789ABCDEF"]}
/// ```
/// `version` is optional on input (a missing one means 1); both arrays are required, and any other
/// key, or a value of the wrong type, is an error naming the file and the key. Why so strict: a
/// revocation list fails open. A misspelt `"cardIDs"` used to be skipped, leaving a list that
/// revokes nothing while every revoked card verified as valid. Card ids follow the grammar of
/// health-code.md §4.3 and compare exactly (case-sensitive, as the platforms issue them
/// upper-case, §4.7 error 6002). Output is sorted, so a file under
/// version control changes by one line per revocation.
///
/// - SeeAlso: `Docs/qr-payload.md`, "Revocation list"; ``CodeVerifier``.
public struct RevocationList: Hashable, Sendable {
    /// The file format version this type writes.
    public static let formatVersion = 1

    /// Revoked card ids.
    public private(set) var cardIDs: Set<String>
    /// Revoked issuer keys.
    public private(set) var keyIDs: Set<KeyID>

    /// An empty list.
    public init() {
        cardIDs = []
        keyIDs = []
    }

    /// A list of revoked card ids and key ids.
    ///
    /// - Throws: ``PayloadSyntaxError`` for a card id outside the grammar.
    public init(cardIDs: [String] = [], keyIDs: [KeyID] = []) throws {
        self.init()
        for cardID in cardIDs { try revoke(cardID: cardID) }
        for keyID in keyIDs { revoke(keyID: keyID) }
    }

    /// Whether `cardID` is revoked.
    public func isRevoked(cardID: String) -> Bool { cardIDs.contains(cardID) }

    /// Whether `keyID` is revoked.
    public func isRevoked(keyID: KeyID) -> Bool { keyIDs.contains(keyID) }

    /// Revokes a card; returns `false` if it already was.
    ///
    /// - Throws: ``PayloadSyntaxError`` for a card id outside `[0-9A-Za-z]{1,64}`.
    @discardableResult
    public mutating func revoke(cardID: String) throws(PayloadSyntaxError) -> Bool {
        try EHealthCardPayload.checkCardID(cardID)
        return cardIDs.insert(cardID).inserted
    }

    /// Revokes a key; returns `false` if it already was.
    @discardableResult
    public mutating func revoke(keyID: KeyID) -> Bool {
        keyIDs.insert(keyID).inserted
    }

    /// Both lists' revocations (a checkpoint's file plus, say, a platform's cancelled cards).
    public func merging(_ other: RevocationList) -> RevocationList {
        var merged = self
        merged.cardIDs.formUnion(other.cardIDs)
        merged.keyIDs.formUnion(other.keyIDs)
        return merged
    }
}

// MARK: - JSON

extension RevocationList {
    private struct FileJSON: Codable {
        var version: Int?
        var cardIds: [String]?
        var keyIds: [String]?
    }

    /// The keys and types the file may hold (`JSONShape`).
    static let shape = JSONShape.object(
        ["version": .integer, "cardIds": .array(.string), "keyIds": .array(.string)])

    /// A revocation list from its JSON text.
    ///
    /// - Parameters:
    ///   - json: the list as JSON.
    ///   - source: the file name used in messages.
    /// - Throws: `HealthCardError` naming `source` and the entry or key, e.g.
    ///   `"r.json: keyIds[1]: key id 'XYZ' must be 16 hex digits"`,
    ///   `"r.json: unknown key "cardIDs" (closest known key: "cardIds")"`.
    public init(json: [UInt8], source: String = "revocation list") throws {
        let file: FileJSON
        do {
            file = try JSONDecoder().decode(FileJSON.self, from: Data(json))
        } catch {
            throw HealthCardError.malformed(
                "\(source): not a revocation list JSON object (\(TrustList.explain(error)))")
        }
        // After the decoder, whose messages name a wrong type; the shape adds the keys it skipped.
        try Self.shape.check(json: json, source: source)
        if let version = file.version, version != Self.formatVersion {
            throw HealthCardError.invalidValue(
                "\(source): unsupported version \(version); this reader knows version \(Self.formatVersion)")
        }
        self.init()
        for (index, cardID) in (file.cardIds ?? []).enumerated() {
            do throws(PayloadSyntaxError) {
                try revoke(cardID: cardID)
            } catch {
                throw HealthCardError(code: error.code, reason: "\(source): cardIds[\(index)]: \(error.reason)")
            }
        }
        for (index, text) in (file.keyIds ?? []).enumerated() {
            do {
                revoke(keyID: try KeyID(hex: text))
            } catch let error as HealthCardError {
                throw error.located("\(source): keyIds[\(index)]")
            }
        }
        // Checked after the entries, so a bad entry is named even in a file that lacks the other array.
        for (key, present) in [("cardIds", file.cardIds != nil), ("keyIds", file.keyIds != nil)] where !present {
            throw HealthCardError.malformed(
                "\(source): missing required key \"\(key)\" (a list without revocations has \"\(key)\": [])")
        }
    }

    /// The list as JSON text, ids sorted.
    public func json() throws -> [UInt8] {
        let file = FileJSON(
            version: Self.formatVersion, cardIds: cardIDs.sorted(), keyIds: keyIDs.sorted().map(\.hex))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(file)) + [0x0A]
    }

    /// Reads a revocation list file.
    ///
    /// - Throws: `FileAccessError` if the file cannot be read; `HealthCardError` naming the
    ///   file and entry if its content is wrong.
    public static func load(from path: String) throws -> RevocationList {
        try RevocationList(json: AtomicFile.read(path), source: path)
    }

    /// Writes the list to `path`, replacing the file atomically (mode 0644).
    public func save(to path: String) throws {
        try AtomicFile.write(json(), to: path, mode: AtomicFile.publicMode)
    }
}
