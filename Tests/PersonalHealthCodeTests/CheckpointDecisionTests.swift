import Foundation
import Testing
@testable import HealthCardCrypto
@testable import HealthCardFoundation
@testable import HealthQR
@testable import PersonalHealthCode
@testable import HealthQRImaging


/// Real SM2 keys and issuers, real QR images (libqrencode → PNG → zbar), a real SQLite pass log.
@Suite("Checkpoint: decisions on real codes and images, every passage logged")
struct CheckpointDecisionTests {
    /// 2026-03-01T08:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_772_352_000)
    static let person = try! PersonID("11010519491231002X")
    static let stranger = try! PersonID("440524198001010013")

    let key: SM2PrivateKey
    let healthIssuer: HealthCodeIssuer
    let cardIssuer: SignedCodeIssuer
    let trust: TrustList
    let directory: URL
    let gate: CheckpointSite

    init() throws {
        key = try SM2PrivateKey()
        healthIssuer = try HealthCodeIssuer(privateKey: key)
        cardIssuer = try SignedCodeIssuer(privateKey: key)
        trust = try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test Hainan HC",
                validFrom: Self.now.addingTimeInterval(-86_400 * 30),
                validTo: Self.now.addingTimeInterval(86_400 * 365))
        ])
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        gate = try CheckpointSite(id: "G1", name: "East gate", area: "460105", department: "Security")
    }

    func decider(_ policy: CheckpointPolicy = CheckpointPolicy(), cache: SeenNonceCache? = nil) -> CheckpointDecider {
        CheckpointDecider(policy: policy, trustList: trust, seenNonces: cache)
    }

    func healthCode(
        _ colour: HealthColour, for person: PersonID = person, issuedAt: Date = now.addingTimeInterval(-3600)
    )
        async throws -> String
    {
        try await healthIssuer.issue(colour: colour, region: "460100", person: person, now: issuedAt).text
    }

    /// Draws `text` as a PNG file and scans the file back, as a checkpoint camera would.
    func throughImage(_ text: String, name: String) throws -> String {
        let url = directory.appendingPathComponent(name + ".png")
        try QRImage.writePNG(try QREncoder().encode(text: text), to: url)
        let payloads = try QRImage.decode(fileAt: url)
        #expect(payloads.count == 1)
        return String(decoding: try #require(payloads.first), as: UTF8.self)
    }

    /// The same code with its colour byte changed and the signature kept: a forged green.
    static func recoloured(_ text: String, to colour: HealthColour) throws -> String {
        let decoded = try HealthCodeFormat.decode(text)
        var body = decoded.body
        body[17] = try #require(HealthCodeFormat.code(of: colour))
        return HealthCodeFormat.text(body: body, signature: decoded.signature)
    }

    @Test("done-when: green, yellow, red, expired and tampered codes and a fever give the right decisions, all logged")
    func healthCodeScans() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try PassLog(path: directory.appendingPathComponent("pass.db").path)
        let decider = decider()
        let subject = PassHolder.healthCodeSubject(HealthCode.Subject(person: Self.person))
        let red = try await healthCode(.red)
        let cases:
            [(
                name: String, text: String, temperature: Double, reasons: [String], colour: HealthColour?,
                holder: PassHolder?
            )] = [
                ("green", try await healthCode(.green), 36.5, [], .green, subject),
                ("yellow", try await healthCode(.yellow), 36.5, ["colourNotAllowed"], .yellow, subject),
                ("red", red, 36.5, ["colourNotAllowed"], .red, subject),
                (
                    "expired", try await healthCode(.green, issuedAt: Self.now.addingTimeInterval(-2 * 86_400)), 36.5,
                    ["healthCode.expired"], nil, subject
                ),
                ("tampered", try Self.recoloured(red, to: .green), 36.5, ["healthCode.badSignature"], nil, nil),
                ("fever", try await healthCode(.green), 38.2, ["fever"], .green, subject),
                ("red+fever", red, 39.0, ["colourNotAllowed", "fever"], .red, subject),
            ]
        var ids: [Int64] = []
        for item in cases {
            let scanned = try throughImage(item.text, name: item.name)
            #expect(scanned == item.text)
            let decision = decider.decide(
                Credential(scanned: scanned), temperature: item.temperature, now: Self.now)
            #expect(decision.reasons.map(\.code) == item.reasons, "\(item.name): \(decision.reasons)")
            #expect(decision.passes == item.reasons.isEmpty, "\(item.name)")
            #expect(decision.colour == item.colour, "\(item.name)")
            // The verified code is carried for the issuer's register, denied or not; only a code that verified.
            let verified = try item.colour.map { _ in try HealthCodeFormat.decode(item.text).code }
            #expect(decision.acceptedHealthCode?.code == verified, "\(item.name)")
            #expect(decision.acceptedHealthCode?.colour == item.colour, "\(item.name)")
            #expect(decision.holder == item.holder, "\(item.name)")
            #expect(decision.credential == .healthCode)
            ids.append(
                try log.append(Passage(time: Self.now, checkpoint: gate, direction: .entering, decision: decision)))
        }
        let records = try log.records(matching: PassLogFilter())
        #expect(records.map(\.id) == ids)
        #expect(records.map(\.reasonCodes) == cases.map(\.reasons))
        #expect(records.map(\.outcome) == cases.map { $0.reasons.isEmpty ? .pass : .deny })
        #expect(records.map(\.temperature) == cases.map(\.temperature))
        #expect(records.map(\.holder) == cases.map(\.holder))
        #expect(records[2].detail == "red code is not allowed here")
        #expect(records.allSatisfy { $0.checkpoint == gate && $0.credential == .healthCode })
        #expect(try log.integrityCheck() == ["ok"])
    }

    @Test("policy: a hospital that admits yellow and red, a higher limit, no reading required")
    func hospitalPolicy() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = CheckpointPolicy(
            allowedColours: [.green, .yellow, .red], temperatureLimit: 38.0, temperatureRequired: false)
        let decider = decider(policy)
        for colour in [HealthColour.green, .yellow, .red] {
            let decision = decider.decide(
                Credential(scanned: try await healthCode(colour)), temperature: 37.5, now: Self.now)
            #expect(decision.passes, "\(colour): \(decision.reasons)")
        }
        let grey = decider.decide(Credential(scanned: try await healthCode(.grey)), temperature: nil, now: Self.now)
        #expect(grey.reasons == [.colourNotAllowed(.grey)])
        let fever = decider.decide(Credential(scanned: try await healthCode(.green)), temperature: 38.0, now: Self.now)
        #expect(fever.reasons == [.fever(celsius: 38.0, limit: 38.0)])
    }

    @Test("what a terminal reports: a text with the ID shown, an ID alone, nothing (an empty ID number, denied)")
    func presentedCredential() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let code = try await healthCode(.green)
        #expect(Credential(presented: code, idNumber: "11010519491231002X") == .healthCode(code, presentedBy: "11010519491231002X"))
        #expect(Credential(presented: "HCK1-x", idNumber: "11010519491231002X") == .eHealthCard("HCK1-x"))
        #expect(Credential(presented: nil, idNumber: "11010519491231002X") == .idNumber("11010519491231002X"))
        let nothing = Credential(presented: nil, idNumber: nil)
        #expect(nothing == .idNumber(""))
        #expect(!decider().decide(nothing, temperature: 36.5, now: Self.now).passes)
    }

    @Test("temperature: missing, implausible (sensor fault) and just below the limit")
    func temperatures() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let green = Credential(scanned: try await healthCode(.green))
        #expect(decider().decide(green, temperature: nil, now: Self.now).reasons == [.temperatureMissing])
        #expect(
            decider().decide(green, temperature: 25.0, now: Self.now).reasons == [.temperatureImplausible(celsius: 25)])
        #expect(
            decider().decide(green, temperature: .nan, now: Self.now).reasons.map(\.code) == ["temperatureImplausible"])
        #expect(decider().decide(green, temperature: 37.2, now: Self.now).passes)
        #expect(decider().decide(green, temperature: 37.3, now: Self.now).reasons.map(\.code) == ["fever"])
    }

    @Test("e-health-card codes: valid, replayed dynamic, tampered, expired, unknown key")
    func eHealthCards() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = SeenNonceCache()
        let decider = decider(cache: cache)
        let card = "26B5A1FE56681"
        let dynamic = try await cardIssuer.issue(
            cardID: card, kind: .dynamic(window: .seconds(300)), now: Self.now.addingTimeInterval(-60))
        let scanned = try throughImage(dynamic, name: "ehc")
        let first = decider.decide(Credential(scanned: scanned), temperature: 36.6, now: Self.now)
        #expect(first.passes, "\(first.reasons)")
        #expect(first.holder == .eHealthCard(cardID: card) && first.credential == .eHealthCard && first.colour == nil)
        let again = decider.decide(Credential(scanned: scanned), temperature: 36.6, now: Self.now)
        #expect(again.reasons.map(\.code) == ["eHealthCard.replayed"])
        #expect(again.holder == .eHealthCard(cardID: card))

        let expired = decider.decide(
            Credential(scanned: dynamic), temperature: 36.6, now: Self.now.addingTimeInterval(600))
        #expect(expired.reasons.map(\.code) == ["eHealthCard.expired"])

        let decoded = try SignedCodeFormat.decode(dynamic)
        var signature = decoded.signature
        signature[10] ^= 0x01
        let tampered = SignedCodeFormat.text(body: decoded.body, signature: signature)
        let forged = decider.decide(Credential(scanned: tampered), temperature: 36.6, now: Self.now)
        #expect(forged.reasons.map(\.code) == ["eHealthCard.badSignature"])
        #expect(forged.holder == nil)

        let otherIssuer = try SignedCodeIssuer(privateKey: SM2PrivateKey())
        let unknown = try await otherIssuer.issue(cardID: card, kind: .static, now: Self.now)
        #expect(
            decider.decide(Credential(scanned: unknown), temperature: 36.6, now: Self.now).reasons.map(\.code)
                == ["eHealthCard.unknownKeyID"])
    }

    @Test("ID numbers: a code is required by default; valid alone where allowed; invalid denies; wrong person's code")
    func idNumbers() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let strict = decider().decide(.idNumber("11010519491231002x"), temperature: 36.5, now: Self.now)
        #expect(strict.reasons == [.codeRequired])
        #expect(strict.holder == .person(Self.person))

        let manual = decider(CheckpointPolicy(identification: .idNumberSuffices))
        let ok = manual.decide(.idNumber("11010519491231002X"), temperature: 36.5, now: Self.now)
        #expect(ok.passes && ok.holder == .person(Self.person) && ok.credential == .idNumber)
        let bad = manual.decide(.idNumber("110105194912310021"), temperature: 36.5, now: Self.now)
        #expect(bad.reasons.map(\.code) == ["invalidIDNumber"])
        #expect(bad.holder == nil)
        #expect(!bad.reasons[0].description.contains("110105194912310021"))

        let someoneElses = try await healthCode(.green, for: Self.stranger)
        let presented = decider().decide(
            Credential(scanned: someoneElses, presentedBy: Self.person.rawValue), temperature: 36.5, now: Self.now)
        #expect(presented.reasons.map(\.code) == ["healthCode.subjectMismatch"])
        #expect(presented.holder == .person(Self.person))
        let own = decider().decide(
            Credential(scanned: try await healthCode(.green), presentedBy: Self.person.rawValue), temperature: 36.5,
            now: Self.now)
        #expect(own.passes && own.holder == .person(Self.person))
        // A mistyped ID with a good code: the code cannot be matched to anyone, so it denies.
        let mistyped = decider().decide(
            Credential(scanned: try await healthCode(.green), presentedBy: "110105194912310021"), temperature: 36.5,
            now: Self.now)
        #expect(mistyped.reasons.map(\.code) == ["invalidIDNumber"])
        #expect(mistyped.colour == .green && mistyped.holder == .healthCodeSubject(HealthCode.Subject(person: Self.person)))
    }

    @Test("resident health cards: status first, the holder's own code, a code required unless ID numbers suffice")
    func residentCards() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let number = "11010519491231002X"
        func card(_ code: String?, number: String = number, id: String = "11010519491231002X") -> Credential {
            .residentCard(cardNumber: number, idNumber: id, healthCode: code)
        }
        let green = try await healthCode(.green)
        let pass = decider().decide(card(green), temperature: 36.5, now: Self.now)
        #expect(pass.passes && pass.credential == .residentCard && pass.holder == .person(Self.person) && pass.colour == .green)
        let greenCode = try HealthCodeFormat.decode(green).code
        #expect(pass.acceptedHealthCode?.code == greenCode)
        #expect(decider().decide(card(nil), temperature: 36.5, now: Self.now).reasons == [.codeRequired])
        let manual = decider(CheckpointPolicy(identification: .idNumberSuffices))
        #expect(manual.decide(card(nil), temperature: 36.5, now: Self.now).passes)

        // Someone else's code with the card; a red code of the holder; an invalid ID number on the card.
        let strangers = try await healthCode(.green, for: Self.stranger)
        let mismatched = decider().decide(card(strangers), temperature: 36.5, now: Self.now)
        #expect(mismatched.reasons.map(\.code) == ["healthCode.subjectMismatch"] && mismatched.acceptedHealthCode == nil)
        let red = decider().decide(card(try await healthCode(.red)), temperature: 36.5, now: Self.now)
        #expect(red.reasons == [.colourNotAllowed(.red)])
        #expect(manual.decide(card(nil, id: "110105194912310021"), temperature: 36.5, now: Self.now).reasons.map(\.code) == ["invalidIDNumber"])

        // The card number revoked (the station merges the platform blacklist into this list): denied
        // with a valid code, and even where an ID number alone would do.
        var revoked = RevocationList()
        try revoked.revoke(cardID: number)
        let listed = CheckpointDecider(policy: CheckpointPolicy(identification: .idNumberSuffices), trustList: trust, revocations: revoked)
        #expect(listed.decide(card(green), temperature: 36.5, now: Self.now).reasons.map(\.code) == ["residentCard.revoked"])
        #expect(listed.decide(card(nil), temperature: 36.5, now: Self.now).reasons == [.residentCardRevoked])
        #expect(listed.decide(card(nil, number: "ANOTHER1"), temperature: 36.5, now: Self.now).passes)
    }

    @Test("texts that are no verifiable code, and scans that gave nothing, deny")
    func unrecognised() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = "E1D10AAC73D0B947060B099128732C969A6EF97A6014BF41B3D19EEF9A4FBB18:1"
        #expect(Credential(scanned: plain) == .unrecognised(plain))
        #expect(
            decider().decide(.unrecognised(plain), temperature: 36.5, now: Self.now).reasons == [
                .unrecognisedCredential
            ])
        #expect(
            decider().decide(Credential(scanned: "HCC1-XYZ"), temperature: 36.5, now: Self.now).reasons.map(\.code)
                == ["healthCode.malformed"])
        let nothing = decider().decide(
            .unreadable(reason: "no QR code found in x.png"), temperature: 36.5, now: Self.now)
        #expect(nothing.reasons.map(\.code) == ["unreadable"] && nothing.credential == .unreadable)
    }

    @Test("policy JSON: defaults for missing keys, round trip, and refusals that name the problem")
    func policyJSON() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try CheckpointPolicy(json: Array("{}".utf8)) == CheckpointPolicy())
        let hospital = CheckpointPolicy(
            allowedColours: [.green, .yellow], temperatureLimit: 37.5, temperatureRequired: false,
            identification: .idNumberSuffices)
        let encoded = try JSONEncoder().encode(hospital)
        #expect(try CheckpointPolicy(json: Array(encoded)) == hospital)
        #expect(throws: HealthCardError.invalidValue("")) {
            try CheckpointPolicy(json: Array(#"{"allowedColours": []}"#.utf8), source: "gate.json")
        }
        do {
            _ = try CheckpointPolicy(json: Array(#"{"temperatureLimit": 47}"#.utf8), source: "gate.json")
            Issue.record("accepted a 47 °C limit")
        } catch {
            #expect("\(error)".contains("gate.json") && "\(error)".contains("temperatureLimit 47.0"))
        }
    }
}
