/// A JSON string literal (RFC 8259 §7) written directly: `"`, `\` and the control characters
/// escaped (`\n`, `\r`, `\t`, `\b`, `\f`, else `\u00XX`), everything else — `/` and non-ASCII
/// included — as its UTF-8 bytes, which is what `JSONEncoder` with `.withoutEscapingSlashes` writes.
///
/// Why not `JSONEncoder`: the places that use this write JSON on a hot path (the index's stored
/// JSON during a bulk ingest, one log line per server request), where an encoder, its keyed
/// containers and key sorting cost more than the work being logged or stored.
package enum JSONStringLiteral {
    /// Appends the literal for `value`, quotes included, to `bytes`.
    package static func append(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for (position, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: utf8[start..<position])
                switch byte {
                case 0x22: bytes += [0x5C, 0x22]
                case 0x5C: bytes += [0x5C, 0x5C]
                case 0x0A: bytes += [0x5C, UInt8(ascii: "n")]
                case 0x0D: bytes += [0x5C, UInt8(ascii: "r")]
                case 0x09: bytes += [0x5C, UInt8(ascii: "t")]
                case 0x08: bytes += [0x5C, UInt8(ascii: "b")]
                case 0x0C: bytes += [0x5C, UInt8(ascii: "f")]
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                }
                start = position + 1
            }
            bytes.append(contentsOf: utf8[start...])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The literal for `value`, quotes included.
    package static func make(_ value: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 2)
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
