import Foundation
import Testing
@testable import HealthCardCrypto
@testable import HealthCardFoundation
@testable import HealthQR
@testable import PersonalHealthCode
@testable import HealthQRImaging


/// Keys, people and times shared by the health-code tests.
enum HealthCodeFixtures {
    static let person = try! PersonID("11010519491231002X")
    static let otherPerson = try! PersonID("440524198001010013")
    /// 2026-03-02T12:00:00+08:00.
    static let noon = Date(timeIntervalSince1970: 1_772_424_000)

    static func instant(_ text: String) -> Date { ISO8601Instant.parse(text)! }

    static func key() throws -> (SM2PrivateKey, HealthCodeIssuer, TrustList) {
        let key = try SM2PrivateKey()
        let issuer = try HealthCodeIssuer(privateKey: key)
        let trust = try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Test Hainan HC", validFrom: instant("2026-01-01T00:00:00Z"),
                validTo: instant("2027-01-01T00:00:00Z"))
        ])
        return (key, issuer, trust)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hcstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite("HealthCodeStore: HCC1 format, issuer and verifier")
struct HealthCodeStoreFormatTests {
    @Test("layout: 37-byte body, 157 characters, fields round-trip, prefix and context differ from HCK1")
    func roundTrip() async throws {
        let (_, issuer, trust) = try HealthCodeFixtures.key()
        let issued = try await issuer.issue(
            colour: .red, region: "460100", person: HealthCodeFixtures.person, validity: .seconds(86_400),
            now: HealthCodeFixtures.noon)
        #expect(issued.text.hasPrefix("HCC1-"))
        #expect(issued.text.count == HealthCodeFormat.textLength)
        #expect(issued.text.count == 157)
        #expect(issued.text.allSatisfy { QRMode.alphanumeric.canEncode($0.asciiValue ?? 0) })
        let decoded = try HealthCodeFormat.decode(issued.text)
        #expect(decoded.code == issued.code)
        #expect(decoded.body.count == 37)
        #expect(decoded.body[0] == 1)
        #expect(Array(decoded.body[1..<9]) == issuer.keyID.bytes)
        #expect(decoded.body[17] == 0x03)
        #expect(Array(decoded.body[18..<21]) == [0x46, 0x01, 0x00])
        #expect(decoded.code.subject == HealthCode.Subject(person: HealthCodeFixtures.person))
        #expect(decoded.code.expiresAtSeconds - decoded.code.issuedAtSeconds == 86_400)
        #expect(HealthCodeFormat.signatureContext != SignedCodeFormat.signatureContext)
        #expect(HealthCodeFormat.prefix != SignedCodeFormat.prefix)

        let verdict = HealthCodeVerifier(trustList: trust).verify(issued.text, now: HealthCodeFixtures.noon)
        guard case .valid(let verified) = verdict else {
            Issue.record("expected valid, got \(verdict)")
            return
        }
        #expect(verified.colour == .red)
        #expect(verified.code.region == "460100")
        #expect(verified.code.id == issued.code.id)
        #expect(verified.issuer == "Test Hainan HC")
    }

    @Test("the subject is SM3 of the normalised ID: a lower-case x and a 15-digit number match their 18-digit form")
    func subject() throws {
        #expect(try PersonID("11010519491231002x") == HealthCodeFixtures.person)
        #expect(try PersonID("110105491231002") == HealthCodeFixtures.person)
        #expect(try PersonID("１１０１０５１９４９１２３１００２Ｘ") == HealthCodeFixtures.person)
        #expect(try PersonID("03:e1234-5678").rawValue == "03:E1234-5678")
        #expect(try PersonID(documentType: "1", number: "11010519491231002X") == HealthCodeFixtures.person)
        #expect(throws: HealthCardError.self) { try PersonID("110105194912310021") }
        #expect(throws: HealthCardError.self) { try PersonID("42:ABC") }
        let subject = HealthCode.Subject(person: HealthCodeFixtures.person)
        #expect(subject.bytes == Array(SM3.hash(Array("11010519491231002X".utf8)).prefix(8)))
        #expect(subject != HealthCode.Subject(person: HealthCodeFixtures.otherPerson))
    }

