import Foundation
import HealthCardCrypto
import HealthCardFoundation

/// The issuer keys a verifier trusts: key id → public key, issuer name and validity period.
///
/// Why a list of keys and not certificates: a checkpoint needs exactly three facts per key (is it
/// ours, whose is it, when may it sign) and must work offline; a signed JSON list distributed like
/// the EU DCC trust list gives that without an X.509 path builder. Distributing and authenticating
/// the file itself is the deployment's job [U] (`Docs/qr-payload.md`, "Trust list").
///
/// File format (version 1), dates ISO 8601 with a zone:
/// ```json
/// {"version": 1, "keys": [{"keyId": "0123456789ABCDEF", "publicKey": "-----BEGIN PUBLIC KEY-----…",
///   "issuer": "Example Health Commission", "validFrom": "2026-01-01T00:00:00Z", "validTo": "2031-01-01T00:00:00Z"}]}
/// ```
/// The loader checks that every `keyId` is the id derived from its `publicKey` (``KeyID``), so an
/// edited file cannot attach a name and period to the wrong key, and that ids are unique.
///
/// - SeeAlso: `Docs/qr-payload.md`, "Trust list"; ``CodeVerifier``.
public struct TrustList: Sendable {
    /// One trusted key.
    public struct Entry: Sendable, Equatable {
        /// The key's id, as codes name it.
        public let keyID: KeyID
        /// The SM2 public key that checks the signatures.
        public let publicKey: SM2PublicKey
        /// Who holds the private key, for people reading a verdict.
        public let issuer: String
        /// The first instant the key may be used.
        public let validFrom: Date
        /// The last instant the key may be used.
        public let validTo: Date
        /// The verifier for this key: SM2 with SM3 and the default distinguishing ID, made once per
        /// entry so that its Z and OpenSSL contexts serve every code the key signed.
        public let verifier: SM2Verifier

        /// An entry whose id is derived from `publicKey`, the normal case.
        ///
        /// - Throws: `HealthCardError/Code/invalidValue` if `validTo` is before `validFrom`.
        public init(publicKey: SM2PublicKey, issuer: String, validFrom: Date, validTo: Date) throws {
            try self.init(
                keyID: KeyID(publicKey: publicKey), publicKey: publicKey, issuer: issuer,
                validFrom: validFrom, validTo: validTo)
        }

        /// An entry with an explicitly given id, *not* checked against the key.
        ///
        /// For keys whose ids another scheme assigned, and for tests of a mismatched id. The file
        /// loader never uses it without checking.
        public init(keyID: KeyID, publicKey: SM2PublicKey, issuer: String, validFrom: Date, validTo: Date) throws {
            guard validFrom <= validTo else {
                throw HealthCardError.invalidValue(
                    "validity period of key \(keyID) ends (\(ISO8601Instant.format(validTo))) before it starts "
                        + "(\(ISO8601Instant.format(validFrom)))")
            }
            self.keyID = keyID
            self.publicKey = publicKey
            self.issuer = issuer
            self.validFrom = validFrom
            self.validTo = validTo
            verifier = SM2Verifier(publicKey: publicKey, distinguishingID: .default)
        }

        /// Whether `date` lies in the validity period (both ends included).
        public func isValid(at date: Date) -> Bool { validFrom <= date && date <= validTo }
    }

    /// The file format version this type reads and writes.
    public static let formatVersion = 1

    /// The entries, in file order.
    public private(set) var entries: [Entry]

    /// An empty list: every code is an unknown key.
    public init() {
        entries = []
    }

    /// A list of entries.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` if two entries share a key id.
    public init(entries: [Entry]) throws {
        self.init()
        for entry in entries { try add(entry) }
    }

    /// The entry for `keyID`, if trusted.
    public subscript(keyID: KeyID) -> Entry? {
        entries.first { $0.keyID == keyID }
    }

    /// Adds `entry`.
    ///
    /// - Parameters:
    ///   - entry: the key to add, with its issuer and validity.
    ///   - replacing: replace an entry with the same key id instead of failing.
    /// - Throws: `HealthCardError/Code/invalidValue` if the key id is already present and
    ///   `replacing` is false.
    public mutating func add(_ entry: Entry, replacing: Bool = false) throws {
        if let index = entries.firstIndex(where: { $0.keyID == entry.keyID }) {
            guard replacing else {
                throw HealthCardError.invalidValue(
                    "key \(entry.keyID) is already in the trust list (issuer '\(entries[index].issuer)')")
            }
            entries[index] = entry
        } else {
            entries.append(entry)
        }
    }

    /// Removes and returns the entry for `keyID`.
    @discardableResult
    public mutating func remove(keyID: KeyID) -> Entry? {
        guard let index = entries.firstIndex(where: { $0.keyID == keyID }) else { return nil }
        return entries.remove(at: index)
    }
}

// MARK: - JSON

extension TrustList {
    /// The file's shape, with every field optional so that a missing one gets a precise message.
    private struct FileJSON: Codable {
        var version: Int?
        var keys: [EntryJSON]?
    }

    private struct EntryJSON: Codable {
        var keyId: String?
        var publicKey: String?
        var issuer: String?
        var validFrom: String?
        var validTo: String?
    }

