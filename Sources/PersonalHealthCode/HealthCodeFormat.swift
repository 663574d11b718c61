import HealthCardCrypto
import HealthCardFoundation
import HealthQR

/// The wire format of a ``HealthCode``, version 1: a fixed 37-byte body, a 64-byte SM2 signature,
/// and base45 text behind the prefix `HCC1-`.
///
/// ```
/// text   = "HCC1-" ‖ base45(body ‖ signature)
/// signed = "HCK-HC1" ‖ body                (SM2 with SM3, ID "1234567812345678")
///
///  offset  size  field
///  0       1     version      0x01
///  1       8     keyID        first 8 bytes of SM3(04‖X‖Y) of the issuer key (``KeyID``)
///  9       8     codeID       random
///  17      1     colour       0x01 green, 0x02 yellow, 0x03 red, 0x04 grey (``colourTable``)
///  18      3     region       GB/T 2260 code, 6 BCD digits (460100 → 46 01 00)
///  21      8     subject      first 8 bytes of SM3(UTF-8(PersonID))
///  29      4     issuedAt     Unix seconds, big-endian
///  33      4     expiresAt    Unix seconds, big-endian, > issuedAt
///  37     64     signature    SM2 r‖s, each 32 bytes big-endian
/// ```
///
/// 101 bytes → 152 base45 characters → 157 characters of text, one alphanumeric QR segment
/// (version 7 at error correction M).
///
/// Design, and why it differs from `SignedCodeFormat` only where it must:
/// - **Own prefix and own signature context.** `HCC1-` tells a scanner it is a health code, not an
///   e-health-card code (`HCK1-`), before any decoding. The signed bytes start with `HCK-HC1`, not
///   `HCK-QR1`, so a signature made by the same key over one format can never verify as the other.
/// - **Fixed layout.** Every field has a fixed size, so the body is 37 bytes whatever the person.
/// - **Colour as one byte of a small table, unknown bytes kept.** The decoder accepts any byte and a
///   verifier reports an unknown one as its own verdict after the signature is checked
///   (``HealthCodeVerdict/unknownColour(_:)``): it is then a fact the issuer signed, from a newer
///   table, and must not be shown as "malformed" or guessed as a colour. `0x00` is never issued.
/// - **An expiry, not a window.** A health code is valid for hours to days (issue 6 "expires on
///   schedule"), beyond the 18 h a 2-byte window holds; 4-byte seconds end in 2106.
///
/// - SeeAlso: `Docs/health-code.md`; RFC 9285 (base45); GB/T 32918.2 (SM2); GB/T 2260.
public enum HealthCodeFormat {
    /// The format version this reader writes and understands.
    public static let version: UInt8 = 1
    /// The text prefix: format family and version, ending in `-` (all in the QR alphanumeric set).
    public static let prefix = "HCC1-"
    /// The domain-separation prefix of the signed bytes, ASCII `HCK-HC1`.
    public static let signatureContext: [UInt8] = Array("HCK-HC1".utf8)
    /// The body length in bytes.
    public static let bodyByteCount = 37
    /// The raw SM2 signature length, r‖s.
    public static let signatureByteCount = SM2Signature.rawByteCount
    /// The text length of every code: `HCC1-` + base45 of 101 bytes.
    public static var textLength: Int {
        prefix.count + Base45.encodedLength(byteCount: bodyByteCount + signatureByteCount)
    }

    /// The colour table of version 1. [U] GB/T 38961/38962's colour domain is not public
    /// (health-code.md §2.4); the order follows the one numeric encoding seen in practice (Alibaba
    /// IoT: 1 green, 2 yellow, 3 red, §2.4), with grey ("no data yet", Hainan) added as 4. Other
    /// open-set colours get codes in a later table; until then they cannot be issued.
    public static let colourTable: [(code: UInt8, colour: HealthColour)] = [
        (0x01, .green), (0x02, .yellow), (0x03, .red), (0x04, .grey),
    ]

    /// The colour of a wire byte, or `nil`.
    public static func colour(of code: UInt8) -> HealthColour? {
        colourTable.first { $0.code == code }?.colour
    }

    /// The wire byte of a colour, or `nil` if the table has none.
    public static func code(of colour: HealthColour) -> UInt8? {
        colourTable.first { $0.colour == colour }?.code
    }

    // MARK: Writing

