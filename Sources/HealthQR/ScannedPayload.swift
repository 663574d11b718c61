import HealthCardFoundation

/// What a scanned QR symbol holds, told apart by its first characters, **without** verifying it.
///
/// Why a separate step before verification: a decoder (`hcard qr decode`, a help desk looking at
/// a photo) wants to see what a symbol says even when the trust list is not at hand; a checkpoint
/// wants to know which verifier to call. Dispatch follows `Docs/qr-payload.md` §2.5: `HCK1-` starts
/// a signed code, whose `-` cannot occur in a plain payload's alphanumeric first segment.
///
/// Nothing here is authenticated. The fields of ``signed(_:)`` are what the text *claims*; only
/// ``CodeVerifier`` can say whether they are true.
public enum ScannedPayload: Hashable, Sendable {
    /// A well-formed `HCK1-` signed code; the signature has **not** been checked.
    case signed(SignedCodeFormat.Decoded)
    /// Text that starts with `HCK1-` but does not decode (the error has the offset).
    case malformedSigned(text: String, error: PayloadSyntaxError)
    /// A plain platform payload `cardId:type[:validity]` (health-code.md §4.1).
    case plain(EHealthCardPayload)
    /// Other UTF-8 text: neither format parses. `plainError` says why the plain grammar failed,
    /// for payloads that look like an attempt at it.
    case text(String, plainError: PayloadSyntaxError)
    /// Bytes that are not UTF-8 text.
    case binary([UInt8])

    /// Classifies the raw bytes of one scanned symbol.
    public init(bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            self = .binary(bytes)
            return
        }
        self.init(text: text)
    }

    /// Classifies a scanned text.
    public init(text: String) {
        if text.hasPrefix(SignedCodeFormat.prefix) {
            do throws(PayloadSyntaxError) {
                self = .signed(try SignedCodeFormat.decode(text))
            } catch {
                self = .malformedSigned(text: text, error: error)
            }
            return
        }
        do throws(PayloadSyntaxError) {
            self = .plain(try EHealthCardPayload(parsing: text))
        } catch {
            self = .text(text, plainError: error)
        }
    }

    /// The text of the symbol; `nil` for ``binary(_:)``.
    public var text: String? {
        switch self {
        case .signed(let decoded): SignedCodeFormat.text(body: decoded.body, signature: decoded.signature)
        case .malformedSigned(let text, _): text
        case .plain(let payload): payload.text
        case .text(let text, _): text
        case .binary: nil
        }
    }

    /// A stable name of the case: `signed`, `malformedSigned`, `plain`, `text`, `binary`.
    public var kindName: String {
        switch self {
        case .signed: "signed"
        case .malformedSigned: "malformedSigned"
        case .plain: "plain"
        case .text: "text"
        case .binary: "binary"
        }
    }
}
