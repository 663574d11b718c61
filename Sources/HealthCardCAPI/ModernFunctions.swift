import EMPI
import EMPIIndex
import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthQR
import PersonalHealthCode

// The functions of hcard.h (Docs/c-api.md "C API reference"): each is a thin call into the
// library target that owns the rule, with its result as JSON (the CLI's --json shapes).

// MARK: Citizen ID

/// `int hcard_citizen_id_check(const char *id, size_t id_len, int *valid, char *report,
/// size_t report_cap, size_t *report_len)`: GB 11643-1999 (check character, birth date,
/// region); `*valid` 1/0; `report` the validation as JSON (`hcard id check --json`), may be
/// NULL with cap 0 to ask only for the verdict. Thread-safe.
@_cdecl("hcard_citizen_id_check")
public func hcard_citizen_id_check(
    _ id: UnsafePointer<CChar>?, _ idLength: Int, _ valid: UnsafeMutablePointer<Int32>?,
    _ report: UnsafeMutablePointer<CChar>?, _ reportCapacity: Int, _ reportLength: UnsafeMutablePointer<Int>?
) -> Int32 {
    ModernCall.run("hcard_citizen_id_check") {
        let validation = CitizenIDValidator().validate(try ModernCall.text(id, idLength, "id"))
        valid?.pointee = validation.isValid ? 1 : 0
        if report == nil && reportCapacity == 0 {
            reportLength?.pointee = 0
            return HCardStatus.ok
        }
        return try ModernCall.output(try ModernCall.json(validation), report, reportCapacity, reportLength)
    }
}

// MARK: Verifier (QR codes and health codes)

/// The trust and revocation lists of a verifier handle; immutable, so shared by threads.
final class CodeVerification: Sendable {
    let trustList: TrustList
    let revocations: RevocationList

    init(trustList: TrustList, revocations: RevocationList) {
        self.trustList = trustList
        self.revocations = revocations
    }
}

/// `int hcard_verifier_open(const char *trust_path, size_t trust_path_len, const char
/// *revoked_path, size_t revoked_path_len, hcard_verifier **verifier)`: loads a trust list and
/// an optional revocation list (NULL/0 = none). Thread-safe.
@_cdecl("hcard_verifier_open")
public func hcard_verifier_open(
    _ trustPath: UnsafePointer<CChar>?, _ trustLength: Int, _ revokedPath: UnsafePointer<CChar>?, _ revokedLength: Int,
    _ verifier: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    ModernCall.run("hcard_verifier_open") {
        guard let verifier else { throw HCardFailure(status: HCardStatus.invalid, description: "verifier is NULL") }
        let trust = try TrustList.load(from: try ModernCall.text(trustPath, trustLength, "trust_path"))
        let revoked = try ModernCall.text(revokedPath, revokedLength, "revoked_path")
        let revocations = revoked.isEmpty ? RevocationList() : try RevocationList.load(from: revoked)
        verifier.pointee = Handle.make(CodeVerification(trustList: trust, revocations: revocations))
        return HCardStatus.ok
    }
}

/// `void hcard_verifier_close(hcard_verifier *verifier)`: NULL is ignored.
@_cdecl("hcard_verifier_close")
public func hcard_verifier_close(_ verifier: OpaquePointer?) { Handle.release(verifier) }

/// The instant `unix_time` (seconds), or now for 0.
private func instant(_ unixTime: Int64) -> Date {
    unixTime == 0 ? SystemClock().now() : Date(timeIntervalSince1970: TimeInterval(unixTime))
}

