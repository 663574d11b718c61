import HealthCardFoundation

/// One source record about a person, as a feed or a CSV row gives it: raw strings, nothing
/// normalised or validated yet (../shared/specs/empi.md §1.1 step 1 keeps the raw values for the
/// explanation). ``Normalizer`` turns it into a ``NormalizedRecord`` for comparison.
///
/// The fields are the generic field kinds of a ``FieldMapping``, so records from any CSV (Chinese
/// or not) can be linked.
public struct PersonRecord: Sendable, Hashable, Codable {
    /// The record's ID within its source ``domain`` (a visit number, an MRN, a row key).
    public var id: String
    /// The source system that issued ``id`` (IHE: assigning authority).
    public var domain: String
    /// The 1-based line of the source file where the record starts, for error reports.
    public var line: Int?
    public var fullName: String?
    public var familyName: String?
    public var givenName: String?
    /// As written: `YYYYMMDD`, `YYYY-MM-DD` or `YYYY/M/D`.
    public var birthDate: String?
    /// GB/T 2261.1 code (`1`, `2`), or 男/女, M/F, male/female.
    public var sex: String?
    /// Citizen IDs and other cards or visit numbers, each with its domain.
    public var identifiers: [PatientIdentifier]
    public var phone: String?
    public var addressLines: [String]
    public var locality: String?
    public var postcode: String?
    /// GB/T 2260 6-digit administrative division code of the address.
    public var regionCode: String?

    public init(
        id: String, domain: String = "", line: Int? = nil, fullName: String? = nil, familyName: String? = nil,
        givenName: String? = nil, birthDate: String? = nil, sex: String? = nil,
        identifiers: [PatientIdentifier] = [], phone: String? = nil, addressLines: [String] = [],
        locality: String? = nil, postcode: String? = nil, regionCode: String? = nil
    ) {
        self.id = id
        self.domain = domain
        self.line = line
        self.fullName = fullName
        self.familyName = familyName
        self.givenName = givenName
        self.birthDate = birthDate
        self.sex = sex
        self.identifiers = identifiers
        self.phone = phone
        self.addressLines = addressLines
        self.locality = locality
        self.postcode = postcode
        self.regionCode = regionCode
    }

    /// The first citizen ID the record carries, as written.
    public var citizenID: String? { identifiers.first { $0.kind == .citizenID }?.value }
}

/// A patient identifier: the pair (domain, value) (../shared/specs/empi.md §2.1).
public struct PatientIdentifier: Sendable, Hashable, Codable {
    /// What the identifier is, which decides how it is validated and compared.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A GB 11643 citizen ID: validated, 15-digit numbers upgraded, compared by edit distance.
        case citizenID
        /// Any other card or visit number: compared exactly within its domain.
        case other
    }

    public var domain: String
    public var value: String
    public var kind: Kind

    public init(domain: String, value: String, kind: Kind = .other) {
        self.domain = domain
        self.value = value
        self.kind = kind
    }

    /// The conventional domain name for citizen IDs.
    public static let citizenIDDomain = "citizen-id"

    public static func citizenID(_ value: String) -> PatientIdentifier {
        PatientIdentifier(domain: citizenIDDomain, value: value, kind: .citizenID)
    }
}
