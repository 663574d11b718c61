// libFuzzer target for the QR payload parsers: the plain `cardId:type[:validity]` grammar
// (`EHealthCardPayload`), base45 (`Base45`) and the signed HCK1 format (`SignedCodeFormat`).
//
// Built by Scripts/fuzz.sh directly over the pure-Swift sources of those parsers (no C, no
// OpenSSL), with `-sanitize=fuzzer,address`. The parsers promise never to trap on any input;
// libFuzzer reports a crash, a sanitizer finding or a broken round trip below as a failure.

@_cdecl("LLVMFuzzerTestOneInput")
public func qrPayloadFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)  // UTF-8-lossy: invalid bytes become U+FFFD

    // The plain grammar: a parsed payload prints back as exactly the text it came from.
    if let payload = try? EHealthCardPayload(parsing: text) {
        precondition(payload.text == text, "plain payload does not round-trip: \(text)")
        precondition((try? EHealthCardPayload(parsing: payload.text)) == payload)
    }

    // Base45: decoding then encoding gives back the (strict, canonical) text.
    if let decoded = try? Base45.decode(text) {
        precondition(Base45.encode(decoded) == text, "base45 does not round-trip: \(text)")
    }
    // Base45 encoding of the raw bytes always decodes back to them.
    precondition((try? Base45.decode(Base45.encode(bytes))) == bytes)

    // The signed format, as scanned and with the prefix forced so the fuzzer reaches the body parser.
    for candidate in [text, SignedCodeFormat.prefix + Base45.encode(bytes)] {
        guard let decoded = try? SignedCodeFormat.decode(candidate) else { continue }
        precondition(decoded.signature.count == SignedCodeFormat.signatureByteCount)
        precondition(SignedCodeFormat.body(of: decoded.code) == decoded.body, "non-canonical body accepted")
        precondition(SignedCodeFormat.text(body: decoded.body, signature: decoded.signature) == candidate)
    }
    return 0
}