    /// The 37 body bytes of `code`.
    public static func body(of code: HealthCode) -> [UInt8] {
        var body: [UInt8] = [version]
        body += code.keyID.bytes
        body += code.id.bytes
        body.append(code.colourCode)
        let digits = code.region.utf8.map { $0 - 0x30 }
        body += stride(from: 0, to: 6, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
        body += code.subject.bytes
        body += bigEndian(code.issuedAtSeconds)
        body += bigEndian(code.expiresAtSeconds)
        return body
    }

    /// Exactly the bytes the issuer signs: ``signatureContext`` ‖ `body`.
    public static func signedBytes(body: some Collection<UInt8>) -> [UInt8] {
        signatureContext + body
    }

    /// The QR text for a body and its 64-byte signature.
    public static func text(body: [UInt8], signature: [UInt8]) -> String {
        prefix + Base45.encode(body + signature)
    }

    // MARK: Reading

    /// A decoded, **not yet verified** code.
    public struct Decoded: Hashable, Sendable {
        /// The fields. Nothing in them is authenticated until the signature has been checked.
        public let code: HealthCode
        /// The 37 body bytes as they were in the text.
        public let body: [UInt8]
        /// The 64-byte signature r‖s.
        public let signature: [UInt8]

        /// ``HealthCodeFormat/signatureContext`` ‖ ``body``: what the signature must cover.
        public var signedBytes: [UInt8] { HealthCodeFormat.signedBytes(body: body) }
    }

    /// Decodes a scanned text without checking its signature.
    ///
    /// Strict: the exact prefix, canonical base45, version 1, BCD region digits, expiry after issue,
    /// and exactly 64 signature bytes. Any colour byte is accepted (see the type's discussion).
    /// Never traps, whatever the input.
    ///
    /// - Throws: `PayloadSyntaxError` with the character offset in `text`; a problem inside the
    ///   decoded bytes is reported at the offset of the base45 group that holds the byte
    ///   (`5 + 3 × ⌊byte / 2⌋`), and the reason names the byte too.
    public static func decode(_ text: some StringProtocol) throws(PayloadSyntaxError) -> Decoded {
        let (bytes, textCount) = try PrefixedBase45.decode(text, prefix: prefix, naming: "a health code")
        let total = bodyByteCount + signatureByteCount
        guard bytes.count >= total else {
            throw PayloadSyntaxError(
                .truncated, at: textCount,
                "offset \(textCount) (byte \(bytes.count)): a health code is \(total) bytes "
                    + "(\(bodyByteCount) body + \(signatureByteCount) signature), got \(bytes.count)")
        }
        guard bytes.count == total else {
            throw failure(.malformed, byte: total, "\(bytes.count - total) bytes after the 64-byte signature")
        }
        guard bytes[0] == version else {
            throw failure(.invalidValue, byte: 0, "unsupported version \(bytes[0]); this reader knows version 1")
        }
        var region = ""
        for index in 18..<21 {
            for nibble in [bytes[index] >> 4, bytes[index] & 0x0F] {
                guard nibble <= 9 else {
                    throw failure(
                        .invalidEncoding, byte: index,
                        "region byte \(Hex.encode([bytes[index]])) is not two BCD digits")
                }
                region.append(Character(Unicode.Scalar(0x30 + nibble)))
            }
        }
        let issued = integer(bytes[29..<33])
        let expires = integer(bytes[33..<37])
        guard expires > issued else {
            throw failure(.invalidValue, byte: 33, "expiry \(expires) is not after the issue time \(issued)")
        }
        do {
            let code = try HealthCode(
                keyID: KeyID(bytes: Array(bytes[1..<9])), id: HealthCode.ID(bytes: Array(bytes[9..<17])),
                colourCode: bytes[17], region: region, subject: HealthCode.Subject(bytes: Array(bytes[21..<29])),
                issuedAtSeconds: issued, expiresAtSeconds: expires)
            return Decoded(code: code, body: Array(bytes[..<bodyByteCount]), signature: Array(bytes[bodyByteCount...]))
        } catch {
            // Unreachable: every field was checked above. Report rather than trap.
            throw failure(.malformed, byte: 0, "\(error)")
        }
    }

    /// A failure at byte `index` of the decoded bytes, located at its base45 group.
    private static func failure(_ code: HealthCardError.Code, byte index: Int, _ reason: String) -> PayloadSyntaxError {
        let offset = prefix.count + index / 2 * 3
        return PayloadSyntaxError(code, at: offset, "offset \(offset) (byte \(index)): \(reason)")
    }

    private static func integer(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
    }
}
