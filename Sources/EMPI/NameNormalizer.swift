import HealthCardFoundation

/// The name part of ``Normalizer``: Hanzi and Latin forms, pinyin readings and the name blocking keys.
enum NameNormalizer {
    static let maximumAlternatives = 4

    static func normalize(_ record: PersonRecord, into out: inout NormalizedRecord) {
        let family = record.familyName.map(EMPIText.clean) ?? []
        let given = record.givenName.map(EMPIText.clean) ?? []
        let full = record.fullName.map(EMPIText.clean) ?? []
        let hasHan: ([UInt32]) -> Bool = { $0.contains(where: EMPIText.isHan) }
        if hasHan(family) || hasHan(given) {
            hanzi(family: family, given: given, full: nil, into: &out)
        } else if hasHan(full) {
            hanzi(family: [], given: [], full: full, into: &out)
        } else if !family.isEmpty || !given.isEmpty {
            latin(family: family, given: given, full: nil, into: &out)
        } else if !full.isEmpty {
            latin(family: [], given: [], full: full, into: &out)
        }
    }

    // MARK: Hanzi

    private static func hanzi(family: [UInt32], given: [UInt32], full: [UInt32]?, into out: inout NormalizedRecord) {
        let tables = EMPITables.shared
        var exact = StableHash(tag: 10)
        for scalar in full ?? (family + given) { exact.combine(UInt64(scalar)) }
        out.hanziExactHash = exact.value

        var familyChars: [UInt32]
        var givenChars: [UInt32]
        if let full {
            let chars = full.filter(EMPIText.isHan).map(tables.simplify)
            if full.contains(where: { EMPIText.isNameSeparator($0) && $0 != 0x20 }) {
                familyChars = []  // a minority name with a middle dot: no family name
                givenChars = chars
            } else if let space = full.firstIndex(of: 0x20),
                (1...2).contains(full[..<space].filter(EMPIText.isHan).count)
            {
                familyChars = full[..<space].filter(EMPIText.isHan).map(tables.simplify)
                givenChars = full[space...].filter(EMPIText.isHan).map(tables.simplify)
            } else {
                let count = ChineseName.familyCount(chars)
                familyChars = Array(chars[0..<count])
                givenChars = Array(chars[count...])
            }
        } else {
            familyChars = family.filter(EMPIText.isHan).map(tables.simplify)
            givenChars = given.filter(EMPIText.isHan).map(tables.simplify)
        }
        out.hanzi = familyChars + givenChars
        out.familyCount = familyChars.count
        out.nameFlags.insert(.hanzi)
        if EMPIText.isPlaceholder(hanzi: out.hanzi) { out.nameFlags.insert(.placeholder) }
        var familyHash = StableHash(tag: 11)
        for scalar in familyChars { familyHash.combine(UInt64(scalar)) }
        var givenHash = StableHash(tag: 12)
        for scalar in givenChars { givenHash.combine(UInt64(scalar)) }
        out.familyHash = familyChars.isEmpty ? 0 : familyHash.value
        out.givenHash = givenChars.isEmpty ? 0 : givenHash.value

        // Readings: surname readings for the family part (单 → shan), everyday readings otherwise.
        let familyReadings = familyChars.isEmpty ? [] : ChineseName.surnameReadingIDs(familyChars)
        var flat: [UInt16] = []
        for readings in familyReadings + givenChars.map({ Array(tables.readings(of: $0)) }) {
            flat.append(UInt16(readings.count))
            flat += readings
        }
        out.readings = flat

        // The Latin form a passport would carry: family syllables, then the given syllables joined.
        let givenLatin = givenChars.flatMap { scalar -> [UInt8] in
            guard let first = tables.readings(of: scalar).first else { return [] }
            return EMPIText.foldUmlautSpellings(Array(tables.syllables[Int(first)].utf8))
        }
        var familyAlternatives: [[UInt8]] = [[]]
        for position in familyReadings {
            let options = position.isEmpty ? [UInt16?.none] : position.map { Optional($0) }
            familyAlternatives = familyAlternatives.flatMap { prefix in
                options.map { id in
                    prefix + (id.map { EMPIText.foldUmlautSpellings(Array(tables.syllables[Int($0)].utf8)) } ?? [])
                }
            }
            familyAlternatives = Array(familyAlternatives.prefix(maximumAlternatives))
        }
        let tokens = [familyAlternatives[0], givenLatin].filter { !$0.isEmpty }
        guard !tokens.isEmpty else {
            setKeys(candidates: [], familyText: out.familyHash == 0 ? [] : [out.familyHash], into: &out)
            return
        }
        var latinExact = StableHash(tag: 13)
        for byte in tokens.joined(separator: [0x20]) { latinExact.combine(UInt64(byte)) }
        setLatin(tokens: tokens, exactHash: latinExact.value, into: &out)
        out.nameFlags.insert(.derivedLatin)
        setKeys(
            candidates: familyAlternatives.map { ($0, givenLatin) },
            familyText: out.familyHash == 0 ? [] : [out.familyHash], into: &out)
    }

