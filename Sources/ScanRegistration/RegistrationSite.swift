import HealthCardFoundation

/// The kinds of place that register people at the scan (issue 20 §1).
public enum SiteType: String, Hashable, Sendable, Codable, CaseIterable {
    case feverClinic, pharmacy, observationSite, employer, checkpoint
}

/// A place that registers once and to which every registration is attributed (issue 20 §1): a
/// fever clinic, pharmacy, medical-observation site, employer or checkpoint, in a GB/T 2260 region,
/// run by an operator (the organisation answerable for it).
///
/// Why the region is a current county-level code: registrations and clue reports are routed and
/// supervised per county (区县), and a code that was withdrawn would route to no handler.
public struct RegistrationSite: Hashable, Sendable, Codable {
    /// Chosen by the district office: letters, digits, `-` and `_`, at most 32.
    public let id: String
    public let type: SiteType
    public let name: String
    /// A current county-level GB/T 2260 code (`460106`).
    public let region: String
    /// The organisation running the site (a hospital, a pharmacy chain, the employer itself).
    public let operatorName: String

    /// - Throws: `HealthCardError/Code/invalidValue` naming the field: an id outside the grammar,
    ///   an empty name or operator, a region that is not a current county-level code of `regions`.
    public init(
        id: String, type: SiteType, name: String, region: String, operatorName: String,
        regions: RegionTable = .shipped
    ) throws {
        try Self.checkID(id, what: "site id")
        guard !name.trimmingWhitespace().isEmpty, name.count <= 100 else {
            throw HealthCardError.invalidValue("site \(id): name must be 1...100 characters")
        }
        guard !operatorName.trimmingWhitespace().isEmpty, operatorName.count <= 100 else {
            throw HealthCardError.invalidValue("site \(id): operator must be 1...100 characters")
        }
        try Self.checkCounty(region, regions: regions, what: "site \(id): region")
        self.id = id
        self.type = type
        self.name = name
        self.region = region
        self.operatorName = operatorName
    }

    /// Site and operator ids: `[0-9A-Za-z_-]{1,32}`.
    static func checkID(_ id: String, what: String) throws {
        guard (1...32).contains(id.utf8.count),
            id.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D || $0 == 0x5F })
        else {
            throw HealthCardError.invalidValue("\(what) '\(TerminalText.escaped(id))' must be 1...32 of 0-9 A-Z a-z - _")
        }
    }

    /// A current GB/T 2260 code below the prefecture (not `xx0000`, not `xxxx00`).
    static func checkCounty(_ code: String, regions: RegionTable, what: String) throws {
        guard let region = regions.region(code: code), region.isCurrent else {
            throw HealthCardError.invalidValue("\(what) '\(TerminalText.escaped(code))' is not a current GB/T 2260 code")
        }
        guard !code.hasSuffix("00") else {
            throw HealthCardError.invalidValue("\(what) \(code) (\(region.name)) is a province or prefecture; give the county")
        }
    }
}
