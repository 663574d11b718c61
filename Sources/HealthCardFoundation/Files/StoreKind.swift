/// The kinds of SQLite file HealthCardKit keeps, and how a file says which one it is.
///
/// Why: every store used to open any SQLite file and migrate it, so `hcard read --status-db
/// pass.db` (a pass log given where an EMPI index belongs) exited 0 after creating fifteen account
/// tables in the pass log. Each store now stamps its files with SQLite's `application_id` (the
/// raw value, four ASCII letters) and checks it, or for files written before the stamp, its
/// signature tables, before it reads or migrates anything (``check(path:applicationID:tables:mode:)``).
public enum StoreKind: Int32, CaseIterable, Sendable {
    /// The EMPI/PIX index, and the e-health-card accounts kept in the same file: "HCEI".
    case patientIndex = 0x4843_4549
    /// A checkpoint pass log: "HCPL".
    case passLog = 0x4843_504C
    /// The health-code event store: "HCHE".
    case healthEvents = 0x4843_4845
    /// Registrations at the scan (sites, scenario forms, clue reports; `ScanRegistration`): "HCRG".
    case registrations = 0x4843_5247

    /// How a store is opened.
    public enum AccessMode: Sendable {
        /// Created if missing (an empty SQLite file is also adopted), migrated, then read and written.
        case readWrite
        /// Must exist and be this kind; nothing is created, migrated or written.
        case readOnly
    }

    /// What a person calls a file of this kind, with its article.
    public var description: String {
        switch self {
        case .patientIndex: "an EMPI index (hcard empi, accounts)"
        case .passLog: "a checkpoint pass log"
        case .healthEvents: "a health-code event store"
        case .registrations: "a registration store (hcard site, register, clue)"
        }
    }

    /// Tables only this kind has: how a file written before the `application_id` stamp is known.
    public var signatureTables: Set<String> {
        switch self {
        case .patientIndex: ["record", "link", "domain", "mergeHistory"]
        case .passLog: ["passage"]
        case .healthEvents: ["issuedCode"]
        case .registrations: ["registration", "clueReport"]
        }
    }

    /// The kind a file is, from its `application_id` or, when that is 0, its tables; `nil` for
    /// an unknown database or an empty one.
    public static func identify(applicationID: Int32, tables: Set<String>) -> StoreKind? {
        if let kind = StoreKind(rawValue: applicationID) { return kind }
        guard applicationID == 0 else { return nil }
        return allCases.first { !$0.signatureTables.isDisjoint(with: tables) }
    }

    /// Checks that the database at `path`, with this `applicationID` and these user `tables`,
    /// may be opened as this kind in `mode`: it is this kind, or (read-write only) an empty
    /// database to create the tables in.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` naming the file and what it is instead
    ///   (`"pass.db is a checkpoint pass log, not an EMPI index (…)"`).
    public func check(path: String, applicationID: Int32, tables: Set<String>, mode: AccessMode) throws {
        let found = Self.identify(applicationID: applicationID, tables: tables)
        if found == self { return }
        if let found {
            throw HealthCardError.invalidValue("\(path) is \(found.description), not \(description)")
        }
        if applicationID == 0 && tables.isEmpty {
            if mode == .readWrite { return }
            throw HealthCardError.invalidValue("\(path) is an empty SQLite database, not \(description)")
        }
        let what =
            applicationID != 0
            ? "an SQLite database of another application (application_id \(applicationID))"
            : "an SQLite database with other tables (\(tables.sorted().prefix(5).joined(separator: ", ")))"
        throw HealthCardError.invalidValue("\(path) is \(what), not \(description)")
    }
}
