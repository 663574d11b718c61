/// Small text helpers the core needs without Foundation.

@inline(__always) package func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension StringProtocol {
    /// Trims ASCII and Unicode white space from both ends (no Foundation needed).
    package func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        // Most text has nothing to trim: it is returned as it is, not rebuilt scalar by scalar (a
        // bulk EMPI ingest trims every field of every record).
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return String(self) }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

extension String {
    /// The string with `0`s in front up to `width` characters (hex bytes, codes).
    package func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
