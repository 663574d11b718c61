import EMPI
import HealthCardFoundation

/// Shared fixtures for the EMPI suites.
public enum EMPIFixture {
    public static let today = CalendarDate(year: 2026, month: 1, day: 1)!
    public static let normalizer = Normalizer(today: today)

    public static func record(
        _ id: String, name: String? = nil, family: String? = nil, given: String? = nil, birth: String? = nil,
        sex: String? = nil, citizenID: String? = nil, phone: String? = nil, address: String? = nil,
        region: String? = nil, cards: [(String, String)] = []
    ) -> PersonRecord {
        var identifiers = cards.map { PatientIdentifier(domain: $0.0, value: $0.1) }
        if let citizenID { identifiers.insert(.citizenID(citizenID), at: 0) }
        return PersonRecord(
            id: id, domain: "test", fullName: name, familyName: family, givenName: given, birthDate: birth, sex: sex,
            identifiers: identifiers, phone: phone, addressLines: address.map { [$0] } ?? [], regionCode: region)
    }

    public static func normalized(_ record: PersonRecord) -> NormalizedRecord { normalizer.normalize(record) }

    public static func name(_ text: String) -> NormalizedRecord { normalized(record("n", name: text)) }

    /// A valid 18-digit ID for a body of 17 digits.
    public static func id(_ body: String) -> String { body + String(CitizenID.checkCharacter(forBody: body)!) }
}
