import HealthCardFoundation

/// A key on the card and its SAM counterparts (health-card.md §7.2): external authentication
/// with the card key reference `cardReference` after the SAM derived the cryptogram with
/// `80 DE samP1 samP2`.
public struct KeyReference: Sendable, Hashable, CustomStringConvertible {
    /// The SDK's name, e.g. `"RK_DDF1"`.
    public let name: String
    /// P2 of the card's EXTERNAL AUTHENTICATE (`00 82 00 ref`).
    public let cardReference: UInt8
    /// P1 P2 of the SAM's key derivation (`80 DE P1 P2`); high nibble of P1 2 = one-level, 4 = two-level
    /// diversification ([U], inferred from usage).
    public let samP1: UInt8
    public let samP2: UInt8
    /// P1 P2 of the SAM's secure-messaging key for this file, when writes use secure messaging.
    public let secureMessagingKey: (p1: UInt8, p2: UInt8)?

    public var description: String { name }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// How a file is organised on the card (ISO 7816-4 file structures as the health card uses them).
public enum FileStructure: Sendable, Hashable {
    /// Variable-length records, one per data item, each `tag ‖ len ‖ value` (health-card.md §3).
    case tlvRecords
    /// Fixed-length records written newest-first, oldest overwritten when full.
    case cyclic(records: Int, recordLength: Int)
    /// Fixed-length records addressed by number (the DF03 index files).
    case linearFixed(records: Int, recordLength: Int)
    /// A byte string addressed by offset.
    case transparent(size: Int)
}

/// How a file is written (health-card.md §5).
public enum WriteMode: String, Sendable, Hashable, Codable {
    /// Written once at personalisation, never after ("禁止改写").
    case personalisationOnly
    /// UPDATE RECORD with secure messaging (`04 DC`), after external authentication.
    case secureMessaging
    /// UPDATE RECORD plain, cyclic "previous" mode (`00 DC 00 03`).
    case plainCyclic
    /// UPDATE BINARY in chunks (`00 D6`), encounter files.
    case plainBinary
    /// The DF03 index: mark valid `84 D2`, erase `84 0C` ([U]).
    case indexMark
}

/// One elementary file of the card: identity, structure, access conditions and fields.
public struct ElementaryFileSpec: Sendable, Hashable, CustomStringConvertible {
    /// The DF it lives in.
    public let parent: FileIdentifier
    public let fid: FileIdentifier
    /// A stable English name, used as the JSON key of the file and in messages: `"holder"`.
    public let name: String
    public let chineseName: String
    public let structure: FileStructure
    /// The key that must be authenticated before reading; `nil` = free read.
    public let readKey: KeyReference?
    /// The key that must be authenticated before writing; `nil` = never writable in the field.
    public let updateKey: KeyReference?
    public let writeMode: WriteMode
    /// For TLV files, one field per record (record n = `fields[n-1]`); otherwise fields at offsets.
    public let fields: [FieldSpec]
    /// Repeating groups (transparent encounter files only).
    public let groups: [FieldGroup]
    public let certainty: Certainty

    /// "DDF1/EF06 holder".
    public var description: String { "\(parent)/\(fid) \(name)" }
    /// "DDF1/EF06".
    public var path: String { "\(parent)/\(fid)" }

    /// Every field at its absolute offset, groups expanded with keys like `symptoms.2.name`.
    public var allFields: [FieldSpec] {
        fields + groups.flatMap { group in
            (0..<group.count).flatMap { index in
                group.fields(of: index).map { $0.placed(at: $0.offset, key: "\(group.key).\(index + 1).\($0.key)") }
            }
        }
    }

    /// Bytes of one record (TLV: `2 + length` of the record's field) or of the whole transparent file.
    public var recordCount: Int {
        switch structure {
        case .tlvRecords: fields.count
        case .cyclic(let records, _), .linearFixed(let records, _): records
        case .transparent: 1
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.parent == rhs.parent && lhs.fid == rhs.fid }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(parent)
        hasher.combine(fid)
    }
}

/// A dedicated file: a FID, the DF name returned in its FCI (tag 84), and its EFs.
public struct DedicatedFileSpec: Sendable, Hashable {
    public let fid: FileIdentifier
    public let name: [UInt8]
    public let chineseName: String
    public let files: [ElementaryFileSpec]
    public let certainty: Certainty
}
