/// GB/T 2261.2-2003 个人基本信息分类与代码 第2部分：婚姻状况代码 (marital status). Two-digit codes whose
/// first digit is the class (`2x` married: `21` first marriage, `22` remarried, `23` remarried to a former spouse).
///
/// On the card: DF01/EF07 item 35 婚姻状况代码, `cn` 1 byte (../shared/specs/health-card.md §4.5 [V], §9).
/// The card digest lists `90` as "其他"; the standard's name for it is 未说明的婚姻状况.
public enum MaritalStatusTable: CodeTable {
    public static let standard = "GB/T 2261.2-2003"
    public static let subject = "marital status"
    public static let entries: [CodeEntry] = [
        CodeEntry("10", "未婚", "never married"),
        CodeEntry("20", "已婚", "married"),
        CodeEntry("21", "初婚", "first marriage"),
        CodeEntry("22", "再婚", "remarried"),
        CodeEntry("23", "复婚", "remarried to a former spouse"),
        CodeEntry("30", "丧偶", "widowed"),
        CodeEntry("40", "离婚", "divorced"),
        CodeEntry("90", "未说明的婚姻状况", "not stated"),
    ]
}

public typealias MaritalStatus = CodedValue<MaritalStatusTable>

extension CodedValue where Table == MaritalStatusTable {
    public static let neverMarried = MaritalStatus(code: "10")
    public static let married = MaritalStatus(code: "20")
    public static let widowed = MaritalStatus(code: "30")
    public static let divorced = MaritalStatus(code: "40")
    public static let notStated = MaritalStatus(code: "90")
}
