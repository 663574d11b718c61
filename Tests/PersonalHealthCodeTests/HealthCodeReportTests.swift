import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthQR
import PersonalHealthCode
import Testing

/// Opening the service by rule-set name, verifying with and without the register, and the
/// reports' JSON shape (what `hcard code … --json` prints).
@Suite("Health-code service opening, verification entry point and reports")
struct HealthCodeReportTests {
    static let clock = FixedClock(HealthCodeFixtures.noon)

    /// Compact sorted JSON of `value`, as a dictionary.
    static func object(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Whether `report` written directly (`hcard serve`'s answers) is byte for byte what
    /// `JSONEncoder` writes with the server's settings (compact, keys sorted, slashes unescaped).
    static func writtenAsEncoded(_ report: HealthCodeVerificationReport) throws -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var written = JSONWriter()
        report.write(to: &written)
        return written.bytes == Array(try encoder.encode(report))
    }

    @Test("open: a shipped rule set by name; an unknown one is an error naming the shipped ones")
    func openByRuleSetName() throws {
        let directory = try HealthCodeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("hc.sqlite").path
        let service = try LocalHealthCodeService.open(storeAt: path, rules: "hainan-2022-05", clock: Self.clock)
        #expect(service.rules.id == "hainan-2022-05")
        #expect(RuleSet.shipped[RuleSet.defaultID] != nil)
        #expect(throws: HealthCardError.self) {
            try LocalHealthCodeService.open(storeAt: path, rules: "hainan-1999-01", clock: Self.clock)
        }
    }