/// `int hcard_qr_verify(hcard_verifier *verifier, const char *code, size_t code_len, int64_t
/// unix_time, int *valid, char *report, size_t report_cap, size_t *report_len)`: an HCK1
/// e-health-card code offline (trust, signature, revocation, validity; no replay cache); the
/// verdict as JSON (`hcard qr verify --json`). `unix_time` 0 = now. Thread-safe.
@_cdecl("hcard_qr_verify")
public func hcard_qr_verify(
    _ verifier: OpaquePointer?, _ code: UnsafePointer<CChar>?, _ codeLength: Int, _ unixTime: Int64,
    _ valid: UnsafeMutablePointer<Int32>?, _ report: UnsafeMutablePointer<CChar>?, _ reportCapacity: Int,
    _ reportLength: UnsafeMutablePointer<Int>?
) -> Int32 {
    ModernCall.run("hcard_qr_verify") {
        let lists = try Handle.object(verifier, as: CodeVerification.self, "verifier")
        let verdict = CodeVerifier(trustList: lists.trustList, revocations: lists.revocations)
            .verify(try ModernCall.text(code, codeLength, "code"), now: instant(unixTime))
        valid?.pointee = verdict.isValid ? 1 : 0
        return try ModernCall.output(try ModernCall.json(VerdictReport(verdict)), report, reportCapacity, reportLength)
    }
}

/// `int hcard_health_code_verify(hcard_verifier *verifier, const char *code, size_t code_len,
/// int64_t unix_time, int *valid, char *report, size_t report_cap, size_t *report_len)`: an HCC1
/// health code (GB/T 38962) offline; the verdict as JSON (GB/T 38963 §6.7 fields). Thread-safe.
@_cdecl("hcard_health_code_verify")
public func hcard_health_code_verify(
    _ verifier: OpaquePointer?, _ code: UnsafePointer<CChar>?, _ codeLength: Int, _ unixTime: Int64,
    _ valid: UnsafeMutablePointer<Int32>?, _ report: UnsafeMutablePointer<CChar>?, _ reportCapacity: Int,
    _ reportLength: UnsafeMutablePointer<Int>?
) -> Int32 {
    ModernCall.run("hcard_health_code_verify") {
        let lists = try Handle.object(verifier, as: CodeVerification.self, "verifier")
        let verdict = HealthCodeVerifier(trustList: lists.trustList, revocations: lists.revocations)
            .verify(try ModernCall.text(code, codeLength, "code"), now: instant(unixTime))
        valid?.pointee = verdict.isValid ? 1 : 0
        let response = CodeVerificationResponse(returnCode: verdict.isValid ? .success : .codeRejected, verdict: verdict)
        return try ModernCall.output(
            try ModernCall.json(HealthCodeVerificationReport(response)), report, reportCapacity, reportLength)
    }
}

// MARK: Issuer

/// The signer of an issuer handle; immutable, so shared by threads.
final class CodeIssuance: Sendable {
    let issuer: SignedCodeIssuer
    init(_ issuer: SignedCodeIssuer) { self.issuer = issuer }
}

/// `int hcard_issuer_open(const char *key_path, size_t key_path_len, hcard_issuer **issuer)`:
/// an SM2 private key file (`hcard keys generate`). Thread-safe.
@_cdecl("hcard_issuer_open")
public func hcard_issuer_open(
    _ keyPath: UnsafePointer<CChar>?, _ keyLength: Int, _ issuer: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    ModernCall.run("hcard_issuer_open") {
        guard let issuer else { throw HCardFailure(status: HCardStatus.invalid, description: "issuer is NULL") }
        let key = try KeyFiles.readPrivateKey(at: try ModernCall.text(keyPath, keyLength, "key_path"))
        issuer.pointee = Handle.make(CodeIssuance(try SignedCodeIssuer(privateKey: key)))
        return HCardStatus.ok
    }
}

/// `void hcard_issuer_close(hcard_issuer *issuer)`: NULL is ignored.
@_cdecl("hcard_issuer_close")
public func hcard_issuer_close(_ issuer: OpaquePointer?) { Handle.release(issuer) }

