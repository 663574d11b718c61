import EMPI
import HealthCardFoundation

/// A person's golden record (empi.md §1.7 survivorship): per field, the value of the record that
/// ranks first under the ``Survivorship`` policy. Derived from the linked records whenever they
/// change; it never decides or changes links.
public struct GoldenRecord: Sendable, Hashable, Codable {
    public var fullName: String?
    public var familyName: String?
    public var givenName: String?
    public var birthDate: String?
    public var sex: String?
    public var phone: String?
    public var addressLines: [String]
    public var locality: String?
    public var postcode: String?
    public var regionCode: String?
    /// The identifiers of all linked records, as (domain, value), sorted.
    public var identifiers: [PatientIdentifier]

    public init() {
        addressLines = []
        identifiers = []
    }
}

/// How golden-record fields are chosen (empi.md §1.7: "most recent value from the most trusted
/// domain", configurable).
public struct Survivorship: Sendable, Hashable, Codable {
    public enum Policy: String, Sendable, Hashable, Codable {
        /// Rank by domain trust, then by how recently the record was written.
        case mostTrustedThenRecent = "most-trusted-then-recent"
        /// Rank by how recently the record was written only.
        case mostRecent = "most-recent"
    }

    public var policy: Policy

    public init(policy: Policy = .mostTrustedThenRecent) { self.policy = policy }

    /// A linked record with its rank inputs.
    public struct Source: Sendable {
        public var record: PersonRecord
        public var trust: Int
        /// A number that grows with each write (the index's revision at the record's last write).
        public var version: Int64

        package init(record: PersonRecord, trust: Int, version: Int64) {
            self.record = record
            self.trust = trust
            self.version = version
        }
    }

    /// The golden record of `sources`: per field the first non-empty value in rank order.
    public func golden(_ sources: [Source]) -> GoldenRecord {
        let ranked = sources.sorted { a, b in
            switch policy {
            case .mostTrustedThenRecent: (a.trust, a.version) > (b.trust, b.version)
            case .mostRecent: a.version > b.version
            }
        }
        func first(_ value: (PersonRecord) -> String?) -> String? {
            for source in ranked {
                if let text = value(source.record)?.trimmingWhitespace(), !text.isEmpty { return text }
            }
            return nil
        }
        // Closures rather than key paths: a key path literal is instantiated at run time on each
        // call, which a bulk ingest (a golden record per person) measurably paid for.
        var golden = GoldenRecord()
        golden.fullName = first { $0.fullName }
        golden.familyName = first { $0.familyName }
        golden.givenName = first { $0.givenName }
        golden.birthDate = first { $0.birthDate }
        golden.sex = first { $0.sex }
        golden.phone = first { $0.phone }
        golden.addressLines = ranked.first { !$0.record.addressLines.isEmpty }?.record.addressLines ?? []
        golden.locality = first { $0.locality }
        golden.postcode = first { $0.postcode }
        golden.regionCode = first { $0.regionCode }
        var seen = Set<PatientIdentifier>()
        for source in sources {
            for identifier in source.record.identifiers where !identifier.value.isEmpty {
                seen.insert(identifier)
            }
        }
        golden.identifiers = seen.sorted { ($0.domain, $0.value) < ($1.domain, $1.value) }
        return golden
    }
}
