import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthQR
import PersonalHealthCode
import ScanRegistration

/// Real SM2 keys generated per test, a trust list naming them, real SQLite files: a registration
/// store and the platform's health-code event store.
struct RegistrationFixture {
    /// 2026-03-01T08:00:00Z (16:00 China time).
    static let now = Date(timeIntervalSince1970: 1_772_352_000)
    /// A citizen ID with a valid check character: body + computed check.
    static func id(_ body: String) -> String { body + String(CitizenID.checkCharacter(forBody: body)!) }
    /// Born 1980-01-01: an adult.
    static let adult = id("46010619800101001")
    /// Born 2015-06-01: ten years old on `now`.
    static let child = id("46010620150601002")
    /// Born 2012-02-29: fourteen on 2026-03-01 (the day after a non-leap 28 February).
    static let justFourteen = id("46010620120229003")

    let directory: URL
    let key: SM2PrivateKey
    let healthIssuer: HealthCodeIssuer
    let cardIssuer: SignedCodeIssuer
    let trust: TrustList
    let registrations: RegistrationStore
    let events: HealthEventStore
    let service: LocalHealthCodeService

    init(rules: RuleSet = RuleSet.shipped["hainan-2022-09"]!) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("registration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        key = try SM2PrivateKey()
        healthIssuer = try HealthCodeIssuer(privateKey: key)
        cardIssuer = try SignedCodeIssuer(privateKey: key)
        trust = try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test Hainan HC", validFrom: Self.now.addingTimeInterval(-86_400 * 30),
                validTo: Self.now.addingTimeInterval(86_400 * 365))
        ])
        registrations = try RegistrationStore(path: directory.appendingPathComponent("reg.db").path)
        events = try HealthEventStore(path: directory.appendingPathComponent("events.db").path)
        service = LocalHealthCodeService(
            store: events, issuer: healthIssuer, verifier: HealthCodeVerifier(trustList: trust), rules: rules,
            clock: FixedClock(Self.now))
    }

    func desk(clock: Date = now) -> RegistrationDesk {
        RegistrationDesk(
            store: registrations, prefiller: ScanPrefiller(trustList: trust, events: events), service: service,
            clock: FixedClock(clock))
    }

    /// A person known to the platform, with basic information (name, phone, address).
    func enrol(_ id: String, name: String, phone: String = "13800138000", address: String = "海口市龙华区滨海大道1号") throws
        -> PersonID
    {
        let person = try PersonID(id)
        try events.write { transaction in
            try transaction.savePerson(
                person, basicInfo: ["name": .string(name), "phone": .string(phone), "address": .string(address)],
                now: Self.now)
        }
        return person
    }

    /// A health code issued by the platform (the colour follows the person's events), as scanned.
    func code(for person: PersonID, at time: Date = now.addingTimeInterval(-600)) async throws -> String {
        let response = try await service.generateCode(CodeGenerationRequest(person: person, now: time))
        guard let text = response.text else { throw HealthCardError.invalidValue("no code: \(response.violations)") }
        return text
    }

    /// A signed dynamic e-health-card code.
    func card(_ cardID: String = "E1D10AAC73D0B947", at time: Date = now.addingTimeInterval(-30)) async throws -> String {
        try await cardIssuer.issue(cardID: cardID, kind: .dynamic(window: .seconds(300)), now: time, nonce: .random())
    }

    func addSites() throws {
        for (id, type, name) in [
            ("FC1", SiteType.feverClinic, "海口市人民医院发热门诊"), ("PH1", .pharmacy, "一心堂滨海店"),
            ("OB1", .observationSite, "龙华区集中医学观察点"), ("EM1", .employer, "海口某科技公司"),
            ("CP1", .checkpoint, "新海港卡口"),
        ] {
            try registrations.addSite(
                RegistrationSite(id: id, type: type, name: name, region: "460106", operatorName: "龙华区卫健委"), now: Self.now)
        }
    }
}
