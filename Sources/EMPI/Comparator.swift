import HealthCardFoundation

/// The field comparators (../shared/specs/empi.md §1.2): each maps a pair of normalised records to
/// a comparison level of one field. They are symmetric, give the top level for identical input and
/// `null` when either side lacks the value, and touch only precomputed keys (no allocation).
public enum Comparator {
    /// All fields of a pair. The Latin name is compared only when the Hanzi name is not (one side
    /// has no Hanzi), so one name never counts twice.
    @inline(__always) public static func levels(_ a: NormalizedRecord, _ b: NormalizedRecord) -> LevelVector {
        var vector = LevelVector()
        var id = citizenID(a, b)
        let hanzi = hanziName(a, b)
        vector.set(1, hanzi.rawValue)
        let latin = hanzi == .null ? latinName(a, b) : .null
        vector.set(2, latin.rawValue)
        // An agreeing number under disagreeing names is a household's (a parent's ID on a child's
        // record), not one identity: it carries no weight and never links deterministically.
        if id == .exact || id == .oneEdit || id == .twoEdits || id == .legacyEquivalent, namesDisagree(hanzi, latin) {
            id = .household
        }
        vector.set(0, id.rawValue)
        vector.set(3, birthDate(a, b).rawValue)
        vector.set(4, sex(a, b).rawValue)
        vector.set(5, phone(a, b).rawValue)
        vector.set(6, address(a, b).rawValue)
        vector.set(7, identifier(a, b).rawValue)
        return vector
    }

    // MARK: Citizen ID

    /// An ID flagged as a guardian's (its birth date is far from the record's) is not the record's
    /// identity: the same number on the other record is `household`, any other number `null`.
    /// `oneEdit` needs at least one side to fail its check character (or to be an upgraded
    /// 15-digit number): twins' valid IDs differ in one sequence digit and are `different`.
    public static func citizenID(_ a: NormalizedRecord, _ b: NormalizedRecord) -> CitizenIDLevel {
        guard a.hasCitizenID, b.hasCitizenID else { return .null }
        if a.hasGuardianID || b.hasGuardianID {
            return a.idPacked == b.idPacked && a.idDigit17 == b.idDigit17 ? .household : .null
        }
        let difference = a.idPacked ^ b.idPacked
        let lastDiffers = a.idDigit17 != b.idDigit17
        if difference == 0 && !lastDiffers {
            if a.idCheck != b.idCheck { return .oneEdit }
            return a.idFlags.contains(.upgraded) == b.idFlags.contains(.upgraded) ? .exact : .legacyEquivalent
        }
        // Two IDs that both pass the check character differ by design, not by a typo (a single
        // typo breaks MOD 11-2). An upgraded 15-digit number has no check character of its own, so
        // there only a difference confined to the sequence digits (15-17: how the register tells
        // apart people born on one day in one county, such as twins) counts as a different ID.
        if a.idFlags.contains(.valid) && b.idFlags.contains(.valid) {
            let upgraded = a.idFlags.contains(.upgraded) || b.idFlags.contains(.upgraded)
            let sequenceOnly = difference & ~0xFF == 0  // digits 15-16 packed last, 17 separate
            if !upgraded || sequenceOnly { return .different }
        }
        // Damerau-Levenshtein on the 17-digit body (substitutions and adjacent transpositions: a
        // dropped digit fails the format and never gets here): one edit, two, or different.
        var edits = 0
        var position = 0
        while position < 17 && edits <= 2 {
            let x = digit(a, position)
            let y = digit(b, position)
            if x == y {
                position += 1
            } else if position < 16, x == digit(b, position + 1), digit(a, position + 1) == y {
                edits += 1
                position += 2
            } else {
                edits += 1
                position += 1
            }
        }
        switch edits {
        case 1: return .oneEdit
        case 2: return .twoEdits
        default: return .different
        }
    }

    @inline(__always) static func digit(_ record: NormalizedRecord, _ position: Int) -> UInt8 {
        position < 16 ? UInt8((record.idPacked >> UInt64(60 - 4 * position)) & 0xF) : record.idDigit17
    }

    // MARK: Names

    /// The names say "two people": different Hanzi, or (no Hanzi on one side) different Latin forms.
    @inline(__always) static func namesDisagree(_ hanzi: HanziNameLevel, _ latin: LatinNameLevel) -> Bool {
        hanzi == .different || (hanzi == .null && latin == .different)
    }