    @Test("verify: the same verdict with and without the register; the register adds a newer code")
    func verifyWithAndWithoutRegister() async throws {
        let directory = try HealthCodeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("hc.sqlite").path
        let (_, issuer, trust) = try HealthCodeFixtures.key()
        let verifier = HealthCodeVerifier(trustList: trust)
        let service = try LocalHealthCodeService.open(storeAt: path, rules: RuleSet.defaultID, issuer: issuer, clock: Self.clock)
        let record: [String: JSONValue] = [
            "name": .string("张三"), "sex": .string("1"), "documentType": .string("01"),
            "documentNumber": .string(HealthCodeFixtures.person.rawValue), "householdRegion": .string("460105"),
            "temperature": .number(36.6), "symptoms": .array([]), "riskAreaStay": .bool(false), "overseas": .bool(false),
        ]
        let declared = try await service.declareHealth(HealthDeclarationRequest(record: record, time: nil))
        #expect(declared.returnCode == .success)
        let first = try await service.generateCode(CodeGenerationRequest(person: HealthCodeFixtures.person))
        let second = try await service.generateCode(
            CodeGenerationRequest(person: HealthCodeFixtures.person, now: HealthCodeFixtures.noon.addingTimeInterval(60)))
        let text = try #require(first.text)

        let request = CodeVerificationRequest(text: text, now: HealthCodeFixtures.noon.addingTimeInterval(120))
        let offline = try await LocalHealthCodeService.verify(request, with: verifier, registerAt: nil, clock: Self.clock)
        let registered = try await LocalHealthCodeService.verify(request, with: verifier, registerAt: path, clock: Self.clock)
        #expect(offline.verdict.isValid && offline.verdict == registered.verdict)
        #expect(offline.supersededBy == nil)
        #expect(registered.supersededBy == second.code?.id)

        // Written directly (as `hcard serve` answers), byte for byte what JSONEncoder writes.
        for response in [offline, registered] { #expect(try Self.writtenAsEncoded(HealthCodeVerificationReport(response))) }
        let malformed = try await LocalHealthCodeService.verify(
            CodeVerificationRequest(text: "HCC1-!!", now: nil), with: verifier, registerAt: path, clock: Self.clock)
        #expect(try Self.writtenAsEncoded(HealthCodeVerificationReport(malformed)))

        let report = try Self.object(HealthCodeVerificationReport(registered))
        #expect(report["valid"] as? Bool == true)
        #expect(report["supersededBy"] as? String == second.code?.id.hex)
        let code = try #require(report["code"] as? [String: Any])
        #expect(code["colour"] as? String == "green")
        #expect(Set(code.keys) == ["codeId", "keyId", "colour", "colourCode", "region", "subject", "issuedAt", "expiresAt"])

        let outcome = try Self.object(
            HealthCodeRequestReport(
                returnCode: declared.returnCode, violations: [], person: declared.person, eventID: declared.eventID,
                status: declared.status))
        #expect(outcome["returnCode"] as? String == "0000")
        #expect(outcome["person"] as? String == HealthCodeFixtures.person.rawValue)
        #expect((outcome["status"] as? [String: Any])?["colour"] as? String == "green")
    }

    @Test("at the issuer: current, superseded and never-issued codes of its key, other issuers' codes; the report's reason")
    func verifyAtIssuer() async throws {
        let directory = try HealthCodeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (key, issuer, trust) = try HealthCodeFixtures.key()
        let (_, otherIssuer, otherTrust) = try HealthCodeFixtures.key()
        var service = try LocalHealthCodeService.open(
            storeAt: directory.appendingPathComponent("hc.sqlite").path, rules: RuleSet.defaultID, issuer: issuer, clock: Self.clock)
        service.verifier = HealthCodeVerifier(trustList: try TrustList(entries: trust.entries + otherTrust.entries))
        let record: [String: JSONValue] = [
            "name": .string("张三"), "sex": .string("1"), "documentType": .string("01"),
            "documentNumber": .string(HealthCodeFixtures.person.rawValue), "householdRegion": .string("460105"),
            "temperature": .number(36.6), "symptoms": .array([]), "riskAreaStay": .bool(false), "overseas": .bool(false),
        ]
        _ = try await service.declareHealth(HealthDeclarationRequest(record: record, time: nil))
        let first = try #require(try await service.generateCode(CodeGenerationRequest(person: HealthCodeFixtures.person)).text)
        let now = HealthCodeFixtures.noon.addingTimeInterval(120)
        // The register step alone (`registerFinding(of:)`, what `hcard serve`'s scans use) starts
        // from a code already verified, and needs no verifier: a service without one cannot verify.
        var registerOnly = service
        registerOnly.verifier = nil
        await #expect(throws: HealthCardError.self) {
            try await registerOnly.verifyCode(CodeVerificationRequest(text: "HCC1-NOTBASE45", now: now))
        }
        func check(_ text: String) async throws -> CodeVerificationResponse {
            let response = try await service.verifyCodeAtIssuer(CodeVerificationRequest(text: text, now: now))
            if case .valid(let verified) = response.verdict {
                #expect(try await registerOnly.registerFinding(of: verified) == response.register)
            }
            return response
        }
        #expect(try await check(first).register == .current)
        #expect(try await check(first).isAccepted)

        let second = try await service.generateCode(
            CodeGenerationRequest(person: HealthCodeFixtures.person, now: HealthCodeFixtures.noon.addingTimeInterval(60)))
        let superseded = try await check(first)
        #expect(superseded.verdict.isValid && !superseded.isAccepted && superseded.returnCode == .codeRejected)
        #expect(superseded.register == .superseded(by: try #require(second.code?.id)))
        let report = try Self.object(HealthCodeVerificationReport(superseded))
        #expect(try Self.writtenAsEncoded(HealthCodeVerificationReport(superseded)))
        #expect(report["valid"] as? Bool == false)
        #expect(report["reason"] as? String == "superseded")
        #expect(report["register"] as? String == "superseded")
        #expect(try await check(try #require(second.text)).register == .current)

        // A third code in the same second as the second (the register keeps whole seconds): the
        // register's own order says which is newer.
        let third = try await service.generateCode(
            CodeGenerationRequest(person: HealthCodeFixtures.person, now: HealthCodeFixtures.noon.addingTimeInterval(60)))
        #expect(try await check(try #require(second.text)).register == .superseded(by: try #require(third.code?.id)))
        #expect(try await check(try #require(third.text)).register == .current)

        // The issuer's key outside the register; another issuer's key; a broken code (no finding).
        let unregistered = try await HealthCodeIssuer(privateKey: key).issue(
            colour: .green, region: "460100", person: HealthCodeFixtures.person, validity: .seconds(3600),
            now: HealthCodeFixtures.noon)
        #expect(try await check(unregistered.text).register == .notIssued)
        #expect(HealthCodeVerificationReport(try await check(unregistered.text)).reason == "notIssued")
        let foreign = try await otherIssuer.issue(
            colour: .green, region: "440300", person: HealthCodeFixtures.person, validity: .seconds(3600),
            now: HealthCodeFixtures.noon)
        let other = try await check(foreign.text)
        #expect(other.register == .otherIssuer && other.isAccepted)
        #expect(try await check("HCC1-NOTBASE45").register == nil)
    }
}
