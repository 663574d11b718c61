import HealthCardFoundation

/// The outer layer both signed formats share: a fixed prefix (`HCK1-`, `HCC1-`) and then base45
/// (RFC 9285) of the payload bytes, the whole text in QR alphanumeric mode (`Docs/qr-payload.md` §2).
///
/// Why shared: the prefix and length checks and their messages must read the same for every
/// format, and offsets must count from the start of the text, prefix included, so that a
/// checkpoint can point at the broken character whatever the format.
package enum PrefixedBase45 {
    /// Checks the length and the prefix of `text` and decodes the base45 after it.
    ///
    /// - Parameter what: the format for messages, e.g. "a signed code", "a health code".
    /// - Returns: the decoded bytes and the number of characters in the text.
    /// - Throws: ``PayloadSyntaxError`` at the character offset where the text breaks.
    package static func decode(_ text: some StringProtocol, prefix: String, naming what: String)
        throws(PayloadSyntaxError) -> (bytes: [UInt8], textCount: Int)
    {
        let limit = SignedCodeFormat.maximumTextLength
        // Fast path: a text of ASCII bytes, none of them CR ("\r\n" is one character of two bytes),
        // has one character per byte, so it is decoded from its bytes without grapheme breaking
        // (every verification request and scan passes here). Anything else, and every error, takes
        // the path by characters below, which names the offending character.
        // The bytes are read from a `String`'s contiguous UTF-8: through `some StringProtocol`
        // (this function is not specialised for its callers in other modules) every byte was a
        // call through the protocol, a visible share of a verification request (Docs/serve.md §9).
        var string = String(text)
        let ascii = string.withUTF8 { utf8 -> [UInt8]? in
            guard utf8.count <= limit, prefix.utf8.allSatisfy({ $0 < 0x80 }),
                utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D })
            else { return nil }
            return Array(utf8)
        }
        if let bytes = ascii {
            let prefixCount = prefix.utf8.count
            if bytes.starts(with: prefix.utf8), let decoded = try? Base45.decode(ascii: bytes[prefixCount...], offsetBase: prefixCount) {
                return (decoded, bytes.count)
            }
        }
        let characters = Array(text.prefix(limit + 1))
        guard characters.count <= limit else {
            throw PayloadSyntaxError(
                .invalidValue, at: limit, "offset \(limit): text is longer than any QR code holds (\(limit) characters)")
        }
        let expectedPrefix = Array(prefix)
        for (offset, expected) in expectedPrefix.enumerated() {
            guard offset < characters.count else {
                throw PayloadSyntaxError(
                    .truncated, at: offset, "offset \(offset): text ends inside the prefix '\(prefix)'")
            }
            guard characters[offset] == expected else {
                throw PayloadSyntaxError(
                    .malformed, at: offset,
                    "offset \(offset): \(what) starts with '\(prefix)', found '\(characters[offset])' here")
            }
        }
        let bytes = try Base45.decode(characters[expectedPrefix.count...], offsetBase: expectedPrefix.count)
        return (bytes, characters.count)
    }
}
