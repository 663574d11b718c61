import HealthCardFoundation

/// A scanned QR text that breaks its grammar, with the character offset where it breaks.
///
/// Why a separate type and not `HealthCardError`: a checkpoint operator, a log line and the
/// ``Verdict/malformed(reason:offset:)`` verdict all need the *position* as a number, not only in
/// prose. It has the same shape as `HealthCardError` (an extensible code plus a reason), and
/// converts to it with ``healthCardError`` for callers that compose several domains.
///
/// Offsets count Swift `Character`s from the start of the scanned text, starting at 0, so for
/// the all-ASCII payloads of health-code.md §4.1 they are byte offsets too.
///
/// - SeeAlso: health-code.md §4.1 (the plain grammar), `Docs/qr-payload.md` (the signed format).
public struct PayloadSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure: `HealthCardError/Code/malformed` (structure),
    /// `HealthCardError/Code/invalidEncoding` (a character outside the alphabet),
    /// `HealthCardError/Code/truncated` (the text ends early) or
    /// `HealthCardError/Code/invalidValue` (a well-formed field with a value that is not allowed).
    public let code: HealthCardError.Code
    /// Where the problem is: a character offset into the scanned text, from 0.
    public let offset: Int
    /// What is wrong, including the segment or field (e.g. `"segment 2 at offset 65: type must be 0 or 1, got 'x'"`).
    public let reason: String

    public init(_ code: HealthCardError.Code, at offset: Int, _ reason: String) {
        self.code = code
        self.offset = offset
        self.reason = reason
    }

    public var description: String { reason }

    /// The same failure as a `HealthCardError` (the offset stays in the reason).
    public var healthCardError: HealthCardError {
        HealthCardError(code: code, reason: reason)
    }
}
