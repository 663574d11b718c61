import HealthCardFoundation

/// A list kept in one JSON file that commands update in place: the trust list and the revocation
/// list. Gives both the same two rules for a read-modify-write.
///
/// - **Only a missing file is an empty list** (``loadForUpdate(at:)``). A file that exists but
///   cannot be read (permissions, a directory, a device) or does not parse is an error: starting
///   from an empty list there would silently drop every key or revocation it held on the next save.
/// - **The whole update holds the file's lock** (``update(at:_:)``, through
///   `AtomicFile/withExclusiveLock(_:_:)`), so two `hcard keys revoke` at once both land: without
///   it, each would load the same old list and the second save would undo the first.
public protocol ListFile {
    /// An empty list.
    init()
    /// The list in the file at `path`.
    static func load(from path: String) throws -> Self
    /// Replaces the file at `path` with the list, atomically.
    func save(to path: String) throws
}

extension ListFile {
    /// The list in the file at `path`, or an empty list if no file is there (`ENOENT`).
    ///
    /// - Throws: `FileAccessError` for any other failure to read; the format's errors.
    public static func loadForUpdate(at path: String) throws -> Self {
        do {
            return try load(from: path)
        } catch let error as FileAccessError where error.notFound {
            return Self()
        }
    }

    /// Loads the list at `path` (empty if the file does not exist), lets `body` change it and
    /// saves it, all under the file's exclusive lock; returns what `body` returns. Nothing is
    /// saved if `body` throws.
    @discardableResult
    public static func update<Result>(at path: String, _ body: (inout Self) throws -> Result) throws -> Result {
        try AtomicFile.withExclusiveLock(path) {
            var list = try loadForUpdate(at: path)
            let result = try body(&list)
            try list.save(to: path)
            return result
        }
    }
}

extension TrustList: ListFile {}
extension RevocationList: ListFile {}

/// One trust-list entry as JSON: key id (hex), issuer and the validity period (ISO 8601).
public struct TrustListEntryReport: Encodable, Hashable, Sendable {
    public let keyId: String
    public let issuer: String
    public let validFrom: String
    public let validTo: String

    public init(_ entry: TrustList.Entry) {
        keyId = entry.keyID.hex
        issuer = entry.issuer
        validFrom = ISO8601Instant.format(entry.validFrom)
        validTo = ISO8601Instant.format(entry.validTo)
    }
}

/// What ``RevocationList/revoke(cardIDs:keyIDs:inFileAt:)`` changed, as JSON: the ids newly
/// revoked (the others already were) and the list's size after.
public struct RevocationUpdate: Encodable, Hashable, Sendable {
    public let file: String
    public let addedCardIds: [String]
    /// Key ids in upper-case hex.
    public let addedKeyIds: [String]
    public let cardIds: Int
    public let keyIds: Int
}

extension RevocationList {
    /// Revokes `cardIDs` and `keyIDs` in the list file at `path` (created if missing), under its
    /// lock (``ListFile/update(at:_:)``).
    ///
    /// - Throws: ``PayloadSyntaxError`` for a card id outside the grammar (nothing is saved); the
    ///   file's errors.
    public static func revoke(cardIDs: [String], keyIDs: [KeyID], inFileAt path: String) throws -> RevocationUpdate {
        try update(at: path) { list in
            var addedCards: [String] = []
            var addedKeys: [String] = []
            for cardID in cardIDs {
                if try list.revoke(cardID: cardID) { addedCards.append(cardID) }
            }
            for keyID in keyIDs {
                if list.revoke(keyID: keyID) { addedKeys.append(keyID.hex) }
            }
            return RevocationUpdate(
                file: path, addedCardIds: addedCards, addedKeyIds: addedKeys, cardIds: list.cardIDs.count,
                keyIds: list.keyIDs.count)
        }
    }
}