/// `int hcard_qr_issue(hcard_issuer *issuer, const char *card_id, size_t card_id_len, uint32_t
/// window_seconds, char *code, size_t code_cap, size_t *code_len)`: a signed HCK1 code for a
/// card ID, static (`window_seconds` 0) or dynamic (1...65535 s). Thread-safe.
@_cdecl("hcard_qr_issue")
public func hcard_qr_issue(
    _ issuer: OpaquePointer?, _ cardID: UnsafePointer<CChar>?, _ cardIDLength: Int, _ windowSeconds: UInt32,
    _ code: UnsafeMutablePointer<CChar>?, _ codeCapacity: Int, _ codeLength: UnsafeMutablePointer<Int>?
) -> Int32 {
    ModernCall.run("hcard_qr_issue") {
        let signer = try Handle.object(issuer, as: CodeIssuance.self, "issuer").issuer
        let card = try ModernCall.text(cardID, cardIDLength, "card_id")
        guard windowSeconds <= 65535 else {
            throw HCardFailure(status: HCardStatus.invalid, description: "window_seconds \(windowSeconds) exceeds 65535")
        }
        let kind: SignedCode.Kind = windowSeconds == 0 ? .static : .dynamic(window: .seconds(Int(windowSeconds)))
        let text = try runBlocking { try await signer.issue(cardID: card, kind: kind) }
        return try ModernCall.output(Array(text.utf8), code, codeCapacity, codeLength)
    }
}

// MARK: EMPI

/// `int hcard_empi_open(const char *db_path, size_t db_path_len, hcard_empi **empi)`: an EMPI
/// index file (`hcard empi init`), read-only. Thread-safe.
@_cdecl("hcard_empi_open")
public func hcard_empi_open(
    _ path: UnsafePointer<CChar>?, _ pathLength: Int, _ empi: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    ModernCall.run("hcard_empi_open") {
        guard let empi else { throw HCardFailure(status: HCardStatus.invalid, description: "empi is NULL") }
        let index = try PatientIndex(path: try ModernCall.text(path, pathLength, "db_path"), mode: .readOnly)
        empi.pointee = Handle.make(index)
        return HCardStatus.ok
    }
}

/// `void hcard_empi_close(hcard_empi *empi)`: NULL is ignored.
@_cdecl("hcard_empi_close")
public func hcard_empi_close(_ empi: OpaquePointer?) { Handle.release(empi) }

/// `int hcard_empi_query(hcard_empi *empi, const char *domain, size_t domain_len, const char *id,
/// size_t id_len, char *answer, size_t answer_cap, size_t *answer_len)`: PIX query, the person of
/// an identifier and their identifiers in every domain, as JSON (`hcard empi query --json`).
/// HCARD_E_NOT_FOUND for an identifier not in the index, HCARD_E_INVALID for an unknown domain.
/// Thread-safe (a connection pool).
@_cdecl("hcard_empi_query")
public func hcard_empi_query(
    _ empi: OpaquePointer?, _ domain: UnsafePointer<CChar>?, _ domainLength: Int, _ id: UnsafePointer<CChar>?,
    _ idLength: Int, _ answer: UnsafeMutablePointer<CChar>?, _ answerCapacity: Int, _ answerLength: UnsafeMutablePointer<Int>?
) -> Int32 {
    ModernCall.run("hcard_empi_query") {
        let index = try Handle.object(empi, as: PatientIndex.self, "empi")
        let result = try index.crossReference(
            domain: try ModernCall.text(domain, domainLength, "domain"), value: try ModernCall.text(id, idLength, "id"))
        return try ModernCall.output(try ModernCall.json(result), answer, answerCapacity, answerLength)
    }
}

/// `int hcard_empi_match(hcard_empi *empi, const char *record_json, size_t record_len, char
/// *answer, size_t answer_cap, size_t *answer_len)`: matches a PersonRecord (JSON, as `hcard empi
/// match`) against the index without writing: decision, candidates, explanation. Thread-safe.
@_cdecl("hcard_empi_match")
public func hcard_empi_match(
    _ empi: OpaquePointer?, _ record: UnsafePointer<CChar>?, _ recordLength: Int, _ answer: UnsafeMutablePointer<CChar>?,
    _ answerCapacity: Int, _ answerLength: UnsafeMutablePointer<Int>?
) -> Int32 {
    ModernCall.run("hcard_empi_match") {
        let index = try Handle.object(empi, as: PatientIndex.self, "empi")
        let json = try ModernCall.text(record, recordLength, "record_json")
        let person = try JSONDecoder().decode(PersonRecord.self, from: Data(json.utf8))
        return try ModernCall.output(try ModernCall.json(try index.match(person)), answer, answerCapacity, answerLength)
    }
}