    public static func hanziName(_ a: NormalizedRecord, _ b: NormalizedRecord) -> HanziNameLevel {
        guard a.nameFlags.contains(.hanzi), b.nameFlags.contains(.hanzi), !a.hanzi.isEmpty, !b.hanzi.isEmpty else {
            return .null
        }
        if a.isPlaceholderName || b.isPlaceholderName { return .placeholder }
        if a.hanzi == b.hanzi { return a.hanziExactHash == b.hanziExactHash ? .exact : .simplified }
        if a.hanzi.count == b.hanzi.count && sameReadings(a, b) { return .homophone }
        if editDistanceAtMostOne(a.hanzi, b.hanzi) { return .oneCharacter }
        if a.familyCount > 0, b.familyCount > 0, a.familyCount < a.hanzi.count, b.familyCount < b.hanzi.count,
            a.hanzi[0..<a.familyCount].elementsEqual(b.hanzi[b.familyCount...]),
            a.hanzi[a.familyCount...].elementsEqual(b.hanzi[0..<b.familyCount])
        {
            return .swapped
        }
        return .different
    }

    /// Every position holds the same character or characters with a common reading.
    static func sameReadings(_ a: NormalizedRecord, _ b: NormalizedRecord) -> Bool {
        var i = 0
        var j = 0
        for position in 0..<a.hanzi.count {
            let countA = Int(a.readings[i])
            let countB = Int(b.readings[j])
            if a.hanzi[position] != b.hanzi[position] {
                var common = false
                for x in (i + 1)..<(i + 1 + countA) where !common {
                    for y in (j + 1)..<(j + 1 + countB) where a.readings[x] == b.readings[y] {
                        common = true
                        break
                    }
                }
                if !common { return false }
            }
            i += 1 + countA
            j += 1 + countB
        }
        return true
    }

    static func editDistanceAtMostOne(_ a: [UInt32], _ b: [UInt32]) -> Bool {
        if a.count == b.count {
            var differences = 0
            for index in a.indices where a[index] != b[index] {
                differences += 1
                if differences > 1 { return false }
            }
            return true
        }
        let (long, short) = a.count > b.count ? (a, b) : (b, a)
        guard long.count == short.count + 1 else { return false }
        var i = 0
        while i < short.count && long[i] == short[i] { i += 1 }
        while i < short.count && long[i + 1] == short[i] { i += 1 }
        return i == short.count
    }

    public static func latinName(_ a: NormalizedRecord, _ b: NormalizedRecord) -> LatinNameLevel {
        guard a.nameFlags.contains(.latin), b.nameFlags.contains(.latin) else { return .null }
        if a.isPlaceholderName || b.isPlaceholderName { return .placeholder }
        if a.latinExactHash == b.latinExactHash { return .exact }
        if a.latinSorted.elementsEqual(b.latinSorted) || a.latinCompact.elementsEqual(b.latinCompact) {
            return .normalized
        }
        if oneTokenWithinTwoEdits(a.latinSorted, b.latinSorted) { return .tokenTypo }
        let similarity = max(
            JaroWinkler.similarity(a.latinSorted, b.latinSorted),
            JaroWinkler.similarity(a.latinCompact, b.latinCompact))
        if similarity >= 0.92 { return .jaroWinkler92 }
        if similarity >= 0.85 { return .jaroWinkler85 }
        // A name reduced to one token (the given name missing: "Zhu" / "Zhu Taoguo") that the
        // other has is partial agreement, as a lost Hanzi character is (张 / 张伟 `oneCharacter`),
        // not two names: issue 18 found such pairs with one citizen ID read as a household's.
        if oneTokenOfTheOther(a.latinSorted, b.latinSorted) { return .jaroWinkler85 }
        return .different
    }

    /// One side is a single token that is one of the other side's two or more tokens.
    static func oneTokenOfTheOther(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        let (single, other) = a.contains(0x20) ? (b, a) : (a, b)
        guard !single.isEmpty, !single.contains(0x20), other.contains(0x20) else { return false }
        return other.split(separator: 0x20).contains { $0.elementsEqual(single) }
    }

    // MARK: Dates and codes

    public static func birthDate(_ a: NormalizedRecord, _ b: NormalizedRecord) -> BirthDateLevel {
        let x = Int(a.birthDate)
        let y = Int(b.birthDate)
        guard x != 0, y != 0 else { return malformedBirthDate(a, b) }
        if x == y { return x % 10_000 == 101 ? .exactJanuaryFirst : .exact }
        let (yearA, monthA, dayA) = (x / 10_000, x / 100 % 100, x % 100)
        let (yearB, monthB, dayB) = (y / 10_000, y / 100 % 100, y % 100)
        if yearA == yearB && monthA == dayB && dayA == monthB { return .monthDaySwapped }
        if differingDigits(x, y) == 1 { return .oneDigit }
        let days = abs(Int(a.birthDays) - Int(b.birthDays))
        if days >= 10 && days <= 60 { return .lunarShift }
        if yearA == yearB && monthA == monthB { return .sameYearMonth }
        if days <= 366 { return .withinOneYear }
        return .different
    }

