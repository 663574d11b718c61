/// GB/T 4658-2006 学历代码 (education level): two-digit codes whose first digit is the level (`1x` postgraduate,
/// `2x` bachelor, … `8x` primary) and whose second digit says graduated, completed or left (毕业/结业/肄业).
///
/// On the card: DF01/EF07 item 34 文化程度代码, `cn` 1 byte (../shared/specs/health-card.md §4.5 [V], §9).
///
/// The card's vendor list uses the older 1-digit GB 4658-1984 classes (`1` 研究生 … `9` 文盲或半文盲), so this table
/// carries those as 1-digit rows too. They cannot clash with the 2006 codes, which are all two digits from `10`, and a
/// `cn` byte keeps the difference (`1F` against `10`). Which edition a given card uses is uncertain ([U]): decoding
/// accepts both, and codes in neither survive as "unknown code N".
public enum EducationLevelTable: CodeTable {
    public static let standard = "GB/T 4658-2006"
    public static let subject = "education level"
    public static let entries: [CodeEntry] = [
        CodeEntry("10", "研究生教育", "postgraduate education"),
        CodeEntry("11", "博士研究生毕业", "doctorate, graduated"),
        CodeEntry("12", "博士研究生结业", "doctorate, completed without degree"),
        CodeEntry("13", "博士研究生肄业", "doctorate, left"),
        CodeEntry("14", "硕士研究生毕业", "master's, graduated"),
        CodeEntry("15", "硕士研究生结业", "master's, completed without degree"),
        CodeEntry("16", "硕士研究生肄业", "master's, left"),
        CodeEntry("17", "研究生班毕业", "postgraduate class, graduated"),
        CodeEntry("18", "研究生班结业", "postgraduate class, completed"),
        CodeEntry("19", "研究生班肄业", "postgraduate class, left"),
        CodeEntry("20", "大学本科教育", "bachelor's education"),
        CodeEntry("21", "大学本科毕业", "bachelor's, graduated"),
        CodeEntry("22", "大学本科结业", "bachelor's, completed without degree"),
        CodeEntry("23", "大学本科肄业", "bachelor's, left"),
        CodeEntry("28", "大学普通班毕业", "university ordinary class, graduated"),
        CodeEntry("30", "大学专科教育", "junior college education"),
        CodeEntry("31", "大学专科毕业", "junior college, graduated"),
        CodeEntry("32", "大学专科结业", "junior college, completed"),
        CodeEntry("33", "大学专科肄业", "junior college, left"),
        CodeEntry("40", "中等职业教育", "secondary vocational education"),
        CodeEntry("41", "中等专科毕业", "secondary specialised school, graduated"),
        CodeEntry("42", "中等专科结业", "secondary specialised school, completed"),
        CodeEntry("43", "中等专科肄业", "secondary specialised school, left"),
        CodeEntry("44", "职业高中毕业", "vocational high school, graduated"),
        CodeEntry("45", "职业高中结业", "vocational high school, completed"),
        CodeEntry("46", "职业高中肄业", "vocational high school, left"),
        CodeEntry("47", "技工学校毕业", "technical school, graduated"),
        CodeEntry("48", "技工学校结业", "technical school, completed"),
        CodeEntry("49", "技工学校肄业", "technical school, left"),
        CodeEntry("60", "普通高级中学教育", "senior high school education"),
        CodeEntry("61", "普通高中毕业", "senior high school, graduated"),
        CodeEntry("62", "普通高中结业", "senior high school, completed"),
        CodeEntry("63", "普通高中肄业", "senior high school, left"),
        CodeEntry("70", "初级中学教育", "junior high school education"),
        CodeEntry("71", "初中毕业", "junior high school, graduated"),
        CodeEntry("73", "初中肄业", "junior high school, left"),
        CodeEntry("80", "小学教育", "primary education"),
        CodeEntry("81", "小学毕业", "primary school, graduated"),
        CodeEntry("83", "小学肄业", "primary school, left"),
        CodeEntry("90", "其他", "other"),
        CodeEntry("1", "研究生", "postgraduate (GB 4658-1984 class)"),
        CodeEntry("2", "大学本科", "bachelor's (GB 4658-1984 class)"),
        CodeEntry("3", "大学专科和专科学校", "junior college (GB 4658-1984 class)"),
        CodeEntry("4", "中等专业学校或中等技术学校", "secondary specialised school (GB 4658-1984 class)"),
        CodeEntry("5", "技工学校", "technical school (GB 4658-1984 class)"),
        CodeEntry("6", "高中", "senior high school (GB 4658-1984 class)"),
        CodeEntry("7", "初中", "junior high school (GB 4658-1984 class)"),
        CodeEntry("8", "小学", "primary school (GB 4658-1984 class)"),
        CodeEntry("9", "文盲或半文盲", "illiterate or semi-literate (GB 4658-1984 class)"),
    ]
}

public typealias EducationLevel = CodedValue<EducationLevelTable>

extension CodedValue where Table == EducationLevelTable {
    public static let postgraduate = EducationLevel(code: "10")
    public static let bachelor = EducationLevel(code: "20")
    public static let juniorCollege = EducationLevel(code: "30")
    public static let secondaryVocational = EducationLevel(code: "40")
    public static let seniorHighSchool = EducationLevel(code: "60")
    public static let juniorHighSchool = EducationLevel(code: "70")
    public static let primary = EducationLevel(code: "80")
    public static let other = EducationLevel(code: "90")
}
