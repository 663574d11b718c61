import Foundation
import HealthQR

/// What the issuing platform's register of codes says about a code whose signature, key and
/// times verified (GB/T 38963 §6.7 验码 at the platform: health-code.md §3.1; Docs/health-code.md
/// "Verification against the register").
///
/// Offline, a code runs to its expiry (Docs/health-code.md §1: codes are not withdrawn when the
/// colour changes), because an offline verifier cannot know better. The platform that issued the
/// code can: it answers for the person's newest code only, and it refuses a code carrying its own
/// signature that its register never recorded (a key used outside the platform). Codes of other
/// platforms' keys cannot be in this register and are judged on the verdict alone.
///
/// [U] GB/T 38963's verification tables are not public; this is the project's rule.
public enum RegisterFinding: Hashable, Sendable {
    /// In the register, and the newest code issued to its person.
    case current
    /// In the register, but `newer` was issued to the same person since: refused.
    case superseded(by: HealthCode.ID)
    /// Signed with one of this platform's issuing keys, but not in its register: refused.
    case notIssued
    /// Signed by a key this platform does not issue with (another platform's code): the register
    /// does not apply.
    case otherIssuer

    /// Whether the finding refuses a code the verdict accepted.
    public var refuses: Bool {
        switch self {
        case .superseded, .notIssued: true
        case .current, .otherIssuer: false
        }
    }

    /// A stable machine-readable name: `current`, `superseded`, `notIssued`, `otherIssuer`.
    public var reasonCode: String {
        switch self {
        case .current: "current"
        case .superseded: "superseded"
        case .notIssued: "notIssued"
        case .otherIssuer: "otherIssuer"
        }
    }

    /// One line for people.
    public var description: String {
        switch self {
        case .current: "the newest code issued to its person"
        case .superseded(let newer): "superseded: a newer code \(newer) has been issued to the same person"
        case .notIssued: "not issued: signed with this platform's key, but not in its register of issued codes"
        case .otherIssuer: "another issuer's code: not in the scope of this platform's register"
        }
    }
}

extension LocalHealthCodeService {
    /// Verifies `request` as the issuing platform (§6.7 online): the verifier's verdict, then, for
    /// a code the verdict accepts, the register's finding (``RegisterFinding``). The response's
    /// ``CodeVerificationResponse/returnCode`` is `codeRejected` when either refuses.
    ///
    /// - Parameters:
    ///   - request: the code text, the time and who presented it.
    ///   - issuingKeys: the ids of the keys this platform signs codes with (its ``issuer``'s key is
    ///     added): a valid code of one of these keys must be in the register.
    public func verifyCodeAtIssuer(_ request: CodeVerificationRequest, issuingKeys: Set<KeyID> = [])
        async throws -> CodeVerificationResponse
    {
        try await verifyCodeAtIssuer(
            request, decoded: Result { () throws(PayloadSyntaxError) in try HealthCodeFormat.decode(request.text) },
            issuingKeys: issuingKeys)
    }

    /// ``verifyCodeAtIssuer(_:issuingKeys:)`` with the request's text decoded already by the
    /// caller: `decoded` is ``HealthCodeFormat/decode(_:)`` of `request.text`, its result or its
    /// error, and nothing else. For a caller that read the code before verifying it (`hcard serve`
    /// looks its ID up in the accounts' refused cards), so that it decodes the code once.
    public func verifyCodeAtIssuer(
        _ request: CodeVerificationRequest, decoded: Result<HealthCodeFormat.Decoded, PayloadSyntaxError>,
        issuingKeys: Set<KeyID> = []
    ) async throws -> CodeVerificationResponse {
        var response = try await verifyCode(request, decoded: decoded)
        guard case .valid(let verified) = response.verdict else { return response }
        let finding = finding(
            keyID: verified.code.keyID, issuingKeys: issuingKeys,
            entry: response.issued.map { ($0, response.supersededBy) })
        response.register = finding
        if finding.refuses { response.returnCode = .codeRejected }
        return response
    }

    /// The register's finding on a code that has already verified (signature, key, revocation,
    /// colour and times: a `.valid` verdict of ``HealthCodeVerifier``, as
    /// ``CheckpointDecision/acceptedHealthCode`` carries it), without verifying it again: the
    /// register step of ``verifyCodeAtIssuer(_:issuingKeys:)`` alone. For a caller that has just
    /// verified the code itself (`hcard serve`'s checkpoint scans), so that one scan costs one
    /// SM2 verification.
    ///
    /// - Parameters:
    ///   - verified: the code as its verifier accepted it; pass nothing else (this does not check it).
    ///   - issuingKeys: as in ``verifyCodeAtIssuer(_:issuingKeys:)``.
    /// - Throws: the store's errors: a register that cannot be read is an error, never a finding.
    public func registerFinding(of verified: VerifiedHealthCode, issuingKeys: Set<KeyID> = []) async throws
        -> RegisterFinding
    {
        finding(keyID: verified.code.keyID, issuingKeys: issuingKeys, entry: try await registerEntry(of: verified.code.id))
    }

    /// The register's row of code `id` and the newest code issued to the same person after it, or
    /// `nil` if the register does not hold the code (``HealthEventStorage/registerEntry(of:)``).
    ///
    /// The register lists a person's codes in the order they were recorded: any code after this
    /// one is newer, one of the same second included.
    func registerEntry(of id: HealthCode.ID) async throws -> HealthEventStore.RegisterEntry? {
        try await store.registerEntry(of: id)
    }

    /// The finding on a verified code of key `keyID` whose register row is `entry`.
    private func finding(
        keyID: KeyID, issuingKeys: Set<KeyID>,
        entry: (issued: HealthEventStore.IssuedCodeRecord, newer: HealthCode.ID?)?
    ) -> RegisterFinding {
        if let entry { return entry.newer.map { .superseded(by: $0) } ?? .current }
        let own = issuingKeys.union(issuer.map { [$0.keyID] } ?? [])
        return own.contains(keyID) ? .notIssued : .otherIssuer
    }
}