    /// A date that is not a calendar date (a typo: `19650870`, `20181317`) against a date or
    /// another such one: the same digits are `exact`, one digit different `oneDigit`, anything
    /// else `null` (the value is garbled, so it neither agrees nor disagrees). Issue 18: such
    /// typos left true pairs with a name and an address or phone just under auto-link.
    static func malformedBirthDate(_ a: NormalizedRecord, _ b: NormalizedRecord) -> BirthDateLevel {
        guard a.malformedBirthDigits != 0 || b.malformedBirthDigits != 0 else { return .null }
        let x = Int(a.birthDate != 0 ? a.birthDate : a.malformedBirthDigits)
        let y = Int(b.birthDate != 0 ? b.birthDate : b.malformedBirthDigits)
        guard x != 0, y != 0 else { return .null }
        if x == y { return .exact }
        return differingDigits(x, y) == 1 ? .oneDigit : .null
    }

    /// How many of the eight decimal digits of two `yyyymmdd` numbers differ.
    @inline(__always) static func differingDigits(_ x: Int, _ y: Int) -> Int {
        var differing = 0
        var p = x
        var q = y
        for _ in 0..<8 {
            if p % 10 != q % 10 { differing += 1 }
            p /= 10
            q /= 10
        }
        return differing
    }

    public static func sex(_ a: NormalizedRecord, _ b: NormalizedRecord) -> SexLevel {
        guard a.sex != 0, b.sex != 0 else { return .null }
        return a.sex == b.sex ? .same : .different
    }

    public static func phone(_ a: NormalizedRecord, _ b: NormalizedRecord) -> PhoneLevel {
        guard a.phone != 0, b.phone != 0 else { return .null }
        if a.phone == b.phone { return .exact }
        return a.phone % 100_000_000 == b.phone % 100_000_000 ? .lastEight : .different
    }

    /// Address, part by part (issue 18 item 2): `sameAddress` when the road with its number or
    /// the compound agree, no part both lines have (building, unit, room …) differs and the
    /// divisions do not conflict; then the GB/T 2260 divisions compared at the finest level both
    /// know (a record that names only the province is not "different" from one naming the county);
    /// then postcode and locality. A part one side omits is never a disagreement.
    public static func address(_ a: NormalizedRecord, _ b: NormalizedRecord) -> AddressLevel {
        var comparable = false
        let regions = a.region != 0 && b.region != 0
        let digits = min(a.regionDigits, b.regionDigits)
        let divisor: Int32 = digits >= 6 ? 1 : (digits >= 4 ? 100 : 10_000)
        let regionsConflict = regions && a.region / divisor != b.region / divisor
        if a.addressHash != 0 && b.addressHash != 0 {
            let street: ChineseAddress.StreetComparison
            if a.street.hasStreetAddress && b.street.hasStreetAddress {
                street = ChineseAddress.compareStreet(a.street, b.street)
            } else {
                street = a.addressHash == b.addressHash ? .agree : .conflict
            }
            if street == .agree && !regionsConflict { return .sameAddress }
            if street == .conflict { comparable = true }
        }
        if regions {
            if regionsConflict {
                if a.region / 100 == b.region / 100 && digits >= 4 { return .sameCity }
                if a.region / 10_000 == b.region / 10_000 { return .sameProvince }
                return .different
            }
            switch digits {
            case 6: return .sameCounty
            case 4: return .sameCity
            default: return .sameProvince
            }
        }
        if a.postcodeHash != 0 && b.postcodeHash != 0 {
            if a.postcodeHash == b.postcodeHash { return .sameCounty }
            comparable = true
        }
        if a.localityHash != 0 && b.localityHash != 0 {
            if a.localityHash == b.localityHash { return .sameCity }
            comparable = true
        }
        return comparable ? .different : .null
    }

    public static func identifier(_ a: NormalizedRecord, _ b: NormalizedRecord) -> IdentifierLevel {
        guard !a.identifiers.isEmpty, !b.identifiers.isEmpty else { return .null }
        var shared = false
        var near = false
        for x in a.identifiers {
            for y in b.identifiers where x.domain == y.domain {
                if x.value == y.value { return .exact }
                shared = true
                if !near && editDistanceAtMostTwo(x.text, y.text) { near = true }
            }
        }
        return near ? .oneOrTwoEdits : (shared ? .different : .null)
    }

