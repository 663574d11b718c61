import Foundation
import HealthCardFoundation
import HealthQR
import PersonalHealthCode

/// Checks QR fixtures: payload text files (one payload per line) and QR images.
///
/// Each payload is classified as `ScannedPayload` does and checked with the verifier of its
/// format, so a fixture passes exactly when a checkpoint would accept it (`Docs/qr-payload.md`):
/// - `HCK1-…` signed e-health-card codes: `CodeVerifier` against the trust list;
/// - `HCC1-…` health codes: `HealthCodeVerifier` against the same trust list;
/// - plain platform payloads `cardId:type[:validity]` (health-code.md §4.1): the grammar.
///
/// Errors: a payload that does not parse (with its character offset), an unknown key, a bad
/// signature, a revoked card, key or code; an image with no QR symbol or one that cannot be read.
/// Warnings, because a stored sample is not broken by the passing of time: an expired or
/// not-yet-valid code, and a signed code that could not be verified because no trust list was
/// given. Dynamic codes expire minutes after issue, so fixtures of them would otherwise fail
/// every later run; `--now` (``now``) checks them at a chosen instant instead.
public struct QRFixtureValidator: Sendable {
    /// The keys signed codes are checked against; `nil`: decode only (a warning per signed code).
    public var trustList: TrustList?
    public var revocations: RevocationList
    /// The verification time; `nil`: the system clock.
    public var now: Date?
    /// Scans images; `nil`: images are reported as not checkable.
    public var imageReader: (any QRImageReading)?

    public init(
        trustList: TrustList? = nil, revocations: RevocationList = RevocationList(), now: Date? = nil,
        imageReader: (any QRImageReading)? = nil
    ) {
        self.trustList = trustList
        self.revocations = revocations
        self.now = now
        self.imageReader = imageReader
    }

    /// A payload file: one payload per line; blank lines and lines starting with `#` are skipped.
    public func validatePayloads(_ text: String, file: String) -> [FixtureFinding] {
        var findings: [FixtureFinding] = []
        var count = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let payload = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            if payload.trimmingCharacters(in: .whitespaces).isEmpty || payload.hasPrefix("#") { continue }
            count += 1
            findings += check(payload, file: file, location: "line \(index + 1)")
        }
        if count == 0 { findings.append(FixtureFinding(.error, file: file, "no payload in the file")) }
        return findings
    }

    /// A PNG or JPEG image: every QR symbol in it.
    public func validateImage(_ bytes: [UInt8], file: String) -> [FixtureFinding] {
        guard let imageReader else {
            return [FixtureFinding(.error, file: file, "no QR image reader configured")]
        }
        let texts: [String]
        do {
            texts = try imageReader.texts(inFile: bytes)
        } catch {
            return [FixtureFinding(.error, file: file, "cannot read the image: \(error)")]
        }
        guard !texts.isEmpty else { return [FixtureFinding(.error, file: file, "no QR code found in the image")] }
        return texts.enumerated().flatMap { index, text in
            check(text, file: file, location: texts.count == 1 ? nil : "symbol \(index + 1)")
        }
    }

    /// One payload; `location` names the line or symbol.
    func check(_ text: String, file: String, location: String?) -> [FixtureFinding] {
        func finding(_ severity: FixtureFinding.Severity, _ message: String, offset: Int? = nil) -> FixtureFinding {
            let parts = [location, offset.map { "character \($0 + 1)" }].compactMap { $0 }
            return FixtureFinding(
                severity, file: file, location: parts.isEmpty ? nil : parts.joined(separator: " "), message)
        }
        if text.hasPrefix(HealthCodeFormat.prefix) {
            guard let trustList else {
                do throws(PayloadSyntaxError) {
                    _ = try HealthCodeFormat.decode(text)
                    return [finding(.warning, "health code decoded but not verified: no trust list given")]
                } catch {
                    return [finding(.error, error.reason, offset: error.offset)]
                }
            }
            let verifier = HealthCodeVerifier(trustList: trustList, revocations: revocations)
            let verdict = verifier.verify(text, now: now)
            switch verdict {
            case .valid: return []
            case .malformed(let reason, let offset): return [finding(.error, reason, offset: offset)]
            case .expired, .notYetValid: return [finding(.warning, "health code: \(verdict)")]
            default: return [finding(.error, "health code: \(verdict)")]
            }
        }
        switch ScannedPayload(text: text) {
        case .signed:
            guard let trustList else {
                return [finding(.warning, "signed code decoded but not verified: no trust list given")]
            }
            let verdict = CodeVerifier(trustList: trustList, revocations: revocations).verify(text, now: now)
            switch verdict {
            case .valid: return []
            case .expired, .notYetValid: return [finding(.warning, "signed code: \(verdict)")]
            default: return [finding(.error, "signed code: \(verdict)")]
            }
        case .malformedSigned(_, let error):
            return [finding(.error, error.reason, offset: error.offset)]
        case .plain:
            return []
        case .text(_, let plainError):
            return [finding(.error, "not a QR payload this library knows: \(plainError.reason)", offset: plainError.offset)]
        case .binary:
            return [finding(.error, "binary payload, not text")]
        }
    }
}