    // MARK: Latin

    private static func latin(family: [UInt32], given: [UInt32], full: [UInt32]?, into out: inout NormalizedRecord) {
        func tokenize(_ scalars: [UInt32]) -> [(token: [UInt8], upper: Bool)] {
            var result: [(token: [UInt8], upper: Bool)] = []
            var current: [UInt8] = []
            var upper = true
            func flush() {
                if !current.isEmpty {
                    result.append((EMPIText.foldUmlautSpellings(current), upper && current.count > 1))
                }
                current = []
                upper = true
            }
            for scalar in scalars {
                if EMPIText.isNameSeparator(scalar) {
                    flush()
                } else if let byte = EMPIText.foldLatin(scalar) {
                    current.append(byte)
                    if scalar >= 0x61 && scalar <= 0x7A { upper = false }
                } else if scalar == 0x3A {  // "lu:" is an ASCII spelling of lü
                    continue
                }
            }
            flush()
            return result
        }
        let exactText = (full ?? (family + [0x20] + given)).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        var exact = StableHash(tag: 13)
        for scalar in exactText { exact.combine(UInt64(scalar)) }

        var candidates: [([UInt8], [UInt8])] = []
        let tokens: [[UInt8]]
        if let full {
            let parts = tokenize(full)
            tokens = parts.map(\.token)
            let uppercase = parts.indices.filter { parts[$0].upper }
            if uppercase.count == 1, parts.count >= 2 {
                // Passport style "ZHANG Wei": the upper-case token is the family name.
                let index = uppercase[0]
                candidates.append(
                    (parts[index].token, parts.indices.filter { $0 != index }.flatMap { parts[$0].token }))
            } else if parts.count >= 2 {
                candidates.append((tokens[0], tokens.dropFirst().flatMap { $0 }))
                candidates.append((tokens[tokens.count - 1], tokens.dropLast().flatMap { $0 }))
            } else if let only = tokens.first {
                candidates.append((only, []))
            }
        } else {
            let familyTokens = tokenize(family).map(\.token)
            let givenTokens = tokenize(given).map(\.token)
            tokens = familyTokens + givenTokens
            candidates.append((familyTokens.flatMap { $0 }, givenTokens.flatMap { $0 }))
        }
        guard !tokens.isEmpty else { return }
        setLatin(tokens: tokens, exactHash: exact.value, into: &out)
        if EMPIText.isPlaceholder(latinTokens: tokens) { out.nameFlags.insert(.placeholder) }
        let familyText = candidates.compactMap { candidate -> UInt64? in
            guard !candidate.0.isEmpty else { return nil }
            var hash = StableHash(tag: 4)
            hash.combine(candidate.0)
            return hash.value
        }
        setKeys(candidates: candidates, familyText: familyText, into: &out)
    }