    @Test("verdicts: expiry to the second (with skew), not yet valid, subject mismatch, revoked key and code")
    func verdicts() async throws {
        let (_, issuer, trust) = try HealthCodeFixtures.key()
        let issued = try await issuer.issue(
            colour: .green, region: "460100", person: HealthCodeFixtures.person, validity: .seconds(3600),
            now: HealthCodeFixtures.noon)
        let verifier = HealthCodeVerifier(trustList: trust)
        let expiry = HealthCodeFixtures.noon.addingTimeInterval(3600)
        #expect(verifier.verify(issued.text, now: expiry.addingTimeInterval(30)).isValid)
        #expect(verifier.verify(issued.text, now: expiry.addingTimeInterval(31)).reasonCode == "expired")
        #expect(
            verifier.verify(issued.text, now: HealthCodeFixtures.noon.addingTimeInterval(-31)).reasonCode
                == "notYetValid")
        #expect(
            verifier.verify(issued.text, now: HealthCodeFixtures.noon, presentedBy: HealthCodeFixtures.person).isValid)
        #expect(
            verifier.verify(issued.text, now: HealthCodeFixtures.noon, presentedBy: HealthCodeFixtures.otherPerson)
                == .subjectMismatch(issued.code.id))

        let revokedCode = HealthCodeVerifier(
            trustList: trust, revocations: try RevocationList(cardIDs: [issued.code.id.hex]))
        #expect(revokedCode.verify(issued.text, now: HealthCodeFixtures.noon) == .revokedCode(issued.code.id))
        let revokedKey = HealthCodeVerifier(trustList: trust, revocations: try RevocationList(keyIDs: [issuer.keyID]))
        #expect(revokedKey.verify(issued.text, now: HealthCodeFixtures.noon) == .revokedKey(issuer.keyID))
        #expect(HealthCodeVerifier(trustList: TrustList()).verify(issued.text) == .unknownKeyID(issuer.keyID))
    }

    @Test("a code decoded by the caller gets its text's verdict and revocation candidates, for every kind of verdict")
    func decodedOnce() async throws {
        let (_, issuer, trust) = try HealthCodeFixtures.key()
        let issued = try await issuer.issue(
            colour: .green, region: "460100", person: HealthCodeFixtures.person, validity: .seconds(3600),
            now: HealthCodeFixtures.noon)
        var bytes = try Base45.decode(issued.text.dropFirst(5))
        bytes[17] = 0x03
        let recoloured = "HCC1-" + Base45.encode(bytes)
        let verifiers = [
            HealthCodeVerifier(trustList: trust),
            HealthCodeVerifier(trustList: trust, revocations: try RevocationList(cardIDs: [issued.code.id.hex])),
            HealthCodeVerifier(trustList: trust, revocations: try RevocationList(keyIDs: [issuer.keyID])),
            HealthCodeVerifier(trustList: TrustList()),
        ]
        let times = [HealthCodeFixtures.noon, HealthCodeFixtures.noon.addingTimeInterval(7200)]
        var reasons: Set<String> = []
        for text in [issued.text, recoloured, "HCC1-abc", String(issued.text.dropLast(2))] {
            let decoded = Result { () throws(PayloadSyntaxError) in try HealthCodeFormat.decode(text) }
            #expect(
                (try? decoded.get()).map(Credential.revocationCandidates(of:)) ?? []
                    == Credential(scanned: text).revocationCandidates)
            for verifier in verifiers {
                for now in times {
                    for person in [nil, HealthCodeFixtures.person, HealthCodeFixtures.otherPerson] {
                        let verdict = verifier.verify(text, now: now, presentedBy: person)
                        #expect(verifier.verify(decoded: decoded, now: now, presentedBy: person) == verdict)
                        reasons.insert(verdict.reasonCode)
                    }
                }
            }
        }
        // valid, revoked code and key, unknown key, expired, subject mismatch, bad signature, malformed.
        #expect(reasons.count == 8, "\(reasons.sorted())")
    }

    @Test("tampering: a changed base45 digit is a bad signature; broken text is malformed with its offset")
    func tampering() async throws {
        let (_, issuer, trust) = try HealthCodeFixtures.key()
        let issued = try await issuer.issue(
            colour: .red, region: "460100", person: HealthCodeFixtures.person, now: HealthCodeFixtures.noon)
        let verifier = HealthCodeVerifier(trustList: trust)

        // Turn red into green: byte 17 is the first byte of the group at text offset 5 + 3 × 8 = 29.
        var bytes = try Base45.decode(issued.text.dropFirst(5))
        bytes[17] = 0x01
        let recoloured = "HCC1-" + Base45.encode(bytes)
        #expect(try HealthCodeFormat.decode(recoloured).code.colour == .green)
        #expect(verifier.verify(recoloured, now: HealthCodeFixtures.noon) == .badSignature)

        // One character of the signature changed (still valid base45).
        var characters = Array(issued.text)
        characters[100] = characters[100] == "0" ? "1" : "0"
        let flipped = verifier.verify(String(characters), now: HealthCodeFixtures.noon)
        #expect(flipped == .badSignature || flipped.reasonCode == "malformed")

        guard case .malformed(let reason, let offset) = verifier.verify("HCC1-abc") else {
            Issue.record("expected malformed")
            return
        }
        #expect(offset == 5)
        #expect(reason.hasPrefix("offset 5: 'a' is not a base45 character"))
        guard
            case .malformed(_, let prefixOffset) = verifier.verify(
                issued.text.replacingOccurrences(of: "HCC1-", with: "HCK1-"))
        else {
            Issue.record("expected malformed")
            return
        }
        #expect(prefixOffset == 2)
        guard case .malformed(let short, _) = verifier.verify(String(issued.text.dropLast(2))) else {
            Issue.record("expected malformed")
            return
        }
        #expect(short.contains("a health code is 101 bytes"))

        // A region that is not BCD: byte 18 sits in the group at offset 5 + 3 × 9 = 32.
        var notBCD = bytes
        notBCD[17] = 0x03
        notBCD[18] = 0x4A
        guard case .malformed(let bcd, let bcdOffset) = verifier.verify("HCC1-" + Base45.encode(notBCD)) else {
            Issue.record("expected malformed")
            return
        }
        #expect(bcdOffset == 32)
        #expect(bcd.contains("(byte 18): region byte 4A is not two BCD digits"))
    }

    @Test("an unknown colour byte, correctly signed, is its own verdict; an open-set colour cannot be issued")
    func unknownColour() async throws {
        let (_, issuer, trust) = try HealthCodeFixtures.key()
        let code = try HealthCode(
            keyID: issuer.keyID, id: .random(), colourCode: 0x09, region: "460100",
            subject: HealthCode.Subject(person: HealthCodeFixtures.person),
            issuedAtSeconds: UInt32(HealthCodeFixtures.noon.timeIntervalSince1970),
            expiresAtSeconds: UInt32(HealthCodeFixtures.noon.timeIntervalSince1970) + 60)
        let issued = try await issuer.sign(code)
        #expect(
            HealthCodeVerifier(trustList: trust).verify(issued.text, now: HealthCodeFixtures.noon) == .unknownColour(9))
        await #expect(throws: HealthCardError.invalidValue("")) {
            try await issuer.issue(
                colour: HealthColour(rawValue: "orange"), region: "460100", person: HealthCodeFixtures.person)
        }
    }

    @Test("symbology: QR renders in alphanumeric mode and scans back; Grid Matrix renders (GB/T 38961's preference)")
    func symbology() async throws {
        let (_, issuer, _) = try HealthCodeFixtures.key()
        let issued = try await issuer.issue(
            colour: .yellow, region: "460100", person: HealthCodeFixtures.person, now: HealthCodeFixtures.noon)
        let matrix = try #require(
            try HealthCodeIssuer.symbol(for: issued.text, symbology: .qr, encoder: SymbolEncoder()) as? QRMatrix)
        #expect(matrix.version == 7)  // 157 alphanumeric characters at ECC M
        let payloads = try QRDecoder().decode(matrix.greyImage(moduleSize: 4, quietZone: 4))
        #expect(payloads.map { String(decoding: $0, as: UTF8.self) } == [issued.text])
        let grid = try #require(
            try HealthCodeIssuer.symbol(for: issued.text, symbology: .gridMatrix, encoder: SymbolEncoder())
                as? GridMatrixSymbol)
        #expect(grid.errorCorrectionLevel == 2 && grid.width == 6 + 12 * grid.version)
    }
}
