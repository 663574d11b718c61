import HealthCardFoundation

/// Upper-case hex for APDU bytes, e.g. `[0x00, 0xA4]` → `"00A4"`.
///
/// Private to the APDU layer on purpose: trace lines, status-word descriptions and error messages
/// need hex, and this folder must not depend on the `Encoding` helpers being written in parallel.
/// Upper case because that is how ISO 7816-4, health-card.md and GlobalPlatformPro traces print it.
func apduHex(_ bytes: some Sequence<UInt8>) -> String {
    var text = ""
    text.unicodeScalars.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        text.unicodeScalars.append(apduHexDigits[Int(byte >> 4)])
        text.unicodeScalars.append(apduHexDigits[Int(byte & 0x0F)])
    }
    return text
}

/// `value` as exactly `digits` upper-case hex digits (zero-padded, high digits dropped).
func apduHex(_ value: Int, digits: Int) -> String {
    var text = ""
    for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
        text.unicodeScalars.append(apduHexDigits[(value >> shift) & 0x0F])
    }
    return text
}

/// A byte offset as the traces and the vendor SDK print it: `0x0400`.
func apduOffset(_ offset: Int) -> String {
    "0x" + apduHex(offset, digits: offset > 0xFFFF ? 8 : 4)
}

private let apduHexDigits: [Unicode.Scalar] = Array("0123456789ABCDEF".unicodeScalars)
