/// Text from outside (a scanned QR code, a file) made safe to print for people.
///
/// Why: a terminal obeys the control characters in what it prints. A QR code holding ESC sequences
/// could clear the screen, recolour a verdict, set the window title (OSC) or, with a CR, overwrite
/// "revoked" with "valid" on the same line; a LF could forge a second output line. Human output
/// shows such characters as escapes instead; JSON output is unaffected (its encoder escapes them).
public enum TerminalText {
    /// `text` with every control character written as an escape: C0 controls, DEL and C1 controls
    /// as `\xHH` (ESC → `\x1B`, CR → `\x0D`), the bidirectional overrides and isolates, which
    /// reorder what is shown, as `\u{HHHH}`. Everything else, CJK included, is unchanged, so the
    /// result is always one line.
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F:
                result += "\\x" + hex(scalar.value, digits: 2)
            case 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029:
                result += "\\u{" + hex(scalar.value, digits: 4) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        String(value, radix: 16, uppercase: true).leftPadded(digits)
    }
}
