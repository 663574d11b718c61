import HealthCardFoundation

/// An identifier domain (IHE: assigning authority): who issues a kind of patient identifier and
/// how its values are checked and compared (../shared/specs/empi.md §2.1).
///
/// Why the OID is configurable and optional: national OIDs differ between deployments and must not
/// be hard-coded; the short ``code`` is what records and mapping files name.
public struct IdentifierDomain: Sendable, Hashable, Codable {
    /// The kind of identifier the domain issues (empi.md §2.1).
    public enum DomainType: String, Sendable, Hashable, Codable, CaseIterable {
        case citizenID = "citizen-id"
        case residentHealthCard = "resident-health-card"
        case eHealthCard = "e-health-card"
        case socialSecurityCard = "social-security-card"
        case insuranceVoucher = "insurance-voucher"
        /// A hospital's visit card or medical record number (MRN); also a source system's record IDs.
        case visitCard = "visit-card"
        case passport
        /// HK/Macau/Taiwan travel and residence permits.
        case permit
        case birthCertificate = "birth-certificate"
        case other
    }

    /// A check applied to every value before it enters the cross-index.
    public enum Validator: String, Sendable, Hashable, Codable, CaseIterable {
        /// GB 11643-1999 citizen ID (format, check character, date; 15-digit numbers upgraded).
        case gb11643
    }

    /// Whether one value may belong to more than one person (empi.md §2.1 uniqueness policy).
    public enum Uniqueness: String, Sendable, Hashable, Codable, CaseIterable {
        /// One value identifies exactly one person; a second person claiming it goes to review.
        case unique
        /// Values are reused (e.g. recycled visit numbers); no conflict is raised.
        case reusable
    }

    /// The short code records and mappings use (`citizen-id`, `hosp-a`); no `:` (it separates a
    /// domain from a record ID on the command line).
    public var code: String
    public var name: String
    public var oid: String?
    public var type: DomainType
    public var validator: Validator?
    public var uniqueness: Uniqueness
    public var issuer: String?
    /// Survivorship rank: golden-record fields come from the most trusted domain first
    /// (empi.md §1.7); higher is more trusted.
    public var trust: Int

    public init(
        code: String, name: String? = nil, oid: String? = nil, type: DomainType = .other,
        validator: Validator? = nil, uniqueness: Uniqueness = .unique, issuer: String? = nil, trust: Int = 0
    ) {
        self.code = code
        self.name = name ?? code
        self.oid = oid
        self.type = type
        self.validator = validator ?? (type == .citizenID ? .gb11643 : nil)
        self.uniqueness = uniqueness
        self.issuer = issuer
        self.trust = trust
    }

    /// Domain-specific normalisation (empi.md §2.1): trim, full-width → half-width, upper-case a
    /// trailing `x`; a GB 11643 domain stores the 18-character form (a 15-digit number upgraded).
    public func normalize(_ value: String) -> String {
        let folded = CitizenIDValidator.normalizedCharacters(value)
        if validator == .gb11643, let upgraded = CitizenIDValidator(regions: nil).validate(folded).normalized {
            return upgraded
        }
        return folded
    }

    /// Why `value` is not acceptable in this domain, or `nil` when it is.
    public func problem(with value: String, today: CalendarDate) -> String? {
        if case .refused(let problem) = admission(value, today: today) { return problem }
        return nil
    }

    /// What the cross-index does with a value (empi.md §2.1).
    enum Admission: Equatable {
        /// Stored, in this normalised form (``normalize(_:)``).
        case accepted(String)
        /// Not cross-indexed, for this reason (``problem(with:today:)``).
        case refused(String)
    }

    /// ``normalize(_:)`` and ``problem(with:today:)`` from one validation: a bulk ingest admits
    /// every identifier of every record, and the GB 11643 check is the costly part.
    func admission(_ value: String, today: CalendarDate) -> Admission {
        let folded = Self.isFolded(value) ? value : CitizenIDValidator.normalizedCharacters(value)
        if folded.isEmpty { return .refused("empty identifier") }
        switch validator {
        case .gb11643:
            let validation = CitizenIDValidator(regions: nil, today: today).validate(folded)
            guard validation.isValid, let normalized = validation.normalized else {
                return .refused("invalid citizen ID \"\(value)\": \(validation.firstError ?? "invalid")")
            }
            return .accepted(normalized)
        case nil:
            return .accepted(folded)
        }
    }

    /// Whether `normalizedCharacters` would return `value` unchanged: printable ASCII other than a
    /// space and `x`, so nothing to trim or fold (the common case, checked without building a string).
    static func isFolded(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "x") }
    }

    /// A code is usable when it is non-empty and has no `:` or whitespace.
    static func isValidCode(_ code: String) -> Bool {
        !code.isEmpty && !code.contains(":") && !code.contains { $0.isWhitespace }
    }
}
