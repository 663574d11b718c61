import HealthCardFoundation

/// Jaro-Winkler similarity of two byte strings, without allocation: match flags live in two 64-bit
/// masks, so only the first 64 bytes of each string take part (names are shorter).
///
/// Used for Latin names only; on 2-3 character Hanzi names Jaro-Winkler behaves badly, so those use
/// character edit distance (../shared/specs/empi.md §3.3).
public enum JaroWinkler {
    public static func similarity(_ a: String, _ b: String) -> Double {
        similarity(Array(a.utf8)[...], Array(b.utf8)[...])
    }

    static func similarity(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Double {
        let s1 = a.prefix(64)
        let s2 = b.prefix(64)
        let n1 = s1.count
        let n2 = s2.count
        if n1 == 0 || n2 == 0 { return n1 == n2 ? 1 : 0 }
        let window = max(0, max(n1, n2) / 2 - 1)
        var flags1: UInt64 = 0
        var flags2: UInt64 = 0
        var matches = 0
        let base1 = s1.startIndex
        let base2 = s2.startIndex
        for i in 0..<n1 {
            let low = max(0, i - window)
            let high = min(n2 - 1, i + window)
            if low > high { continue }
            let c = s1[base1 + i]
            for j in low...high where flags2 & (1 << UInt64(j)) == 0 && s2[base2 + j] == c {
                flags1 |= 1 << UInt64(i)
                flags2 |= 1 << UInt64(j)
                matches += 1
                break
            }
        }
        if matches == 0 { return 0 }
        var transpositions = 0
        var j = 0
        for i in 0..<n1 where flags1 & (1 << UInt64(i)) != 0 {
            while flags2 & (1 << UInt64(j)) == 0 { j += 1 }
            if s1[base1 + i] != s2[base2 + j] { transpositions += 1 }
            j += 1
        }
        let m = Double(matches)
        let jaro = (m / Double(n1) + m / Double(n2) + (m - Double(transpositions / 2)) / m) / 3
        var prefix = 0
        while prefix < min(4, n1, n2) && s1[base1 + prefix] == s2[base2 + prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }
}
