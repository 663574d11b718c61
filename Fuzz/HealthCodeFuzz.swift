// libFuzzer target for HCC1 health codes (Scripts/fuzz.sh health-code): `HealthCodeFormat.decode`
// over scanned text, which goes through the prefixed base45 of `PrefixedBase45`.
//
// Every input is tried as scanned text (UTF-8-lossy) and, so that the fuzzer reaches the body
// checks behind base45, as `HCC1-` + base45 of its bytes. Decoding promises never to trap; what
// decodes must be canonical: its fields give back its body, and body and signature give back
// exactly the text.

@_cdecl("LLVMFuzzerTestOneInput")
public func healthCodeFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)  // UTF-8-lossy: invalid bytes become U+FFFD

    for candidate in [text, HealthCodeFormat.prefix + Base45.encode(bytes)] {
        guard let decoded = try? HealthCodeFormat.decode(candidate) else { continue }
        precondition(decoded.body.count == HealthCodeFormat.bodyByteCount)
        precondition(decoded.signature.count == HealthCodeFormat.signatureByteCount)
        precondition(HealthCodeFormat.body(of: decoded.code) == decoded.body, "health code body is not canonical")
        precondition(
            HealthCodeFormat.text(body: decoded.body, signature: decoded.signature) == candidate,
            "health code does not round-trip: \(candidate)")
        precondition(candidate.count == HealthCodeFormat.textLength)
        precondition(decoded.code.expiresAtSeconds > decoded.code.issuedAtSeconds)
        _ = HealthCodeFormat.colour(of: decoded.code.colourCode)
        _ = decoded.signedBytes
    }
    return 0
}
