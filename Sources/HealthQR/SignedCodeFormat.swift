import HealthCardCrypto
import HealthCardFoundation

/// The wire format of a ``SignedCode``, version 1: a compact binary body, a 64-byte SM2
/// signature, and base45 text behind the prefix `HCK1-`.
///
/// ```
/// text   = "HCK1-" ‖ base45(body ‖ signature)
/// body   = version ‖ kind ‖ keyID ‖ cardIdHeader ‖ cardId ‖ issuedAt ‖ [window] ‖ nonce
/// signed = "HCK-QR1" ‖ body                (SM2 with SM3, ID "1234567812345678")
///
///  offset  size  field
///  0       1     version       0x01
///  1       1     kind          0x00 dynamic, 0x01 static (the plain grammar's type digits)
///  2       8     keyID         first 8 bytes of SM3(04‖X‖Y) of the issuer key
///  10      1     cardIdHeader  bit 7: 0 = ASCII, 1 = packed upper-case hex; bits 0-6: byte length L
///  11      L     cardId        ASCII [0-9A-Za-z]{1,64}, or 1...32 bytes for [0-9A-F]{2,64} of even length
///  11+L    4     issuedAt      Unix seconds, big-endian
///  15+L    2     window        dynamic only: seconds, big-endian, 1...65535
///  …       8     nonce         random
///  …      64     signature     SM2 r‖s, each 32 bytes big-endian
/// ```
///
/// Design choices, and why (details in `Docs/qr-payload.md`):
/// - **Binary, not JSON or CBOR**: every byte costs 1.5 QR characters; the fields are fixed, so a
///   schema-less layout is both the smallest and the simplest to parse without a library.
/// - **Packed hex card ids**: the Tencent platform's 64-hex ids (health-code.md §4.3) shrink from
///   64 to 32 bytes (48 base45 characters fewer). The issuer picks the packed form whenever it
///   applies and the reader rejects the ASCII form for such an id, so each code has exactly one
///   encoding.
/// - **Domain separation**: the signature covers `"HCK-QR1" ‖ body`, not the body alone, so a
///   signature made by the same key for anything else (a card record, another format version)
///   can never pass as a code signature, and vice versa.
/// - **Prefix `HCK1-`**: all of it is in the QR alphanumeric set, it names the version before any
///   decoding, and the `-` cannot occur in a plain `cardId:type` payload, whose first segment is
///   alphanumeric, so a scanner can tell the two formats apart by the first five characters. (`HC1:`
///   is taken by the EU DCC.)
///
/// - SeeAlso: `Docs/qr-payload.md`; RFC 9285 (base45); GB/T 32918.2 (SM2); GM/T 0009 (default ID).
public enum SignedCodeFormat {
    /// The format version this reader writes and understands.
    public static let version: UInt8 = 1
    /// The text prefix: format family and version, ending in `-`.
    public static let prefix = "HCK1-"
    /// The domain-separation prefix of the signed bytes, ASCII `HCK-QR` followed by the version digit.
    public static let signatureContext: [UInt8] = Array("HCK-QR1".utf8)
    /// The raw SM2 signature length, r‖s.
    public static let signatureByteCount = SM2Signature.rawByteCount
    /// The longest text a QR code can hold at all (version 40-L, alphanumeric mode); anything longer
    /// is rejected before decoding, so a hostile input cannot make the reader allocate much.
    public static let maximumTextLength = 4296

    /// The bit of the card-id header that marks a packed hex id.
    static let packedHexFlag: UInt8 = 0x80

    // MARK: Writing

