import HealthCardFoundation

/// Chinese personal-name rules the matcher relies on (../shared/specs/empi.md §3.3), exposed for
/// tools and tests: family-name segmentation with the compound-surname list, traditional →
/// simplified, and pinyin readings with surname (heteronym) readings.
public enum ChineseName {
    /// Splits a full Hanzi name into family and given name. Compound surnames (欧阳, 司马, 诸葛,
    /// 尉迟, …) take two characters when at least one character follows; otherwise the family name
    /// is the first character. Names with a middle dot (阿依古丽·买买提) have no family part.
    public static func split(_ fullName: String) -> (family: String, given: String) {
        let cleaned = EMPIText.clean(fullName)
        if cleaned.contains(where: { EMPIText.isNameSeparator($0) && $0 != 0x20 }) {
            return ("", EMPIText.string(cleaned.filter(EMPIText.isHan)))
        }
        let chars = cleaned.filter(EMPIText.isHan)
        let count = familyCount(chars.map(EMPITables.shared.simplify))
        return (EMPIText.string(chars[0..<count]), EMPIText.string(chars[count...]))
    }

    /// The number of leading characters that form the family name of simplified `chars`.
    static func familyCount(_ chars: [UInt32]) -> Int {
        if chars.count >= 3, EMPITables.shared.compoundSurnames.contains(EMPIText.string(chars[0..<2])) {
            return 2
        }
        return min(1, chars.count)
    }

    /// The text with every character mapped to its simplified form (陳 → 陈).
    public static func simplified(_ text: String) -> String {
        EMPIText.string(text.unicodeScalars.map { EMPITables.shared.simplify($0.value) })
    }

    /// Toneless readings of each character (ü written `v`), most common first.
    public static func readings(_ text: String) -> [[String]] {
        let tables = EMPITables.shared
        return text.unicodeScalars.map { scalar in
            tables.readings(of: tables.simplify(scalar.value)).map { tables.syllables[Int($0)] }
        }
    }

    /// The readings of a surname per character, from the surname table where it lists the surname
    /// (单 → [["shan"]], 乐 → [["yue", "le"]], 尉迟 → [["yu"], ["chi"]]), else the everyday readings.
    public static func surnameReadings(_ surname: String) -> [[String]] {
        let tables = EMPITables.shared
        return surnameReadingIDs(surname.unicodeScalars.map { tables.simplify($0.value) })
            .map { $0.map { tables.syllables[Int($0)] } }
    }

    static func surnameReadingIDs(_ family: [UInt32]) -> [[UInt16]] {
        let tables = EMPITables.shared
        if let entry = tables.surnames[EMPIText.string(family)] { return entry.readings }
        return family.map { Array(tables.readings(of: $0)) }
    }
}
