/// 手术切口愈合等级代码 (surgical wound healing grade) as the resident health card's inpatient record defines it:
/// `1` 甲 (primary healing), `2` 乙 (healing with inflammation), `3` 丙 (suppuration), `9` 其他.
///
/// On the card: the inpatient record's wound healing grades 1–3 (offsets 458, 705, 952), each `cn` 1 byte
/// (../shared/specs/health-card.md Appendix A [V]). The grade only, without the incision class (I/II/III) that
/// the 病案首页 combines it with.
public enum WoundHealingGradeTable: CodeTable {
    public static let standard = "居民健康卡数据定义"
    public static let subject = "wound healing grade"
    public static let entries: [CodeEntry] = [
        CodeEntry("1", "甲", "grade A: primary healing"),
        CodeEntry("2", "乙", "grade B: healing with inflammation"),
        CodeEntry("3", "丙", "grade C: suppuration"),
        CodeEntry("9", "其他", "other"),
    ]
}

public typealias WoundHealingGrade = CodedValue<WoundHealingGradeTable>

extension CodedValue where Table == WoundHealingGradeTable {
    public static let gradeA = WoundHealingGrade(code: "1")
    public static let gradeB = WoundHealingGrade(code: "2")
    public static let gradeC = WoundHealingGrade(code: "3")
    public static let other = WoundHealingGrade(code: "9")
}
