import HealthCardCore

/// The built-in example of `hcard demo`: synthetic people (IDs valid by checksum, belonging to
/// nobody) in the same JSON and CSV shapes the other commands read.
enum DemoData {
    static let holder = """
        {"name": "李明", "sex": "1", "ethnicity": "01", "birthDate": "1985-03-12", "idNumber": "110105198503120012"}
        """

    static let visit = """
        {
          "institutionName": "北京协和医院", "institutionCode": "40000591-7",
          "visitTime": "2026-11-22T09:30:00", "outpatientNumber": "MZ20261122001",
          "department": "内科", "paymentMethod": "01",
          "symptoms": [{"symptomName": "发热", "diagnosisDate": "2026-11-22", "diagnosisName": "上呼吸道感染",
                        "diagnosisCode": "J06.900", "onsetTime": "2026-11-21T20:00:00", "durationMinutes": "60"}],
          "drugs": [{"name": "对乙酰氨基酚片", "dosageForm": "1", "days": "3", "frequency": "tid", "doseUnit": "mg",
                     "singleDose": "500", "totalDose": "4500", "route": "1"}],
          "fees": [{"category": "诊察费", "categoryCode": "2", "amount": "50.00"}]
        }
        """

    static let immunization = #"{"vaccine": "乙肝疫苗", "date": "1986-04-02"}"#

    /// Registrations of three hospitals: the holder three times (Hanzi with his ID, Hanzi with a
    /// space and another date format, pinyin), a near namesake, a namesake born 1962, and another person.
    static let empiRecords = """
        record_id,hospital,name,dob,sex,sfz,phone
        A-1001,hosp-a,李明,1985-03-12,1,110105198503120012,13800138000
        B-2002,hosp-b,李 明,19850312,1,,138-0013-8000
        C-3003,hosp-c,Li Ming,1985/3/12,1,,
        A-1002,hosp-a,李敏,1985-03-21,2,110105198503210026,13911112222
        B-2003,hosp-b,王芳,1990-07-01,2,31011519900701002X,13912345678
        C-3004,hosp-c,李明,1962-08-09,1,110108196208090033,
        """

    static let empiMapping = """
        {"columns": [
          {"column": "record_id", "kind": "recordID"}, {"column": "hospital", "kind": "recordDomain"},
          {"column": "name", "kind": "fullName"}, {"column": "dob", "kind": "birthDate"},
          {"column": "sex", "kind": "sex"},
          {"column": "sfz", "kind": "identifier", "domain": "citizen-id", "type": "citizenID"},
          {"column": "phone", "kind": "phone"}
        ]}
        """

    /// The domain of the resident health card's number in the index.
    static let cardDomain = "resident-health-card"

    /// The identifier domains (assigning authorities) of the demo index: the citizen ID, the card,
    /// the three hospitals of ``empiRecords`` and the synthetic population's domains.
    static let empiDomains: [IdentifierDomain] =
        [
            IdentifierDomain(code: "citizen-id", name: "居民身份证", type: .citizenID),
            IdentifierDomain(code: cardDomain, name: "居民健康卡", type: .residentHealthCard),
        ] + ["hosp-a", "hosp-b", "hosp-c"].map { IdentifierDomain(code: $0, type: .visitCard) }
        + SyntheticPopulation.domains.filter { !$0.hasPrefix("hosp-") }.map { IdentifierDomain(code: $0, type: .other) }
        + SyntheticPopulation.domains.map { IdentifierDomain(code: $0 + "-card", type: .visitCard) }

    /// The demo's e-health-card id: 64 upper-case hex digits (the Tencent profile), SM3 of a demo
    /// prefix and the ID number, so it does not reveal the number. Real ids come from the platform.
    static func eHealthCardID(for idNumber: String) -> String {
        Hex.encode(SM3.hash(Array("hcard-demo:\(idNumber)".utf8)))
    }
}