    /// The body bytes of `code`: everything before the signature.
    public static func body(of code: SignedCode) -> [UInt8] {
        var body: [UInt8] = [version, code.kind.typeCode]
        body += code.keyID.bytes
        if let packed = packedHex(code.cardID) {
            body.append(packedHexFlag | UInt8(packed.count))
            body += packed
        } else {
            body.append(UInt8(code.cardID.utf8.count))
            body += code.cardID.utf8
        }
        body += bigEndian(UInt64(code.issuedAtSeconds), byteCount: 4)
        if let window = code.windowSeconds { body += bigEndian(UInt64(window), byteCount: 2) }
        body += code.nonce.bytes
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

    /// The text length, in characters, of a code for `cardID` (static or dynamic).
    public static func textLength(cardID: String, dynamic: Bool) -> Int {
        let cardBytes = packedHex(cardID)?.count ?? cardID.utf8.count
        let bodyCount = 1 + 1 + KeyID.byteCount + 1 + cardBytes + 4 + (dynamic ? 2 : 0) + 8
        return prefix.count + Base45.encodedLength(byteCount: bodyCount + signatureByteCount)
    }

    // MARK: Reading

    /// A decoded, **not yet verified** code: the fields, and the bytes a verifier checks.
    public struct Decoded: Hashable, Sendable {
        /// The fields. Nothing in them is authenticated until the signature has been checked.
        public let code: SignedCode
        /// The body bytes as they were in the text.
        public let body: [UInt8]
        /// The 64-byte signature r‖s.
        public let signature: [UInt8]

        /// ``SignedCodeFormat/signatureContext`` ‖ ``body``: what the signature must cover.
        public var signedBytes: [UInt8] { SignedCodeFormat.signedBytes(body: body) }
    }

    /// Decodes a scanned text without checking its signature.
    ///
    /// Strict: the exact prefix, canonical base45, a known version and kind, a card id in the
    /// grammar in its canonical form, a non-zero window, and exactly 64 signature bytes at the end.
    /// Never traps, whatever the input.
    ///
    /// - Throws: ``PayloadSyntaxError`` with the character offset in `text`. A problem inside the
    ///   decoded bytes is reported at the offset of the base45 group that holds the byte, and the
    ///   reason names the byte too (`"offset 5 (byte 1): kind must be 0 (dynamic) or 1 (static), got 7"`).
    public static func decode(_ text: some StringProtocol) throws(PayloadSyntaxError) -> Decoded {
        let (bytes, textCount) = try PrefixedBase45.decode(text, prefix: prefix, naming: "a signed code")
        var reader = BodyReader(bytes: bytes, textCount: textCount)
        return try reader.decode()
    }

    /// The reading half of the body layout, tracking offsets for messages.
    private struct BodyReader {
        let bytes: [UInt8]
        let textCount: Int
        var position = 0

        init(bytes: [UInt8], textCount: Int) {
            self.bytes = bytes
            self.textCount = textCount
        }

        /// The text offset of the base45 group holding byte `index`.
        func textOffset(ofByte index: Int) -> Int { SignedCodeFormat.prefix.count + index / 2 * 3 }

        func failure(_ code: HealthCardError.Code, byte index: Int, _ reason: String) -> PayloadSyntaxError {
            let offset = textOffset(ofByte: index)
            return PayloadSyntaxError(code, at: offset, "offset \(offset) (byte \(index)): \(reason)")
        }

        mutating func read(_ count: Int, _ what: String) throws(PayloadSyntaxError) -> ArraySlice<UInt8> {
            guard bytes.count - position >= count else {
                throw PayloadSyntaxError(
                    .truncated, at: textCount,
                    "offset \(textCount) (byte \(bytes.count)): \(what) needs \(count) bytes at byte \(position), "
                        + "\(bytes.count - position) left")
            }
            defer { position += count }
            return bytes[position..<(position + count)]
        }

        mutating func readInteger(_ count: Int, _ what: String) throws(PayloadSyntaxError) -> UInt64 {
            try read(count, what).reduce(0) { $0 << 8 | UInt64($1) }
        }

        mutating func decode() throws(PayloadSyntaxError) -> Decoded {
            let version = try readInteger(1, "version")
            guard version == UInt64(SignedCodeFormat.version) else {
                throw failure(.invalidValue, byte: 0, "unsupported version \(version); this reader knows version 1")
            }
            let kindByte = try readInteger(1, "kind")
            guard kindByte <= 1 else {
                throw failure(.invalidValue, byte: 1, "kind must be 0 (dynamic) or 1 (static), got \(kindByte)")
            }
            let keyID = try read(KeyID.byteCount, "key id")
            let cardID = try readCardID()
            let issuedAt = try readInteger(4, "issue time")
            var kind = SignedCode.Kind.static
            if kindByte == 0 {
                let windowStart = position
                let window = try readInteger(2, "window")
                guard window > 0 else { throw failure(.invalidValue, byte: windowStart, "dynamic window is 0 seconds") }
                kind = .dynamic(window: .seconds(Int(window)))
            }
            let nonce = try readInteger(8, "nonce")
            let bodyEnd = position
            let signatureCount = bytes.count - bodyEnd
            guard signatureCount == SignedCodeFormat.signatureByteCount else {
                if signatureCount < SignedCodeFormat.signatureByteCount {
                    throw PayloadSyntaxError(
                        .truncated, at: textCount,
                        "offset \(textCount) (byte \(bytes.count)): signature is \(signatureCount) bytes, "
                            + "expected \(SignedCodeFormat.signatureByteCount)")
                }
                let extra = bodyEnd + SignedCodeFormat.signatureByteCount
                throw failure(
                    .malformed, byte: extra,
                    "\(signatureCount - SignedCodeFormat.signatureByteCount) bytes after the 64-byte signature")
            }
            let code: SignedCode
            do {
                code = try SignedCode(
                    kind: kind, keyID: KeyID(bytes: Array(keyID)), cardID: cardID,
                    issuedAtSeconds: UInt32(issuedAt), nonce: SignedCode.Nonce(rawValue: nonce))
            } catch {
                // Unreachable: every field was checked above. Report rather than trap.
                throw PayloadSyntaxError(.malformed, at: textOffset(ofByte: 0), "offset 5: \(error)")
            }
            return Decoded(code: code, body: Array(bytes[..<bodyEnd]), signature: Array(bytes[bodyEnd...]))
        }

        mutating func readCardID() throws(PayloadSyntaxError) -> String {
            let headerIndex = position
            let header = UInt8(try readInteger(1, "card id header"))
            let length = Int(header & ~SignedCodeFormat.packedHexFlag)
            let packed = header & SignedCodeFormat.packedHexFlag != 0
            let limit = packed ? EHealthCardPayload.maximumCardIDLength / 2 : EHealthCardPayload.maximumCardIDLength
            guard (1...limit).contains(length) else {
                throw failure(
                    .invalidValue, byte: headerIndex,
                    "card id length \(length) is outside 1...\(limit) for the \(packed ? "packed hex" : "ASCII") form")
            }
            let start = position
            let value = try read(length, "card id")
            if packed { return Hex.encode(value) }
            for (index, byte) in value.enumerated() where !Self.isCardIDByte(byte) {
                throw failure(
                    .invalidEncoding, byte: start + index,
                    "card id byte \(Hex.encode([byte])) is not a letter or digit [0-9A-Za-z]")
            }
            let cardID = String(decoding: value, as: UTF8.self)
            guard SignedCodeFormat.packedHex(cardID) == nil else {
                throw failure(
                    .malformed, byte: headerIndex,
                    "card id '\(cardID)' is upper-case hex of even length but not in the packed form (non-canonical)")
            }
            return cardID
        }

        static func isCardIDByte(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
    }

    // MARK: Helpers

    /// The packed bytes of `cardID` if it is upper-case hex of even length, else `nil`.
    static func packedHex(_ cardID: String) -> [UInt8]? {
        let utf8 = Array(cardID.utf8)
        guard !utf8.isEmpty, utf8.count % 2 == 0,
            utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) })
        else { return nil }
        return try? Hex.decode(cardID)
    }

    private static func bigEndian(_ value: UInt64, byteCount: Int) -> [UInt8] {
        (0..<byteCount).map { UInt8(truncatingIfNeeded: value >> (8 * (byteCount - 1 - $0))) }
    }
}