    /// A card number in a shared domain one or two edits from the other's, with an edit before
    /// its last two characters (or values of different lengths): a typo. Numbers issued in sequence
    /// — a family registering together, patients on one day — differ in their last characters,
    /// so a difference there alone is a neighbour's number as often as a slip. Issue 18: a typo
    /// in the identifier under the same name and birth date was vetoed as `uncorroborated`
    /// whenever the address had moved.
    static func identifierTypo(_ a: NormalizedRecord, _ b: NormalizedRecord) -> Bool {
        for x in a.identifiers {
            for y in b.identifiers where x.domain == y.domain && x.value != y.value {
                guard editDistanceAtMostTwo(x.text, y.text) else { continue }
                guard x.text.count == y.text.count else { return true }
                let head = x.text.count - 2
                if head > 0 && !x.text[..<head].elementsEqual(y.text[..<head]) { return true }
            }
        }
        return false
    }

    /// The same number of tokens (space-separated), all equal but one pair a ``tokenTypo(_:_:)``
    /// (Hai / Haii, Wei / Wri; not Hai / Hui), so the edits are never most of the token.
    static func oneTokenWithinTwoEdits(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        let x = a.split(separator: 0x20).map(Array.init)
        var y = b.split(separator: 0x20).map(Array.init)
        guard x.count == y.count, x.count >= 2 else { return false }
        var unmatched: [[UInt8]] = []
        for token in x {
            if let position = y.firstIndex(of: token) { y.remove(at: position) } else { unmatched.append(token) }
        }
        guard unmatched.count == 1, y.count == 1 else { return false }
        return tokenTypo(unmatched[0], y[0])
    }

    /// One name token mistyped as the other: within two edits, and when the shorter has 3 or 4
    /// letters, one letter added, dropped or two swapped — or one letter changed where the two are
    /// not both pinyin syllables. Hai / Hui, Yong / Ying are two names (each a syllable, how
    /// twins' given names differ); Wei / Wri, Li / L1, Paul / Pail are typos (issue 18: 200 true
    /// pairs of the romanised suite went to the twins veto with a keyboard slip in a syllable).
    static func tokenTypo(_ p: [UInt8], _ q: [UInt8]) -> Bool {
        let shorter = min(p.count, q.count)
        guard shorter >= 3 else { return false }
        if shorter < 5 {
            guard p.count != q.count || p.sorted() == q.sorted() || !(isSyllable(p) && isSyllable(q)) else {
                return false
            }
            return editDistanceAtMostTwo(p, q, limit: 1)
        }
        return editDistanceAtMostTwo(p, q)
    }

    /// A toneless pinyin syllable of the shipped reading table (`lv` for lü).
    static func isSyllable(_ token: [UInt8]) -> Bool {
        EMPITables.shared.syllableIDs[String(decoding: token, as: UTF8.self)] != nil
    }

    /// The same number of tokens, each equal to or a ``tokenTypo(_:_:)`` of its own token on the
    /// other side: typos in both given and family name, "Stepanie Brwn" / "Stephanie Brown".
    /// Twins' given names differ by more than that.
    static func everyTokenWithinTwoEdits(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        let x = a.split(separator: 0x20).map(Array.init)
        var y = b.split(separator: 0x20).map(Array.init)
        guard x.count == y.count, !x.isEmpty else { return false }
        for token in x {
            if let position = y.firstIndex(of: token) {
                y.remove(at: position)
                continue
            }
            let near = y.firstIndex { tokenTypo(token, $0) }
            guard let near else { return false }
            y.remove(at: near)
        }
        return true
    }

    /// Optimal-string-alignment (restricted Damerau-Levenshtein) distance ≤ 2: substitutions,
    /// insertions, deletions and adjacent transpositions.
    static func editDistanceAtMostTwo(_ a: [UInt8], _ b: [UInt8], limit: Int = 2) -> Bool {
        guard abs(a.count - b.count) <= limit, !a.isEmpty, !b.isEmpty else { return false }
        let n = b.count
        var before = [Int](repeating: 0, count: n + 1)
        var previous = Array(0...n)
        var current = [Int](repeating: 0, count: n + 1)
        for i in 1...a.count {
            current[0] = i
            var best = i
            for j in 1...n {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, before[j - 2] + 1) }
                current[j] = value
                best = min(best, value)
            }
            if best > limit { return false }
            (before, previous, current) = (previous, current, before)
        }
        return previous[n] <= limit
    }
}
