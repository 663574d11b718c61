import HealthCardFoundation

/// Text normalisation for comparison (../shared/specs/empi.md §4): Unicode NFC, trimming and
/// collapsing white space, full-width → half-width, name separators, Latin case and accent folding,
/// and the pinyin ü spellings. Raw values are kept elsewhere; these forms are for comparing only.
enum EMPIText {
    /// NFC, full-width → half-width (U+FF01-U+FF5E, ideographic space), white space trimmed and
    /// collapsed to one ASCII space. Returns scalar values.
    static func clean(_ raw: String) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(raw.utf8.count)
        var pendingSpace = false
        // ASCII is already NFC; only other text pays for normalisation.
        let text = raw.utf8.allSatisfy { $0 < 0x80 } ? raw : String(decoding: raw._nfcCodeUnits, as: UTF8.self)
        for scalar in text.unicodeScalars {
            var value = scalar.value
            if value >= 0xFF01 && value <= 0xFF5E { value -= 0xFEE0 }
            if isWhitespace(value) {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(0x20)
                pendingSpace = false
            }
            out.append(value)
        }
        return out
    }

    /// Unicode White_Space, without the property lookup.
    @inline(__always) static func isWhitespace(_ value: UInt32) -> Bool {
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        switch value {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    static func string(_ scalars: some Sequence<UInt32>) -> String {
        var view = String.UnicodeScalarView()
        for value in scalars { if let scalar = Unicode.Scalar(value) { view.append(scalar) } }
        return String(view)
    }

    /// Han ideographs: the basic block, extension A, the compatibility block and the supplementary planes.
    @inline(__always) static func isHan(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x20000...0x3134F).contains(value) || (0xF900...0xFAFF).contains(value) || value == 0x3007
    }

    /// Separators inside names: spaces and the middle dots of minority names (·, •, ．, ・, ‧, ∙, ⋅),
    /// plus ASCII `.`, `-`, `,`, `_` and `'`.
    static func isNameSeparator(_ value: UInt32) -> Bool {
        switch value {
        case 0x20, 0x2E, 0x2D, 0x2C, 0x5F, 0x27, 0xB7, 0x2022, 0x30FB, 0x2027, 0x2219, 0x22C5, 0x2010, 0x2011,
            0x3001, 0xFF65:
            return true
        default:
            return false
        }
    }

    /// Base letters of U+00C0-U+017F (Latin-1 Supplement and Latin Extended-A), `_` where none.
    private static let latinBase: [UInt8] = Array(
        ("aaaaaaaceeeeiiiidnooooo_ouuuuy_saaaaaaaceeeeiiiidnooooo_ouuuuy_yaaaaaaccccccccddddeeeeeeeeeegggg"
            + "gggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs").utf8)

    /// A lower-case ASCII letter or digit for a Latin letter or digit (accents folded: é → e,
    /// ü → u, ǚ → u); `nil` for anything else.
    @inline(__always) static func foldLatin(_ value: UInt32) -> UInt8? {
        switch value {
        case 0x30...0x39, 0x61...0x7A: return UInt8(value)
        case 0x41...0x5A: return UInt8(value + 0x20)
        case 0xC0...0x17F:
            let base = latinBase[Int(value - 0xC0)]
            return base == UInt8(ascii: "_") ? nil : base
        case 0x1CD...0x1DC:  // pinyin tone letters Ǎǎ Ǐǐ Ǒǒ Ǔǔ Ǖǖ Ǘǘ Ǚǚ Ǜǜ
            return Array("aaiioouuuuuuuuuu".utf8)[Int(value - 0x1CD)]
        default: return nil
        }
    }

    /// The pinyin ü spellings of a token, folded to `u`: lü, lv, lyu, lu: → lu; nü, nv, nyu → nu;
    /// lüe, lve → lue (../shared/specs/empi.md §3.3). Only whole syllables at the start of a token
    /// are rewritten, so Western names with a `v` (Victor) are left alone.
    static func foldUmlautSpellings(_ token: [UInt8]) -> [UInt8] {
        guard token.count >= 2, token[0] == UInt8(ascii: "l") || token[0] == UInt8(ascii: "n") else { return token }
        let rest = token.dropFirst()
        for spelling in ["yu", "v"] {
            let bytes = Array(spelling.utf8)
            if rest.starts(with: bytes) {
                let tail = rest.dropFirst(bytes.count)
                // Only when the rest is empty or a syllable final that can follow ü (e, an, n).
                if tail.isEmpty || tail.elementsEqual("e".utf8) || tail.elementsEqual("an".utf8)
                    || tail.elementsEqual("n".utf8)
                {
                    return [token[0], UInt8(ascii: "u")] + tail
                }
            }
        }
        return token
    }

    /// Placeholder names given to newborns (婴儿, 新生儿, …之子, …之女) and unknown persons; they get
    /// a comparison level of weight zero (../shared/specs/empi.md §3.3).
    static func isPlaceholder(hanzi: [UInt32]) -> Bool {
        guard hanzi.count >= 2 else { return false }
        for marker in placeholderMarkers where hanzi.count >= marker.count {
            for start in 0...(hanzi.count - marker.count) where hanzi[start] == marker[0] {
                if hanzi[(start + 1)..<(start + marker.count)].elementsEqual(marker.dropFirst()) { return true }
            }
        }
        return false
    }

    private static let placeholderMarkers: [[UInt32]] =
        ["婴儿", "新生儿", "男婴", "女婴", "之子", "之女", "之婴", "无名氏", "未知", "宝宝", "待定"]
        .map { $0.unicodeScalars.map(\.value) }

    static func isPlaceholder(latinTokens: [[UInt8]]) -> Bool {
        let markers: Set<String> = ["baby", "newborn", "infant", "unknown", "unnamed", "babyboy", "babygirl", "nn"]
        return latinTokens.contains { markers.contains(String(decoding: $0, as: UTF8.self)) }
    }
}