    /// The keys and types the file may hold (`JSONShape`): an unknown key (a misspelt
    /// `"validTo"` would otherwise be missing, a misspelt optional key silently ignored) is an error.
    static let shape = JSONShape.object(
        [
            "version": .integer,
            "keys": .array(
                .object([
                    "keyId": .string, "publicKey": .string, "issuer": .string, "validFrom": .string, "validTo": .string,
                ])),
        ])

    /// A trust list from its JSON text.
    ///
    /// - Parameters:
    ///   - json: the list as JSON.
    ///   - source: the file name used in messages, e.g. `"trust.json"`.
    /// - Throws: `HealthCardError` whose reason names `source` and the entry, e.g.
    ///   `"trust.json: keys[2]: keyId 0123456789ABCDEF does not match the public key (its id is …)"`,
    ///   or the unknown key: `"trust.json: keys[0]: unknown key "keyID" (closest known key: "keyId")"`.
    public init(json: [UInt8], source: String = "trust list") throws {
        let file: FileJSON
        do {
            file = try JSONDecoder().decode(FileJSON.self, from: Data(json))
        } catch {
            throw HealthCardError.malformed("\(source): not a trust list JSON object (\(Self.explain(error)))")
        }
        // After the decoder, whose messages name a wrong type; the shape adds the keys it skipped.
        try Self.shape.check(json: json, source: source)
        guard let version = file.version else {
            throw HealthCardError.malformed("\(source): missing \"version\" (expected \(Self.formatVersion))")
        }
        guard version == Self.formatVersion else {
            throw HealthCardError.invalidValue(
                "\(source): unsupported version \(version); this reader knows version \(Self.formatVersion)")
        }
        guard let keys = file.keys else { throw HealthCardError.malformed("\(source): missing \"keys\" array") }
        self.init()
        for (index, raw) in keys.enumerated() {
            let location = "\(source): keys[\(index)]"
            let entry = try Self.entry(from: raw, location: location)
            do {
                try add(entry)
            } catch let error as HealthCardError {
                throw error.located(location)
            }
        }
    }

    private static func entry(from raw: EntryJSON, location: String) throws -> Entry {
        func field(_ value: String?, _ name: String) throws -> String {
            guard let value, !value.isEmpty else { throw HealthCardError.malformed("\(location): missing \"\(name)\"") }
            return value
        }
        func instant(_ value: String?, _ name: String) throws -> Date {
            let text = try field(value, name)
            guard let date = ISO8601Instant.parse(text) else {
                throw HealthCardError.invalidValue(
                    "\(location): \(name) '\(text)' is not an ISO 8601 time with a zone, e.g. 2026-01-01T00:00:00Z")
            }
            return date
        }
        let keyIDText = try field(raw.keyId, "keyId")
        let keyID: KeyID
        do { keyID = try KeyID(hex: keyIDText) } catch let error as HealthCardError { throw error.located(location) }
        let publicKey: SM2PublicKey
        do {
            publicKey = try SM2PublicKey(pemRepresentation: try field(raw.publicKey, "publicKey"))
        } catch let error as HealthCardError {
            throw error.reason.hasPrefix(location) ? error : error.located("\(location): publicKey")
        }
        let derived = try KeyID(publicKey: publicKey)
        guard derived == keyID else {
            throw HealthCardError.invalidValue(
                "\(location): keyId \(keyIDText) does not match the public key (its id is \(derived))")
        }
        let issuer = try field(raw.issuer, "issuer")
        let validFrom = try instant(raw.validFrom, "validFrom")
        let validTo = try instant(raw.validTo, "validTo")
        do {
            return try Entry(keyID: keyID, publicKey: publicKey, issuer: issuer, validFrom: validFrom, validTo: validTo)
        } catch let error as HealthCardError {
            throw error.located(location)
        }
    }

    /// The list as JSON text: pretty, keys sorted, entries in list order.
    ///
    /// - Throws: `OpenSSLError` only if a key cannot be exported as PEM.
    public func json() throws -> [UInt8] {
        let keys = try entries.map { entry in
            EntryJSON(
                keyId: entry.keyID.hex, publicKey: try entry.publicKey.pemRepresentation, issuer: entry.issuer,
                validFrom: ISO8601Instant.format(entry.validFrom), validTo: ISO8601Instant.format(entry.validTo))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(FileJSON(version: Self.formatVersion, keys: keys))) + [0x0A]
    }

    /// Reads a trust list file.
    ///
    /// - Throws: `FileAccessError` if the file cannot be read; `HealthCardError` naming the
    ///   file and entry if its content is wrong.
    public static func load(from path: String) throws -> TrustList {
        try TrustList(json: AtomicFile.read(path), source: path)
    }

    /// Writes the list to `path`, replacing the file atomically (mode 0644).
    public func save(to path: String) throws {
        try AtomicFile.write(json(), to: path, mode: AtomicFile.publicMode)
    }

    /// A short explanation of a JSON decoding failure.
    static func explain(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .dataCorrupted(let context): return "invalid JSON: \(context.debugDescription)"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return "\(path.isEmpty ? "top level" : path) must be \(type)"
        case .keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
        @unknown default: return "\(decoding)"
        }
    }
}