    private static func setLatin(tokens: [[UInt8]], exactHash: UInt64, into out: inout NormalizedRecord) {
        let sorted = tokens.sorted { $0.lexicographicallyPrecedes($1) }.joined(separator: [0x20])
        out.latin = Array(sorted) + tokens.joined()
        out.latinCompactStart = out.latin.count - tokens.reduce(0) { $0 + $1.count }
        var hash = StableHash(tag: 14)
        hash.combine(Array(sorted))
        out.latinHash = hash.value
        out.latinExactHash = exactHash
        out.nameFlags.insert(.latin)
        out.phoneticKey = phoneticKey(tokens)
    }

    /// A Soundex-style key of the name's tokens, order-free: each token's letters mapped to sound
    /// classes (b f p v · c g j k q s x z · d t · l · m n · r; vowels, h, w, y separate nothing),
    /// repeats collapsed, four classes kept. Typos and phonetic spellings that keep the consonants
    /// (Stephanie / Stepanie, Jennifer / Jemnifer, Xie / Xy) share it: a blocking key.
    static func phoneticKey(_ tokens: [[UInt8]]) -> UInt64 {
        var codes: [[UInt8]] = []
        for token in tokens {
            var code: [UInt8] = []
            var previous: UInt8 = 0
            for byte in token {
                let group: UInt8
                switch byte {
                case UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "p"), UInt8(ascii: "v"): group = 1
                case UInt8(ascii: "c"), UInt8(ascii: "g"), UInt8(ascii: "j"), UInt8(ascii: "k"), UInt8(ascii: "q"),
                    UInt8(ascii: "s"), UInt8(ascii: "x"), UInt8(ascii: "z"):
                    group = 2
                case UInt8(ascii: "d"), UInt8(ascii: "t"): group = 3
                case UInt8(ascii: "l"): group = 4
                case UInt8(ascii: "m"), UInt8(ascii: "n"): group = 5
                case UInt8(ascii: "r"): group = 6
                case UInt8(ascii: "h"), UInt8(ascii: "w"): continue
                case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"),
                    UInt8(ascii: "y"):
                    previous = 0
                    continue
                default: continue
                }
                if group != previous && code.count < 4 { code.append(group) }
                previous = group
            }
            if !code.isEmpty { codes.append(code) }
        }
        guard !codes.isEmpty else { return 0 }
        var hash = StableHash(tag: 15)
        for code in codes.sorted(by: { $0.lexicographicallyPrecedes($1) }) { hash.combine(code) }
        return hash.value
    }

    // MARK: Blocking keys

    private static func setKeys(
        candidates: [([UInt8], [UInt8])], familyText: [UInt64], into out: inout NormalizedRecord
    ) {
        var families: [UInt64] = []
        var givens: [UInt64] = []
        var fulls: [UInt64] = []
        func add(_ value: UInt64, to list: inout [UInt64]) { if !list.contains(value) { list.append(value) } }
        for (family, given) in candidates {
            if !family.isEmpty {
                var hash = StableHash(tag: 1)
                hash.combine(family)
                add(hash.value, to: &families)
            }
            if !given.isEmpty {
                var hash = StableHash(tag: 2)
                hash.combine(given)
                add(hash.value, to: &givens)
            }
            var hash = StableHash(tag: 3)
            let pair = family.lexicographicallyPrecedes(given) ? (family, given) : (given, family)
            hash.combine(pair.0)
            hash.combine(pair.1)
            add(hash.value, to: &fulls)
        }
        var texts: [UInt64] = []
        for value in familyText { add(value, to: &texts) }
        out.nameKeys = families + givens + fulls + texts
        out.nameKeyCounts = (UInt8(families.count), UInt8(givens.count), UInt8(fulls.count), UInt8(texts.count))
    }
}
